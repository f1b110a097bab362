//! Transcripts and show notes, written from the plan and the timeline: every
//! time is a sample position divided by the rate, rounded once.
//!
//! - WebVTT: one cue per segment (a sentence, or part of a long one), the
//!   speaker as a `<v Name>` voice span, a NOTE with the chapter title where a
//!   chapter starts, lines of at most 65 characters (the Podcastindex
//!   recommendation).
//! - SRT, the Podcastindex profile: cards of at most 2 lines of 32
//!   characters, "Name: " where the speaker changes. A segment longer than a
//!   card is spread over several cards, their times shared out by characters
//!   within the segment's span.
//! - JSON, the Podcasting 2.0 transcript format (version 1.0.0): one
//!   segment per VTT cue, with the same times, the speaker and the whole
//!   sentence as its body.
//! - notes.md: chapters with timestamps, titles and links.

use std::fmt::Write as _;

use serde::Serialize;

use podgen_text::escape;

use super::Episode;
use crate::audio::time::{seconds, short_clock, stamp};
use crate::sound::timeline::Timeline;
use crate::text::plan::{Limit, Plan, chunks};

/// One transcript cue: an utterance where the timeline put it. The VTT, the
/// JSON transcript and the episode page all read these, so they agree.
pub struct Cue {
    /// The plan chapter it belongs to.
    pub chapter: usize,
    /// Who speaks it.
    pub speaker: String,
    /// Its language tag.
    pub tag: String,
    /// Its first sample.
    pub start: u64,
    /// The sample after its last.
    pub end: u64,
    /// What is said, as written.
    pub text: String,
}

/// A cue per utterance (a segment, or a sentence whose English spans
/// another voice read), in order, its text and speaker on one line
/// ([`escape::clean_line`]): a line break inside a sentence is layout, and in
/// a transcript it would end the cue.
pub fn cues(plan: &Plan, t: &Timeline) -> Vec<Cue> {
    plan.utterances()
        .into_iter()
        .map(|u| {
            let seg = &plan.segments[u.start];
            Cue {
                chapter: seg.chapter,
                speaker: escape::clean_line(&seg.speaker),
                tag: seg.tag.clone(),
                start: t.segments[u.start].start,
                end: t.segments[u.end - 1].end,
                text: escape::clean_line(&plan.text_of(u)),
            }
        })
        .collect()
}

/// Lines of at most `width` characters, broken where the planner breaks
/// (clause punctuation, spaces, between Chinese characters).
fn wrap(text: &str, width: usize) -> Vec<String> {
    chunks(text, Limit::chars(width))
}

/// The WebVTT transcript: a cue per [`Cue`].
pub fn vtt(plan: &Plan, t: &Timeline) -> String {
    let mut out = String::from("WEBVTT\n");
    let mut chapter = None;
    for (n, cue) in cues(plan, t).into_iter().enumerate() {
        if chapter != Some(cue.chapter) {
            chapter = Some(cue.chapter);
            let _ = write!(
                out,
                "\nNOTE chapter {}: {}\n",
                cue.chapter + 1,
                escape::vtt_note(&plan.chapters[cue.chapter].title)
            );
        }
        let _ = write!(
            out,
            "\n{}\n{} --> {}\n<v {}>",
            n + 1,
            stamp(cue.start, t.rate, '.'),
            stamp(cue.end, t.rate, '.'),
            escape::vtt_voice(&cue.speaker)
        );
        let lines: Vec<String> = wrap(&cue.text, 65).iter().map(|l| escape::vtt(l)).collect();
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out
}

/// The Podcasting 2.0 JSON transcript, version 1.0.0.
#[derive(Debug, Serialize)]
pub struct TranscriptFile {
    /// The spec version, "1.0.0".
    pub version: &'static str,
    /// One per VTT cue, in order.
    pub segments: Vec<TranscriptSegment>,
}

/// One segment of the JSON transcript.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptSegment {
    /// Who speaks it.
    pub speaker: String,
    /// Seconds, rounded to the millisecond as the VTT's cue start is.
    pub start_time: f64,
    /// Seconds, rounded to the millisecond as the VTT's cue end is.
    pub end_time: f64,
    /// The sentence, whole (the VTT wraps it into lines).
    pub body: String,
}

/// The JSON transcript: a segment per [`Cue`], times as the VTT's.
pub fn json(plan: &Plan, t: &Timeline) -> TranscriptFile {
    TranscriptFile {
        version: "1.0.0",
        segments: cues(plan, t)
            .into_iter()
            .map(|c| TranscriptSegment {
                speaker: c.speaker,
                start_time: seconds(c.start, t.rate),
                end_time: seconds(c.end, t.rate),
                body: c.text,
            })
            .collect(),
    }
}

/// The SRT transcript.
pub fn srt(plan: &Plan, t: &Timeline) -> String {
    let mut out = String::new();
    let mut card = 0;
    let mut last_voice: Option<String> = None;
    for cue in cues(plan, t) {
        let speaker_changed = last_voice.as_deref() != Some(cue.speaker.as_str());
        let prefix = if speaker_changed {
            format!("{}: ", cue.speaker)
        } else {
            String::new()
        };
        last_voice = Some(cue.speaker);
        let lines = wrap(&escape::srt(&format!("{prefix}{}", cue.text)), 32);
        let cards: Vec<&[String]> = lines.chunks(2).collect();
        // Share the utterance's span out by characters, in whole samples.
        let weight = |c: &[String]| {
            c.iter()
                .map(|l| l.chars().count() as u64)
                .sum::<u64>()
                .max(1)
        };
        let total: u64 = cards.iter().map(|c| weight(c)).sum();
        let (start, end) = (cue.start, cue.end);
        let mut done = 0;
        for c in cards {
            let a = start + (end - start) * done / total;
            done += weight(c);
            let b = start + (end - start) * done / total;
            card += 1;
            let _ = write!(
                out,
                "{card}\n{} --> {}\n{}\n\n",
                stamp(a, t.rate, ','),
                stamp(b, t.rate, ','),
                c.join("\n")
            );
        }
    }
    out
}

/// notes.md: title, show, date, length, chapters with timestamps, links.
pub fn notes(episode: &Episode) -> String {
    let t = episode.timeline;
    let md = escape::markdown;
    let mut out = format!("# {}\n\n{}", md(&episode.title()), md(&episode.show()));
    if let Some(d) = episode.date() {
        let _ = write!(out, " · {d}");
    }
    let _ = write!(
        out,
        " · {}\n\n## Chapters\n\n",
        short_clock(t.total, t.rate)
    );
    for c in &episode.chapters {
        let when = short_clock(c.start_sample, t.rate);
        match c.url() {
            Some(url) => {
                let _ = writeln!(out, "- {when} [{}](<{url}>)", md(&c.title));
            }
            None => {
                let _ = writeln!(out, "- {when} {}", md(&c.title));
            }
        }
    }
    let linked = || episode.chapters.iter().filter(|c| !c.links.is_empty());
    if linked().next().is_some() {
        out.push_str("\n## Links\n");
        for c in linked() {
            let _ = write!(out, "\n### {}\n\n", md(&c.title));
            for l in &c.links {
                let _ = writeln!(out, "- <{l}>");
            }
        }
    }
    out
}
