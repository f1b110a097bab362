//! Written text → spoken text: the pronunciation lexicon, then text
//! normalisation (numbers, dates, money, units, abbreviations) for the
//! segment's language. Pure text work, between planning and synthesis: the
//! written text stays in transcripts, chapters and notes; only what is sent
//! to a backend (and the cache key made from it) changes.
//!
//! What the lexicon put in is never normalised again: an entry is the
//! producer's last word on how something sounds.

pub mod en;
pub mod lexicon;
pub mod rules;
pub mod zh;

pub use lexicon::{Entry, Lexicon, LexiconError};
pub use rules::Rules;

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

impl Reading {
    /// What is spoken for `text` in the language `tag`.
    pub fn spoken(&self, text: &str, tag: &str) -> String {
        let book = Rulebook::for_tag(tag);
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        for piece in self.lexicon.apply(text, tag) {
            match piece {
                lexicon::Piece::Said(s) => out.push_str(&s),
                lexicon::Piece::Written(s) => out.push_str(&normalize(&s, book, self.rules)),
            }
        }
        out
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
