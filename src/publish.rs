//! The publish stage: the episode's files, written into a staging folder and
//! moved into place only when every one of them is complete.
//!
//! A failed render leaves no half-written file at an output path: the staging
//! folder is removed, and an existing episode folder keeps its old files.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::plan::Plan;
use crate::timeline::{Timeline, seconds};

/// Files for one episode, built in `<output>/.podgen-staging-*`.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    /// The output root, when this render created it (removed again on failure).
    created_root: Option<PathBuf>,
}

impl Staging {
    /// Start staging the episode that will live in `output_root/episode`.
    pub fn new(output_root: &Path, episode: &str) -> std::io::Result<Self> {
        let created_root = (!output_root.exists()).then(|| output_root.to_path_buf());
        std::fs::create_dir_all(output_root)?;
        let dir = tempfile::Builder::new()
            .prefix(".podgen-staging-")
            .tempdir_in(output_root)?;
        Ok(Staging {
            dir,
            target: output_root.join(episode),
            created_root,
        })
    }

    /// Where to write the staged file `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write_json(&self, name: &str, value: &impl Serialize) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(self.path(name), text)
    }

    pub fn write_text(&self, name: &str, text: &str) -> std::io::Result<()> {
        std::fs::write(self.path(name), text)
    }

    /// Move every staged file into the episode folder. When the folder is new
    /// it is renamed into place whole; otherwise file by file, each rename atomic.
    pub fn commit(self) -> std::io::Result<PathBuf> {
        let staging = self.dir.keep();
        if !self.target.exists() && std::fs::rename(&staging, &self.target).is_ok() {
            return Ok(self.target);
        }
        std::fs::create_dir_all(&self.target)?;
        for entry in std::fs::read_dir(&staging)? {
            let entry = entry?;
            std::fs::rename(entry.path(), self.target.join(entry.file_name()))?;
        }
        std::fs::remove_dir(&staging)?;
        Ok(self.target)
    }

    /// Give up: remove the staged files, and the output root if this render made it.
    pub fn abandon(self) {
        let root = self.created_root.clone();
        drop(self);
        if let Some(root) = root {
            // Only if empty: never remove anything the user put there.
            let _ = std::fs::remove_dir(root);
        }
    }
}

/// Podcasting 2.0 JSON chapters, version 1.2.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaptersFile {
    pub version: &'static str,
    pub title: String,
    pub podcast_name: String,
    pub chapters: Vec<ChapterEntry>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChapterEntry {
    pub start_time: f64,
    pub end_time: f64,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

pub fn chapters_file(show: &str, title: &str, plan: &Plan, timeline: &Timeline) -> ChaptersFile {
    ChaptersFile {
        version: "1.2.0",
        title: title.to_string(),
        podcast_name: show.to_string(),
        chapters: plan
            .chapters
            .iter()
            .zip(&timeline.chapters)
            .map(|(c, span)| ChapterEntry {
                start_time: seconds(span.start, timeline.rate),
                end_time: seconds(span.end, timeline.rate),
                title: c.title.clone(),
                url: c.links.first().cloned(),
            })
            .collect(),
    }
}
