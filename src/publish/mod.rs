//! The publish stage: the episode's files beside its audio — MP3 with its
//! tag, chapters, transcripts, notes, the episode page and the manifest —
//! written into a
//! staging folder and moved into place only when every one of them is
//! complete.
//!
//! A failed render leaves no half-written file at an output path: the staging
//! folder is removed, and an existing episode folder keeps its old files.
//!
//! Every writer reads one [`Episode`]: what was planned, spoken and laid
//! out. A new output format is a writer here and a line in [`write_texts`]
//! (or beside [`Mp3Tap`] for audio).

pub mod chapters;
pub mod feed;
pub mod id3;
pub mod manifest;
pub mod page;
mod staging;
pub mod transcript;

pub use staging::{Staging, own_files};

use std::path::Path;

use crate::audio::mp3::{self, Mp3Stats};
use crate::audio::time::sample_to_ms;
use crate::input::script::{self, LoadedScript};
use crate::input::settings::{Ducking, Formats, Pauses, Targets};
use crate::sound::master::{Listener, MasterStats, PassPlan, Tap};
use crate::sound::timeline::Timeline;
use crate::speech::synthesize::{Cast, SpeechClip};
use crate::text::plan::Plan;

/// One rendered episode, as every file about it describes it.
pub struct Episode<'a> {
    /// The episode id: its folder and file names.
    pub id: &'a str,
    /// The script as given on the command line.
    pub script_path: &'a Path,
    /// The script, parsed.
    pub loaded: &'a LoadedScript,
    /// What was planned.
    pub plan: &'a Plan,
    /// The voices and backends that spoke it.
    pub cast: &'a Cast,
    /// Per plan segment: its clip and how it was made.
    pub speech: &'a [SpeechClip],
    /// Per plan segment: the levelling gain, linear.
    pub gains: &'a [f32],
    /// Stings' level relative to speech in dB, when they were levelled.
    pub sting_level_db: Option<f32>,
    /// Where everything sits, in samples.
    pub timeline: &'a Timeline,
    /// The pauses the timeline used.
    pub pauses: Pauses,
    /// Channels of the episode.
    pub channels: u16,
    /// How beds and overlapping stings ducked.
    pub ducking: Ducking,
    /// The cache folder, or a note that there was none.
    pub cache_dir: String,
    /// The audio files written (the page plays the MP3, else the WAV).
    pub formats: Formats,
}

impl Episode<'_> {
    /// The show's name.
    pub fn show(&self) -> &str {
        &self.loaded.script.show.value
    }

    /// The episode's title.
    pub fn title(&self) -> &str {
        &self.loaded.script.title.value
    }

    /// The script's date, as written (YYYY-MM-DD).
    pub fn date(&self) -> Option<&str> {
        self.loaded.script.date.as_ref().map(|d| d.value.as_str())
    }

    /// The audio file a player should play: the MP3 when there is one (a
    /// tenth of the WAV's size).
    pub fn playable(&self) -> String {
        let ext = if self.formats.mp3 { "mp3" } else { "wav" };
        format!("{}.{ext}", self.id)
    }
}

/// The cover's file name in the episode folder (`cover.jpg` or
/// `cover.png`), when the script has one that is a JPEG or PNG.
pub fn cover_name(episode: &Episode) -> Option<String> {
    let kind = crate::input::cover::ImageKind::of_file(&cover_path(episode)?)?;
    Some(format!("cover.{}", kind.extension()))
}

fn cover_path(episode: &Episode) -> Option<std::path::PathBuf> {
    let s = &episode.loaded.script;
    s.cover
        .as_ref()
        .map(|c| episode.loaded.base_dir.join(&c.value))
}

/// Copy the script's cover into the episode folder, for the feed's
/// itunes:image and the episode page.
pub fn write_cover(staging: &Staging, episode: &Episode) -> std::io::Result<()> {
    let (Some(path), Some(name)) = (cover_path(episode), cover_name(episode)) else {
        return Ok(());
    };
    std::fs::copy(&path, staging.path(&name)).map(|_| ())
}

/// The MP3's ID3 tag: title, show, year, cover, and a chapter frame per
/// chapter (times in milliseconds from sample counts).
pub fn mp3_tag(episode: &Episode) -> std::io::Result<Vec<u8>> {
    let s = &episode.loaded.script;
    let rate = episode.timeline.rate;
    let ms = |sample: u64| sample_to_ms(sample, rate).min(u64::from(u32::MAX)) as u32;
    let cover = s
        .cover
        .as_ref()
        .map(|c| episode.loaded.base_dir.join(&c.value));
    let info = id3::TagInfo {
        title: episode.title(),
        show: episode.show(),
        year: episode
            .date()
            .and_then(script::parse_iso_date)
            .map(|(y, _, _)| y as i32),
        cover: cover.as_deref(),
        chapters: episode
            .plan
            .chapters
            .iter()
            .zip(&episode.timeline.chapters)
            .map(|(c, span)| id3::TagChapter {
                title: c.title.clone(),
                start_ms: ms(span.start),
                end_ms: ms(span.end),
                url: c.links.first().cloned(),
                image: c.image.clone(),
            })
            .collect(),
    };
    id3::id3_tag(&info)
}

/// The episode's MP3, encoded on its own thread while the master writes
/// the WAV (a [`Tap`] on the master's write pass), then delivered by
/// [`Mp3Tap::deliver`]: as it is when it reads the targets, else corrected.
pub struct Mp3Tap {
    job: mp3::Job,
    running: Option<mp3::Streaming>,
    /// The pass a rehearsal aimed, for the write pass after it.
    aimed: Option<mp3::Pass>,
}

