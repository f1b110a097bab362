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

/// A look-ahead limiter: push samples in, take limited samples out, exactly
/// as many. With several channels it works on frames, one gain for all
/// channels (linked), so the stereo image does not shift when it acts.
///
/// The queues are fixed rings (nothing grows after `linked`), and blocks of
/// frames go through one loop: the limiter runs on every sample of every
/// pass of the master, so its cost per sample is most of a cached render's.
pub struct Limiter {
    ceiling: f32,
    channels: usize,
    half: usize,
    /// Frames in the delay and in the averaging window: `2 * half + 1`.
    span: usize,
    /// Per-sample recovery of the gain towards 1.
    release: f32,
    /// The last `span` frames, a ring written at `slot`; once full, `slot`
    /// is also the oldest frame, the one to come out next.
    delayed: Vec<f32>,
    /// The peak of each frame in `delayed`, same slots.
    peaks: Vec<f32>,
    slot: usize,
    /// Candidates for the sliding minimum: (index, required gain), increasing
    /// gains, a ring of a power-of-two size from `head` to `tail`.
    minima: Vec<(usize, f32)>,
    head: usize,
    tail: usize,
    /// Windowed minima for the moving average, a ring written at `at`, and
    /// their sum (updated in the same order as ever: it is f64 but rounds).
    window: Vec<f32>,
    at: usize,
    window_sum: f64,
    pushed: usize,
    gain: f32,
    /// A gain the release can no longer raise (in f32 it stalls below 1),
    /// so the recovery step can be skipped while the gain sits there.
    stalled: f32,
    /// A (window sum, minimum) that one step left unchanged (the minimum
    /// leaving the window was the one entering), and the average it gave:
    /// in a steady passage the step is skipped, its result known.
    steady: ((f64, f32), f32),
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

    /// The limiter of the master and of the chain in front of LAME: linked
    /// across `channels`, ceiling `ceiling_dbfs` (sample peak), 2 ms to
    /// glide into a peak and 80 ms to recover at `rate`.
    pub fn master(rate: u32, ceiling_dbfs: f64, channels: usize) -> Self {
        Self::linked(
            crate::gain::db_to_linear(ceiling_dbfs) as f32,
            (rate / 500) as usize,
            (rate / 12) as usize,
            channels,
        )
    }

    /// A limiter for interleaved frames of `channels`; `lookahead` and
    /// `release` in frames.
    pub fn linked(ceiling: f32, lookahead: usize, release: usize, channels: usize) -> Self {
        let channels = channels.max(1);
        let half = lookahead.max(1);
        let span = 2 * half + 1;
        // Before the start there is nothing to limit: gains of 1.
        let mut window = vec![0.0; span];
        window[..half].fill(1.0);
        Limiter {
            ceiling,
            channels,
            half,
            span,
            release: 1.0 / release.max(1) as f32,
            delayed: vec![0.0; span * channels],
            peaks: vec![0.0; span],
            slot: 0,
            // At most span + 1 candidates: the new one before the oldest expires.
            minima: vec![(0, 0.0); (span + 1).next_power_of_two()],
            head: 0,
            tail: 0,
            window,
            at: half,
            window_sum: half as f64,
            pushed: 0,
            gain: 1.0,
            stalled: 1.0,
            steady: ((f64::NAN, f32::NAN), 1.0),
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
        self.push_block(&[x], out);
    }

    /// Feed one frame (as many samples as channels); once the delay has
    /// filled, a limited frame comes out.
    pub fn push_frame(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        debug_assert_eq!(frame.len(), self.channels);
        self.push_block(frame, out);
    }

    /// Feed interleaved whole frames; limited frames come out as the delay
    /// allows. The same as pushing them one by one, faster.
    pub fn push_block(&mut self, frames: &[f32], out: &mut Vec<f32>) {
        self.push_scaled(frames, 1.0, out);
    }

    /// Feed interleaved whole frames, each sample times `gain` first (what
    /// the master's gain stage does before its limiter).
    pub fn push_scaled(&mut self, frames: &[f32], gain: f32, out: &mut Vec<f32>) {
        debug_assert_eq!(frames.len() % self.channels, 0);
        self.real += frames.len() / self.channels;
        self.feed(frames, gain, out);
    }

    /// Flush the delayed samples, feeding silence behind them: afterwards
    /// exactly as many samples came out as went in (the padding never does).
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        let owed = self.real - self.emitted;
        if owed == 0 {
            return;
        }
        // Each frame fed once the delay has filled lets one out.
        let frames = owed + (2 * self.half).saturating_sub(self.pushed);
        self.feed(&vec![0.0; frames * self.channels], 1.0, out);
        debug_assert_eq!(self.emitted, self.real);
    }

