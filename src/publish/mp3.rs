//! The episode's MP3 and how it is delivered: encoded on its own thread
//! while the master writes the WAV (a [`Tap`] on the master's write pass),
//! then delivered as it is when it reads the targets, else corrected by
//! passes encoded from the WAV.
//!
//! This is the delivery policy: which pass LAME is fed (aimed from the
//! master's limiting and LAME's known loss), when an encode reads right,
//! and how a miss is corrected. The mechanics (the encoder, passes,
//! streaming, decoding and measuring) are the audio crate's `mp3`.

use std::path::Path;

use serde::Serialize;

use super::{Episode, Staging};
use crate::audio::gain::{Point, Secant, clamp_gain};
use crate::audio::mp3::{self as encoder, Encoded, Job, Pass, Reading, lame_loss_db};
use crate::audio::{PassError, Progress};
use crate::input::settings::{Settings, Targets};
use crate::sound::master::{Listener, PassPlan, Tap};

/// What encoding the MP3 measured and did (render.json's `mp3`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mp3Stats {
    /// The bitrate, kbps (constant).
    pub kbps: u32,
    /// 1 (mono) or 2 (joint stereo).
    pub channels: u16,
    /// Encodes made: 1 when LAME's first output already read right.
    pub passes: u32,
    /// The gain in front of LAME in the pass delivered, dB.
    pub gain_db: f64,
    /// The limiter's (sample-peak) ceiling in front of LAME in the pass
    /// delivered, dBFS; none when no limiter was needed.
    pub limiter_ceiling_dbfs: Option<f64>,
    /// Integrated loudness of the MP3 delivered, decoded, LUFS.
    pub lufs: Option<f64>,
    /// True peak of the MP3 delivered, decoded, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// What the first pass read, LUFS.
    pub first_pass_lufs: Option<f64>,
    /// The first pass's true peak, dBTP.
    pub first_pass_true_peak_dbtp: Option<f64>,
}

/// Encodes before settling for the best one so far.
const MAX_PASSES: u32 = 4;
/// How close to the target the MP3 is brought, LU.
const AIM_LU: f64 = 0.1;
/// How far under the ceiling the limiter aims the MP3's true peak, dB.
const PEAK_MARGIN_DB: f64 = 0.2;
/// Runs of the chain alone (no encoding) to find a pass's gain.
const MAX_PROBES: u32 = 5;
/// How close a probe must bring what LAME is fed to its aim, LU.
const PROBE_LU: f64 = 0.04;
/// The most one rehearsal corrects the predicted pass's gain by, dB.
const MAX_REHEARSAL_CORRECTION_DB: f64 = 3.0;

/// How far above the fed samples' peak the MP3's true peak is allowed for
/// in the predicted pass, dB (measured: 0.07 on the example, 0.27 on an
/// hour of it).
const RISE_DB: f64 = 0.3;

/// How far above the fed samples' peak the MP3's true peak is allowed for
/// at `kbps`: low bitrates quantize coarser, and overshoot more (measured
/// 0.7 dB at 64 kbps on the example).
fn rise_db(kbps: u32) -> f64 {
    if kbps <= 80 { RISE_DB + 0.6 } else { RISE_DB }
}

/// The pass that should make the master written at `plan`, fed to LAME at
/// `kbps`, read `targets` at once: LAME's loss given back as gain, and
/// where that lifts the master's peaks over the front ceiling, the
/// limiter's share of it given back too (it takes `1 - slope` of every dB
/// it lowers the peaks by).
pub fn predicted_pass(targets: Targets, kbps: u32, plan: &PassPlan) -> Pass {
    let want = lame_loss_db(kbps);
    let ceiling = targets.true_peak_dbtp - PEAK_MARGIN_DB - rise_db(kbps);
    if plan.ceiling_db + want <= ceiling {
        return Pass {
            gain_db: want,
            ceiling_dbfs: None,
        };
    }
    let slope = plan.slope;
    let gain_db = (want + (1.0 - slope) * (plan.ceiling_db - ceiling)) / slope;
    Pass {
        gain_db: clamp_gain(gain_db),
        ceiling_dbfs: Some(ceiling),
    }
}

/// The delivery of one MP3: the job, the WAV passes are encoded from,
/// the targets it must read, and whom it tells how far it got.
pub struct Delivery<'a> {
    /// Where the MP3 goes, its tag and format.
    pub job: &'a Job,
    /// The master, which corrections are encoded from.
    pub wav: &'a Path,
    /// What the MP3 must read as decoded.
    pub targets: Targets,
    /// Hears the frame position of each pass, and may stop it.
    pub progress: Progress<'a>,
}

