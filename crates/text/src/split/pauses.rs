//! Pause markers inside text: `[pause 800ms]`, `[pause 1.5s]`.

use crate::duration;

/// How a pause marker opens.
pub const PAUSE_MARKER: &str = "[pause ";

/// The most bytes a marker's duration may have: far more than any pause
/// needs (`1234.5678ms`), few enough that `[pause` in prose ends soon.
const MAX_DURATION_BYTES: usize = 32;

/// `paragraph` cut at its pause markers: each piece with the pause that
/// follows it, in milliseconds. Only an exact marker whose duration (the
/// grammar of [`duration::parse_ms`]) is at most `max_ms` counts; `\[pause`
/// writes the words literally; anything else is text.
pub fn split_pauses(paragraph: &str, max_ms: u64) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut rest = paragraph;
    while let Some(at) = rest.find(PAUSE_MARKER) {
        if rest[..at].ends_with('\\') {
            piece.push_str(&rest[..at - 1]);
            piece.push_str(PAUSE_MARKER);
            rest = &rest[at + PAUSE_MARKER.len()..];
            continue;
        }
        let after = &rest[at + PAUSE_MARKER.len()..];
        let ms = after
            .find(']')
            .filter(|&end| end <= MAX_DURATION_BYTES)
            .and_then(|end| {
                let ms = duration::parse_ms(&after[..end]).filter(|&ms| ms <= max_ms)?;
                Some((ms, end))
            });
        match ms {
            Some((ms, end)) => {
                piece.push_str(&rest[..at]);
                out.push((std::mem::take(&mut piece), Some(ms)));
                rest = &after[end + 1..];
            }
            None => {
                piece.push_str(&rest[..at + PAUSE_MARKER.len()]);
                rest = after;
            }
        }
    }
    piece.push_str(rest);
    out.push((piece, None));
    out.retain(|(p, ms)| !p.trim().is_empty() || ms.is_some());
    out
}

/// The first marker of `text` that reads as a pause (its duration starts
/// like a number: a digit, a sign, a point, `NaN` or `inf`) but asks for
/// none [`split_pauses`] makes with `max_ms`: out of range, negative, not a
/// number. Such a marker would be read aloud as words; it is a mistake.
pub fn bad_marker(text: &str, max_ms: u64) -> Option<&str> {
    let mut from = 0;
    while let Some(found) = text[from..].find(PAUSE_MARKER) {
        let at = from + found;
        from = at + PAUSE_MARKER.len();
        if text[..at].ends_with('\\') {
            continue;
        }
        let after = &text[from..];
        let Some(end) = after.find(']').filter(|&end| end <= MAX_DURATION_BYTES) else {
            continue;
        };
        let duration = &after[..end];
        let in_range = duration::parse_ms(duration).is_some_and(|ms| ms <= max_ms);
        if reads_as_number(duration) && !in_range {
            return Some(&text[at..from + end + 1]);
        }
    }
    None
}

/// Whether a marker's duration starts as a number does.
fn reads_as_number(duration: &str) -> bool {
    let d = duration.trim_start().to_ascii_lowercase();
    d.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c))
        || d.starts_with("nan")
        || d.starts_with("inf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_cut_escaped_and_bad_ones_are_text() {
        let got = split_pauses(
            "One. [pause 1500ms] Two. \\[pause 2s] three [pause soon] four [pause 2m]",
            60_000,
        );
        assert_eq!(
            got,
            [
                ("One. ".to_string(), Some(1500)),
                (
                    " Two. [pause 2s] three [pause soon] four [pause 2m]".to_string(),
                    None
                ),
            ]
        );
        assert_eq!(
            split_pauses("[pause 1s]", 60_000),
            [(String::new(), Some(1000))]
        );
    }

    #[test]
    fn markers_that_read_as_a_pause_out_of_range_are_found() {
        for (text, bad) in [
            ("a [pause 60.001s] b", Some("[pause 60.001s]")),
            ("a [pause 99999999999ms]", Some("[pause 99999999999ms]")),
            ("[pause 1e9s]", Some("[pause 1e9s]")),
            ("[pause -1s]", Some("[pause -1s]")),
            ("[pause NaNs]", Some("[pause NaNs]")),
            ("ok [pause 2s] then [pause 2m]", Some("[pause 2m]")),
            ("[pause 60s] [pause soon] \\[pause 99s]", None),
            ("[pause 5", None),
        ] {
            assert_eq!(bad_marker(text, 60_000), bad, "{text}");
        }
    }
}
