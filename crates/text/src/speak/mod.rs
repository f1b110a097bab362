//! Written text → spoken text: the pronunciation lexicon, then text
//! normalisation (numbers, dates, money, units, abbreviations) for the
//! segment's language. Pure text work, between planning and synthesis: the
//! written text stays in transcripts, chapters and notes; only what is sent
//! to a backend (and the cache key made from it) changes.
//!
//! What the lexicon put in is never normalised again: an entry is the
//! producer's last word on how something sounds.
//!
//! Each language is a folder ([`en`], [`zh`]): its tables as data, how it
//! reads numbers, and a module per rule family ([`Rules`]). What neither
//! language reads (markup, URLs, code) is one module both use.

pub mod en;
pub mod lexicon;
mod protect;
pub mod rules;
mod work;
pub mod zh;

pub use lexicon::{Entry, Lexicon, LexiconError};
pub use rules::Rules;

use crate::escape;

/// How one voice reads: its rule families and the lexicon entries that
/// apply to it.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Which normalisation families are on.
    pub rules: Rules,
    /// The lexicon entries for this voice and backend.
    pub lexicon: Lexicon,
}

/// Which rule set a language tag gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rulebook {
    /// Mandarin (zh, cmn, and their regional tags).
    Mandarin,
    /// English.
    English,
    /// A language podgen has no rules for: text passes unchanged.
    None,
}

impl Rulebook {
    /// The rulebook for a BCP-47 tag.
    pub fn for_tag(tag: &str) -> Rulebook {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "cmn" | "yue" => Rulebook::Mandarin,
            "en" => Rulebook::English,
            _ => Rulebook::None,
        }
    }
}

/// What is spoken for a text: plain, and as SSML with `<phoneme>` where a
/// lexicon entry gives IPA (None when none does).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spoken {
    /// The text sent to backends.
    pub text: String,
    /// The same, XML-escaped, with `<phoneme alphabet="ipa" ph="…">`
    /// around what IPA entries say: for backends that take phonemes.
    pub ssml: Option<String>,
}

impl Reading {
    /// What is spoken for `text` in the language `tag`.
    pub fn spoken(&self, text: &str, tag: &str) -> String {
        self.speak(text, tag).text
    }

    /// What is spoken for `text` in the language `tag`, with its SSML form.
    pub fn speak(&self, text: &str, tag: &str) -> Spoken {
        let book = Rulebook::for_tag(tag);
        let mut plain = String::with_capacity(text.len() + text.len() / 4);
        let mut ssml = String::new();
        let mut phonemes = false;
        for piece in self.lexicon.apply(text, tag) {
            match piece {
                lexicon::Piece::Written(s) => {
                    let n = normalize(&s, book, self.rules);
                    ssml.push_str(&escape::xml(&n));
                    plain.push_str(&n);
                }
                lexicon::Piece::Said {
                    say,
                    ipa: Some(ipa),
                } => {
                    phonemes = true;
                    ssml.push_str(&format!(
                        "<phoneme alphabet=\"ipa\" ph=\"{}\">{}</phoneme>",
                        escape::xml(&ipa),
                        escape::xml(&say)
                    ));
                    plain.push_str(&say);
                }
                lexicon::Piece::Said { say, ipa: None } => {
                    ssml.push_str(&escape::xml(&say));
                    plain.push_str(&say);
                }
            }
        }
        Spoken {
            text: plain,
            ssml: phonemes.then_some(ssml),
        }
    }
}

/// `text` normalised by `book`'s rules.
pub fn normalize(text: &str, book: Rulebook, rules: Rules) -> String {
    if !rules.any() {
        return text.to_string();
    }
    match book {
        Rulebook::Mandarin => zh::normalize(text, rules),
        Rulebook::English => en::normalize(text, rules),
        Rulebook::None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_their_rulebook() {
        assert_eq!(Rulebook::for_tag("zh-CN"), Rulebook::Mandarin);
        assert_eq!(Rulebook::for_tag("cmn"), Rulebook::Mandarin);
        assert_eq!(Rulebook::for_tag("en-US"), Rulebook::English);
        assert_eq!(Rulebook::for_tag("de"), Rulebook::None);
        assert_eq!(
            normalize("3 Äpfel", Rulebook::None, Rules::default()),
            "3 Äpfel"
        );
    }
}
