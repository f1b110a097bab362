//! Text that no rule reads, in either language: markup (`[pause 1s]`,
//! `<break time="1s"/>`, `{x1}`, `` `make test` ``) and runs of ASCII that
//! are URLs, e-mail addresses, paths or code (`https://x.com/a1`,
//! `a@b.com`, `~/.config/a1.yaml`, `foo_bar2`, `--flag`). One definition
//! and one set of limits for English and Mandarin; what counts as an
//! identifier (`GPT-4o`, `Zen 5`) is each language's own reading rule.
//!
//! Each opening mark looks a bounded distance ahead and each run is read
//! once, so finding them is linear in the length of the text.

use std::ops::Range;

use super::en::tables::PER;
use super::work::Work;

/// A kind of markup: the marks that open and close it and the most bytes
/// it may span, both marks included.
struct Markup {
    open: u8,
    close: u8,
    max_bytes: usize,
}

/// Markup is ASCII on one line, holds a letter, does not nest and is short:
/// a pause marker, an SSML tag, a template field or a bit of code, not a
/// sentence someone put in brackets.
const MARKUP: [Markup; 4] = [
    Markup {
        open: b'[',
        close: b']',
        max_bytes: 64,
    },
    Markup {
        open: b'{',
        close: b'}',
        max_bytes: 64,
    },
    Markup {
        open: b'<',
        close: b'>',
        max_bytes: 256,
    },
    Markup {
        open: b'`',
        close: b'`',
        max_bytes: 200,
    },
];

/// Characters found in code, e-mail addresses, handles, hashtags and
/// key=value, never in prose.
const CODE_MARKS: [char; 10] = ['_', '`', '\\', '=', '{', '}', '#', '|', '^', '@'];

/// The byte ranges of `text` no rule may read, in order, on character
/// boundaries.
pub(crate) fn spans(text: &str, work: &Work) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = markup_end(bytes, i, work) {
            spans.push(i..end);
            i = end;
            continue;
        }
        let run_starts =
            bytes[i].is_ascii_graphic() && (i == 0 || !bytes[i - 1].is_ascii_graphic());
        if run_starts {
            let len = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_graphic())
                .count();
            work.add(len);
            // ASCII bytes are always character boundaries.
            if is_code(&text[i..i + len]) {
                spans.push(i..i + len);
                i += len;
                continue;
            }
        }
        i += 1;
    }
    work.add(bytes.len());
    spans
}

/// The end of the markup that opens at byte `i`, if it is markup.
fn markup_end(bytes: &[u8], i: usize, work: &Work) -> Option<usize> {
    let kind = MARKUP.iter().find(|m| m.open == bytes[i])?;
    // `a < b` is a comparison; a tag starts with its name, `/` or `!`.
    if kind.open == b'<'
        && !bytes
            .get(i + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'!')
    {
        return None;
    }
    let mut letter = false;
    for (k, &b) in bytes
        .iter()
        .enumerate()
        .skip(i + 1)
        .take(kind.max_bytes - 1)
    {
        work.add(1);
        if b == kind.close {
            return letter.then_some(k + 1);
        }
        if !b.is_ascii() || b == b'\n' || b == kind.open {
            return None;
        }
        letter |= b.is_ascii_alphabetic();
    }
    None
}

/// Whether a run of ASCII between spaces (or other scripts) is a URL, an
/// address, a path or code.
fn is_code(run: &str) -> bool {
    let www = run.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www."));
    if www
        || run.contains("://")
        || run.starts_with("--")
        || run.starts_with('/')
        || run.starts_with("~/")
        || run.contains(CODE_MARKS)
    {
        return true;
    }
    // A slash beside letters is a path (a/b1, 1080p/60fps) unless it starts
    // a rate (km/h, 4.8TB/s, $5/mo). Only where a digit is: between words
    // (and/or, AI/ML) a slash is prose.
    run.bytes().any(|b| b.is_ascii_digit())
        && run.bytes().any(|b| b.is_ascii_alphabetic())
        && run
            .match_indices('/')
            .any(|(at, _)| !starts_rate(&run[at + 1..]))
}

/// Whether the text after a slash is what a rate is per (`s`, `h`, `day`).
fn starts_rate(after: &str) -> bool {
    let word_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest_alnum = after[word_len..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    !rest_alnum && PER.iter().any(|(per, _)| *per == &after[..word_len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(text: &str) -> Vec<&str> {
        spans(text, &Work::default())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn markup_is_short_ascii_on_one_line_with_a_letter() {
        assert_eq!(protected("a [pause 1s] b"), ["[pause 1s]"]);
        assert_eq!(
            protected("<break time=\"1s\"/> x"),
            ["<break time=\"1s\"/>"]
        );
        assert_eq!(protected("Run `make test` now"), ["`make test`"]);
        assert_eq!(protected("{x1}"), ["{x1}"]);
        for text in ["[1]", "a < b and c > d", "[中文]", "[a\nb]", "[unclosed"] {
            assert!(
                protected(text).is_empty(),
                "{text:?}: {:?}",
                protected(text)
            );
        }
        assert_eq!(protected("[a [b]"), ["[b]"]);
        let long = format!("[{}]", "a".repeat(62));
        assert_eq!(protected(&long).len(), 1);
        assert!(protected(&format!("[{}]", "a".repeat(63))).is_empty());
    }

    #[test]
    fn urls_addresses_paths_and_code() {
        for text in [
            "https://x.com/a1",
            "www.example.com",
            "WWW.EXAMPLE.COM",
            "a@b.com",
            "foo_bar2",
            "--flag",
            "/etc/x2.conf",
            "~/.config/a1.yaml",
            "#1",
            "1080p/60fps",
            "a=1",
        ] {
            assert_eq!(protected(text), [text], "{text}");
        }
        for text in [
            "km/h", "120km/h", "4.8TB/s", "5GB/day", "$5/mo", "24/7", "AI/ML", "and/or", "GPT-4o",
            "~5%", "3~5",
        ] {
            assert!(protected(text).is_empty(), "{text}: {:?}", protected(text));
        }
    }

    #[test]
    fn runs_stop_at_spaces_and_other_scripts() {
        assert_eq!(protected("访问https://x.com/a1了解"), ["https://x.com/a1"]);
        assert_eq!(protected("写信给a@b.com，谢谢"), ["a@b.com"]);
    }
}
