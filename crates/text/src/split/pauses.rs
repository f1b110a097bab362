//! Pause markers inside text: `[pause 800ms]`, `[pause 1.5s]`.

use crate::duration;

/// How a pause marker opens.
pub const PAUSE_MARKER: &str = "[pause ";

/// The most bytes a marker's duration may have (`1234.5678ms`).
const MAX_DURATION_BYTES: usize = 12;

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
}
