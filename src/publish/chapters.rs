//! `chapters.json`: Podcasting 2.0 JSON chapters, version 1.2, with times
//! from sample counts.

use serde::Serialize;

use super::Episode;
use crate::audio::time::seconds;

/// Podcasting 2.0 JSON chapters, version 1.2.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaptersFile {
    /// The spec version, "1.2.0".
    pub version: &'static str,
    /// The episode title.
    pub title: String,
    /// The show.
    pub podcast_name: String,
    /// In time order.
    pub chapters: Vec<ChapterEntry>,
}

/// One chapter.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChapterEntry {
    /// Seconds, from the chapter's first sample, to the millisecond.
    pub start_time: f64,
    /// Seconds, where the next chapter starts (or the episode ends).
    pub end_time: f64,
    /// The chapter's title.
    pub title: String,
    /// The item's first link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The chapters file of `episode`: one chapter per intro, item and outro,
/// with the item's first link as its URL.
pub fn file(episode: &Episode) -> ChaptersFile {
    let timeline = episode.timeline;
    ChaptersFile {
        version: "1.2.0",
        title: episode.title().to_string(),
        podcast_name: episode.show().to_string(),
        chapters: episode
            .plan
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
