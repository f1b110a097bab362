//! `render.json`: the manifest of exactly what was rendered — every
//! segment (text, hash, voice, backend, cache key, samples), every sting and
//! pause, the whole timeline, the master's measurements, the MP3's as
//! delivered, and the totals.
//!
//! The feed reads it back ([`Summary`]) with the very types it is written
//! with: its [`About`], its [`AudioFormat`], its chapters' [`Marker`]s and
//! its [`Totals`].

use serde::{Deserialize, Serialize};

use super::Episode;
use super::chapters::Marker;
use super::mp3::Mp3Stats;
use crate::audio::time::{clock, seconds};
use crate::input::settings::{Ducking, Pauses};
use crate::input::voices::VoiceProfile;
use crate::sound::master::MasterStats;
use crate::sound::timeline::{Cue, CueSource, Piece, Source};
use crate::speech::synthesize::Cast;
use crate::text::plan::{BedPlan, ChapterKind, Pause, StingPlan};

/// What render.json holds.
#[derive(Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    about: About,
    settings: Settings,
    voices: &'a [VoiceProfile],
    backends: Vec<BackendRecord>,
    chapters: Vec<ChapterRecord>,
    segments: Vec<SegmentRecord<'a>>,
    stings: Vec<StingRecord>,
    beds: Vec<BedRecord>,
    timeline: &'a [Piece],
    totals: Totals,
    master: MasterStats,
    /// The MP3 as delivered (decoded and measured); null without an MP3.
    mp3: Option<Mp3Stats>,
}

/// A backend as this run used it.
#[derive(Serialize)]
struct BackendRecord {
    name: String,
    concurrency_configured: usize,
    /// Lower than configured when the server said "too many concurrent requests".
    concurrency_final: usize,
}

/// What render.json says of the episode first: what it is, and what made it.
#[derive(Debug, Serialize, Deserialize)]
pub struct About {
    /// The podgen that rendered it.
    pub podgen_version: String,
    /// The script as given on the command line.
    pub script: String,
    /// The show's name.
    pub show: String,
    /// The episode's title.
    pub title: String,
    /// The episode id: its folder and file names.
    pub episode: String,
    /// The script's date, as written (YYYY-MM-DD).
    pub date: Option<String>,
    /// The day (UTC, YYYY-MM-DD) the episode was first rendered into its
    /// folder, kept across re-renders: the feed's date for an episode
    /// without one, so that its item does not move.
    #[serde(default)]
    pub first_rendered: Option<String>,
    /// The episode's number in the show (the script's `number:`).
    #[serde(default)]
    pub number: Option<u32>,
    /// The script's language, else the one most of its speech is in.
    #[serde(default)]
    pub language: Option<String>,
    /// The cover's file name in the episode folder.
    #[serde(default)]
    pub cover: Option<String>,
}

/// The episode audio's format.
#[derive(Debug, Serialize, Deserialize)]
pub struct AudioFormat {
    /// Frames per second.
    pub sample_rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// How the WAV stores a sample.
    pub sample_format: String,
}

#[derive(Serialize)]
struct Settings {
    #[serde(flatten)]
    format: AudioFormat,
    /// In samples, as the timeline uses it.
    ducking: Ducking,
    pauses_samples: Pauses,
    cache_dir: String,
}

#[derive(Serialize)]
struct ChapterRecord {
    index: usize,
    #[serde(flatten)]
    kind: ChapterKind,
    #[serde(flatten)]
    marker: Marker,
    first_segment: usize,
    segment_count: usize,
}

#[derive(Serialize)]
struct SegmentRecord<'a> {
    index: usize,
    chapter: usize,
    location: String,
    voice: &'a str,
    backend: &'a str,
    language: &'a str,
    text: &'a str,
    text_hash: String,
    /// What was sent: the text after the lexicon and normalisation.
    spoken: &'a str,
    /// Characters sent (of `spoken`).
    characters: usize,
    /// Who speaks it in the transcripts (the voice that reads it may be
    /// that voice's English voice).
    speaker: &'a str,
    /// The levelling gain that brought it to the speech level, in dB.
    gain_db: f64,
    cache_key: &'a str,
    cached: bool,
    attempts: u32,
    start_sample: u64,
    end_sample: u64,
    samples: u64,
    pause_after: Pause,
}

