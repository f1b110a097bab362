//! The pronunciation lexicon: a word, phrase or pattern and what is said
//! for it, optionally only in one language or for some voices or backends.
//!
//! A literal `word` matches whole words: where it begins or ends with a
//! Latin letter or digit, the text next to it must not be one (so `AI` does
//! not match inside `OpenAI`, but does inside `用AI做`). A `regex` is used as
//! written, and `$1` in `say` is its first group.

use serde::Deserialize;

/// One lexicon entry as written in podgen.yaml or lexicon.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The word or phrase, matched literally and as whole words.
    pub word: Option<String>,
    /// A regular expression (Rust `regex` syntax), instead of `word`.
    pub regex: Option<String>,
    /// What is spoken instead.
    pub say: String,
    /// How it is pronounced, in IPA, for backends that take phonemes (Azure
    /// SSML `<phoneme>`, templates through `{{ssml}}`); the others say `say`.
    pub ipa: Option<String>,
    /// Match without regard to letter case.
    #[serde(default)]
    pub ignore_case: bool,
    /// Only in text of this language (`zh`, `en-US`; the primary tag counts).
    pub language: Option<String>,
    /// Only for these voices (default: all).
    #[serde(default)]
    pub voices: Vec<String>,
    /// Only for voices on these backends (default: all).
    #[serde(default)]
    pub backends: Vec<String>,
}

/// Why an entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    /// Neither or both of `word` and `regex`.
    #[error("give exactly one of `word` and `regex`")]
    WordOrRegex,
    /// An empty `word` or `say`.
    #[error("`{0}` is empty")]
    Empty(&'static str),
    /// The regular expression does not compile.
    #[error("the regex does not compile: {0}")]
    Regex(String),
}

/// The longest compiled pattern accepted: a lexicon is words, not programs.
const MAX_PATTERN_BYTES: usize = 1 << 20;

#[derive(Debug, Clone)]
struct Compiled {
    pattern: regex::Regex,
    literal: bool,
    say: String,
    ipa: Option<String>,
    language: Option<String>,
    voices: Vec<String>,
    backends: Vec<String>,
    /// Where the entry was written, for messages.
    origin: String,
}

/// Compiled entries, in priority order (earlier entries win).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Compiled>,
}

/// A stretch of text after the lexicon: still as written, or what an entry
/// says (which nothing changes further).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text no entry matched.
    Written(String),
    /// An entry's `say`, and its IPA when it gives one.
    Said {
        /// What is spoken.
        say: String,
        /// How, in IPA.
        ipa: Option<String>,
    },
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

impl Lexicon {
    /// Compile `entries`; an error carries the index of the entry at fault.
    pub fn compile(entries: &[Entry]) -> Result<Lexicon, (usize, LexiconError)> {
        Lexicon::compile_from(entries, |i| format!("lexicon entry {}", i + 1))
    }

    /// Compile `entries`, `origin(i)` saying where entry `i` was written
    /// (a file and line, for messages about it later).
    pub fn compile_from(
        entries: &[Entry],
        origin: impl Fn(usize) -> String,
    ) -> Result<Lexicon, (usize, LexiconError)> {
        let mut out = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let mut compiled = compile_one(e).map_err(|err| (i, err))?;
            compiled.origin = origin(i);
            out.push(compiled);
        }
        Ok(Lexicon { entries: out })
    }

    /// Every entry's reading, with where the entry was written.
    pub fn readings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|e| (e.origin.as_str(), e.say.as_str()))
    }

    /// This lexicon followed by `other` (whose entries lose to this one's).
    pub fn then(mut self, other: Lexicon) -> Lexicon {
        self.entries.extend(other.entries);
        self
    }

    /// The entries that apply to `voice` on `backend`.
    pub fn for_voice(&self, voice: &str, backend: &str) -> Lexicon {
        let applies =
            |list: &[String], name: &str| list.is_empty() || list.iter().any(|n| n == name);
        Lexicon {
            entries: self
                .entries
                .iter()
                .filter(|e| applies(&e.voices, voice) && applies(&e.backends, backend))
                .cloned()
                .collect(),
        }
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `text` (in language `tag`) cut into what entries say and what they
    /// left as written, in order; the pieces' written parts and the matched
    /// words together are exactly `text`.
    pub fn apply(&self, text: &str, tag: &str) -> Vec<Piece> {
        let lang = primary(tag);
        let mut pieces = vec![Piece::Written(text.to_string())];
        for e in &self.entries {
            if e.language.as_ref().is_some_and(|l| *l != lang) {
                continue;
            }
            pieces = pieces
                .into_iter()
                .flat_map(|p| match p {
                    Piece::Written(w) => e.split(&w),
                    said => vec![said],
                })
                .collect();
        }
        pieces
    }
}

