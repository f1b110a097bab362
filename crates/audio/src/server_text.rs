//! A server's words, made safe to print: the message in a body that is
//! text (a JSON error's message, an HTML title, plain text) rather than
//! audio, with the terminal escapes, control characters and bidi overrides
//! a hostile or broken server may send removed and its words kept.

/// A body that reads as text (JSON, HTML, plain) is a message, not audio.
/// Returns the most useful part of it: a JSON error's message, an HTML title.
pub fn text_message(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let text = without_terminal_codes(text);
    let trimmed = text.trim_start();
    if !reads_as_words(trimmed) {
        return None;
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(trimmed) {
        return Some(json_message(&json).unwrap_or_else(|| short(trimmed)));
    }
    if trimmed.starts_with('<') {
        let lower = trimmed.to_ascii_lowercase();
        for tag in ["title", "h1", "p"] {
            if let (Some(a), Some(b)) = (
                lower.find(&format!("<{tag}>")),
                lower.find(&format!("</{tag}>")),
            ) && a < b
            {
                return Some(short(&trimmed[a + tag.len() + 2..b]));
            }
        }
        return Some(short(trimmed));
    }
    Some(short(trimmed))
}

/// The message of the JSON error shapes real servers use: OpenAI
/// `{"error":{"message"}}`, kokoro `{"error":"..."}`, FastAPI
/// `{"detail":...}`, ElevenLabs `{"detail":{"message"}}`, Google
/// `{"error":{"message","status"}}`, flat `{"message"}`. Every part of it
/// is the server's words, made printable and cut: the message,
/// its code, and a `detail` list joined, so that the whole is one line of
/// at most twice [`MAX_EXCERPT`] characters and a few more.
pub fn json_message(v: &serde_json::Value) -> Option<String> {
    let s = |v: &serde_json::Value| v.as_str().map(short);
    if let Some(e) = v.get("error") {
        if let Some(m) = s(e) {
            return Some(m);
        }
        if let Some(m) = e.get("message").and_then(s) {
            let code = e.get("code").or_else(|| e.get("status")).and_then(s);
            return Some(match code {
                Some(c) => format!("{m} ({c})"),
                None => m,
            });
        }
    }
    if let Some(d) = v.get("detail") {
        if let Some(m) = s(d) {
            return Some(m);
        }
        if let Some(m) = d.get("message").and_then(s) {
            return Some(m);
        }
        if let Some(list) = d.as_array() {
            // Only as many entries as can show: a list may be endless.
            let msgs: Vec<&str> = list
                .iter()
                .filter_map(|e| e.get("msg").and_then(serde_json::Value::as_str))
                .take(MAX_EXCERPT)
                .collect();
            if !msgs.is_empty() {
                return Some(short(&msgs.join("; ")));
            }
        }
    }
    v.get("message").and_then(s)
}

/// The longest excerpt of a server's words podgen prints, in characters.
pub const MAX_EXCERPT: usize = 200;

/// A message on one line, cut to [`MAX_EXCERPT`] characters, with nothing
/// in it a terminal would act on.
fn short(s: &str) -> String {
    let s = printable(s);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > MAX_EXCERPT {
        format!("{}…", s.chars().take(MAX_EXCERPT).collect::<String>())
    } else {
        s
    }
}

/// Whether `text` is words (with, perhaps, a few stray control characters),
/// not binary that happens to be UTF-8: raw PCM of quiet audio is mostly
/// NULs and other controls; a server's message is mostly letters.
fn reads_as_words(text: &str) -> bool {
    let head: Vec<char> = text.chars().take(256).collect();
    let controls = head
        .iter()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    controls * 10 <= head.len() && head.iter().any(|c| c.is_alphanumeric())
}

/// `text` as it may be printed: terminal escape sequences removed, then
/// every other control character (BEL, backspace, NUL, a lone ESC) and the
/// bidirectional overrides that reorder what a terminal shows dropped.
/// Line breaks and tabs stay; callers that want one line collapse them.
pub fn printable(text: &str) -> String {
    without_terminal_codes(text)
        .chars()
        .filter(|&c| {
            let control = c.is_control() && c != '\n' && c != '\t';
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            !control && !bidi
        })
        .collect()
}

/// `text` without terminal escape sequences (colours from a server's log
/// formatter: `ESC [ … letter`, `ESC ] … BEL`) so that its words still show.
fn without_terminal_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // CSI: parameters and intermediates, then one final byte @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ESC \.
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_in_terminal_colours_keeps_its_words() {
        let body = b"\x1b[31mERROR\x1b[0m: \x1b]0;title\x07model not loaded";
        assert_eq!(
            text_message(body).as_deref(),
            Some("ERROR: model not loaded")
        );
        let long = "x ".repeat(1000);
        let m = text_message(long.as_bytes()).unwrap();
        assert_eq!(m.chars().count(), MAX_EXCERPT + 1);
    }

    #[test]
    fn control_characters_are_dropped_and_the_words_kept() {
        let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2JVoice\u{8} not\u{0} found\u{202e} here";
        assert_eq!(
            text_message(hostile.as_bytes()).as_deref(),
            Some("Voice not found here")
        );
        let json = serde_json::json!({"error": {"message": hostile}}).to_string();
        assert_eq!(
            text_message(json.as_bytes()).as_deref(),
            Some("Voice not found here")
        );
        assert_eq!(printable("a\u{1b}b\nc\u{7}"), "a\nc");
    }

    #[test]
    fn quiet_raw_pcm_is_not_words() {
        let pcm: Vec<u8> = (0..400u32).flat_map(|i| [(i % 7) as u8, 0]).collect();
        assert_eq!(text_message(&pcm), None);
        assert_eq!(text_message(&[0u8; 64]), None);
    }
}
