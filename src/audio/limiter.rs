//! A look-ahead peak limiter, streaming, exact in length.
//!
//! Written here because no well-kept crate offers a sample-accurate limiter
//! with a fixed, known delay; the method is the classic one:
//! required gain `r[n] = min(1, ceiling / |x[n]|)`; a sliding minimum of r over
//! ±L samples; a moving average of that over ±L samples (so the gain glides
//! down before a peak and is at most r at the peak itself); then a release
//! that lets the gain recover slowly. The output is x delayed by 2L samples
//! and multiplied by the gain, so |y| ≤ ceiling on every sample. Inter-sample
//! (true) peaks can still exceed the ceiling slightly: the master measures
//! them and lowers the ceiling when needed.

use std::collections::VecDeque;

/// A look-ahead limiter: push samples in, take limited samples out, exactly
/// as many. With several channels it works on frames, one gain for all
/// channels (linked), so the stereo image does not shift when it acts.
pub struct Limiter {
    ceiling: f32,
    channels: usize,
    half: usize,
    /// Per-sample recovery of the gain towards 1.
    release: f32,
    /// Samples waiting for their gain, oldest first, a frame at a time.
    delayed: VecDeque<f32>,
    /// Candidates for the sliding minimum: (index, required gain), increasing gains.
    minima: VecDeque<(usize, f32)>,
    /// Windowed minima for the moving average, oldest first, and their sum.
    window: VecDeque<f32>,
    window_sum: f64,
    pushed: usize,
    /// Index of the next windowed minimum to compute.
    next_min: usize,
    gain: f32,
    /// Samples the caller pushed (the padding in `finish` is not counted).
    real: usize,
    emitted: usize,
    /// Largest gain reduction applied, as a factor (1 = none).
    pub min_gain: f32,
}

impl Limiter {
    /// A mono limiter: `ceiling` is linear (1.0 = 0 dBFS); `lookahead` and
    /// `release` in samples.
    pub fn new(ceiling: f32, lookahead: usize, release: usize) -> Self {
        Self::linked(ceiling, lookahead, release, 1)
    }

    /// A limiter for interleaved frames of `channels`; `lookahead` and
    /// `release` in frames.
    pub fn linked(ceiling: f32, lookahead: usize, release: usize, channels: usize) -> Self {
        let channels = channels.max(1);
        let half = lookahead.max(1);
        let mut window = VecDeque::with_capacity(2 * half + 1);
        // Before the start there is nothing to limit: gains of 1.
        window.extend(std::iter::repeat_n(1.0, half));
        Limiter {
            ceiling,
            channels,
            half,
            release: 1.0 / release.max(1) as f32,
            delayed: VecDeque::with_capacity((2 * half + 1) * channels),
            minima: VecDeque::new(),
            window,
            window_sum: half as f64,
            pushed: 0,
            next_min: 0,
            gain: 1.0,
            real: 0,
            emitted: 0,
            min_gain: 1.0,
        }
    }

    /// The delay between a sample going in and coming out.
    pub fn delay(&self) -> usize {
        2 * self.half
    }

    /// Feed one sample of a mono limiter; once the delay has filled, a
    /// limited sample comes out.
    pub fn push(&mut self, x: f32, out: &mut Vec<f32>) {
        self.push_frame(&[x], out);
    }

    /// Feed one frame (as many samples as channels); once the delay has
    /// filled, a limited frame comes out.
    pub fn push_frame(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        debug_assert_eq!(frame.len(), self.channels);
        self.real += 1;
        self.feed(frame, out);
    }