impl Mp3Tap {
    /// The MP3 of `episode` in `staging`, with `tag`, at `kbps`, reading
    /// `targets`, from a master of `rate` and `channels`.
    pub fn new(
        staging: &Staging,
        episode: &Episode,
        tag: Vec<u8>,
        targets: Targets,
        kbps: u32,
        rate: u32,
    ) -> Self {
        Mp3Tap {
            job: mp3::Job {
                dest: staging.path(&format!("{}.mp3", episode.id)),
                tag: tag.into(),
                kbps,
                rate,
                channels: episode.channels,
                goal: mp3::Goal {
                    lufs: targets.loudness_lufs,
                    true_peak_dbtp: targets.true_peak_dbtp,
                    dual_mono: targets.dual_mono,
                },
            },
            running: None,
            aimed: None,
        }
    }

    fn predicted(&self, plan: &PassPlan) -> mp3::Pass {
        let aim = mp3::MasterAim {
            ceiling_dbfs: plan.ceiling_db,
            slope: plan.slope,
        };
        mp3::predicted_pass(self.job.goal, self.job.kbps, aim)
    }

    /// Wait for the encode of the last write pass, and deliver it (or a
    /// correction of it, encoded from the WAV at `wav`).
    pub fn deliver(
        mut self,
        wav: &Path,
        on_progress: &dyn Fn(u64) -> std::io::Result<()>,
    ) -> std::io::Result<Mp3Stats> {
        let running = self
            .running
            .take()
            .ok_or_else(|| std::io::Error::other("the MP3 was never started"))?;
        let first = running.finish(on_progress)?;
        let job = &self.job;
        mp3::deliver(
            first,
            wav,
            &job.dest,
            &job.tag,
            job.kbps,
            job.goal,
            on_progress,
        )
    }
}

impl Tap for Mp3Tap {
    fn start(&mut self, plan: &PassPlan) -> std::io::Result<()> {
        // An encode of an earlier pass is abandoned as it drops.
        self.running = None;
        let pass = match self.aimed.take() {
            Some(aimed) => aimed,
            None => self.predicted(plan),
        };
        self.running = Some(mp3::Streaming::start(&self.job, pass)?);
        Ok(())
    }

    fn feed(&mut self, samples: &[f32]) -> std::io::Result<()> {
        match &mut self.running {
            Some(r) => r.push(samples),
            None => Err(std::io::Error::other("the MP3 was fed before it started")),
        }
    }

    fn end(&mut self) -> std::io::Result<()> {
        match &mut self.running {
            Some(r) => r.close(),
            None => Ok(()),
        }
    }

    fn listener(&mut self, plan: &PassPlan) -> std::io::Result<Option<Box<dyn Listener>>> {
        let pass = self.predicted(plan);
        self.aimed = Some(pass);
        let job = &self.job;
        let rehearsal = mp3::Rehearsal::new(job.rate, job.channels, pass, job.goal)?;
        Ok(Some(Box::new(Mp3Listener(rehearsal))))
    }

    fn rehearsed(&mut self, plan: &PassPlan, master_lufs: f64, heard: Option<f64>) {
        if let (Some(pass), Some(fed)) = (self.aimed, heard) {
            let (goal, kbps) = (self.job.goal, self.job.kbps);
            self.aimed = Some(mp3::aimed_pass(
                goal,
                kbps,
                pass,
                master_lufs,
                fed,
                plan.slope,
            ));
        }
    }
}

/// The MP3's chain, hearing the master's rehearsal.
struct Mp3Listener(mp3::Rehearsal);

impl Listener for Mp3Listener {
    fn hear(&mut self, samples: &[f32]) -> std::io::Result<()> {
        self.0.hear(samples)
    }

    fn finish(self: Box<Self>) -> std::io::Result<Option<f64>> {
        self.0.finish()
    }
}

/// Write the text files: chapters.json, the VTT, SRT and JSON transcripts,
/// notes.md, the index.html page, the cover and the render.json manifest
/// (with the MP3's readings, when there is one). Errors name the file.
pub fn write_texts(
    staging: &Staging,
    episode: &Episode,
    stats: &MasterStats,
    mp3: Option<&Mp3Stats>,
) -> Result<(), (String, std::io::Error)> {
    let (plan, timeline) = (episode.plan, episode.timeline);
    let named = |name: &str| {
        let name = name.to_string();
        move |e| (name, e)
    };
    staging
        .write_json("chapters.json", &chapters::file(episode))
        .map_err(named("chapters.json"))?;
    write_cover(staging, episode).map_err(named("the cover"))?;
    let transcript_json = format!("{}.json", episode.id);
    staging
        .write_json(&transcript_json, &transcript::json(plan, timeline))
        .map_err(named(&transcript_json))?;
    let texts = [
        (
            format!("{}.vtt", episode.id),
            transcript::vtt(plan, timeline),
        ),
        (
            format!("{}.srt", episode.id),
            transcript::srt(plan, timeline),
        ),
        (
            "notes.md".to_string(),
            transcript::notes(
                episode.show(),
                episode.title(),
                episode.date(),
                plan,
                timeline,
            ),
        ),
        (
            "index.html".to_string(),
            page::html(episode, &episode.playable()),
        ),
    ];
    for (name, text) in texts {
        staging.write_text(&name, &text).map_err(named(&name))?;
    }
    staging
        .write_json("render.json", &manifest::build(episode, stats, mp3))
        .map_err(named("render.json"))
}
