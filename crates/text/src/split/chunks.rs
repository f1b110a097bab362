//! Chunks of a sentence that fit a backend's limit.

use super::Limit;
use crate::lang::is_cjk;
use crate::speak::Spoken;

/// How good a place between two characters is for splitting a long sentence.
/// Higher is better; `None` is never (inside a Latin word).
fn boundary_strength(prev: char, next: char) -> Option<u8> {
    const CLAUSE: &str = "，,、：:—–…）)」』\"”";
    if CLAUSE.contains(prev) {
        return Some(4);
    }
    if next.is_whitespace() || prev.is_whitespace() {
        return Some(3);
    }
    if is_cjk(prev) || is_cjk(next) {
        return Some(2);
    }
    // Both sides Latin-ish (letters, digits, '-', '.', ...): one word.
    None
}

/// Split a sentence into chunks that fit `limit`, cutting at the strongest
/// boundary available (clause punctuation, then spaces, then between Chinese
/// characters), as late as possible. A Latin word is cut only if it alone is
/// longer than the limit.
pub fn chunks(sentence: &str, limit: Limit) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: &str = sentence.trim();
    while !limit.fits(rest) {
        let (head, tail) = rest.split_at(cut(rest, limit));
        if !head.trim().is_empty() {
            out.push(head.trim().to_string());
        }
        rest = tail.trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Where to cut `rest`, which does not fit `limit`: the strongest boundary
/// that keeps the head within the limit, else the latest boundary of any
/// kind.
fn cut(rest: &str, limit: Limit) -> usize {
    let mut best: Option<(u8, usize)> = None;
    let mut fallback = None;
    let mut prev: Option<char> = None;
    for (offset, c) in rest.char_indices() {
        if let Some(p) = prev {
            if !limit.fits(&rest[..offset]) {
                break;
            }
            fallback = Some(offset);
            if let Some(strength) = boundary_strength(p, c)
                && best.is_none_or(|(s, _)| strength >= s)
            {
                best = Some((strength, offset));
            }
        }
        prev = Some(c);
    }
    match (best, fallback) {
        (Some((_, at)), _) => at,
        (None, Some(at)) => at,
        // Not even one character fits: the limit is below one character.
        (None, None) => rest.chars().next().map_or(rest.len(), char::len_utf8),
    }
}

/// Chunks of `sentence` as written, each with what is spoken for it, every
/// spoken chunk within `limit`. Chunking happens on the written text (so
/// transcripts stay whole words); when a spoken form outgrows the limit (a
/// number read out is longer than its digits), the chunks are made smaller.
pub fn spoken_chunks(
    sentence: &str,
    limit: Limit,
    speak: &dyn Fn(&str) -> Spoken,
) -> Vec<(String, Spoken)> {
    let mut written_limit = limit;
    loop {
        let parts: Vec<(String, Spoken)> = chunks(sentence, written_limit)
            .into_iter()
            .map(|c| {
                let spoken = speak(&c);
                (c, spoken)
            })
            .collect();
        let fits = parts.iter().all(|(_, s)| limit.fits(&s.text));
        if fits || written_limit.max_chars <= 1 {
            return parts;
        }
        written_limit = Limit {
            max_chars: written_limit.max_chars * 3 / 4,
            max_bytes: written_limit.max_bytes.map(|b| (b * 3 / 4).max(4)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_prefer_clause_punctuation() {
        let c = chunks(
            "这是第一部分，这是第二部分，这是第三部分。",
            Limit::chars(14),
        );
        assert_eq!(c, vec!["这是第一部分，这是第二部分，", "这是第三部分。"]);
        for part in &c {
            assert!(part.chars().count() <= 14);
        }
    }

    #[test]
    fn chunks_never_split_latin_words_inside_chinese() {
        let text = "研究者推出Instructions Per Clock指标和TransAgents框架以及Mean Average Precision平均精度";
        // From the longest word up: shorter limits must cut words (tested below).
        for max in 12..40 {
            let c = chunks(text, Limit::chars(max));
            for part in &c {
                assert!(part.chars().count() <= max, "{part:?} > {max}");
            }
            // Every Latin word of the input appears whole in some chunk.
            for word in [
                "Instructions",
                "Per",
                "Clock",
                "TransAgents",
                "Mean",
                "Average",
                "Precision",
            ] {
                assert!(
                    c.iter().any(|p| p.contains(word)),
                    "{word} split at max {max}: {c:?}"
                );
            }
            let joined: String = c.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let orig: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(joined, orig);
        }
    }

    #[test]
    fn chunks_respect_byte_limits() {
        let limit = Limit {
            max_chars: 1000,
            max_bytes: Some(20),
        };
        let c = chunks("中文字符每个三个字节长度", limit);
        assert!(c.iter().all(|p| p.len() <= 20), "{c:?}");
        assert_eq!(c.concat(), "中文字符每个三个字节长度");
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut_as_a_last_resort() {
        let c = chunks("Pneumonoultramicroscopic", Limit::chars(10));
        assert_eq!(c.concat(), "Pneumonoultramicroscopic");
        assert!(c.iter().all(|p| p.chars().count() <= 10));
    }

    #[test]
    fn spoken_chunks_shrink_until_what_is_said_fits() {
        let limit = Limit::chars(20);
        let twice = |t: &str| Spoken {
            text: format!("{t}{t}"),
            ssml: None,
        };
        let parts = spoken_chunks("one two three four five six", limit, &twice);
        assert!(parts.len() > 1, "{parts:?}");
        assert!(parts.iter().all(|(_, s)| limit.fits(&s.text)), "{parts:?}");
        let written: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(written.join(" "), "one two three four five six");
    }
}
