//! The master stage: streams the mix, block by block, through a loudness
//! meter and then through gain and a peak limiter into the episode's PCM WAV.
//! Only one block of samples is in memory at a time, so memory does not grow
//! with the episode's length.
//!
//! Loudness is measured as delivered (ITU-R BS.1770 over the episode's
//! channels, a mono one as single or dual mono; the ebur128 crate). Where
//! the limiter will act, the mix is run through it at two gains first (it
//! takes loudness back, so a dB of gain buys less than a dB), and the gain
//! that reaches the target is found before anything is written. One pass
//! then writes the WAV and feeds a [`Tap`] (the MP3 encoder, on its own
//! thread). What was written is measured in that pass; if its true peak or
//! loudness missed, the pass is redone with a corrected ceiling or gain.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use ebur128::{EbuR128, Mode};
use serde::Serialize;

use crate::audio::hound_to_io as to_io;
use crate::audio::limiter::Limiter;
use crate::input::settings::Targets;
use crate::sound::mix::Mix;
use crate::sound::timeline::Timeline;

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
    /// Write passes made: one, unless what was written missed and another
    /// corrected it (the measuring and probing passes before are not counted).
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
/// How far from the target a rehearsal may read before the gain is
/// corrected once more, LU.
const REHEARSAL_LU: f64 = 0.03;

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
        crate::audio::time::clock(timeline.total, timeline.rate),
        crate::audio::time::clock(max, timeline.rate),
        timeline.rate,
        if channels == 2 { "stereo" } else { "mono" }
    ))
}

/// A write pass of the master: the gain, the limiter's sample-peak
/// ceiling, and how much loudness one more dB of gain buys there.
#[derive(Debug, Clone, Copy)]
pub struct PassPlan {
    /// The gain before the limiter, dB.
    pub gain_db: f64,
    /// The limiter's ceiling, dBFS.
    pub ceiling_db: f64,
    /// 1 where the limiter does not act; less where it takes some back.
    pub slope: f64,
}

/// Something fed the master's 16-bit samples (as floats) while a write
/// pass writes them: the MP3 encoder, on its own thread. A pass that is
/// redone starts it again, so only the last pass counts.
pub trait Tap {
    /// A write pass begins; whatever an earlier pass fed is void.
    fn start(&mut self, plan: &PassPlan) -> std::io::Result<()>;
    /// Interleaved whole frames, in order.
    fn feed(&mut self, samples: &[f32]) -> std::io::Result<()>;
    /// The pass has fed everything.
    fn end(&mut self) -> std::io::Result<()>;
    /// Where the limiter acts, the master rehearses its write pass at
    /// `plan` first (nothing written): a listener to hear it, if the tap
    /// aims by one.
    fn listener(&mut self, _plan: &PassPlan) -> std::io::Result<Option<Box<dyn Listener>>> {
        Ok(None)
    }
    /// What the rehearsal at `plan` gave: the master's loudness there, and
    /// what the listener measured.
    fn rehearsed(&mut self, _plan: &PassPlan, _master_lufs: f64, _heard: Option<f64>) {}
}

/// What a tap runs in the master's rehearsal of its write pass: it hears
/// what the master would write (before quantization), on a thread of its
/// own, and measures what it would make of it.
pub trait Listener: Send {
    /// Interleaved whole frames, in order.
    fn hear(&mut self, samples: &[f32]) -> std::io::Result<()>;
    /// The rehearsal is over: the loudness of what it would have made.
    fn finish(self: Box<Self>) -> std::io::Result<Option<f64>>;
}

/// No tap: the WAV alone.
pub struct NoTap;

