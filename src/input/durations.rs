//! The bounds podgen puts on the durations a user writes. The grammar
//! (`250ms`, `1.5s`, `10m`, `2h`, or a bare number of milliseconds) has one
//! home, [`podgen_text::duration`]; what each kind of setting may be is here.

/// The longest duration any setting takes: 30 days.
pub const MAX_DURATION_MS: u64 = 30 * 24 * 3600 * 1000;

/// Milliseconds of a setting's duration; None for anything else or over 30
/// days.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    podgen_text::duration::parse_ms(s).filter(|&ms| ms <= MAX_DURATION_MS)
}

/// The longest pause a marker (`[pause 800ms]`) or a dialogue line's
/// `pause:` may ask for.
pub const MAX_MARKED_PAUSE_MS: u64 = 60_000;

/// The milliseconds of a marker's duration, at most [`MAX_MARKED_PAUSE_MS`].
pub fn marker_ms(s: &str) -> Option<u64> {
    podgen_text::duration::parse_ms(s).filter(|&ms| ms <= MAX_MARKED_PAUSE_MS)
}

/// The longest fade or overlap a sting or bed takes.
pub const MAX_FADE_MS: u64 = 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    /// The grammar is podgen_text's (and tested there); these are the bounds.
    #[test]
    fn each_kind_of_setting_has_its_bound() {
        let month = 30 * 86_400_000;
        for (text, setting, marker) in [
            ("30d", Some(month), None),
            ("720h", Some(month), None),
            ("31d", None, None),
            ("60s", Some(60_000), Some(60_000)),
            ("61s", Some(61_000), None),
            ("soon", None, None),
        ] {
            assert_eq!(parse_duration_ms(text), setting, "{text}");
            assert_eq!(marker_ms(text), marker, "{text}");
        }
    }
}
