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

/// `h:mm:ss` of a sample position.
pub fn clock(samples: u64, rate: u32) -> String {
    let s = samples / u64::from(rate);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
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
    }
}