#[derive(Serialize)]
struct StingRecord {
    chapter: usize,
    role: &'static str,
    file: String,
    /// Its level relative to the speech level in dB, or None: as in the file.
    level_db: Option<f32>,
    start_sample: u64,
    end_sample: u64,
    samples: u64,
    fade_in_samples: u64,
    fade_out_samples: u64,
    /// Whether it ducks under speech (it overlaps it).
    ducked: bool,
}

/// A stretch of a music bed, as placed.
#[derive(Serialize)]
struct BedRecord {
    /// The chapter whose bed it is; None for the episode's.
    chapter: Option<usize>,
    file: String,
    /// Its level between speech, in dB relative to speech.
    gain_db: f32,
    start_sample: u64,
    end_sample: u64,
    /// Where in the bed's file it starts (a looped bed keeps its phase).
    offset_sample: u64,
    fade_in_samples: u64,
    fade_out_samples: u64,
    looped: bool,
}

/// The episode's totals.
#[derive(Debug, Serialize, Deserialize)]
pub struct Totals {
    /// Samples of the episode.
    pub samples: u64,
    /// Its length as `h:mm:ss`.
    pub duration: String,
    /// Its length in seconds, to the millisecond.
    pub seconds: f64,
    /// Samples of speech on the speech layer.
    pub speech_samples: u64,
    /// Samples of pauses on it.
    pub pause_samples: u64,
    /// Samples of stings over it.
    pub sting_samples: u64,
    /// Segments spoken.
    pub segments: usize,
    /// Characters sent.
    pub characters: usize,
    /// Segments found in the cache.
    pub cache_hits: usize,
    /// Requests sent, retries included.
    pub requests: u32,
}

/// What the feed reads back of a render.json.
#[derive(Debug, Deserialize)]
pub struct Summary {
    /// What the episode is.
    #[serde(flatten)]
    pub about: About,
    /// Its audio's format (the feed needs the rate).
    pub settings: AudioFormat,
    /// Its chapters, in samples.
    pub chapters: Vec<Marker>,
    /// Its totals.
    pub totals: Totals,
}

/// The day an episode was first rendered: what its previous render.json
/// at `previous` recorded, else today (UTC).
pub fn first_rendered(previous: &std::path::Path) -> String {
    std::fs::read_to_string(previous)
        .ok()
        .and_then(|text| serde_json::from_str::<About>(&text).ok())
        .and_then(|about| about.first_rendered)
        .filter(|d| super::calendar::days_from_date(d).is_some())
        .unwrap_or_else(super::calendar::today)
}

/// The manifest of `episode`, mastered as `stats` says, its MP3 as `mp3`
/// says, first rendered on `first_rendered`.
pub fn build<'a>(
    episode: &'a Episode,
    stats: &MasterStats,
    mp3: Option<&Mp3Stats>,
    first_rendered: String,
) -> Manifest<'a> {
    let (plan, timeline, speech) = (episode.plan, episode.timeline, episode.speech);
    let segments: Vec<SegmentRecord> = plan
        .segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let span = timeline.segments[i];
            SegmentRecord {
                index: i,
                chapter: seg.chapter,
                location: plan.describe(i),
                voice: &seg.voice,
                backend: &episode.cast.voice(&seg.voice).backend,
                language: &seg.tag,
                text: &seg.text,
                text_hash: crate::hash::hex(seg.text.as_bytes()),
                spoken: &seg.spoken,
                characters: seg.spoken.chars().count(),
                speaker: &seg.speaker,
                gain_db: (20.0 * f64::from(episode.gains[i]).log10() * 100.0).round() / 100.0,
                cache_key: &speech[i].cache_key,
                cached: speech[i].cached,
                attempts: speech[i].attempts,
                start_sample: span.start,
                end_sample: span.end,
                samples: span.end - span.start,
                pause_after: seg.pause_after,
            }
        })
        .collect();
    let (stings, beds, sums) = cues(episode);
    Manifest {
        about: about(episode, first_rendered),
        settings: Settings {
            format: AudioFormat {
                sample_rate: timeline.rate,
                channels: episode.channels,
                sample_format: "s16le".into(),
            },
            ducking: episode.ducking,
            pauses_samples: episode.pauses,
            cache_dir: episode.cache_dir.clone(),
        },
        voices: episode.cast.voices(),
        backends: backends(episode.cast),
        chapters: chapters(episode),
        totals: Totals {
            samples: timeline.total,
            duration: clock(timeline.total, timeline.rate),
            seconds: seconds(timeline.total, timeline.rate),
            speech_samples: sums.speech,
            pause_samples: sums.pause,
            sting_samples: sums.sting,
            segments: segments.len(),
            characters: segments.iter().map(|s| s.characters).sum(),
            cache_hits: speech.iter().filter(|c| c.cached).count(),
            requests: speech.iter().map(|c| c.attempts).sum(),
        },
        segments,
        stings,
        beds,
        timeline: &timeline.pieces,
        master: *stats,
        mp3: mp3.copied(),
    }
}

