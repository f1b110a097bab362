//! Sentences of a paragraph.

use crate::lang::{is_cjk, is_han};
use crate::speak::en::ends_no_sentence;

/// Closing quotes and brackets that stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '」' | '』' | ')' | '）' | ']' | '】' | '》' | '〉'
    )
}

/// Sentences of one paragraph. Chinese `。！？；` (and `!?;` in their full-width
/// forms) always end a sentence; Latin `.!?;` end one when followed by a space,
/// the end, or Chinese text, except after an abbreviation the English tables
/// know ([`ends_no_sentence`]: Dr., Gen., etc., Jan., e.g., No. before a
/// number) or an initial.
pub fn sentences(paragraph: &str) -> Vec<String> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ends = match c {
            '。' | '！' | '？' | '；' | '｡' => true,
            '!' | '?' | ';' => latin_break_follows(&chars, i + 1),
            '.' => {
                latin_break_follows(&chars, i + 1)
                    && !is_abbreviation(&chars[start..i], &chars[i + 1..])
            }
            _ => false,
        };
        if ends {
            // Keep runs like "?!" or "。」" together.
            let mut j = i + 1;
            while j < chars.len()
                && (is_closer(chars[j]) || matches!(chars[j], '。' | '！' | '？' | '!' | '?' | '.'))
            {
                j += 1;
            }
            push_trimmed(&mut out, &chars[start..j]);
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    push_trimmed(&mut out, &chars[start..]);
    out
}

fn push_trimmed(out: &mut Vec<String>, chars: &[char]) {
    let s: String = chars.iter().collect();
    let s = s.trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s.to_string());
    } else if let (Some(last), false) = (out.last_mut(), s.is_empty()) {
        // Stray punctuation or an emoji after a sentence stays with it.
        last.push_str(s);
    }
}

/// After Latin `.!?;` at `i-1`: a space, the end, or Chinese text (possibly
/// after closing quotes) make it a sentence end.
fn latin_break_follows(chars: &[char], mut i: usize) -> bool {
    while i < chars.len() && is_closer(chars[i]) {
        i += 1;
    }
    i >= chars.len() || chars[i].is_whitespace() || is_han(chars[i])
}

/// Whether the word before a full stop is an abbreviation or an initial,
/// `after` being what follows the full stop.
fn is_abbreviation(before: &[char], after: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| !c.is_whitespace() && !is_cjk(**c) && !matches!(c, '(' | '"' | '“'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // What follows matters only for its first few characters (No. 5).
    let after: String = after.iter().take(8).collect();
    if ends_no_sentence(&word, &after) {
        return true;
    }
    // A single capital letter is an initial: "J. Smith".
    let mut it = word.chars();
    matches!((it.next(), it.next()), (Some(c), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speak::en::tables::TITLES;

    #[test]
    fn chinese_and_latin_sentences() {
        let s = sentences(
            "今天的新闻很多。OpenAI 发布了 GPT-5！股市上涨了3.5%，你怎么看？Dr. Smith said: \"It's fine.\" Then he left.",
        );
        assert_eq!(
            s,
            vec![
                "今天的新闻很多。",
                "OpenAI 发布了 GPT-5！",
                "股市上涨了3.5%，你怎么看？",
                "Dr. Smith said: \"It's fine.\"",
                "Then he left.",
            ]
        );
    }

    #[test]
    fn latin_stop_before_chinese_ends_a_sentence_but_decimals_do_not() {
        let s = sentences("He said hi.然后走了。价格是4.68倍；好的");
        assert_eq!(
            s,
            vec!["He said hi.", "然后走了。", "价格是4.68倍；", "好的"]
        );
    }

    #[test]
    fn initials_and_abbreviations() {
        let s = sentences("J. R. Smith met e.g. Mr. Li at 5 p.m. today. Done.");
        assert_eq!(
            s,
            vec!["J. R. Smith met e.g. Mr. Li at 5 p.m. today.", "Done."]
        );
    }

    #[test]
    fn no_title_of_the_english_tables_ends_a_sentence() {
        assert_eq!(
            sentences("Gen. Smith said no. Dr. Jones agreed."),
            ["Gen. Smith said no.", "Dr. Jones agreed."]
        );
        for t in TITLES {
            let text = format!("{}. Smith said no. Then he left.", t.written);
            let want = [
                format!("{}. Smith said no.", t.written),
                "Then he left.".into(),
            ];
            assert_eq!(sentences(&text), want, "{}", t.written);
        }
        assert_eq!(sentences("The song hit No. 5 on the chart.").len(), 1);
        for word in ["Ave", "cf", "Intl", "a.k.a"] {
            let text = format!("See {word}. Main for it.");
            assert_eq!(sentences(&text).len(), 1, "{word}");
        }
    }
}