    fn feed(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        let i = self.pushed;
        self.pushed += 1;
        self.delayed.extend(frame);
        let peak = frame.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let required = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        while self.minima.back().is_some_and(|&(_, r)| r >= required) {
            self.minima.pop_back();
        }
        self.minima.push_back((i, required));
        // The minimum over [j - half, j + half] is known once j + half is in.
        if i >= self.half {
            let j = i - self.half;
            debug_assert_eq!(j, self.next_min);
            self.next_min += 1;
            while self.minima.front().is_some_and(|&(k, _)| k + self.half < j) {
                self.minima.pop_front();
            }
            let m = self.minima.front().expect("r[i] is in the deque").1;
            self.window.push_back(m);
            self.window_sum += f64::from(m);
            // The average over [k - half, k + half] is known once k + half has its minimum.
            if self.window.len() == 2 * self.half + 1 {
                let average = (self.window_sum / self.window.len() as f64) as f32;
                self.window_sum -= f64::from(self.window.pop_front().expect("full window"));
                self.gain = average.min(self.gain + (1.0 - self.gain) * self.release);
                self.min_gain = self.min_gain.min(self.gain);
                // The frame's own bound catches rounding in the running sum
                // and the first frames, whose window began with gains of 1;
                // one gain for the frame keeps the channels linked.
                let peak = self
                    .delayed
                    .iter()
                    .take(self.channels)
                    .fold(0.0f32, |m, x| m.max(x.abs()));
                let gain = if peak * self.gain > self.ceiling {
                    self.ceiling / peak
                } else {
                    self.gain
                };
                for _ in 0..self.channels {
                    let x = self.delayed.pop_front().expect("a frame per average");
                    out.push((x * gain).clamp(-self.ceiling, self.ceiling));
                }
                self.emitted += 1;
            }
        }
    }

    /// Flush the delayed samples, feeding silence behind them: afterwards
    /// exactly as many samples came out as went in (the padding never does).
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        let silence = vec![0.0; self.channels];
        while self.emitted < self.real {
            self.feed(&silence, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[f32], ceiling: f32, half: usize) -> (Vec<f32>, f32) {
        let mut l = Limiter::new(ceiling, half, 500);
        let mut out = Vec::new();
        for &x in input {
            l.push(x, &mut out);
        }
        l.finish(&mut out);
        (out, l.min_gain)
    }

    #[test]
    fn quiet_audio_passes_untouched_and_in_time() {
        let input: Vec<f32> = (0..5000).map(|i| 0.5 * (i as f32 * 0.05).sin()).collect();
        let (out, min_gain) = run(&input, 0.9, 64);
        assert_eq!(out, input);
        assert_eq!(min_gain, 1.0);
    }

    #[test]
    fn loud_audio_never_exceeds_the_ceiling_and_keeps_its_length() {
        // A pseudo-random signal with bursts up to 4x over the ceiling.
        let mut seed = 12345u32;
        let input: Vec<f32> = (0..20_000)
            .map(|i| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
                let burst = if (i / 1000) % 3 == 0 { 4.0 } else { 0.5 };
                noise * burst
            })
            .collect();
        for half in [1, 32, 220] {
            let (out, min_gain) = run(&input, 0.8, half);
            assert_eq!(out.len(), input.len());
            assert!(out.iter().all(|y| y.abs() <= 0.8), "half {half}");
            assert!(min_gain < 0.3);
            // A quiet stretch away from the bursts comes back up towards full gain.
            let quiet = &out[2200..2400];
            let ratio: f32 = quiet
                .iter()
                .zip(&input[2200..2400])
                .map(|(y, x)| if x.abs() > 1e-3 { y / x } else { 1.0 })
                .sum::<f32>()
                / 200.0;
            assert!(ratio > 0.75, "half {half}: gain {ratio}");
        }
    }

    #[test]
    fn linked_channels_share_one_gain() {
        // A peak on the left lowers the right by the same factor.
        let mut l = Limiter::linked(0.5, 8, 100, 2);
        let mut out = Vec::new();
        for i in 0..400 {
            let left = if i == 200 { 1.0 } else { 0.1 };
            l.push_frame(&[left, 0.2], &mut out);
        }
        l.finish(&mut out);
        assert_eq!(out.len(), 800);
        assert!(out.iter().all(|y| y.abs() <= 0.5));
        let (at_peak_l, at_peak_r) = (out[400], out[401]);
        assert!((at_peak_l - 0.5).abs() < 1e-6, "{at_peak_l}");
        assert!((at_peak_r - 0.1).abs() < 1e-6, "{at_peak_r}");
    }

    #[test]
    fn short_inputs_come_out_whole() {
        for n in [0, 1, 5, 63, 64, 65, 200] {
            let input: Vec<f32> = (0..n).map(|i| if i % 7 == 0 { 2.0 } else { 0.1 }).collect();
            let (out, _) = run(&input, 1.0, 64);
            assert_eq!(out.len(), n);
            assert!(out.iter().all(|y| y.abs() <= 1.0));
        }
    }
}
