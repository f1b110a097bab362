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
//! out, and its chapters where the timeline put them. A new output format
//! is a writer here and a line in [`write_texts`] (or a [`Tap`] on the
//! master like [`Mp3Tap`] for audio).
//!
//! [`Tap`]: crate::sound::master::Tap

pub mod calendar;
pub mod chapters;
mod episodes;
pub mod feed;
pub mod id3;
pub mod manifest;
pub mod mp3;
pub mod page;
mod staging;
pub mod transcript;

pub use mp3::{Mp3Stats, Mp3Tap};
pub use staging::{Staging, own_files};

use std::path::Path;

use podgen_text::escape::clean_line;

use crate::audio::time::sample_to_ms;
use crate::input::script::{self, LoadedScript};
use crate::input::settings::{Ducking, Formats, Pauses};
use crate::sound::master::MasterStats;
use crate::sound::timeline::Timeline;
use crate::speech::synthesize::{Cast, SpeechClip};
use crate::text::plan::Plan;

/// One rendered episode, as every file about it describes it.
pub struct Episode<'a> {
    /// The episode id: its folder and file names.
    pub id: String,
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
    /// The chapters where the timeline put them ([`chapters::markers`]).
    pub chapters: Vec<chapters::Marker>,
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
    /// The show's name, on one line ([`clean_line`]).
    pub fn show(&self) -> String {
        clean_line(&self.loaded.script.show.value)
    }

    /// The episode's title, on one line ([`clean_line`]).
    pub fn title(&self) -> String {
        clean_line(&self.loaded.script.title.value)
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
    let (title, show) = (episode.title(), episode.show());
    let info = id3::TagInfo {
        title: &title,
        show: &show,
        year: episode
            .date()
            .and_then(script::parse_iso_date)
            .map(|(y, _, _)| y as i32),
        cover: cover.as_deref(),
        chapters: episode
            .chapters
            .iter()
            .zip(&episode.plan.chapters)
            .map(|(m, c)| id3::TagChapter {
                title: m.title.clone(),
                start_ms: ms(m.start_sample),
                end_ms: ms(m.end_sample),
                url: m.url().map(str::to_string),
                image: c.image.clone(),
            })
            .collect(),
    };
    id3::id3_tag(&info)
}

/// A file of the episode that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {file}")]
pub struct WriteError {
    /// The file, as the episode folder names it.
    pub file: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Write the text files: chapters.json, the VTT, SRT and JSON transcripts,
/// notes.md, the index.html page, the cover and the render.json manifest
/// (with the MP3's readings, when there is one). Errors name the file.
pub fn write_texts(
    staging: &Staging,
    episode: &Episode,
    stats: &MasterStats,
    mp3: Option<&Mp3Stats>,
) -> Result<(), WriteError> {
    let (plan, timeline) = (episode.plan, episode.timeline);
    let named = |file: &str| {
        let file = file.to_string();
        move |source| WriteError { file, source }
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
        ("notes.md".to_string(), transcript::notes(episode)),
        (
            "index.html".to_string(),
            page::html(episode, &episode.playable()),
        ),
    ];
    for (name, text) in texts {
        staging.write_text(&name, &text).map_err(named(&name))?;
    }
    let first = manifest::first_rendered(&staging.target().join("render.json"));
    staging
        .write_json("render.json", &manifest::build(episode, stats, mp3, first))
        .map_err(named("render.json"))
}