impl Tap for NoTap {
    fn start(&mut self, _: &PassPlan) -> std::io::Result<()> {
        Ok(())
    }
    fn feed(&mut self, _: &[f32]) -> std::io::Result<()> {
        Ok(())
    }
    fn end(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Master `mix` into a 16-bit PCM WAV at `dest`, in the mix's channels,
/// feeding `tap` what is written; `on_progress` hears the frame position
/// as each pass goes, and an error from it (an interrupt) stops.
///
/// One pass measures the mix; where the limiter will act, a second runs
/// it through the limiter at two gains and a third rehearses the write
/// pass at the gain they give (nothing written in either), so that the
/// gain is known before the one pass that writes. Another write pass is
/// made only when what was written misses.
pub fn write_wav(
    mix: &Mix,
    dest: &Path,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    tap: &mut dyn Tap,
) -> std::io::Result<MasterStats> {
    let channels = mix.channels;
    let (input_lufs, input_tp) = measure(mix, targets, on_progress)?;
    let mut gain_db = input_lufs.map_or(0.0, |l| (targets.loudness_lufs - l).min(MAX_GAIN_DB));
    // The sample-peak ceiling sits below the true-peak ceiling: the space
    // between samples can peak higher than the samples themselves.
    let mut margin_db = 0.5;
    let mut passes = 0;
    // The slope of loudness against gain: under heavy limiting a dB of
    // gain buys much less than a dB of loudness. Where the limiter will
    // work, two probes find it before anything is written; after a write
    // pass that missed, the secant through the last two.
    let mut slope = 1.0;
    let mut previous: Option<Point> = None;
    let limiting = input_tp.is_some_and(|tp| tp + gain_db > targets.true_peak_dbtp - margin_db);
    if limiting {
        let ceiling_db = targets.true_peak_dbtp - margin_db;
        (gain_db, slope, previous) = aim(mix, targets, on_progress, tap, ceiling_db, gain_db)?;
    }
    loop {
        passes += 1;
        let plan = PassPlan {
            gain_db,
            ceiling_db: targets.true_peak_dbtp - margin_db,
            slope,
        };
        let pass = Pass {
            mix,
            targets,
            on_progress,
            plan,
        };
        let (output, reduction) = write_pass(&pass, dest, tap)?;
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
        // Limiting took more loudness away than foreseen: give it back,
        // within reason.
        if let Some(l) = output_lufs
            && l < targets.loudness_lufs - 0.3
            && reduction > 0.0
            && gain_db < MAX_GAIN_DB
        {
            if let Some((g, lufs)) = previous
                && (gain_db - g).abs() > 0.01
            {
                slope = ((l - lufs) / (gain_db - g)).clamp(0.1, 1.0);
            }
            previous = Some((gain_db, l));
            gain_db = (gain_db + (targets.loudness_lufs - l) / slope).min(MAX_GAIN_DB);
            continue;
        }
        return Ok(stats);
    }
}

/// A gain (dB) and the loudness it gave (LUFS).
type Point = (f64, f64);

/// Where the limiter will act: the gain that brings the limited mix to
/// the target, from two probes and a rehearsal at the secant's gain (the
/// tap listening), with the slope there and the last point measured.
fn aim(
    mix: &Mix,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    tap: &mut dyn Tap,
    ceiling_db: f64,
    mut gain_db: f64,
) -> std::io::Result<(f64, f64, Option<Point>)> {
    let (mut slope, mut previous) = (1.0, None);
    let gains = [gain_db, gain_db + PROBE_DB];
    if let [Some(l0), Some(l1)] = probe(mix, targets, on_progress, ceiling_db, gains)? {
        slope = ((l1 - l0) / PROBE_DB).clamp(0.1, 1.0);
        previous = Some((gains[0], l0));
        gain_db = (gain_db + (targets.loudness_lufs - l0) / slope).min(MAX_GAIN_DB);
    }
    // The secant is an estimate: rehearse the write pass at its gain
    // (with the tap listening, so that it can aim too) and correct.
    let plan = PassPlan {
        gain_db,
        ceiling_db,
        slope,
    };
    let listener = tap.listener(&plan)?;
    let (rehearsed, heard) = rehearse(mix, targets, on_progress, plan, listener)?;
    if let Some(l) = rehearsed {
        tap.rehearsed(&plan, l, heard);
        if let Some((g, lufs)) = previous
            && (gain_db - g).abs() > 0.01
        {
            slope = ((l - lufs) / (gain_db - g)).clamp(0.1, 1.0);
        }
        previous = Some((gain_db, l));
        if (l - targets.loudness_lufs).abs() > REHEARSAL_LU {
            gain_db = (gain_db + (targets.loudness_lufs - l) / slope).min(MAX_GAIN_DB);
        }
    }
    Ok((gain_db, slope, previous))
}

/// Integrated loudness and true peak of the mix as it is. The true peak
/// (the costlier half: 4× oversampling) is measured on a second thread.
fn measure(
    mix: &Mix,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<(Option<f64>, Option<f64>)> {
    let (rate, channels) = (mix.timeline.rate, mix.channels);
    let mut loudness = meter(channels, rate, Mode::I, targets)?;
    let mut peaks = meter(channels, rate, Mode::TRUE_PEAK, targets)?;
    beside(mix, on_progress, &mut |b| add(&mut loudness, b), &mut |b| {
        add(&mut peaks, b)
    })?;
    Ok((
        readings(&loudness, channels).0,
        readings(&peaks, channels).1,
    ))
}

/// The loudness the mix reads through the limiter at `ceiling_db` at each
/// of two gains, one on each core; nothing is written.
fn probe(
    mix: &Mix,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    ceiling_db: f64,
    gains: [f64; 2],
) -> std::io::Result<[Option<f64>; 2]> {
    let (rate, channels) = (mix.timeline.rate, mix.channels);
    let probe_at = |db: f64| -> std::io::Result<Probe> {
        Ok(Probe {
            gain: db_to_linear(db) as f32,
            limiter: limiter(rate, channels, ceiling_db),
            meter: meter(channels, rate, Mode::I, targets)?,
            out: Vec::with_capacity(BLOCK),
        })
    };
    let (mut first, mut second) = (probe_at(gains[0])?, probe_at(gains[1])?);
    beside(mix, on_progress, &mut |b| first.feed(b), &mut |b| {
        second.feed(b)
    })?;
    Ok([first.finish()?, second.finish()?])
}

/// The write pass at `plan` without writing: the master's loudness there,
/// and what `listener` (on a second thread) made of what it heard.
fn rehearse(
    mix: &Mix,
    targets: Targets,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    plan: PassPlan,
    listener: Option<Box<dyn Listener>>,
) -> std::io::Result<(Option<f64>, Option<f64>)> {
    let (rate, channels) = (mix.timeline.rate, mix.channels);
    let mut master = meter(channels, rate, Mode::I, targets)?;
    let mut limiter = limiter(rate, channels, plan.ceiling_db);
    let gain = db_to_linear(plan.gain_db) as f32;
    let mut limited = Vec::with_capacity(BLOCK);
    std::thread::scope(|scope| {
        let (queue, blocks) = std::sync::mpsc::sync_channel::<Vec<f32>>(4);
        let side = scope.spawn(move || -> std::io::Result<Option<f64>> {
            let Some(mut listener) = listener else {
                return Ok(None);
            };
            for block in blocks {
                listener.hear(&block)?;
            }
            listener.finish()
        });
        let pass_on = |limited: &[f32], master: &mut EbuR128| -> std::io::Result<()> {
            add(master, limited)?;
            // A closed queue means the listener failed (or there is none):
            // its error comes with the join below.
            let _ = queue.send(limited.to_vec());
            Ok(())
        };
        let streamed = mix.stream(on_progress, &mut |block| {
            limited.clear();
            limiter.push_scaled(block, gain, &mut limited);
            pass_on(&limited, &mut master)
        });
        let streamed = streamed.and_then(|()| {
            limited.clear();
            limiter.finish(&mut limited);
            pass_on(&limited, &mut master)
        });
        drop(queue);
        let heard = side
            .join()
            .map_err(|_| std::io::Error::other("a master thread stopped unexpectedly"))?;
        streamed?;
        Ok((readings(&master, channels).0, heard?))
    })
}

/// Stream the mix once to `here`, on this thread, and to `there`, on a
/// second one, each block in order.
fn beside(
    mix: &Mix,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    here: &mut dyn FnMut(&[f32]) -> std::io::Result<()>,
    there: &mut (dyn FnMut(&[f32]) -> std::io::Result<()> + Send),
) -> std::io::Result<()> {
    std::thread::scope(|scope| {
        let (queue, blocks) = std::sync::mpsc::sync_channel::<Vec<f32>>(4);
        let side = scope.spawn(move || -> std::io::Result<()> {
            for block in blocks {
                there(&block)?;
            }
            Ok(())
        });
        let streamed = mix.stream(on_progress, &mut |block| {
            here(block)?;
            // A closed queue means the other side failed: its error is
            // the one to report, after the join below.
            let _ = queue.send(block.to_vec());
            Ok(())
        });
        drop(queue);
        let side = side
            .join()
            .map_err(|_| std::io::Error::other("a master thread stopped unexpectedly"))?;
        streamed.and(side)
    })
}

/// One write pass over the timeline.
struct Pass<'a> {
    mix: &'a Mix<'a>,
    targets: Targets,
    on_progress: &'a dyn Fn(u64) -> std::io::Result<()>,
    plan: PassPlan,
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
}

impl Probe {
    fn feed(&mut self, block: &[f32]) -> std::io::Result<()> {
        self.out.clear();
        self.limiter.push_scaled(block, self.gain, &mut self.out);
        add(&mut self.meter, &self.out)
    }

    fn finish(mut self) -> std::io::Result<Option<f64>> {
        self.out.clear();
        self.limiter.finish(&mut self.out);
        add(&mut self.meter, &self.out)?;
        Ok(self.meter.loudness_global().ok().filter(|l| l.is_finite()))
    }
}

/// One write pass: gain, limiter, 16-bit samples into `dest` and to
/// `tap`, and a meter of what was written. Returns the meter and the
/// largest reduction in dB.
fn write_pass(pass: &Pass, dest: &Path, tap: &mut dyn Tap) -> std::io::Result<(EbuR128, f64)> {
    let Pass {
        mix,
        targets,
        on_progress,
        plan,
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
    let gain = db_to_linear(plan.gain_db) as f32;
    let mut limiter = limiter(rate, channels, plan.ceiling_db);
    let mut limited = Vec::with_capacity(BLOCK);
    let mut quantized = Vec::with_capacity(BLOCK);
    let mut written = 0u64;
    tap.start(&plan)?;
    let mut emit = |samples: &[f32],
                    w: &mut hound::WavWriter<BufWriter<File>>,
                    output: &mut EbuR128,
                    tap: &mut dyn Tap|
     -> std::io::Result<()> {
        quantized.clear();
        let mut writer = w.get_i16_writer(samples.len() as u32);
        for &y in samples {
            let q = (y * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            writer.write_sample(q);
            quantized.push(f32::from(q) / 32768.0);
        }
        writer.flush().map_err(to_io)?;
        written += (samples.len() / usize::from(channels)) as u64;
        add(output, &quantized)?;
        tap.feed(&quantized)
    };
    mix.stream(on_progress, &mut |block| {
        limited.clear();
        limiter.push_scaled(block, gain, &mut limited);
        emit(&limited, &mut w, &mut output, tap)
    })?;
    limited.clear();
    limiter.finish(&mut limited);
    emit(&limited, &mut w, &mut output, tap)?;
    tap.end()?;
    w.finalize().map_err(to_io)?;
    if written != mix.timeline.total {
        return Err(std::io::Error::other(format!(
            "wrote {written} frames, the timeline has {}",
            mix.timeline.total
        )));
    }
    Ok((output, -20.0 * f64::from(limiter.min_gain).log10()))
}
