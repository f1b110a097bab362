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

use serde::Serialize;

use crate::audio::gain::{MAX_GAIN_DB, Point, Secant, clamp_gain, db_to_linear, slope};
use crate::audio::limiter::Limiter;
use crate::audio::meter::{Meter, Mode};
use crate::audio::time::clock;
use crate::audio::{PassError, Progress};
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
/// How far above the pass's gain the probe measures, in dB.
const PROBE_DB: f64 = 1.5;
/// How far from the target a rehearsal may read before the gain is
/// corrected once more, LU.
const REHEARSAL_LU: f64 = 0.03;

/// The longest episode a 16-bit WAV of `channels` can hold, in frames: its
/// size fields are 32 bits (13.5 hours of mono at 44.1 kHz, 6.7 of stereo).
pub fn max_frames(channels: u16) -> u64 {
    (u64::from(u32::MAX) - 44) / (2 * u64::from(channels.max(1)))
}

/// An episode longer than the WAV podgen masters into can hold.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error(
    "the episode is {} long; a WAV file holds at most {} at {rate} Hz ({}, 16-bit): split it into shorter episodes",
    clock(*.frames, *.rate),
    clock(*.max_frames, *.rate),
    if *.channels == 2 { "stereo" } else { "mono" }
)]
pub struct TooLong {
    /// The episode's frames.
    pub frames: u64,
    /// The most the WAV holds.
    pub max_frames: u64,
    /// The episode's rate.
    pub rate: u32,
    /// Its channels.
    pub channels: u16,
}

/// Whether `timeline` in `channels` fits the WAV podgen masters into.
pub fn check_length(timeline: &Timeline, channels: u16) -> Result<(), TooLong> {
    let max = max_frames(channels);
    if timeline.total <= max {
        return Ok(());
    }
    Err(TooLong {
        frames: timeline.total,
        max_frames: max,
        rate: timeline.rate,
        channels,
    })
}

/// A write pass of the master: the gain, the limiter's sample-peak
/// ceiling, and how much loudness one more dB of gain buys there.
#[derive(Debug, Clone, Copy)]
pub struct PassPlan {
    /// The gain before the limiter, dB.
    pub gain_db: f64,
    /// The limiter's ceiling, dBFS.
    pub ceiling_db: f64,
    /// Loudness one more dB of gain buys: 1 where the limiter does not
    /// act, less (down to 0.1) where it takes some back.
    pub slope: f64,
}

/// Something fed the master's 16-bit samples (as floats) while a write
/// pass writes them: the MP3 encoder, on its own thread. A pass that is
/// redone starts it again, so only the last pass counts.
pub trait Tap {
    /// A write pass begins; whatever an earlier pass fed is void.
    fn start(&mut self, plan: &PassPlan) -> Result<(), PassError>;
    /// Interleaved whole frames, in order.
    fn feed(&mut self, samples: &[f32]) -> Result<(), PassError>;
    /// The pass has fed everything.
    fn end(&mut self) -> Result<(), PassError>;
    /// Where the limiter acts, the master rehearses its write pass at
    /// `plan` first (nothing written): a listener to hear it, if the tap
    /// aims by one.
    fn listener(&mut self, _plan: &PassPlan) -> Result<Option<Box<dyn Listener>>, PassError> {
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
    fn hear(&mut self, samples: &[f32]) -> Result<(), PassError>;
    /// The rehearsal is over: the loudness of what it would have made.
    fn finish(self: Box<Self>) -> Result<Option<f64>, PassError>;
}

/// No tap: the WAV alone.
pub struct NoTap;

impl Tap for NoTap {
    fn start(&mut self, _: &PassPlan) -> Result<(), PassError> {
        Ok(())
    }
    fn feed(&mut self, _: &[f32]) -> Result<(), PassError> {
        Ok(())
    }
    fn end(&mut self) -> Result<(), PassError> {
        Ok(())
    }
}

/// Master `mix` into a 16-bit PCM WAV at `dest`, in the mix's channels,
/// feeding `tap` what is written; `progress` hears the frame position as
/// each pass goes, and may stop it.
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
    progress: Progress,
    tap: &mut dyn Tap,
) -> Result<MasterStats, PassError> {
    let master = Master {
        mix,
        targets,
        progress,
    };
    master.write(dest, tap)
}