impl Delivery<'_> {
    /// From a `first` encode, correct until the MP3 reads the targets (or
    /// the passes run out), and put the best one at the job's `dest`: only
    /// that one is renamed into place, the others go with their files.
    pub fn settle(&self, first: Encoded) -> Result<Mp3Stats, PassError> {
        let first_reading = first.reading();
        let mut passes = 1;
        let mut best = first;
        let mut last = (best.pass(), best.reading());
        while !self.settled(&last.1) && passes < MAX_PASSES {
            let Some(next) = self.next_pass(last.0, &last.1)? else {
                break;
            };
            passes += 1;
            let encoded = encoder::encode_pass(self.job, self.wav, next, self.progress)?;
            last = (encoded.pass(), encoded.reading());
            if self.miss(&encoded.reading()) < self.miss(&best.reading()) {
                // The pass it replaces is removed as it drops.
                best = encoded;
            }
        }
        let (pass, reading) = (best.pass(), best.reading());
        best.deliver(&self.job.dest, self.wav)?;
        Ok(Mp3Stats {
            kbps: self.job.kbps,
            channels: reading.fed.channels,
            passes,
            gain_db: pass.gain_db,
            limiter_ceiling_dbfs: pass.ceiling_dbfs,
            lufs: reading.lufs,
            true_peak_dbtp: reading.true_peak_dbtp,
            first_pass_lufs: first_reading.lufs,
            first_pass_true_peak_dbtp: first_reading.true_peak_dbtp,
        })
    }

    /// How far a reading misses: (true peak over the ceiling, loudness off
    /// the target), the ceiling first since hosts reject a peak over it.
    fn miss(&self, r: &Reading) -> (f64, f64) {
        let over = r
            .true_peak_dbtp
            .map_or(0.0, |tp| (tp - self.targets.true_peak_dbtp).max(0.0));
        let off = r
            .lufs
            .map_or(0.0, |l| (l - self.targets.loudness_lufs).abs());
        (over, off)
    }

    fn settled(&self, r: &Reading) -> bool {
        let (over, off) = self.miss(r);
        over == 0.0 && off <= AIM_LU
    }

    /// The pass after `pass`, from what it read. LAME moved the loudness by
    /// the difference between the MP3 and what it was fed; the next pass
    /// feeds it that much more (or less), through a limiter whose ceiling
    /// leaves room for how far the MP3's true peak rose above the samples
    /// fed, lowered again by any overshoot. None when there is nothing to
    /// correct.
    fn next_pass(&self, pass: Pass, r: &Reading) -> Result<Option<Pass>, PassError> {
        // Silence, or too little signal to measure: nothing to correct.
        let (Some(lufs), Some(fed_lufs)) = (r.lufs, r.fed.lufs) else {
            return Ok(None);
        };
        let goal = self.targets;
        let over = r.true_peak_dbtp.map_or(0.0, |tp| tp - goal.true_peak_dbtp);
        let ceiling = match pass.ceiling_dbfs {
            None => {
                let rise = match (r.true_peak_dbtp, r.fed.peak_dbfs) {
                    (Some(tp), Some(peak)) => (tp - peak).max(0.0),
                    _ => 0.0,
                };
                goal.true_peak_dbtp - PEAK_MARGIN_DB - rise
            }
            Some(c) if over > 0.0 => c - over - PEAK_MARGIN_DB,
            Some(c) => c,
        };
        let want = goal.loudness_lufs - (lufs - fed_lufs);
        let start = pass.gain_db + (goal.loudness_lufs - lufs);
        let gain_db = self.solve_gain(ceiling, want, start)?;
        let next = Pass {
            gain_db,
            ceiling_dbfs: Some(ceiling),
        };
        Ok((next != pass).then_some(next))
    }

    /// The gain at which the chain, limited at `ceiling_dbfs`, feeds LAME
    /// `want` LUFS, found on the chain alone (no encoding, a fraction of a
    /// pass's time) by secant steps from `start`: limiting takes back part
    /// of every dB of gain.
    fn solve_gain(&self, ceiling_dbfs: f64, want: f64, start: f64) -> Result<f64, PassError> {
        let mut gain = clamp_gain(start);
        let mut best = (f64::INFINITY, gain);
        let mut search = Secant::new();
        for _ in 0..MAX_PROBES {
            let pass = Pass {
                gain_db: gain,
                ceiling_dbfs: Some(ceiling_dbfs),
            };
            let fed = encoder::rehearse(self.job, self.wav, pass, self.progress)?;
            let Some(lufs) = fed.lufs else { break };
            let off = want - lufs;
            if off.abs() < best.0 {
                best = (off.abs(), gain);
            }
            if off.abs() <= PROBE_LU {
                break;
            }
            let point = Point {
                gain_db: gain,
                lufs,
            };
            search.learn(point);
            gain = search.aim(point, want);
        }
        Ok(best.1)
    }
}

