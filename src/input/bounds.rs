//! The range of every number a user writes, by its key: one table that the
//! checks at load and the messages for a value of the wrong type both read,
//! so that "concurrency must be a whole number from 1 to 64" is said the
//! same way whether the value was 65, -1 or 2^64.

/// The range a number setting takes.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// The key it is written under.
    pub key: &'static str,
    /// The least value.
    pub min: f64,
    /// The greatest value.
    pub max: f64,
    /// Whether it is a whole number.
    pub whole: bool,
}

const fn whole(key: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        key,
        min,
        max,
        whole: true,
    }
}

const fn real(key: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        key,
        min,
        max,
        whole: false,
    }
}

/// Every number podgen reads, far above what a real show needs.
pub const BOUNDS: &[Bound] = &[
    // A backend's limits and prices.
    whole("max_chars", 1.0, 1_000_000.0),
    whole("max_bytes", 4.0, 4_000_000.0),
    whole("concurrency", 1.0, 64.0),
    whole("requests_per_minute", 1.0, 100_000.0),
    whole(
        "max_attempts",
        1.0,
        crate::input::config::backend::MAX_ATTEMPTS as f64,
    ),
    whole("max_response_mb", 1.0, 4096.0),
    real("price_per_million_chars", 0.0, 1_000_000.0),
    real("price_per_minute", 0.0, 1_000_000.0),
    // A voice.
    whole("pitch", 0.0, 100.0),
    real(
        "speed",
        *crate::input::config::voice::SPEED.start() as f64,
        *crate::input::config::voice::SPEED.end() as f64,
    ),
    real(
        "pan",
        *crate::input::config::voice::PAN.start() as f64,
        *crate::input::config::voice::PAN.end() as f64,
    ),
    // `audio:`.
    whole("sample_rate", 8_000.0, 192_000.0),
    whole("channels", 1.0, 2.0),
    real("loudness_lufs", -40.0, -5.0),
    real("true_peak_dbtp", -12.0, 0.0),
    real("sting_level_db", -30.0, 10.0),
    real("depth_db", 0.0, 60.0),
    // A bed in the script, the episode's number.
    real(
        "gain_db",
        *crate::input::script::BED_GAIN_DB.start() as f64,
        *crate::input::script::BED_GAIN_DB.end() as f64,
    ),
    whole("number", 1.0, 1_000_000.0),
];

/// The bound of `key`, if it is a number setting.
pub fn bound(key: &str) -> Option<Bound> {
    BOUNDS.iter().find(|b| b.key == key).copied()
}

impl Bound {
    /// What a value must be, in words: "a whole number from 1 to 64".
    pub fn describe(&self) -> String {
        if self.whole && self.max == self.min + 1.0 {
            return format!("{} or {}", self.min, self.max);
        }
        let kind = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        format!("{kind} from {} to {}", self.min, self.max)
    }

    /// Whether `value` is within the bound (NaN never is).
    pub fn holds(&self, value: f64) -> bool {
        (self.min..=self.max).contains(&value) && (!self.whole || value.fract() == 0.0)
    }

    /// What is wrong with `value`, if anything: "concurrency must be a
    /// whole number from 1 to 64, not 65".
    pub fn problem(&self, value: f64) -> Option<String> {
        (!self.holds(value)).then(|| {
            format!(
                "{} must be {}, not {}",
                self.key,
                self.describe(),
                shown(value)
            )
        })
    }
}

/// `value` as a reader takes it in: 1e308, not 309 digits.
pub fn shown(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e9 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// What is wrong with `value` for `key` (a key of [`BOUNDS`]), if anything.
pub fn problem(key: &str, value: f64) -> Option<String> {
    bound(key).and_then(|b| b.problem(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_say_their_range_and_refuse_what_is_outside() {
        assert_eq!(
            problem("concurrency", 65.0).as_deref(),
            Some("concurrency must be a whole number from 1 to 64, not 65")
        );
        assert_eq!(problem("concurrency", 64.0), None);
        assert!(problem("pan", f64::NAN).is_some());
        assert_eq!(bound("channels").unwrap().describe(), "1 or 2");
        assert!(problem("pitch", 4_294_967_295.0).is_some());
        let mut keys: Vec<&str> = BOUNDS.iter().map(|b| b.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), BOUNDS.len(), "a key twice");
    }
}
