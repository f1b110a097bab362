//! Stings and beds: each file decoded, brought to the episode's rate and
//! channels, set to its level and kept in the clip store like speech, so
//! that the next render only looks it up. Unlike speech they are not
//! trimmed: the producer made them as they want them.

use std::path::{Path, PathBuf};

use crate::audio::dsp;
use crate::audio::resample::{self, ResampleError};
use crate::error::Failure;
use crate::hash;
use crate::input::script::{SoundFileError, decode_sound};
use crate::input::settings::Settings;
use crate::sound::level::SPEECH_LEVEL_DBFS;
use crate::sound::timeline::CueSource;
use crate::speech::cache::{Clip, ClipStore};
use crate::speech::synthesize::{PROCESSING_VERSION, plain_f32};
use crate::text::plan::Plan;

/// Which kind of sound a file is: part of its key and of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoundKind {
    /// A sting: a short sound at a chapter's start or end.
    Sting,
    /// A music bed under speech.
    Bed,
}

impl SoundKind {
    /// "sting" or "bed".
    pub fn name(self) -> &'static str {
        match self {
            SoundKind::Sting => "sting",
            SoundKind::Bed => "bed",
        }
    }
}

impl std::fmt::Display for SoundKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A sound the script names: a sting or a music bed.
#[derive(Debug, Clone, Copy)]
pub struct Sound<'a> {
    /// Its file.
    pub path: &'a Path,
    /// Sting or bed.
    pub kind: SoundKind,
    /// Its level in dB relative to [`SPEECH_LEVEL_DBFS`] (with levelling),
    /// or its gain in dB on the file as it is (without).
    pub level_db: f32,
    /// Whether `level_db` is against speech (levelling) or a plain gain.
    pub levelled: bool,
}

impl Sound<'_> {
    /// The cache key of this sound made from `bytes` at `rate` and
    /// `channels`: [`hash::fields`] over the kind's name,
    /// [`PROCESSING_VERSION`], the file's bytes, the rate (4 little-endian
    /// bytes), the channels (2), and `true` or `false`, a space and the
    /// level as [`plain_f32`] writes it.
    pub fn key(&self, bytes: &[u8], rate: u32, channels: u16) -> String {
        let level = format!("{} {}", self.levelled, plain_f32(self.level_db));
        hash::fields(&[
            self.kind.name().as_bytes(),
            PROCESSING_VERSION.as_bytes(),
            bytes,
            &rate.to_le_bytes(),
            &channels.to_le_bytes(),
            level.as_bytes(),
        ])
    }
}

/// Why a sting or bed could not be made into a clip.
#[derive(Debug, thiserror::Error)]
#[error("{kind} {}: {problem}", path.display())]
pub struct SoundError {
    /// Sting or bed.
    pub kind: SoundKind,
    /// Its file.
    pub path: PathBuf,
    /// What went wrong.
    #[source]
    pub problem: SoundProblem,
}

