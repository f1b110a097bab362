//! The episode's chapters where the timeline put them, and `chapters.json`
//! (Podcasting 2.0 JSON chapters, version 1.2) made from them.
//!
//! [`markers`] is the one list every chapter listing is made from: the
//! ID3 CHAP frames, chapters.json, the episode page, notes.md and
//! render.json (from which the feed reads it back). Every time in them is
//! a sample position of this list divided by the rate, rounded once.

use podgen_text::escape::clean_line;
use serde::{Deserialize, Serialize};

use super::Episode;
use crate::audio::time::seconds;
use crate::sound::timeline::Timeline;
use crate::text::plan::Plan;

/// A chapter where the timeline put it, in samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// The chapter's title.
    pub title: String,
    /// The item's links, in order (the first is the chapter's URL).
    pub links: Vec<String>,
    /// Its first sample.
    pub start_sample: u64,
    /// Where the next chapter starts (or the episode ends).
    pub end_sample: u64,
}

impl Marker {
    /// The chapter's URL: the item's first link.
    pub fn url(&self) -> Option<&str> {
        self.links.first().map(String::as_str)
    }
}

/// One marker per plan chapter (intro, items, outro), in time order, its
/// title on one line and XML-safe ([`clean_line`]) for every listing
/// made from it.
pub fn markers(plan: &Plan, timeline: &Timeline) -> Vec<Marker> {
    plan.chapters
        .iter()
        .zip(&timeline.chapters)
        .map(|(c, span)| Marker {
            title: clean_line(&c.title),
            links: c.links.clone(),
            start_sample: span.start,
            end_sample: span.end,
        })
        .collect()
}

/// Podcasting 2.0 JSON chapters, version 1.2.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaptersFile {
    /// The spec version, "1.2.0".
    pub version: String,
    /// The episode title.
    pub title: String,
    /// The show.
    pub podcast_name: String,
    /// In time order.
    pub chapters: Vec<ChapterEntry>,
}

/// One chapter.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChapterEntry {
    /// Seconds, from the chapter's first sample, to the millisecond.
    pub start_time: f64,
    /// Seconds, where the next chapter starts (or the episode ends).
    pub end_time: f64,
    /// The chapter's title.
    pub title: String,
    /// The item's first link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The chapters file of `episode`: one chapter per marker, with the
/// item's first link as its URL.
pub fn file(episode: &Episode) -> ChaptersFile {
    let rate = episode.timeline.rate;
    ChaptersFile {
        version: "1.2.0".into(),
        title: episode.title(),
        podcast_name: episode.show(),
        chapters: episode
            .chapters
            .iter()
            .map(|m| ChapterEntry {
                start_time: seconds(m.start_sample, rate),
                end_time: seconds(m.end_sample, rate),
                title: m.title.clone(),
                url: m.url().map(str::to_string),
            })
            .collect(),
    }
}