/// The episode's MP3, encoded on its own thread while the master writes
/// the WAV (a [`Tap`] on the master's write pass), then delivered by
/// [`Mp3Tap::deliver`].
pub struct Mp3Tap {
    job: Job,
    targets: Targets,
    running: Option<encoder::Streaming>,
    /// The pass a rehearsal aimed, for the write pass after it.
    aimed: Option<Pass>,
}

impl Mp3Tap {
    /// The MP3 of `episode` in `staging`, tagged with its ID3 tag (which
    /// [`super::mp3_tag`] builds), encoded as `settings` say.
    pub fn new(staging: &Staging, episode: &Episode, settings: &Settings) -> std::io::Result<Self> {
        Ok(Mp3Tap {
            job: Job {
                dest: staging.path(&format!("{}.mp3", episode.id)),
                tag: super::mp3_tag(episode)?.into(),
                kbps: settings.mp3_kbps,
                rate: settings.rate,
                channels: settings.channels,
                dual_mono: settings.targets.dual_mono,
            },
            targets: settings.targets,
            running: None,
            aimed: None,
        })
    }

    /// Wait for the encode of the last write pass, and deliver it (or a
    /// correction of it, encoded from the WAV at `wav`).
    pub fn deliver(mut self, wav: &Path, progress: Progress) -> Result<Mp3Stats, PassError> {
        let running = self
            .running
            .take()
            .ok_or_else(|| PassError::Broken("the MP3 was never started".into()))?;
        let first = running.finish(progress)?;
        let delivery = Delivery {
            job: &self.job,
            wav,
            targets: self.targets,
            progress,
        };
        delivery.settle(first)
    }

    /// `pass`, corrected by the master's rehearsal of `plan`: the master
    /// read `master_lufs` there (it will be brought to the target), and the
    /// chain fed LAME `fed_lufs`. Where the front limiter acts, a dB more
    /// gain buys the plan's slope of a dB.
    fn aimed_pass(&self, pass: Pass, plan: &PassPlan, master_lufs: f64, fed_lufs: f64) -> Pass {
        let target = self.targets.loudness_lufs;
        let want = target + lame_loss_db(self.job.kbps);
        let expected = fed_lufs + (target - master_lufs);
        let slope = match pass.ceiling_dbfs {
            Some(_) => plan.slope,
            None => 1.0,
        };
        let correction = ((want - expected) / slope)
            .clamp(-MAX_REHEARSAL_CORRECTION_DB, MAX_REHEARSAL_CORRECTION_DB);
        Pass {
            gain_db: clamp_gain(pass.gain_db + correction),
            ..pass
        }
    }
}

impl Tap for Mp3Tap {
    fn start(&mut self, plan: &PassPlan) -> Result<(), PassError> {
        // An encode of an earlier pass is abandoned as it drops.
        self.running = None;
        let pass = match self.aimed.take() {
            Some(aimed) => aimed,
            None => predicted_pass(self.targets, self.job.kbps, plan),
        };
        self.running = Some(encoder::Streaming::start(&self.job, pass)?);
        Ok(())
    }

    fn feed(&mut self, samples: &[f32]) -> Result<(), PassError> {
        match &mut self.running {
            Some(r) => r.push(samples),
            None => Err(PassError::Broken(
                "the MP3 was fed before it started".into(),
            )),
        }
    }

    fn end(&mut self) -> Result<(), PassError> {
        match &mut self.running {
            Some(r) => r.close(),
            None => Ok(()),
        }
    }

    fn listener(&mut self, plan: &PassPlan) -> Result<Option<Box<dyn Listener>>, PassError> {
        let pass = predicted_pass(self.targets, self.job.kbps, plan);
        self.aimed = Some(pass);
        let rehearsal = encoder::Rehearsal::new(&self.job, pass)?;
        Ok(Some(Box::new(Mp3Listener(rehearsal))))
    }

    fn rehearsed(&mut self, plan: &PassPlan, master_lufs: f64, heard: Option<f64>) {
        if let (Some(pass), Some(fed)) = (self.aimed, heard) {
            self.aimed = Some(self.aimed_pass(pass, plan, master_lufs, fed));
        }
    }
}

/// The MP3's chain, hearing the master's rehearsal.
struct Mp3Listener(encoder::Rehearsal);

impl Listener for Mp3Listener {
    fn hear(&mut self, samples: &[f32]) -> Result<(), PassError> {
        self.0.hear(samples)
    }

    fn finish(self: Box<Self>) -> Result<Option<f64>, PassError> {
        self.0.finish()
    }
}
