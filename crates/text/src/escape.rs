//! Text written into another format so that it shows as written: the one
//! home of every escaper podgen uses. XML (SSML request bodies), HTML (the
//! episode page, the feed's show notes), WebVTT cues and notes, Markdown
//! (notes.md), and JSON inside an HTML `<script>` element.
//!
//! Each escapes exactly what its format reads as markup, and nothing more,
//! so that the text stays readable in the file.

use std::fmt::Write as _;

/// `s` with XML's special characters escaped, and the control characters
/// XML 1.0 cannot carry (all but tab, CR, LF) replaced by spaces.
pub fn xml(s: &str) -> String {
    markup(s, "&apos;", Controls::ToSpace)
}

/// Text as HTML shows it, safe in element content and in quoted attributes.
pub fn html(s: &str) -> String {
    markup(s, "&#39;", Controls::Keep)
}

/// What to do with control characters.
#[derive(Clone, Copy, PartialEq)]
enum Controls {
    /// Leave them: HTML carries them.
    Keep,
    /// Replace all but tab, CR and LF by a space: XML 1.0 cannot carry them.
    ToSpace,
}

/// The five characters XML and HTML read as markup, escaped, the
/// apostrophe as `apostrophe`.
fn markup(s: &str, apostrophe: &str, controls: Controls) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if controls == Controls::ToSpace
                && (c as u32) < 0x20
                && !matches!(c, '\t' | '\n' | '\r') =>
            {
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for a WebVTT cue: `&`, `<` and `>` escaped, as WebVTT requires.
pub fn vtt(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text for a WebVTT NOTE block, which may not contain `-->`.
pub fn vtt_note(s: &str) -> String {
    s.replace("-->", "->")
}

/// Markdown text that shows as written: characters Markdown reads as
/// emphasis, code, links or HTML inside a line are escaped.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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
pub fn json_in_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
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
            "&lt;b&gt;&amp;&quot;q&quot; &apos;x&apos; \t\n🎙"
        );
    }

    #[test]
    fn html_is_escaped_for_content_and_attributes() {
        assert_eq!(
            html("<b>&\"quotes\" 'x' 🎙"),
            "&lt;b&gt;&amp;&quot;quotes&quot; &#39;x&#39; 🎙"
        );
    }

    #[test]
    fn vtt_escapes_what_a_cue_reads_as_markup_and_notes_lose_their_arrows() {
        assert_eq!(vtt("a <b> & c \"d\""), "a &lt;b&gt; &amp; c \"d\"");
        assert_eq!(vtt_note("a --> b"), "a -> b");
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
