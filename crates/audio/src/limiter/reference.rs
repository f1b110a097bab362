//! The limiter as it was before the ring-buffer rewrite, kept only to
//! prove the rewrite's output bit-identical (and to time it against).

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
