//! The master stage: streams the mix, block by block, through a loudness
//! meter and then through gain and a peak limiter into the episode's PCM WAV.
//! Only one block of samples is in memory at a time, so memory does not grow
//! with the episode's length.
//!
//! Loudness is measured as delivered (ITU-R BS.1770 over the episode's
//! channels, a mono one as single or dual mono; the ebur128 crate), then the gain that brings it to the target is applied; the
//! limiter holds peaks under the true-peak ceiling. The result is measured
//! again from the 16-bit samples actually written, and if the true peak or
//! the loudness missed, the pass is redone with a corrected ceiling or gain.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use ebur128::{EbuR128, Mode};
use serde::Serialize;

use crate::audio::hound_to_io as to_io;
use crate::audio::limiter::Limiter;
use crate::mix::Mix;
use crate::timeline::Timeline;

/// The loudness targets (default -16 LUFS, -1 dBTP, as Apple asks of podcasts).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Targets {
    /// Integrated loudness, LUFS.
    pub loudness_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
    /// Measure a mono episode as dual mono (as heard on two speakers, +3 dB
    /// against a single-channel reading; `audio.mono_loudness: dual`).
    pub dual_mono: bool,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
            dual_mono: false,
        }
    }
}

/// What the master measured and did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MasterStats {
    /// Samples written.
    pub samples: u64,
    /// Integrated loudness and true peak before mastering.
    pub input_lufs: Option<f64>,
    /// True peak before mastering.
    pub input_true_peak_dbtp: Option<f64>,
    /// The loudness asked for.
    pub target_lufs: f64,
    /// The true-peak ceiling asked for.
    pub ceiling_dbtp: f64,
    /// The gain applied before the limiter.
    pub gain_db: f64,
    /// Largest gain reduction the limiter applied.
    pub limiter_max_reduction_db: f64,
    /// Measured on the 16-bit samples written.
    pub output_lufs: Option<f64>,
    /// True peak of the 16-bit samples written.
    pub output_true_peak_dbtp: Option<f64>,
    /// Passes made (a miss is corrected by another).
    pub passes: u32,
}

const BLOCK: usize = 8192;

/// Passes the master may make before it settles for what it has: one is the
/// rule, two when the limiter takes loudness away, more only for very peaky
/// sources pushed to loud targets.
const MAX_PASSES: u32 = 6;
/// The most gain the master applies.
const MAX_GAIN_DB: f64 = 30.0;
/// How far above the pass's gain the probe measures, in dB.
const PROBE_DB: f64 = 1.5;

/// A loudness meter for the episode's channels: a mono episode as one
/// channel, or as dual mono when `targets.dual_mono` says so.
fn meter(channels: u16, rate: u32, mode: Mode, targets: Targets) -> std::io::Result<EbuR128> {
    let fail = |e: ebur128::Error| std::io::Error::other(format!("loudness meter: {e}"));
    let mut m = EbuR128::new(u32::from(channels), rate, mode).map_err(fail)?;
    if channels == 1 && targets.dual_mono {
        m.set_channel(0, ebur128::Channel::DualMono).map_err(fail)?;
    }
    Ok(m)
}

