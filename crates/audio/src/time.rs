//! Sample positions as times: the one home of every conversion between
//! samples and milliseconds or seconds. Every time podgen writes (chapters,
//! ID3, transcripts, notes, the feed) is a sample position divided by the
//! rate, rounded once, here; none is a sum of floating-point seconds.

/// The millisecond nearest to a sample position: exact integer division,
/// rounded once. Every time podgen writes (chapters, tags, transcripts)
/// comes from here.
pub fn sample_to_ms(sample: u64, rate: u32) -> u64 {
    ((u128::from(sample) * 1000 + u128::from(rate) / 2) / u128::from(rate)) as u64
}

/// The samples in `ms` milliseconds at `rate` (rounded down).
pub fn ms_to_samples(ms: u64, rate: u32) -> u64 {
    (u128::from(ms) * u128::from(rate) / 1000) as u64
}

/// Seconds of a sample position, for chapter files: exact division, rounded
/// to the millisecond only at the end.
pub fn seconds(sample: u64, rate: u32) -> f64 {
    sample_to_ms(sample, rate) as f64 / 1000.0
}

/// Whole seconds of a sample position, to the nearest (a podcast
/// duration): the millisecond rounded once, then the second.
pub fn whole_seconds(sample: u64, rate: u32) -> u64 {
    (sample_to_ms(sample, rate) + 500) / 1000
}

/// The hours, minutes and seconds a clock shows at a sample position: a
/// second shows once it has begun.
fn hms(sample: u64, rate: u32) -> (u64, u64, u64) {
    let s = sample / u64::from(rate.max(1));
    (s / 3600, s / 60 % 60, s % 60)
}

/// `h:mm:ss` of a sample position.
pub fn clock(sample: u64, rate: u32) -> String {
    let (h, m, s) = hms(sample, rate);
    format!("{h}:{m:02}:{s:02}")
}

/// `m:ss`, or `h:mm:ss` past an hour, of a sample position: as podcast
/// apps and show notes write (and link) timestamps.
pub fn short_clock(sample: u64, rate: u32) -> String {
    match hms(sample, rate) {
        (0, m, s) => format!("{m}:{s:02}"),
        _ => clock(sample, rate),
    }
}

/// `hh:mm:ss.mmm` (`sep` '.', WebVTT) or `hh:mm:ss,mmm` (`sep` ',', SRT) of
/// a sample position, to the nearest millisecond.
pub fn stamp(sample: u64, rate: u32, sep: char) -> String {
    let ms = sample_to_ms(sample, rate);
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{sep}{f:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_to_the_millisecond() {
        assert_eq!(seconds(44_100, 44_100), 1.0);
        assert_eq!(seconds(22, 44_100), 0.0);
        assert_eq!(seconds(23, 44_100), 0.001);
        assert_eq!(seconds(3 * 3600 * 44_100 + 1, 44_100), 10_800.0);
    }

    #[test]
    fn a_clock_counts_whole_seconds_of_samples() {
        assert_eq!(clock(0, 44_100), "0:00:00");
        assert_eq!(clock(44_099, 44_100), "0:00:00");
        assert_eq!(clock((3600 + 61) * 44_100, 44_100), "1:01:01");
        assert_eq!(short_clock(44_100 * 65, 44_100), "1:05");
        assert_eq!(short_clock(44_099, 44_100), "0:00");
        assert_eq!(short_clock(44_100 * 3725, 44_100), "1:02:05");
        assert_eq!(whole_seconds(44_100 * 3 / 2 - 23, 44_100), 1);
        assert_eq!(whole_seconds(44_100 * 3 / 2 - 22, 44_100), 2);
    }

    #[test]
    fn stamps_round_once_from_samples() {
        assert_eq!(stamp(0, 44_100, '.'), "00:00:00.000");
        assert_eq!(stamp(44_100 * 3661 + 22, 44_100, '.'), "01:01:01.000");
        assert_eq!(stamp(44_100 * 3661 + 23, 44_100, ','), "01:01:01,001");
    }
}
