//! How much work a normaliser does: every token or character it looks at
//! and every byte it copies or scans, counted as one step.
//!
//! The normalisers promise time linear in the length of the text. Their
//! tests hold them to a budget of steps per byte and to linear growth
//! (twice the text, twice the steps), which, unlike a stopwatch, does not
//! depend on how busy the machine is.

use std::cell::Cell;

/// A running count of steps.
#[derive(Debug, Default)]
pub(crate) struct Work(Cell<u64>);

impl Work {
    /// Counts `steps` more.
    #[inline]
    pub(crate) fn add(&self, steps: usize) {
        self.0.set(self.0.get().saturating_add(steps as u64));
    }

    /// The steps counted so far.
    #[cfg(test)]
    pub(crate) fn steps(&self) -> u64 {
        self.0.get()
    }
}

/// A text that could make a rule look ahead without end: its name, and
/// how to make it about `n` bytes long.
#[cfg(test)]
pub(crate) type Hostile = (&'static str, fn(usize) -> String);

/// Holds `normalize` to linear work on every text `hostile` makes: at
/// most `per_byte` steps a byte of a 50 000-byte text, and no more than
/// twice (and a tenth) the steps for twice the text.
#[cfg(test)]
pub(crate) fn assert_linear(
    normalize: impl Fn(&str, &Work) -> String,
    per_byte: u64,
    hostile: &[Hostile],
) {
    let steps = |text: &str| {
        let work = Work::default();
        let _ = normalize(text, &work);
        work.steps()
    };
    for (name, make) in hostile {
        let (half, whole) = (make(25_000), make(50_000));
        assert!(whole.len() >= 50_000, "{name}: {} bytes", whole.len());
        let (a, b) = (steps(&half), steps(&whole));
        assert!(
            b <= per_byte * whole.len() as u64,
            "{name}: {b} steps for {} bytes, over {per_byte} a byte",
            whole.len()
        );
        assert!(
            b <= 2 * a + a / 10 + 1_000,
            "{name}: {a} steps for {} bytes but {b} for {}: not linear",
            half.len(),
            whole.len()
        );
    }
}