/// What went wrong with a sting or bed.
#[derive(Debug, thiserror::Error)]
pub enum SoundProblem {
    /// The file is not one podgen reads (gone, a folder, too large): the
    /// user's to mend.
    #[error("{0}")]
    Unusable(String),
    /// The file could not be read.
    #[error("{0}")]
    Read(#[source] std::io::Error),
    /// It is not a sound podgen plays: it does not decode, holds no audio,
    /// is cut short or too long (the user's to mend, as at validate).
    #[error("{0}")]
    File(#[source] SoundFileError),
    /// It could not be brought to the episode's rate.
    #[error("{0}")]
    Resample(#[source] ResampleError),
    /// The clip could not be written to the store.
    #[error("cannot store: {0}")]
    Store(#[source] std::io::Error),
}

impl From<SoundError> for Failure {
    fn from(e: SoundError) -> Self {
        match e.problem {
            SoundProblem::Unusable(_) => Failure::input(
                e,
                "the file changed since it was checked: name a regular file up to 100 MB",
            ),
            SoundProblem::File(ref problem) => {
                let help = problem.help(e.kind == SoundKind::Bed);
                Failure::input(e, help)
            }
            _ => Failure::runtime(e),
        }
    }
}

/// Decode a sound file, bring it to the episode's `rate` and `channels`,
/// set its level and store it. The level is measured on the mono mix, as a
/// centred voice's is.
pub fn sound(
    sound: Sound,
    store: &ClipStore,
    rate: u32,
    channels: u16,
) -> Result<Clip, SoundError> {
    let fail = |problem| SoundError {
        kind: sound.kind,
        path: sound.path.to_path_buf(),
        problem,
    };
    // Validation checked the file; it may have changed since.
    if let Some(why) =
        crate::error::regular_file_problem(sound.path, crate::input::script::MAX_STING_BYTES)
    {
        return Err(fail(SoundProblem::Unusable(why)));
    }
    let bytes = std::fs::read(sound.path).map_err(|e| fail(SoundProblem::Read(e)))?;
    let key = sound.key(&bytes, rate, channels);
    if let Some(clip) = store.get(&key) {
        return Ok(clip);
    }
    let pcm = decode_sound(bytes).map_err(|e| fail(SoundProblem::File(e)))?;
    let mut pcm = resample::to_rate(dsp::to_channels(pcm, channels), rate)
        .map_err(|e| fail(SoundProblem::Resample(e)))?;
    let gain = if sound.levelled {
        let mono = dsp::to_mono(pcm.clone());
        dsp::active_rms(&mono.samples, rate).map_or(1.0, |now| {
            // Within ±20 dB: a sound far off is more likely silence than a choice.
            let target = 10f32.powf((SPEECH_LEVEL_DBFS + sound.level_db) / 20.0);
            (target / now).clamp(0.1, 10.0)
        })
    } else {
        10f32.powf(sound.level_db / 20.0)
    };
    pcm.samples.iter_mut().for_each(|s| *s *= gain);
    store
        .put(&key, &pcm.samples, channels)
        .map_err(|e| fail(SoundProblem::Store(e)))
}

/// The stings and beds of an episode, as clips: a lead and a tail sting
/// and a bed per chapter (where the script gives one), and the episode's bed.
pub struct Sounds {
    /// Each chapter's lead sting.
    pub lead: Vec<Option<Clip>>,
    /// Each chapter's tail sting.
    pub tail: Vec<Option<Clip>>,
    /// Each chapter's own bed.
    pub chapter_bed: Vec<Option<Clip>>,
    /// The bed under the whole episode.
    pub episode_bed: Option<Clip>,
}

impl Sounds {
    /// Every sting and bed of `plan`, at the rate, channels and levels of
    /// `settings`, from `store` or made and kept there.
    pub fn load(plan: &Plan, settings: &Settings, store: &ClipStore) -> Result<Self, SoundError> {
        let load = |path: Option<&PathBuf>, kind, level_db| {
            path.map(|path| {
                let sound = Sound {
                    path,
                    kind,
                    level_db,
                    levelled: settings.levelling,
                };
                self::sound(sound, store, settings.rate, settings.channels)
            })
            .transpose()
        };
        let sting_level = if settings.levelling {
            settings.sting_level_db
        } else {
            0.0
        };
        let sting = |s: &Option<crate::text::plan::StingPlan>| {
            load(s.as_ref().map(|s| &s.path), SoundKind::Sting, sting_level)
        };
        let bed = |b: &Option<crate::text::plan::BedPlan>| {
            let gain = b.as_ref().map_or(0.0, |b| b.gain_db);
            load(b.as_ref().map(|b| &b.path), SoundKind::Bed, gain)
        };
        let chapters = &plan.chapters;
        Ok(Sounds {
            lead: chapters
                .iter()
                .map(|c| sting(&c.lead_sting))
                .collect::<Result<_, _>>()?,
            tail: chapters
                .iter()
                .map(|c| sting(&c.tail_sting))
                .collect::<Result<_, _>>()?,
            chapter_bed: chapters
                .iter()
                .map(|c| bed(&c.bed))
                .collect::<Result<_, _>>()?,
            episode_bed: bed(&plan.bed)?,
        })
    }

    /// The clip a cue of the timeline plays.
    pub fn clip_of(&self, source: CueSource) -> Option<Clip> {
        let at = |v: &[Option<Clip>], i: usize| v.get(i).cloned().flatten();
        match source {
            CueSource::LeadSting { chapter } => at(&self.lead, chapter),
            CueSource::TailSting { chapter } => at(&self.tail, chapter),
            CueSource::ChapterBed { chapter } => at(&self.chapter_bed, chapter),
            CueSource::EpisodeBed => self.episode_bed.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sting(path: &Path) -> Sound<'_> {
        Sound {
            path,
            kind: SoundKind::Sting,
            level_db: -6.0,
            levelled: true,
        }
    }

    #[test]
    fn a_sting_is_made_once_and_its_failures_say_which_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 16_000).unwrap();
        let wav = dir.path().join("sting.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&wav, spec).unwrap();
        for i in 0..8_000 {
            w.write_sample(((i as f32 * 0.1).sin() * 8_000.0) as i16)
                .unwrap();
        }
        w.finalize().unwrap();
        let clip = sound(sting(&wav), &store, 16_000, 2).unwrap();
        assert_eq!((clip.frames, clip.channels), (16_000, 2));
        // The second time it is looked up, under the same key.
        assert_eq!(sound(sting(&wav), &store, 16_000, 2).unwrap(), clip);
        let key = sting(&wav).key(&std::fs::read(&wav).unwrap(), 16_000, 2);
        assert!(clip.path.ends_with(format!("{key}.wav")));

        let missing = dir.path().join("gone.wav");
        let e = sound(sting(&missing), &store, 16_000, 2).unwrap_err();
        assert!(matches!(e.problem, SoundProblem::Unusable(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!("sting {}: not found", missing.display())
        );
        assert_eq!(Failure::from(e).exit_code(), 2);

        // A file that changed since validate is refused as validate
        // would: not audio, no audio, cut short.
        let text = dir.path().join("notes.wav");
        std::fs::write(&text, "not audio").unwrap();
        let e = sound(sting(&text), &store, 16_000, 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("sting {}: it is not audio podgen reads", text.display())
        );
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(Failure::from(e).exit_code(), 2);

        let bytes = std::fs::read(&wav).unwrap();
        let empty = dir.path().join("empty.wav");
        let mut header = bytes[..44].to_vec();
        header[40..44].copy_from_slice(&0u32.to_le_bytes());
        std::fs::write(&empty, &header).unwrap();
        let e = sound(sting(&empty), &store, 16_000, 2).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("it holds no audio (not a single sample)"),
            "{e}"
        );
        assert_eq!(Failure::from(e).exit_code(), 2);

        let cut = dir.path().join("cut.wav");
        std::fs::write(&cut, &bytes[..44 + 4_000]).unwrap();
        let e = sound(sting(&cut), &store, 16_000, 2).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("promises 8000 frames (1.000 s), the file holds 2000 frames (0.250 s)"),
            "{e}"
        );
        assert_eq!(Failure::from(e).exit_code(), 2);
    }
}
