//! The gain search the master and the MP3 share: the gain that brings a
//! signal to a loudness, where a limiter takes back part of every dB of
//! gain, found by secant steps on loudness against gain.

/// The most gain, either way, a pass applies, dB.
pub const MAX_GAIN_DB: f64 = 30.0;

/// The least loudness a dB of gain is taken to buy, however hard a limiter
/// works: it keeps every step finite.
const MIN_SLOPE: f64 = 0.1;

/// Gains closer than this (dB) tell no slope: their readings differ by
/// noise more than by gain.
const MIN_SPAN_DB: f64 = 0.01;

/// Linear amplitude of a gain in dB.
pub fn db_to_linear(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// `db`, within ±[`MAX_GAIN_DB`].
pub fn clamp_gain(db: f64) -> f64 {
    db.clamp(-MAX_GAIN_DB, MAX_GAIN_DB)
}

/// The loudness one dB of gain bought, from `d_lufs` gained over
/// `d_gain_db` more gain: 1 where no limiter acts, less where one does.
pub fn slope(d_lufs: f64, d_gain_db: f64) -> f64 {
    (d_lufs / d_gain_db).clamp(MIN_SLOPE, 1.0)
}

/// A gain and the loudness it gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The gain, dB.
    pub gain_db: f64,
    /// The loudness it read, LUFS.
    pub lufs: f64,
}

/// What a search has learnt: the slope of loudness against gain, and the
/// last point measured.
#[derive(Debug, Clone, Copy)]
pub struct Secant {
    slope: f64,
    last: Option<Point>,
}

impl Default for Secant {
    fn default() -> Self {
        Secant::new()
    }
}

impl Secant {
    /// Nothing measured yet: a dB buys a dB.
    pub fn new() -> Self {
        Secant {
            slope: 1.0,
            last: None,
        }
    }

    /// A search that knows its `slope` (kept within the slopes a search
    /// takes) and `last` point already (from probes, say).
    pub fn through(last: Point, slope: f64) -> Self {
        Secant {
            slope: slope.clamp(MIN_SLOPE, 1.0),
            last: Some(last),
        }
    }

    /// Loudness one more dB of gain buys, as learnt: within 0.1 to 1.
    pub fn slope(&self) -> f64 {
        self.slope
    }

    /// `point` was measured: the slope becomes the secant's through it and
    /// the point before, when they are far enough apart to tell one.
    pub fn learn(&mut self, point: Point) {
        if let Some(before) = self.last
            && (point.gain_db - before.gain_db).abs() > MIN_SPAN_DB
        {
            self.slope = slope(point.lufs - before.lufs, point.gain_db - before.gain_db);
        }
        self.last = Some(point);
    }

    /// The gain that should read `want_lufs`, from `from` at the slope
    /// learnt.
    pub fn aim(&self, from: Point, want_lufs: f64) -> f64 {
        clamp_gain(from.gain_db + (want_lufs - from.lufs) / self.slope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A limiter over -10 LUFS that lets a quarter of each dB through.
    fn limited(gain_db: f64) -> f64 {
        let lufs = -20.0 + gain_db;
        if lufs > -10.0 {
            -10.0 + 0.25 * (lufs + 10.0)
        } else {
            lufs
        }
    }

    #[test]
    fn secant_steps_find_the_gain_a_limiter_takes_back_from() {
        let mut search = Secant::new();
        let mut gain = 0.0;
        for _ in 0..8 {
            let point = Point {
                gain_db: gain,
                lufs: limited(gain),
            };
            search.learn(point);
            gain = search.aim(point, -8.0);
        }
        assert!((limited(gain) + 8.0).abs() < 1e-6, "{gain}");
        assert!((search.slope() - 0.25).abs() < 1e-9);
    }

    #[test]
    fn steps_stay_finite_and_within_the_most_gain() {
        let flat = Secant::through(
            Point {
                gain_db: 0.0,
                lufs: -30.0,
            },
            slope(0.0, 1.0),
        );
        assert_eq!(flat.slope(), MIN_SLOPE);
        let far = Point {
            gain_db: 0.0,
            lufs: -70.0,
        };
        assert_eq!(flat.aim(far, -16.0), MAX_GAIN_DB);
        assert_eq!(clamp_gain(-45.0), -MAX_GAIN_DB);
        // Two readings at one gain tell nothing: the slope stays.
        let mut same = Secant::new();
        same.learn(far);
        same.learn(Point { lufs: -60.0, ..far });
        assert_eq!(same.slope(), 1.0);
    }
}