fn about(episode: &Episode, first_rendered: String) -> About {
    About {
        podgen_version: env!("CARGO_PKG_VERSION").into(),
        script: episode.script_path.display().to_string(),
        show: episode.show(),
        title: episode.title(),
        episode: episode.id.clone(),
        date: episode.date().map(str::to_string),
        first_rendered: Some(first_rendered),
        number: episode.loaded.script.number.as_ref().map(|n| n.value),
        language: language(episode),
        cover: super::cover_name(episode),
    }
}

/// The script's language tag, else the tag most segments are read in.
fn language(episode: &Episode) -> Option<String> {
    if let Some(l) = &episode.loaded.script.language {
        return Some(crate::text::lang::normalize_tag(&l.value));
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for seg in &episode.plan.segments {
        *counts.entry(seg.tag.as_str()).or_default() += 1;
    }
    let most = counts
        .into_iter()
        .max_by_key(|&(tag, n)| (n, std::cmp::Reverse(tag)));
    most.map(|(tag, _)| tag.to_string())
}

/// Samples of speech, pauses and stings on the timeline.
#[derive(Default)]
struct Sums {
    speech: u64,
    pause: u64,
    sting: u64,
}

/// Every sting and bed as placed, and what the speech layer is made of.
fn cues(episode: &Episode) -> (Vec<StingRecord>, Vec<BedRecord>, Sums) {
    let chapters = &episode.plan.chapters;
    let (mut stings, mut beds) = (Vec::new(), Vec::new());
    let mut sums = Sums::default();
    for p in &episode.timeline.pieces {
        match p.source {
            Source::Speech { .. } => sums.speech += p.len,
            Source::Silence => sums.pause += p.len,
        }
    }
    let sting = |c: &Cue, chapter: usize, role, plan: &Option<StingPlan>| StingRecord {
        chapter,
        role,
        file: plan
            .as_ref()
            .map(|s| s.path.display().to_string())
            .unwrap_or_default(),
        level_db: episode.sting_level_db,
        start_sample: c.start,
        end_sample: c.end(),
        samples: c.len,
        fade_in_samples: c.fade_in,
        fade_out_samples: c.fade_out,
        ducked: c.ducked,
    };
    let bed = |c: &Cue, chapter: Option<usize>, plan: &Option<BedPlan>| BedRecord {
        chapter,
        file: plan
            .as_ref()
            .map(|b| b.path.display().to_string())
            .unwrap_or_default(),
        gain_db: plan.as_ref().map_or(0.0, |b| b.gain_db),
        start_sample: c.start,
        end_sample: c.end(),
        offset_sample: c.offset,
        fade_in_samples: c.fade_in,
        fade_out_samples: c.fade_out,
        looped: c.looped,
    };
    for c in &episode.timeline.cues {
        match c.source {
            CueSource::LeadSting { chapter } => {
                sums.sting += c.len;
                stings.push(sting(c, chapter, "lead", &chapters[chapter].lead_sting));
            }
            CueSource::TailSting { chapter } => {
                sums.sting += c.len;
                stings.push(sting(c, chapter, "tail", &chapters[chapter].tail_sting));
            }
            CueSource::ChapterBed { chapter } => {
                beds.push(bed(c, Some(chapter), &chapters[chapter].bed));
            }
            CueSource::EpisodeBed => beds.push(bed(c, None, &episode.plan.bed)),
        }
    }
    (stings, beds, sums)
}

fn chapters(episode: &Episode) -> Vec<ChapterRecord> {
    episode
        .plan
        .chapters
        .iter()
        .zip(&episode.chapters)
        .enumerate()
        .map(|(i, (c, marker))| ChapterRecord {
            index: i,
            kind: c.kind,
            marker: marker.clone(),
            first_segment: c.segments.start,
            segment_count: c.segments.len(),
        })
        .collect()
}

/// Every backend as this run used it, by name.
fn backends(cast: &Cast) -> Vec<BackendRecord> {
    let mut out: Vec<BackendRecord> = cast
        .backends()
        .map(|b| BackendRecord {
            name: b.name.clone(),
            concurrency_configured: b.limits().concurrency,
            concurrency_final: b.concurrency(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
