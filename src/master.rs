//! The master stage: streams the timeline, clip by clip, through a loudness
//! meter and then through gain and a peak limiter into the episode's PCM WAV.
//! Only one block of samples is in memory at a time, so memory does not grow
//! with the episode's length.
//!
//! Loudness is measured as delivered (ITU-R BS.1770 on the mono channel, the
//! ebur128 crate), then the gain that brings it to the target is applied; the
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
use crate::cache::Clip;
use crate::timeline::{Source, Timeline};

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

/// Feed every sample of the timeline, in order, block by block, to `f`.
fn stream(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
    speech_gain: &[f32],
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    f: &mut dyn FnMut(&[f32]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut block = Vec::with_capacity(BLOCK);
    for piece in &timeline.pieces {
        on_progress(piece.start)?;
        match piece.source {
            Source::Silence => {
                let mut left = piece.len;
                while left > 0 {
                    let n = left.min(BLOCK as u64) as usize;
                    block.clear();
                    block.resize(n, 0.0);
                    f(&block)?;
                    left -= n as u64;
                }
            }
            source => {
                let clip = clip_of(source)
                    .ok_or_else(|| std::io::Error::other(format!("no clip for {source:?}")))?;
                if clip.frames != piece.len {
                    return Err(std::io::Error::other(format!(
                        "clip {} has {} samples, the timeline expects {}",
                        clip.path.display(),
                        clip.frames,
                        piece.len
                    )));
                }
                let gain = match source {
                    Source::Speech { segment } => speech_gain.get(segment).copied().unwrap_or(1.0),
                    _ => 1.0,
                };
                let mut r = hound::WavReader::open(&clip.path).map_err(to_io)?;
                let mut samples = r.samples::<f32>();
                let mut n = 0u64;
                loop {
                    block.clear();
                    for s in samples.by_ref().take(BLOCK) {
                        block.push(s.map_err(to_io)? * gain);
                    }
                    if block.is_empty() {
                        break;
                    }
                    n += block.len() as u64;
                    f(&block)?;
                }
                if n != piece.len {
                    return Err(std::io::Error::other(format!(
                        "clip {} ended after {n} of {} samples",
                        clip.path.display(),
                        piece.len
                    )));
                }
            }
        }
    }
    Ok(())
}

fn meter(rate: u32) -> std::io::Result<EbuR128> {
    EbuR128::new(1, rate, Mode::I | Mode::TRUE_PEAK)
        .map_err(|e| std::io::Error::other(format!("loudness meter: {e}")))
}

/// (integrated loudness, true peak in dBTP); None where there is no signal.
fn readings(m: &EbuR128) -> (Option<f64>, Option<f64>) {
    let lufs = m.loudness_global().ok().filter(|l| l.is_finite());
    let tp = m
        .true_peak(0)
        .ok()
        .filter(|p| *p > 0.0)
        .map(|p| 20.0 * p.log10());
    (lufs, tp)
}

fn db_to_linear(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// The longest episode a 16-bit mono WAV can hold, in samples: its size
/// fields are 32 bits (13.5 hours at 44.1 kHz).
pub const MAX_SAMPLES: u64 = (u32::MAX as u64 - 44) / 2;

/// Whether `timeline` fits the WAV podgen masters into; else what to say.
pub fn check_length(timeline: &Timeline) -> Result<(), String> {
    let max = MAX_SAMPLES;
    if timeline.total <= max {
        return Ok(());
    }
    Err(format!(
        "the episode is {} long; a WAV file holds at most {} at {} Hz (mono, 16-bit): split it into shorter episodes",
        crate::timeline::clock(timeline.total, timeline.rate),
        crate::timeline::clock(max, timeline.rate),
        timeline.rate
    ))
}

/// Master `timeline` into a 16-bit PCM mono WAV at `dest`. `clip_of` gives
/// the clip for every non-silent source, `speech_gain` a linear gain per
/// plan segment (1 where it is empty); `on_progress` hears the sample
/// position as each pass goes, and an error from it (an interrupt) stops.
pub fn write_wav(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
    speech_gain: &[f32],
    dest: &Path,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<MasterStats> {
    let rate = timeline.rate;
    let mut input = meter(rate)?;
    stream(timeline, clip_of, speech_gain, on_progress, &mut |b| {
        input
            .add_frames_f32(b)
            .map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    let (input_lufs, input_tp) = readings(&input);

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
            timeline,
            clip_of,
            speech_gain,
            on_progress,
            gain_db,
            ceiling_db,
        };
        let (output, reduction, probed) = pass.write(dest, probe)?;
        if let (Some(g), Some(l)) = (probe, probed) {
            previous = Some((g, l));
        }
        let (output_lufs, output_tp) = readings(&output);
        let stats = MasterStats {
            samples: timeline.total,
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
    timeline: &'a Timeline,
    clip_of: &'a dyn Fn(Source) -> Option<Clip>,
    speech_gain: &'a [f32],
    on_progress: &'a dyn Fn(u64) -> std::io::Result<()>,
    gain_db: f64,
    ceiling_db: f64,
}

/// The limiter of a pass: 2 ms to glide into a peak, 80 ms to recover.
fn limiter(rate: u32, ceiling_db: f64) -> Limiter {
    Limiter::new(
        db_to_linear(ceiling_db) as f32,
        (rate / 500) as usize,
        (rate / 12) as usize,
    )
}

/// A second limiter and loudness meter at another gain, run beside a pass.
struct Probe {
    gain: f32,
    limiter: Limiter,
    meter: EbuR128,
    out: Vec<f32>,
}

impl Probe {
    fn feed(&mut self, block: &[f32]) -> std::io::Result<()> {
        self.out.clear();
        for &s in block {
            self.limiter.push(s * self.gain, &mut self.out);
        }
        self.meter
            .add_frames_f32(&self.out)
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn finish(mut self) -> std::io::Result<Option<f64>> {
        self.out.clear();
        self.limiter.finish(&mut self.out);
        self.meter
            .add_frames_f32(&self.out)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
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
        let rate = self.timeline.rate;
        let mut probe = match probe_db {
            Some(db) => Some(Probe {
                gain: db_to_linear(db) as f32,
                limiter: limiter(rate, self.ceiling_db),
                meter: EbuR128::new(1, rate, Mode::I)
                    .map_err(|e| std::io::Error::other(format!("loudness meter: {e}")))?,
                out: Vec::with_capacity(BLOCK),
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
        timeline,
        clip_of,
        speech_gain,
        on_progress,
        gain_db,
        ceiling_db,
    } = *pass;
    let rate = timeline.rate;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(BufWriter::new(File::create(dest)?), spec).map_err(to_io)?;
    let mut output = meter(rate)?;
    let gain = db_to_linear(gain_db) as f32;
    let mut limiter = limiter(rate, ceiling_db);
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
        written += samples.len() as u64;
        output
            .add_frames_f32(&quantized)
            .map_err(|e| std::io::Error::other(e.to_string()))
    };
    stream(timeline, clip_of, speech_gain, on_progress, &mut |block| {
        beside(block)?;
        limited.clear();
        for &s in block {
            limiter.push(s * gain, &mut limited);
        }
        emit(&limited, &mut w, &mut output)
    })?;
    limited.clear();
    limiter.finish(&mut limited);
    emit(&limited, &mut w, &mut output)?;
    w.finalize().map_err(to_io)?;
    if written != timeline.total {
        return Err(std::io::Error::other(format!(
            "wrote {written} samples, the timeline has {}",
            timeline.total
        )));
    }
    Ok((output, -20.0 * f64::from(limiter.min_gain).log10()))
}
