//! Latin-script spans inside Chinese text, for a voice's English voice.

/// `sentence` cut into Latin-script spans (true) and the rest (false), in
/// order; together they are exactly `sentence`. A Latin span starts with a
/// Latin letter and runs on over letters, digits, spaces between them and
/// joiners inside a word (`-`, `.`, `'`, `&`, `+`, `/`, `_`): `Stable Audio
/// Open`, `AMD Zen 5`, `GPT-4o`, `LLM-Modulo`. Punctuation or spaces alone
/// between two spans go with the span before them, so that no request
/// carries only a comma.
pub fn latin_spans(sentence: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut spans: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let latin = chars[i].is_ascii_alphabetic();
        if latin {
            i += 1;
            while i < chars.len() {
                let c = chars[i];
                let next_alnum = chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric);
                if c.is_ascii_alphanumeric() || ("-.'&+/_ ".contains(c) && next_alnum) {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            while i < chars.len() && !chars[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        let text: String = chars[start..i].iter().collect();
        let wordless = !text.chars().any(char::is_alphanumeric);
        match spans.last_mut() {
            Some(last) if wordless => last.0.push_str(&text),
            _ => spans.push((text, latin)),
        }
    }
    // A wordless start (a quote mark) goes with what follows.
    if spans.len() > 1 && !spans[0].0.chars().any(char::is_alphanumeric) {
        let first = spans.remove(0);
        spans[0].0.insert_str(0, &first.0);
    }
    if spans.is_empty() {
        spans.push((String::new(), false));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_inside_chinese_are_spans_and_together_the_sentence() {
        let s = "Stability AI宣布推出开放模型Stable Audio Open，能够生成音频。";
        let spans = latin_spans(s);
        assert_eq!(
            spans,
            [
                ("Stability AI".to_string(), true),
                ("宣布推出开放模型".to_string(), false),
                ("Stable Audio Open".to_string(), true),
                ("，能够生成音频。".to_string(), false),
            ]
        );
        assert_eq!(spans.iter().map(|s| s.0.as_str()).collect::<String>(), s);
        assert_eq!(latin_spans(""), [(String::new(), false)]);
    }
}