fn add(m: &mut EbuR128, frames: &[f32]) -> std::io::Result<()> {
    m.add_frames_f32(frames)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// (integrated loudness, true peak in dBTP over all channels); None where
/// there is no signal.
fn readings(m: &EbuR128, channels: u16) -> (Option<f64>, Option<f64>) {
    let lufs = m.loudness_global().ok().filter(|l| l.is_finite());
    let peak = (0..u32::from(channels))
        .filter_map(|c| m.true_peak(c).ok())
        .fold(0.0f64, f64::max);
    let tp = (peak > 0.0).then(|| 20.0 * peak.log10());
    (lufs, tp)
}

fn db_to_linear(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// The longest episode a 16-bit WAV of `channels` can hold, in frames: its
/// size fields are 32 bits (13.5 hours of mono at 44.1 kHz, 6.7 of stereo).
pub fn max_frames(channels: u16) -> u64 {
    (u64::from(u32::MAX) - 44) / (2 * u64::from(channels.max(1)))
}

/// Whether `timeline` in `channels` fits the WAV podgen masters into; else
/// what to say.
pub fn check_length(timeline: &Timeline, channels: u16) -> Result<(), String> {
    let max = max_frames(channels);
    if timeline.total <= max {
        return Ok(());
    }
    Err(format!(
        "the episode is {} long; a WAV file holds at most {} at {} Hz ({}, 16-bit): split it into shorter episodes",
        crate::timeline::clock(timeline.total, timeline.rate),
        crate::timeline::clock(max, timeline.rate),
        timeline.rate,
        if channels == 2 { "stereo" } else { "mono" }
    ))
}

/// Master `mix` into a 16-bit PCM WAV at `dest`, in the mix's channels;
/// `on_progress` hears the frame position as each pass goes, and an error
/// from it (an interrupt) stops.
pub fn write_wav(
    mix: &Mix,
    dest: &Path,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<MasterStats> {
    let (rate, channels) = (mix.timeline.rate, mix.channels);
    let mut input = meter(channels, rate, Mode::I | Mode::TRUE_PEAK, targets)?;
    mix.stream(on_progress, &mut |b| add(&mut input, b))?;
    let (input_lufs, input_tp) = readings(&input, channels);

    let mut gain_db = input_lufs.map_or(0.0, |l| targets.loudness_lufs - l);
    // The sample-peak ceiling sits below the true-peak ceiling: the space
    // between samples can peak higher than the samples themselves.
    let mut margin_db = 0.5;
    let mut passes = 0;
    // The slope of loudness against gain, for the correction after a pass:
    // under heavy limiting a dB of gain buys much less than a dB of
    // loudness. Where the limiter will work, the first pass also measures a
    // probe at a little more gain; later passes use the secant.
    let mut previous: Option<(f64, f64)> = None;
    let limiting = input_tp.is_some_and(|tp| tp + gain_db > targets.true_peak_dbtp - margin_db);
    loop {
        passes += 1;
        let ceiling_db = targets.true_peak_dbtp - margin_db;
        let probe = (passes == 1 && limiting).then_some(gain_db + PROBE_DB);
        let pass = Pass {
            mix,
            targets,
            on_progress,
            gain_db,
            ceiling_db,
        };
        let (output, reduction, probed) = pass.write(dest, probe)?;
        if let (Some(g), Some(l)) = (probe, probed) {
            previous = Some((g, l));
        }
        let (output_lufs, output_tp) = readings(&output, channels);
        let stats = MasterStats {
            samples: mix.timeline.total,
            input_lufs,
            input_true_peak_dbtp: input_tp,
            target_lufs: targets.loudness_lufs,
            ceiling_dbtp: targets.true_peak_dbtp,
            gain_db,
            limiter_max_reduction_db: reduction,
            output_lufs,
            output_true_peak_dbtp: output_tp,
            passes,
        };
        if passes == MAX_PASSES {
            return Ok(stats);
        }
        if let Some(tp) = output_tp
            && tp > targets.true_peak_dbtp
        {
            margin_db += tp - targets.true_peak_dbtp + 0.1;
            continue;
        }
        // Limiting takes some loudness away: give it back, within reason.
        if let Some(l) = output_lufs
            && l < targets.loudness_lufs - 0.3
            && reduction > 0.0
            && gain_db < MAX_GAIN_DB
        {
            let slope = match previous {
                Some((g, lufs)) if (gain_db - g).abs() > 0.01 => {
                    ((l - lufs) / (gain_db - g)).clamp(0.1, 1.0)
                }
                _ => 1.0,
            };
            previous = Some((gain_db, l));
            gain_db = (gain_db + (targets.loudness_lufs - l) / slope).min(MAX_GAIN_DB);
            continue;
        }
        return Ok(stats);
    }
}

/// One pass over the timeline at a gain and a ceiling.
struct Pass<'a> {
    mix: &'a Mix<'a>,
    targets: Targets,
    on_progress: &'a dyn Fn(u64) -> std::io::Result<()>,
    gain_db: f64,
    ceiling_db: f64,
}

/// The limiter of a pass: 2 ms to glide into a peak, 80 ms to recover.
fn limiter(rate: u32, channels: u16, ceiling_db: f64) -> Limiter {
    Limiter::linked(
        db_to_linear(ceiling_db) as f32,
        (rate / 500) as usize,
        (rate / 12) as usize,
        usize::from(channels),
    )
}

/// A second limiter and loudness meter at another gain, run beside a pass.
struct Probe {
    gain: f32,
    limiter: Limiter,
    meter: EbuR128,
    out: Vec<f32>,
    channels: usize,
}

/// `block`'s frames times `gain`, through `limiter` into `out`.
fn limit(limiter: &mut Limiter, block: &[f32], gain: f32, channels: usize, out: &mut Vec<f32>) {
    debug_assert_eq!(block.len() % channels, 0);
    limiter.push_scaled(block, gain, out);
}

impl Probe {
    fn feed(&mut self, block: &[f32]) -> std::io::Result<()> {
        self.out.clear();
        limit(
            &mut self.limiter,
            block,
            self.gain,
            self.channels,
            &mut self.out,
        );
        add(&mut self.meter, &self.out)
    }

    fn finish(mut self) -> std::io::Result<Option<f64>> {
        self.out.clear();
        self.limiter.finish(&mut self.out);
        add(&mut self.meter, &self.out)?;
        Ok(self.meter.loudness_global().ok().filter(|l| l.is_finite()))
    }
}

impl Pass<'_> {
    /// Gain, limiter, 16-bit samples into `dest`, and a meter of what was
    /// written; with `probe_db`, also the loudness the same limiting gives
    /// at that gain (nothing written). Returns the meter, the largest
    /// reduction in dB, and the probe's loudness.
    fn write(
        &self,
        dest: &Path,
        probe_db: Option<f64>,
    ) -> std::io::Result<(EbuR128, f64, Option<f64>)> {
        let (rate, channels) = (self.mix.timeline.rate, self.mix.channels);
        let mut probe = match probe_db {
            Some(db) => Some(Probe {
                gain: db_to_linear(db) as f32,
                limiter: limiter(rate, channels, self.ceiling_db),
                meter: meter(channels, rate, Mode::I, self.targets)?,
                out: Vec::with_capacity(BLOCK),
                channels: usize::from(channels),
            }),
            None => None,
        };
        let (output, reduction) = write_pass(self, dest, &mut |block| {
            probe.as_mut().map_or(Ok(()), |p| p.feed(block))
        })?;
        let probed = match probe {
            Some(p) => p.finish()?,
            None => None,
        };
        Ok((output, reduction, probed))
    }
}

/// One pass: gain, limiter, 16-bit samples into `dest`, and a meter of what
/// was written. Returns the meter and the largest reduction in dB.
fn write_pass(
    pass: &Pass,
    dest: &Path,
    beside: &mut dyn FnMut(&[f32]) -> std::io::Result<()>,
) -> std::io::Result<(EbuR128, f64)> {
    let Pass {
        mix,
        targets,
        on_progress,
        gain_db,
        ceiling_db,
    } = *pass;
    let (rate, channels) = (mix.timeline.rate, mix.channels);
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(BufWriter::new(File::create(dest)?), spec).map_err(to_io)?;
    let mut output = meter(channels, rate, Mode::I | Mode::TRUE_PEAK, targets)?;
    let gain = db_to_linear(gain_db) as f32;
    let mut limiter = limiter(rate, channels, ceiling_db);
    let mut limited = Vec::with_capacity(BLOCK);
    let mut quantized = Vec::with_capacity(BLOCK);
    let mut written = 0u64;
    let mut emit = |samples: &[f32],
                    w: &mut hound::WavWriter<BufWriter<File>>,
                    output: &mut EbuR128|
     -> std::io::Result<()> {
        quantized.clear();
        for &y in samples {
            let q = (y * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            w.write_sample(q).map_err(to_io)?;
            quantized.push(f32::from(q) / 32768.0);
        }
        written += (samples.len() / usize::from(channels)) as u64;
        add(output, &quantized)
    };
    mix.stream(on_progress, &mut |block| {
        beside(block)?;
        limited.clear();
        limit(
            &mut limiter,
            block,
            gain,
            usize::from(channels),
            &mut limited,
        );
        emit(&limited, &mut w, &mut output)
    })?;
    limited.clear();
    limiter.finish(&mut limited);
    emit(&limited, &mut w, &mut output)?;
    w.finalize().map_err(to_io)?;
    if written != mix.timeline.total {
        return Err(std::io::Error::other(format!(
            "wrote {written} frames, the timeline has {}",
            mix.timeline.total
        )));
    }
    Ok((output, -20.0 * f64::from(limiter.min_gain).log10()))
}
