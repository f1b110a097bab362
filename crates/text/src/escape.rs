//! Text written into another format so that it shows as written: the one
//! home of every escaper podgen uses. XML (SSML request bodies, the feed),
//! HTML (the episode page, the feed's show notes), WebVTT cues and notes,
//! SRT cards, Markdown (notes.md), and JSON inside an HTML `<script>`
//! element.
//!
//! Each escapes exactly what its format reads as markup, and nothing more,
//! so that the text stays readable in the file. Two rules hold for all of
//! them: every Unicode line break inside a one-line field becomes a space
//! ([`one_line`]), so that no break can end a cue, a card or a heading early;
//! and the characters XML 1.0 cannot carry (and the Unicode noncharacters)
//! are dropped ([`xml_chars`]), so that no parser rejects the file.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` breaks a line somewhere: LF, CR, VT, FF, NEL (U+0085) and
/// the Unicode line and paragraph separators (U+2028, U+2029).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `s` on one line: each run of line breaks ([`is_line_break`]) becomes one
/// space, so `\r\n`, `\r\r` or a lone U+2028 cannot start a new line in a
/// transcript, a heading or a title.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.contains(is_line_break) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut in_break = false;
    for c in s.chars() {
        if is_line_break(c) {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else {
            out.push(c);
            in_break = false;
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 can carry `c` and it is a character at all: tab, LF,
/// CR and U+0020 up, but not surrogates, U+FFFE/U+FFFF (nor their
/// counterparts U+xFFFE/U+xFFFF in every plane) or the noncharacters
/// U+FDD0 to U+FDEF.
pub fn is_xml_char(c: char) -> bool {
    let n = c as u32;
    let forbidden_control = n < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    let noncharacter = (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE;
    !(forbidden_control || noncharacter)
}

/// A title, a name or a sentence as every output shows it: on one line
/// ([`one_line`]) and without what XML cannot carry ([`xml_chars`]), so
/// that no writer (a UTF-16 ID3 frame included, where U+FFFE reads as a
/// byte-order mark) meets either.
pub fn clean_line(s: &str) -> String {
    xml_chars(&one_line(s)).into_owned()
}

/// `s` without the characters XML 1.0 cannot carry ([`is_xml_char`]).
pub fn xml_chars(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// `s` with XML's special characters escaped, and the characters XML 1.0
/// cannot carry dropped.
pub fn xml(s: &str) -> String {
    markup(s, "&apos;")
}

/// Text as HTML shows it, safe in element content and in quoted
/// attributes; characters an HTML parser reports as errors (those XML
/// cannot carry) dropped.
pub fn html(s: &str) -> String {
    markup(s, "&#39;")
}

/// The five characters XML and HTML read as markup, escaped, the
/// apostrophe as `apostrophe`; what XML cannot carry, dropped.
fn markup(s: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` with every `pattern` replaced by `with` until none is left: a
/// single pass would let `--->` become `-->` again.
fn replace_until_gone(s: &str, pattern: &str, with: &str) -> String {
    let mut out = s.to_string();
    while out.contains(pattern) {
        out = out.replace(pattern, with);
    }
    out
}

/// Text for a WebVTT cue line: a [`clean_line`], `&`, `<` and `>`
/// escaped, as WebVTT requires (so no `-->` can remain either).
pub fn vtt(s: &str) -> String {
    clean_line(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A speaker's name for a WebVTT voice span, `<v name>`: a [`vtt`] text
/// that does not end in `-`, since the span's `>` follows it and `-->`
/// would end the cue (a space before `>` is not part of the name).
pub fn vtt_voice(s: &str) -> String {
    let mut name = vtt(s);
    if name.ends_with('-') {
        name.push(' ');
    }
    name
}

/// Text for a WebVTT NOTE block: a [`clean_line`] without `-->`, which
/// would end it.
pub fn vtt_note(s: &str) -> String {
    replace_until_gone(&clean_line(s), "-->", "->")
}

/// Text for an SRT card line: a [`clean_line`] (a blank line ends a card)
/// without `-->`, which readers take for a timing line.
pub fn srt(s: &str) -> String {
    replace_until_gone(&clean_line(s), "-->", "->")
}

/// Markdown text that shows as written, a [`clean_line`]: characters Markdown
/// reads as emphasis, code, links or HTML (comments included) inside a
/// line are escaped.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_line(s).chars() {
        if "\\`*_[]<>|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JSON text made safe inside an HTML `<script>` element: no `<`, `>` or
/// `&` (which could end the element) nor U+2028/U+2029 (line ends to old
/// JavaScript parsers). Each is written as a `\u` escape, which JSON reads
/// back unchanged (they can only occur inside strings in valid JSON).
/// Noncharacters, which HTML parsers report, are dropped.
pub fn json_in_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            // Noncharacters are errors to an HTML parser (and can only be
            // inside strings); controls are escaped by any JSON writer.
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_the_controls_it_cannot_carry() {
        assert_eq!(
            xml("<b>&\"q\" 'x'\u{1}\t\n🎙"),
            "&lt;b&gt;&amp;&quot;q&quot; &apos;x&apos;\t\n🎙"
        );
        let forbidden = "a\u{0}\u{8}\u{1F}\u{FFFE}\u{FFFF}\u{FDD0}\u{FDEF}\u{1FFFE}\u{10FFFF}b";
        assert_eq!(xml(forbidden), "ab");
        assert_eq!(html(forbidden), "ab");
        assert_eq!(xml_chars(forbidden), "ab");
        // Their neighbours are characters.
        assert_eq!(
            xml("\u{FDCF}\u{FDF0}\u{FFFD}\u{10000}\u{7F}"),
            "\u{FDCF}\u{FDF0}\u{FFFD}\u{10000}\u{7F}"
        );
    }

    #[test]
    fn every_line_break_becomes_one_space() {
        for br in [
            "\n", "\r", "\r\n", "\r\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}",
        ] {
            assert_eq!(one_line(&format!("a{br}b")), "a b", "{br:?}");
            assert_eq!(vtt(&format!("a{br}b")), "a b", "{br:?}");
            assert_eq!(srt(&format!("a{br}b")), "a b", "{br:?}");
            assert_eq!(markdown(&format!("a{br}b")), "a b", "{br:?}");
        }
    }

    #[test]
    fn html_is_escaped_for_content_and_attributes() {
        assert_eq!(
            html("<b>&\"quotes\" 'x' 🎙"),
            "&lt;b&gt;&amp;&quot;quotes&quot; &#39;x&#39; 🎙"
        );
    }

    #[test]
    fn every_line_writer_drops_what_xml_cannot_carry() {
        let hostile = "a\u{1b}(2J\u{0}\u{7}\u{FFFE}\u{FDD0}\r\nb";
        for (name, f) in [
            ("vtt", vtt as fn(&str) -> String),
            ("vtt_note", vtt_note),
            ("srt", srt),
            ("markdown", markdown),
        ] {
            assert_eq!(f(hostile), "a(2J b", "{name}");
        }
    }

    #[test]
    fn vtt_escapes_what_a_cue_reads_as_markup_and_notes_lose_their_arrows() {
        assert_eq!(vtt("a <b> & c \"d\""), "a &lt;b&gt; &amp; c \"d\"");
        assert_eq!(vtt_note("a --> b"), "a -> b");
        for arrows in ["--->", "---->", "-->>", "------>"] {
            assert!(!vtt_note(arrows).contains("-->"), "{arrows}");
            assert!(!srt(arrows).contains("-->"), "{arrows}");
        }
    }

    #[test]
    fn markdown_escapes_inline_markup_only() {
        assert_eq!(
            markdown("[x](y) *z* LLM-Modulo"),
            "\\[x\\](y) \\*z\\* LLM-Modulo"
        );
    }

    #[test]
    fn json_in_a_script_cannot_close_its_element() {
        let text = json_in_script("{\"t\":\"</script><!-- & \u{2028}\u{2029} 🎙\"}");
        assert_eq!(
            text,
            "{\"t\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 🎙\"}"
        );
    }
}
