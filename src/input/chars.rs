//! The characters each kind of field may hold. Text is read aloud and
//! written into XML (SSML, the feed), WebVTT, SRT and JSON: a character XML
//! 1.0 forbids (C0 controls but tab and line breaks, noncharacters such as
//! U+FFFE) breaks those files, so it is refused where it is written. A
//! one-line field (a title, a name) holds no line break of any kind: a
//! carriage return or U+2028 ends a transcript cue as a line feed does.

/// A character no field may hold: a control character other than tab,
/// line feed and carriage return (C0, DEL and C1, which XML forbids or
/// terminals obey), or a Unicode noncharacter (U+FDD0 to U+FDEF, and the
/// last two code points of every plane, U+FFFE, U+FFFF, U+1FFFE, …).
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_noncharacter(c)
}

/// A Unicode noncharacter: a code point reserved never to be a character.
pub fn is_noncharacter(c: char) -> bool {
    let cp = c as u32;
    (0xFDD0..=0xFDEF).contains(&cp) || cp & 0xFFFE == 0xFFFE
}

/// A character that breaks a line in some reader: line feed, carriage
/// return, vertical tab, form feed, next line (U+0085), and the line and
/// paragraph separators (U+2028, U+2029).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A character that shows nothing: white space, and the format characters
/// that take no room (zero-width space and joiners, the byte-order mark,
/// word joiner, soft hyphen, direction marks).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
        )
}

/// Whether `s` shows nothing at all: empty, white space or zero-width
/// characters only.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_invisible)
}

/// What is wrong with the characters of a field, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharProblem {
    /// A line break in a one-line field.
    LineBreak,
    /// A control character or a noncharacter.
    Forbidden(char),
}

impl CharProblem {
    /// The problem in words, after the field's name: "contains a line break".
    pub fn describe(self) -> String {
        match self {
            CharProblem::LineBreak => "contains a line break".into(),
            CharProblem::Forbidden(c) if is_noncharacter(c) => format!(
                "contains U+{:04X}, a noncharacter (no text holds it, and XML forbids it)",
                c as u32
            ),
            CharProblem::Forbidden(c) => {
                format!("contains the control character U+{:04X}", c as u32)
            }
        }
    }
}

/// The first problem of a one-line field: a line break of any kind, or a
/// forbidden character.
pub fn line_problem(s: &str) -> Option<CharProblem> {
    s.chars().find_map(|c| {
        if is_line_break(c) {
            Some(CharProblem::LineBreak)
        } else {
            is_forbidden(c).then_some(CharProblem::Forbidden(c))
        }
    })
}

/// The first problem of a text field (line breaks allowed).
pub fn text_problem(s: &str) -> Option<CharProblem> {
    s.chars()
        .find(|&c| is_forbidden(c))
        .map(CharProblem::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_character_is_told_apart() {
        for c in [
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{10FFFF}',
            '\u{1FFFE}',
        ] {
            assert!(is_noncharacter(c) && is_forbidden(c), "{c:?}");
        }
        for c in ['\u{0}', '\u{1B}', '\u{7F}', '\u{85}', '\u{0B}'] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', 'a', '中', '\u{2028}', '\u{FFFD}'] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        assert_eq!(line_problem("a\u{2028}b"), Some(CharProblem::LineBreak));
        assert_eq!(line_problem("a\u{0C}b"), Some(CharProblem::LineBreak));
        assert_eq!(text_problem("a\u{2028}b"), None);
        assert!(is_blank("\u{200B} \u{FEFF}") && !is_blank("\u{200B}a"));
    }
}