    fn feed(&mut self, frames: &[f32], gain: f32, out: &mut Vec<f32>) {
        // Constant channel counts let the frame loops unroll.
        match self.channels {
            1 => self.run(frames, gain, 1, out),
            2 => self.run(frames, gain, 2, out),
            c => self.run(frames, gain, c, out),
        }
    }

    #[inline(always)]
    fn run(&mut self, frames: &[f32], scale: f32, c: usize, out: &mut Vec<f32>) {
        let (half, span, ceiling, release) = (self.half, self.span, self.ceiling, self.release);
        // Frames from index 2 * half on let one out each.
        let n = frames.len() / c;
        let emitting = (self.pushed + n).saturating_sub(self.pushed.max(2 * half));
        let mut o = out.len();
        out.resize(o + emitting * c, 0.0);
        let mask = self.minima.len() - 1;
        // The state in locals and the rings as slices, so that the loop keeps
        // it in registers.
        let (delayed, peaks) = (&mut self.delayed[..], &mut self.peaks[..]);
        let (minima, window) = (&mut self.minima[..], &mut self.window[..]);
        let (mut slot, mut head, mut tail, mut at) = (self.slot, self.head, self.tail, self.at);
        let (mut sum, mut gain, mut min_gain) = (self.window_sum, self.gain, self.min_gain);
        let (mut stalled, mut steady) = (self.stalled, self.steady);
        let mut i = self.pushed;
        for frame in frames.chunks_exact(c) {
            let index = i;
            i += 1;
            let base = slot * c;
            let mut peak = 0.0f32;
            for (d, &x) in delayed[base..base + c].iter_mut().zip(frame) {
                *d = x * scale;
                peak = peak.max(d.abs());
            }
            peaks[slot] = peak;
            slot += 1;
            if slot == span {
                slot = 0;
            }
            // Divided either way: a select, not a branch, in noisy loud passages.
            let bound = ceiling / peak;
            let required = if peak > ceiling { bound } else { 1.0 };
            while tail != head && minima[(tail - 1) & mask].1 >= required {
                tail -= 1;
            }
            minima[tail & mask] = (index, required);
            tail += 1;
            // The minimum over [j - half, j + half] is known once j + half is in.
            if index < half {
                continue;
            }
            while minima[head & mask].0 + 2 * half < index {
                head += 1;
            }
            let m = minima[head & mask].1;
            window[at] = m;
            at += 1;
            if at == span {
                at = 0;
            }
            // The average over [k - half, k + half] is known once k + half
            // has its minimum; the ring is full then and `at` is its oldest.
            if index < 2 * half {
                sum += f64::from(m);
                continue;
            }
            let average = slide(&mut sum, &mut steady, m, window[at], span);
            gain = average.min(recover(gain, &mut stalled, release));
            min_gain = min_gain.min(gain);
            // The frame's own bound catches rounding in the running sum
            // and the first frames, whose window began with gains of 1;
            // one gain for the frame keeps the channels linked.
            let peak = peaks[slot];
            let bound = ceiling / peak;
            let g = if peak * gain > ceiling { bound } else { gain };
            let base = slot * c;
            for (y, x) in out[o..o + c].iter_mut().zip(&delayed[base..base + c]) {
                *y = (x * g).clamp(-ceiling, ceiling);
            }
            o += c;
        }
        (self.slot, self.head, self.tail, self.at) = (slot, head, tail, at);
        (self.window_sum, self.gain, self.min_gain) = (sum, gain, min_gain);
        (self.stalled, self.steady) = (stalled, steady);
        self.pushed = i;
        self.emitted += emitting;
    }
}