/// The master of one mix: what every one of its passes reads.
#[derive(Clone, Copy)]
struct Master<'a> {
    mix: &'a Mix<'a>,
    targets: Targets,
    progress: Progress<'a>,
}

/// What a write pass wrote, measured.
struct Written {
    lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    /// The limiter's largest reduction, dB.
    reduction_db: f64,
}

impl Master<'_> {
    fn write(&self, dest: &Path, tap: &mut dyn Tap) -> Result<MasterStats, PassError> {
        let targets = self.targets;
        let (input_lufs, input_tp) = self.measure()?;
        let mut gain_db = input_lufs.map_or(0.0, |l| clamp_gain(targets.loudness_lufs - l));
        // The sample-peak ceiling sits below the true-peak ceiling: the space
        // between samples can peak higher than the samples themselves.
        let mut margin_db = 0.5;
        // The slope of loudness against gain: under heavy limiting a dB of
        // gain buys much less than a dB of loudness. Where the limiter will
        // work, two probes find it before anything is written; after a write
        // pass that missed, the secant through the last two.
        let mut search = Secant::new();
        let limiting = input_tp.is_some_and(|tp| tp + gain_db > targets.true_peak_dbtp - margin_db);
        if limiting {
            (gain_db, search) = self.aim(tap, targets.true_peak_dbtp - margin_db, gain_db)?;
        }
        let mut passes = 0;
        loop {
            passes += 1;
            let plan = PassPlan {
                gain_db,
                ceiling_db: targets.true_peak_dbtp - margin_db,
                slope: search.slope(),
            };
            let written = self.write_pass(plan, dest, tap)?;
            let stats = MasterStats {
                samples: self.mix.timeline.total,
                input_lufs,
                input_true_peak_dbtp: input_tp,
                target_lufs: targets.loudness_lufs,
                ceiling_dbtp: targets.true_peak_dbtp,
                gain_db,
                limiter_max_reduction_db: written.reduction_db,
                output_lufs: written.lufs,
                output_true_peak_dbtp: written.true_peak_dbtp,
                passes,
            };
            if passes == MAX_PASSES {
                return Ok(stats);
            }
            if let Some(tp) = written.true_peak_dbtp
                && tp > targets.true_peak_dbtp
            {
                margin_db += tp - targets.true_peak_dbtp + 0.1;
                continue;
            }
            // Limiting took more loudness away than foreseen: give it back,
            // within reason.
            if let Some(l) = written.lufs
                && l < targets.loudness_lufs - 0.3
                && written.reduction_db > 0.0
                && gain_db < MAX_GAIN_DB
            {
                let point = Point { gain_db, lufs: l };
                search.learn(point);
                gain_db = search.aim(point, targets.loudness_lufs);
                continue;
            }
            return Ok(stats);
        }
    }

    /// Where the limiter will act: the gain that brings the limited mix to
    /// the target, from two probes and a rehearsal at the secant's gain (the
    /// tap listening), with what the search learnt.
    fn aim(
        &self,
        tap: &mut dyn Tap,
        ceiling_db: f64,
        mut gain_db: f64,
    ) -> Result<(f64, Secant), PassError> {
        let target = self.targets.loudness_lufs;
        let mut search = Secant::new();
        let gains = [gain_db, gain_db + PROBE_DB];
        if let [Some(l0), Some(l1)] = self.probe(ceiling_db, gains)? {
            let first = Point {
                gain_db: gains[0],
                lufs: l0,
            };
            search = Secant::through(first, slope(l1 - l0, PROBE_DB));
            gain_db = search.aim(first, target);
        }
        // The secant is an estimate: rehearse the write pass at its gain
        // (with the tap listening, so that it can aim too) and correct.
        let plan = PassPlan {
            gain_db,
            ceiling_db,
            slope: search.slope(),
        };
        let listener = tap.listener(&plan)?;
        let (rehearsed, heard) = self.rehearse(plan, listener)?;
        if let Some(l) = rehearsed {
            tap.rehearsed(&plan, l, heard);
            let point = Point { gain_db, lufs: l };
            search.learn(point);
            if (l - target).abs() > REHEARSAL_LU {
                gain_db = search.aim(point, target);
            }
        }
        Ok((gain_db, search))
    }

    /// A loudness meter for the episode's channels: a mono episode as one
    /// channel, or as dual mono when the targets say so.
    fn meter(&self, mode: Mode) -> Result<Meter, PassError> {
        let (rate, channels) = (self.mix.timeline.rate, self.mix.channels);
        Meter::new(channels, rate, mode, self.targets.dual_mono)
    }

    /// The limiter of a pass at `ceiling_db`.
    fn limiter(&self, ceiling_db: f64) -> Limiter {
        Limiter::master(
            self.mix.timeline.rate,
            ceiling_db,
            usize::from(self.mix.channels),
        )
    }

    /// Integrated loudness and true peak of the mix as it is. The true peak
    /// (the costlier half: 4× oversampling) is measured on a second thread.
    fn measure(&self) -> Result<(Option<f64>, Option<f64>), PassError> {
        let mut loudness = self.meter(Mode::I)?;
        let mut peaks = self.meter(Mode::TRUE_PEAK)?;
        self.beside(&mut |b| loudness.add(b), &mut |b| peaks.add(b))?;
        Ok((loudness.loudness(), peaks.true_peak()))
    }

    /// The loudness the mix reads through the limiter at `ceiling_db` at each
    /// of two gains, one on each core; nothing is written.
    fn probe(&self, ceiling_db: f64, gains: [f64; 2]) -> Result<[Option<f64>; 2], PassError> {
        let probe_at = |db: f64| -> Result<Probe, PassError> {
            Ok(Probe {
                gain: db_to_linear(db) as f32,
                limiter: self.limiter(ceiling_db),
                meter: self.meter(Mode::I)?,
                out: Vec::with_capacity(BLOCK),
            })
        };
        let (mut first, mut second) = (probe_at(gains[0])?, probe_at(gains[1])?);
        self.beside(&mut |b| first.feed(b), &mut |b| second.feed(b))?;
        Ok([first.finish()?, second.finish()?])
    }

    /// The write pass at `plan` without writing: the master's loudness there,
    /// and what `listener` (on a second thread) made of what it heard.
    fn rehearse(
        &self,
        plan: PassPlan,
        listener: Option<Box<dyn Listener>>,
    ) -> Result<(Option<f64>, Option<f64>), PassError> {
        let mut master = self.meter(Mode::I)?;
        let mut limiter = self.limiter(plan.ceiling_db);
        let gain = db_to_linear(plan.gain_db) as f32;
        let mut limited = Vec::with_capacity(BLOCK);
        std::thread::scope(|scope| {
            let (queue, blocks) = std::sync::mpsc::sync_channel::<Vec<f32>>(4);
            let side = scope.spawn(move || -> Result<Option<f64>, PassError> {
                let Some(mut listener) = listener else {
                    return Ok(None);
                };
                for block in blocks {
                    listener.hear(&block)?;
                }
                listener.finish()
            });
            let pass_on = |limited: &[f32], master: &mut Meter| -> Result<(), PassError> {
                master.add(limited)?;
                // A closed queue means the listener failed (or there is none):
                // its error comes with the join below.
                let _ = queue.send(limited.to_vec());
                Ok(())
            };
            let streamed = self.mix.stream(self.progress, &mut |block| {
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
                .map_err(|_| PassError::thread("a master thread"))?;
            streamed?;
            Ok((master.loudness(), heard?))
        })
    }

    /// Stream the mix once to `here`, on this thread, and to `there`, on a
    /// second one, each block in order.
    fn beside(
        &self,
        here: &mut dyn FnMut(&[f32]) -> Result<(), PassError>,
        there: &mut (dyn FnMut(&[f32]) -> Result<(), PassError> + Send),
    ) -> Result<(), PassError> {
        std::thread::scope(|scope| {
            let (queue, blocks) = std::sync::mpsc::sync_channel::<Vec<f32>>(4);
            let side = scope.spawn(move || -> Result<(), PassError> {
                for block in blocks {
                    there(&block)?;
                }
                Ok(())
            });
            let streamed = self.mix.stream(self.progress, &mut |block| {
                here(block)?;
                // A closed queue means the other side failed: its error is
                // the one to report, after the join below.
                let _ = queue.send(block.to_vec());
                Ok(())
            });
            drop(queue);
            let side = side
                .join()
                .map_err(|_| PassError::thread("a master thread"))?;
            streamed.and(side)
        })
    }

    /// One write pass: gain, limiter, 16-bit samples into `dest` and to
    /// `tap`, and a meter of what was written.
    fn write_pass(
        &self,
        plan: PassPlan,
        dest: &Path,
        tap: &mut dyn Tap,
    ) -> Result<Written, PassError> {
        let mut out = WavOut::create(dest, self)?;
        let gain = db_to_linear(plan.gain_db) as f32;
        let mut limiter = self.limiter(plan.ceiling_db);
        let mut limited = Vec::with_capacity(BLOCK);
        tap.start(&plan)?;
        self.mix.stream(self.progress, &mut |block| {
            limited.clear();
            limiter.push_scaled(block, gain, &mut limited);
            out.emit(&limited, tap)
        })?;
        limited.clear();
        limiter.finish(&mut limited);
        out.emit(&limited, tap)?;
        tap.end()?;
        let total = self.mix.timeline.total;
        if out.written != total {
            return Err(PassError::Broken(format!(
                "wrote {} frames, the timeline has {total}",
                out.written
            )));
        }
        let meter = out.finalize()?;
        Ok(Written {
            lufs: meter.loudness(),
            true_peak_dbtp: meter.true_peak(),
            reduction_db: -20.0 * f64::from(limiter.min_gain).log10(),
        })
    }
}

/// The WAV a write pass writes, and a meter of what it holds.
struct WavOut {
    writer: hound::WavWriter<BufWriter<File>>,
    meter: Meter,
    channels: u16,
    /// The samples of the last block as written, back as floats.
    quantized: Vec<f32>,
    /// Frames written.
    written: u64,
}

impl WavOut {
    fn create(dest: &Path, master: &Master) -> Result<Self, PassError> {
        let channels = master.mix.channels;
        let spec = hound::WavSpec {
            channels,
            sample_rate: master.mix.timeline.rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        Ok(WavOut {
            writer: hound::WavWriter::new(BufWriter::new(File::create(dest)?), spec)?,
            meter: master.meter(Mode::I | Mode::TRUE_PEAK)?,
            channels,
            quantized: Vec::with_capacity(BLOCK),
            written: 0,
        })
    }

    /// Write `samples` as 16-bit, meter them as written, and feed `tap`.
    fn emit(&mut self, samples: &[f32], tap: &mut dyn Tap) -> Result<(), PassError> {
        self.quantized.clear();
        let mut writer = self.writer.get_i16_writer(samples.len() as u32);
        for &y in samples {
            let q = (y * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            writer.write_sample(q);
            self.quantized.push(f32::from(q) / 32768.0);
        }
        writer.flush()?;
        self.written += (samples.len() / usize::from(self.channels)) as u64;
        self.meter.add(&self.quantized)?;
        tap.feed(&self.quantized)
    }

    /// Close the WAV; the meter of what it holds.
    fn finalize(self) -> Result<Meter, PassError> {
        self.writer.finalize()?;
        Ok(self.meter)
    }
}

/// A second limiter and loudness meter at another gain, run beside a pass.
struct Probe {
    gain: f32,
    limiter: Limiter,
    meter: Meter,
    out: Vec<f32>,
}

impl Probe {
    fn feed(&mut self, block: &[f32]) -> Result<(), PassError> {
        self.out.clear();
        self.limiter.push_scaled(block, self.gain, &mut self.out);
        self.meter.add(&self.out)
    }

    fn finish(mut self) -> Result<Option<f64>, PassError> {
        self.out.clear();
        self.limiter.finish(&mut self.out);
        self.meter.add(&self.out)?;
        Ok(self.meter.loudness())
    }
}