fn compile_one(e: &Entry) -> Result<Compiled, LexiconError> {
    let (source, literal) = match (&e.word, &e.regex) {
        (Some(w), None) if w.trim().is_empty() => return Err(LexiconError::Empty("word")),
        (Some(w), None) => (regex::escape(w.trim()), true),
        (None, Some(r)) => (r.clone(), false),
        _ => return Err(LexiconError::WordOrRegex),
    };
    if e.say.trim().is_empty() {
        return Err(LexiconError::Empty("say"));
    }
    let pattern = regex::RegexBuilder::new(&source)
        .case_insensitive(e.ignore_case)
        .size_limit(MAX_PATTERN_BYTES)
        .build()
        .map_err(|err| LexiconError::Regex(err.to_string()))?;
    Ok(Compiled {
        pattern,
        literal,
        say: e.say.clone(),
        ipa: e.ipa.clone().filter(|i| !i.trim().is_empty()),
        language: e.language.as_deref().map(primary),
        voices: e.voices.clone(),
        backends: e.backends.clone(),
        origin: String::new(),
    })
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

impl Compiled {
    /// Whether the match at `start..end` of `text` stands as a whole word.
    fn whole_word(&self, text: &str, start: usize, end: usize) -> bool {
        if !self.literal {
            return true;
        }
        let m = &text[start..end];
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let first = m.chars().next();
        let last = m.chars().next_back();
        !(is_word_char(first) && is_word_char(before) || is_word_char(last) && is_word_char(after))
    }

    fn split(&self, text: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut copied = 0;
        let mut from = 0;
        while let Some(caps) = self.pattern.captures_at(text, from) {
            let m = caps.get(0).expect("group 0 is the match");
            if m.is_empty() {
                // An empty match says nothing: step over one character.
                match text[m.end()..].chars().next() {
                    Some(c) => from = m.end() + c.len_utf8(),
                    None => break,
                }
                continue;
            }
            if !self.whole_word(text, m.start(), m.end()) {
                from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            if m.start() > copied {
                out.push(Piece::Written(text[copied..m.start()].to_string()));
            }
            let mut said = String::new();
            if self.literal {
                said.push_str(&self.say);
            } else {
                caps.expand(&self.say, &mut said);
            }
            out.push(Piece::Said {
                say: said,
                ipa: self.ipa.clone(),
            });
            copied = m.end();
            from = m.end();
        }
        if copied < text.len() {
            out.push(Piece::Written(text[copied..].to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(word: &str, say: &str) -> Entry {
        Entry {
            word: Some(word.into()),
            regex: None,
            say: say.into(),
            ignore_case: false,
            ipa: None,
            language: None,
            voices: vec![],
            backends: vec![],
        }
    }

    fn said(lex: &Lexicon, text: &str, tag: &str) -> String {
        lex.apply(text, tag)
            .into_iter()
            .map(|p| match p {
                Piece::Written(w) => w,
                Piece::Said { say, .. } => format!("<{say}>"),
            })
            .collect()
    }

    #[test]
    fn literal_words_match_whole_words_only() {
        let lex = Lexicon::compile(&[entry("AI", "A.I.")]).unwrap();
        assert_eq!(said(&lex, "OpenAI uses AI.", "en"), "OpenAI uses <A.I.>.");
        assert_eq!(said(&lex, "用AI做播客", "zh"), "用<A.I.>做播客");
        assert_eq!(said(&lex, "AIs and MAI", "en"), "AIs and MAI");
        let han = Lexicon::compile(&[entry("英伟达", "英伟达公司")]).unwrap();
        assert_eq!(said(&han, "今天英伟达涨了", "zh"), "今天<英伟达公司>涨了");
    }

    #[test]
    fn regex_entries_expand_groups_and_earlier_entries_win() {
        let mut re = entry("", "GPT $1 o");
        re.word = None;
        re.regex = Some(r"GPT-(\d)o".into());
        let lex = Lexicon::compile(&[entry("GPT-4o mini", "mini four"), re]).unwrap();
        assert_eq!(
            said(&lex, "GPT-4o mini and GPT-4o", "en"),
            "<mini four> and <GPT 4 o>"
        );
    }

    #[test]
    fn language_voice_and_backend_filters() {
        let mut zh_only = entry("Rubin", "鲁宾");
        zh_only.language = Some("zh".into());
        zh_only.voices = vec!["host".into()];
        let lex = Lexicon::compile(&[zh_only]).unwrap();
        assert_eq!(said(&lex, "Rubin平台", "zh-CN"), "<鲁宾>平台");
        assert_eq!(said(&lex, "Rubin is", "en-US"), "Rubin is");
        assert!(lex.for_voice("guest", "kokoro").is_empty());
        assert_eq!(lex.for_voice("host", "kokoro").len(), 1);
    }

    #[test]
    fn bad_entries_are_refused_and_empty_matches_say_nothing() {
        let mut both = entry("a", "b");
        both.regex = Some("a".into());
        assert_eq!(
            Lexicon::compile(&[entry("x", "y"), both]).unwrap_err(),
            (1, LexiconError::WordOrRegex)
        );
        assert_eq!(
            Lexicon::compile(&[entry("x", " ")]).unwrap_err().1,
            LexiconError::Empty("say")
        );
        let mut bad = entry("", "b");
        bad.word = None;
        bad.regex = Some("(unclosed".into());
        assert!(matches!(
            Lexicon::compile(&[bad]).unwrap_err().1,
            LexiconError::Regex(_)
        ));
        let mut star = entry("", "X");
        star.word = None;
        star.regex = Some("z*".into());
        let lex = Lexicon::compile(&[star]).unwrap();
        assert_eq!(said(&lex, "abzzc", "en"), "ab<X>c");
    }
}
