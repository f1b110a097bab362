//! The episodes rendered into an output folder, as the feed lists them:
//! each folder's render.json read back ([`Summary`]) and checked against the
//! folder it is in and the files beside it, so that one episode is one
//! item. A copied folder (`e1.bak/`, whose render.json names `e1`) or one
//! whose audio is not the render's is left out with a warning, never listed
//! twice under one GUID with another folder's files.

use std::path::{Path, PathBuf};

use super::calendar::{days_from_date, rfc2822};
use super::chapters::ChaptersFile;
use super::manifest::Summary;
use crate::error::{Failure, Result, chain};

/// An episode as the feed lists it.
pub struct Item {
    /// Its render.json.
    pub manifest: Summary,
    /// Its folder.
    pub dir: PathBuf,
    /// (file name, MIME type, bytes) of the audio.
    pub audio: (String, &'static str, u64),
    /// Days since 1970-01-01 of its date.
    pub day: i64,
    /// That day as RFC 2822 writes it.
    pub pub_date: String,
}

/// Every episode folder under `output` with a render.json, and warnings
/// about the folders left out and the dates assumed.
pub fn episodes(output: &Path) -> Result<(Vec<Item>, Vec<String>)> {
    let entries = std::fs::read_dir(output).map_err(|e| {
        Failure::input(
            format!(
                "cannot read the output folder {}: {}",
                output.display(),
                chain(&e)
            ),
            "give the folder episodes were rendered into",
        )
    })?;
    let mut dirs: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, dir)| !name.starts_with('.') && dir.join("render.json").is_file())
        .collect();
    dirs.sort();
    let (mut items, mut warnings) = (Vec::new(), Vec::new());
    for (name, dir) in dirs {
        let manifest = summary(&dir)?;
        if let Some(why) = mismatch(&name, &dir, &manifest) {
            warnings.push(format!("{} is left out of the feed: {why}", dir.display()));
            continue;
        }
        items.push(item(&dir, manifest, &mut warnings)?);
    }
    Ok((items, warnings))
}

/// The folder's render.json, and its chapters.json checked to be one (the
/// feed points podcast:chapters at it).
fn summary(dir: &Path) -> Result<Summary> {
    let read = |name: &str| -> Result<String> {
        crate::error::read_source(&dir.join(name), name, "render the episode again")
    };
    let bad = |name: &str, e: &dyn std::error::Error| {
        Failure::input(
            format!("{}: {}", dir.join(name).display(), chain(e)),
            "render the episode again",
        )
    };
    let manifest: Summary =
        serde_json::from_str(&read("render.json")?).map_err(|e| bad("render.json", &e))?;
    let format = &manifest.settings;
    crate::audio::check_format(format.sample_rate, format.channels)
        .map_err(|e| bad("render.json", &e))?;
    let _: ChaptersFile =
        serde_json::from_str(&read("chapters.json")?).map_err(|e| bad("chapters.json", &e))?;
    Ok(manifest)
}

/// Why the folder `name` is not the episode its render.json describes:
/// another folder's episode (a copy), or audio that is not this render's.
fn mismatch(name: &str, dir: &Path, manifest: &Summary) -> Option<String> {
    let id = &manifest.about.episode;
    if name != id {
        let home = dir.with_file_name(id);
        return Some(format!(
            "its render.json is episode {id}'s, whose folder is {} (a copy? move it out of the output folder)",
            home.display()
        ));
    }
    let wav = dir.join(format!("{id}.wav"));
    if let Ok(reader) = hound::WavReader::open(&wav) {
        let samples = u64::from(reader.duration());
        if samples != manifest.totals.samples {
            return Some(format!(
                "{} holds {samples} samples and render.json says {}: they are from different renders (render the episode again)",
                wav.display(),
                manifest.totals.samples
            ));
        }
    }
    if audio_of(dir, id).is_none() {
        return Some(format!(
            "episode {id} has no {id}.mp3 or {id}.wav (render it again with `audio: {{formats: [mp3]}}`)"
        ));
    }
    None
}

/// (file name, MIME type, bytes) of the episode's audio: the MP3, else the WAV.
fn audio_of(dir: &Path, id: &str) -> Option<(String, &'static str, u64)> {
    [("mp3", "audio/mpeg"), ("wav", "audio/wav")]
        .into_iter()
        .find_map(|(ext, mime)| {
            let name = format!("{id}.{ext}");
            let len = std::fs::metadata(dir.join(&name)).ok()?.len();
            Some((name, mime, len))
        })
}

/// One episode folder, checked, as an item: dated by its script, else by
/// its first render (with a warning saying how to set the date).
fn item(dir: &Path, manifest: Summary, warnings: &mut Vec<String>) -> Result<Item> {
    let about = &manifest.about;
    let id = &about.episode;
    let (date, day) = match about
        .date
        .as_deref()
        .and_then(|d| Some((d, days_from_date(d)?)))
    {
        Some(dated) => dated,
        None => {
            let first = about.first_rendered.as_deref();
            let dated = first.and_then(|d| Some((d, days_from_date(d)?)));
            let dated = dated.ok_or_else(|| {
                Failure::input(
                    format!(
                        "episode {id} ({}) has no date: a feed item needs one",
                        dir.display()
                    ),
                    "add `date: YYYY-MM-DD` to its script and render it again",
                )
            })?;
            warnings.push(format!(
                "episode {id} has no date: the feed lists it under its first render's, {}; add `date: YYYY-MM-DD` to its script to set it",
                dated.0
            ));
            dated
        }
    };
    let pub_date = rfc2822(day).ok_or_else(|| {
        Failure::input(
            format!("episode {id}'s date {date} has a year a feed cannot write"),
            "give a date from 1900 on, as podcast directories expect",
        )
    })?;
    let audio = audio_of(dir, id).expect("checked by mismatch");
    Ok(Item {
        dir: dir.to_path_buf(),
        audio,
        day,
        pub_date,
        manifest,
    })
}
