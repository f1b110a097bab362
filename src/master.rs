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
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
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

/// Feed every sample of the timeline, in order, block by block, to `f`.
fn stream(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
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
                let mut r = hound::WavReader::open(&clip.path).map_err(to_io)?;
                let mut samples = r.samples::<f32>();
                let mut n = 0u64;
                loop {
                    block.clear();
                    for s in samples.by_ref().take(BLOCK) {
                        block.push(s.map_err(to_io)?);
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

/// Master `timeline` into a 16-bit PCM mono WAV at `dest`. `clip_of` gives
/// the clip for every non-silent source; `on_progress` hears the sample
/// position as each pass goes, and an error from it (an interrupt) stops.
pub fn write_wav(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
    dest: &Path,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<MasterStats> {
    let rate = timeline.rate;
    let mut input = meter(rate)?;
    stream(timeline, clip_of, on_progress, &mut |b| {
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
    loop {
        passes += 1;
        let ceiling_db = targets.true_peak_dbtp - margin_db;
        let (output, reduction) =
            write_pass(timeline, clip_of, dest, gain_db, ceiling_db, on_progress)?;
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
        if passes == 4 {
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
            && gain_db < 30.0
        {
            gain_db += targets.loudness_lufs - l;
            continue;
        }
        return Ok(stats);
    }
}

/// One pass: gain, limiter, 16-bit samples into `dest`, and a meter of what
/// was written. Returns the meter and the largest reduction in dB.
fn write_pass(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
    dest: &Path,
    gain_db: f64,
    ceiling_db: f64,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<(EbuR128, f64)> {
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
    // 2 ms to glide into a peak, 80 ms to recover from it.
    let mut limiter = Limiter::new(
        db_to_linear(ceiling_db) as f32,
        (rate / 500) as usize,
        (rate / 12) as usize,
    );
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
    stream(timeline, clip_of, on_progress, &mut |block| {
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
