//! Cutting written text into what is spoken in one go: paragraphs (blank
//! lines), pause markers (`[pause 800ms]`), sentences (Chinese `。！？；`,
//! Latin `.!?;` except after an abbreviation of the English tables),
//! Latin spans inside Chinese, and chunks that fit a backend's limit, cut
//! at the weakest acceptable boundary and never inside a Latin word.
//!
//! Unicode segmentation breaks after abbreviations ("Dr.") and knows
//! nothing of never cutting a Latin word inside Chinese text or of byte
//! limits (Google counts bytes), so this is written by hand.

mod chunks;
mod pauses;
mod sentences;
mod spans;

pub use chunks::{chunks, spoken_chunks};
pub use pauses::{PAUSE_MARKER, bad_marker, split_pauses};
pub use sentences::sentences;
pub use spans::latin_spans;

use crate::lang::is_cjk;

/// How long a text one request may carry, as the backend counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Most Unicode scalar values per request.
    pub max_chars: usize,
    /// Most UTF-8 bytes per request, for backends that count bytes.
    pub max_bytes: Option<usize>,
}

impl Limit {
    /// A limit in characters only.
    pub fn chars(max_chars: usize) -> Self {
        Limit {
            max_chars,
            max_bytes: None,
        }
    }

    /// Whether `s` fits in one request.
    pub fn fits(&self, s: &str) -> bool {
        s.chars().count() <= self.max_chars && self.max_bytes.is_none_or(|b| s.len() <= b)
    }
}

/// Paragraphs of a text: separated by blank lines. The lines inside one
/// paragraph are joined, with a space only where Latin text meets Latin text.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let needs_space = match (current.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => !(is_cjk(a) || is_cjk(b)),
            _ => false,
        };
        if needs_space {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    // Spaces and tabs inside a line stay as written: the text reaches the
    // backend as the producer wrote it, but for line breaks.
    out.into_iter()
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_and_join_lines() {
        let p = paragraphs("第一行。\n第二行。\n\n  \nFirst line\nsecond line.\n");
        assert_eq!(p, vec!["第一行。第二行。", "First line second line."]);
    }
}