/// One step of the window's running sum: `m` comes in, `old` goes out.
/// Returns the average with `m` in. The same step from the same sum as the
/// one in `steady` (which left the sum as it was) is not done again.
#[inline(always)]
fn slide(sum: &mut f64, steady: &mut ((f64, f32), f32), m: f32, old: f32, span: usize) -> f32 {
    let same = m.to_bits() == old.to_bits();
    if same && (*sum, m) == steady.0 {
        return steady.1;
    }
    let added = *sum + f64::from(m);
    let average = (added / span as f64) as f32;
    let next = added - f64::from(old);
    if same && next.to_bits() == sum.to_bits() {
        *steady = ((*sum, m), average);
    }
    *sum = next;
    average
}

/// The gain one sample of release later; `stalled` is a gain it no longer
/// raises (found on the way), where the step is skipped.
#[inline(always)]
fn recover(gain: f32, stalled: &mut f32, release: f32) -> f32 {
    if gain.to_bits() == stalled.to_bits() {
        return gain;
    }
    let g = gain + (1.0 - gain) * release;
    if g.to_bits() == gain.to_bits() {
        *stalled = gain;
    }
    g
}

#[cfg(test)]
mod reference;

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

    /// Signals that exercise every branch: noise with bursts far over the
    /// ceiling, lone spikes, a ramp through it, silence, and the extremes.
    fn signals(len: usize) -> Vec<Vec<f32>> {
        let mut seed = 99u32;
        let mut noise = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        };
        let bursts = (0..len)
            .map(|i| noise() * if (i / 700) % 3 == 0 { 3.0 } else { 0.4 })
            .collect();
        let spikes = (0..len)
            .map(|i| if i % 911 == 5 { 1.7 } else { 0.3 * noise() })
            .collect();
        let ramp = (0..len)
            .map(|i| 2.0 * i as f32 / len as f32 - 0.7)
            .collect();
        let mut odd: Vec<f32> = vec![0.0; len];
        for (i, x) in odd.iter_mut().enumerate().step_by(97) {
            *x = [f32::INFINITY, -0.0, 1e-30, -5.0, f32::MAX][i % 5];
        }
        // Speech at a mastered level: the limiter acts every two seconds or so.
        let speech = (0..len)
            .map(|i| if i % 90_000 == 7 { 1.3 } else { 0.2 * noise() })
            .collect();
        vec![bursts, spikes, ramp, vec![0.0; len], odd, speech]
    }

    /// How a limiter under test is set up.
    #[derive(Debug, Clone, Copy)]
    struct Setup {
        channels: usize,
        ceiling: f32,
        half: usize,
        release: usize,
    }

    /// The reference fed frame by frame, and the new limiter fed in blocks
    /// of the given sizes (cycled), must agree to the bit.
    fn agree(input: &[f32], setup: Setup, blocks: &[usize]) {
        let Setup {
            channels,
            ceiling,
            half,
            release,
        } = setup;
        let mut old = reference::Limiter::linked(ceiling, half, release, channels);
        let mut expected = Vec::new();
        for f in input.chunks_exact(channels) {
            old.push_frame(f, &mut expected);
        }
        old.finish(&mut expected);
        let mut new = Limiter::linked(ceiling, half, release, channels);
        let mut got = Vec::new();
        let mut rest = input;
        for &b in blocks.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let n = (b * channels).min(rest.len());
            if b == 1 && channels == 1 {
                new.push(rest[0], &mut got);
            } else if b == 1 {
                new.push_frame(&rest[..n], &mut got);
            } else {
                new.push_block(&rest[..n], &mut got);
            }
            rest = &rest[n..];
        }
        new.finish(&mut got);
        let what = format!(
            "{channels} ch, ceiling {ceiling}, half {half}, release {release}, blocks {blocks:?}"
        );
        assert_eq!(new.delay(), old.delay(), "{what}");
        assert_eq!(got.len(), expected.len(), "{what}");
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert!(bits(&got) == bits(&expected), "{what}");
        assert_eq!(new.min_gain.to_bits(), old.min_gain.to_bits(), "{what}");
    }

    #[test]
    fn output_is_bit_identical_to_the_frame_by_frame_reference() {
        for signal in signals(12_000) {
            for (channels, half, release) in [
                (1, 1, 1),
                (1, 88, 3675),
                (2, 88, 3675),
                (2, 7, 50),
                (3, 4, 9),
            ] {
                for ceiling in [0.5, 0.891, 1.0] {
                    let setup = Setup {
                        channels,
                        ceiling,
                        half,
                        release,
                    };
                    for blocks in [&[4096][..], &[1], &[1, 7, 300, 2], &[13]] {
                        agree(&signal, setup, blocks);
                    }
                }
            }
        }
        // Inputs shorter than the delay, and none at all.
        let setup = |channels| Setup {
            channels,
            ceiling: 0.8,
            half: 88,
            release: 3675,
        };
        for n in [0, 1, 2, 5, 175, 176, 177, 400] {
            agree(&signals(n)[0], setup(1), &[4096]);
            agree(&signals(2 * n)[1], setup(2), &[3]);
        }
    }

    #[test]
    fn scaled_blocks_match_scaling_first() {
        let input = &signals(9_000)[0];
        let gain = 1.37f32;
        let scaled: Vec<f32> = input.iter().map(|x| x * gain).collect();
        let (mut a, mut b) = (
            Limiter::linked(0.9, 88, 3675, 2),
            Limiter::linked(0.9, 88, 3675, 2),
        );
        let (mut ya, mut yb) = (Vec::new(), Vec::new());
        for (x, s) in input.chunks(1000).zip(scaled.chunks(1000)) {
            a.push_scaled(x, gain, &mut ya);
            b.push_block(s, &mut yb);
        }
        a.finish(&mut ya);
        b.finish(&mut yb);
        assert_eq!(ya, yb);
        assert_eq!(a.min_gain, b.min_gain);
    }

    /// `cargo test --release --lib limiter::tests::speed -- --ignored --nocapture`
    #[test]
    #[ignore = "a benchmark: run it by name, in release"]
    fn speed() {
        let all = signals(44_100 * 20);
        // Heavy limiting; spikes too often for the gain to recover between
        // them; speech as mastered (a peak limited now and then).
        let cases = [(0, "bursts"), (1, "spikes"), (5, "speech")];
        for (input, what, channels) in cases
            .map(|(k, w)| [(&all[k], w, 1), (&all[k], w, 2)])
            .concat()
        {
            let time = |f: &mut dyn FnMut()| {
                let start = std::time::Instant::now();
                f();
                start.elapsed().as_nanos() as f64 / input.len() as f64
            };
            let mut sink = Vec::with_capacity(input.len() + 10_000);
            let old = time(&mut || {
                sink.clear();
                let mut l = reference::Limiter::linked(0.9, 88, 3675, channels);
                for f in input.chunks_exact(channels) {
                    l.push_frame(f, &mut sink);
                }
                l.finish(&mut sink);
            });
            let mut l = Limiter::linked(0.9, 88, 3675, channels);
            let frame = time(&mut || {
                sink.clear();
                for f in input.chunks_exact(channels) {
                    l.push_frame(f, &mut sink);
                }
                l.finish(&mut sink);
            });
            let block = time(&mut || {
                sink.clear();
                let mut l = Limiter::linked(0.9, 88, 3675, channels);
                for b in input.chunks(4096 * channels) {
                    l.push_block(b, &mut sink);
                }
                l.finish(&mut sink);
            });
            println!(
                "{what} {channels} ch: reference {old:.2} ns/sample, push_frame {frame:.2}, push_block {block:.2} ({:.1}x)",
                old / block
            );
        }
    }
}
