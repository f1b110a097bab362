//! The text stage's plan: what will be spoken and played, in order. Each
//! intro, item and outro becomes a chapter; its text becomes paragraphs,
//! sentences and chunks that fit the voice's backend limit (the pure
//! splitting is [`crate::text::split`]), each a [`Segment`] that knows its
//! chapter, voice, language and the pause that follows it. [`build`] turns
//! a script into a [`Plan`].

mod build;

use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

use crate::text::lang::Language;
use crate::text::speak::Spoken;

/// A backend's request limit, and the chunking the transcripts share: the
/// pure splitting lives in [`crate::text::split`].
pub use crate::text::split::{Limit, chunks};
pub use build::build;

/// The pause that follows a segment inside its chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pause {
    /// The last segment of a chapter: the timeline decides what follows.
    End,
    /// Between chunks of one long sentence.
    Chunk,
    /// Between sentences.
    Sentence,
    /// Between paragraphs.
    Paragraph,
    /// Between two lines of a dialogue.
    Turn,
    /// None: the next segment continues the same sentence in another voice
    /// (an English span inside Mandarin).
    Joined,
    /// Written in the script: `[pause 800ms]` in text, or a `pause:` line.
    Marked {
        /// Milliseconds.
        ms: u64,
    },
}

/// What a chapter is, for titles and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "number")]
pub enum ChapterKind {
    /// The intro.
    Intro,
    /// An item, numbered from 1 as the producer counts them.
    Item(usize),
    /// The outro.
    Outro,
}

/// One chapter of the episode: the intro, an item, or the outro.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Intro, item or outro.
    pub kind: ChapterKind,
    /// Its title.
    pub title: String,
    /// The item's links; the first is the chapter URL.
    pub links: Vec<String>,
    /// The chapter's image (embedded in the MP3's chapter frame).
    pub image: Option<PathBuf>,
    /// A sting played before the chapter's speech (the intro's).
    pub lead_sting: Option<StingPlan>,
    /// A sting played after the chapter's speech (the outro's).
    pub tail_sting: Option<StingPlan>,
    /// Music under the chapter.
    pub bed: Option<BedPlan>,
    /// The chapter's segments, an index range into [`Plan::segments`].
    pub segments: Range<usize>,
    /// Pauses written before its first speech (`[pause 5s]` opening its
    /// text, a `pause:` line first), in milliseconds: silence the timeline
    /// keeps inside the chapter, after its lead sting.
    pub lead_pause_ms: u64,
}

impl Chapter {
    /// "item 3 (\"Title\")", "intro", "outro": how errors name the chapter.
    pub fn label(&self) -> String {
        match self.kind {
            ChapterKind::Intro => "intro".into(),
            ChapterKind::Outro => "outro".into(),
            ChapterKind::Item(n) => format!("item {n} ({:?})", self.title),
        }
    }
}

/// One request's worth of speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Index into [`Plan::chapters`].
    pub chapter: usize,
    /// Position inside the chapter, for messages: paragraph (or dialogue
    /// line), sentence and chunk, each from 1.
    pub paragraph: usize,
    /// The sentence inside the paragraph, from 1.
    pub sentence: usize,
    /// The part of a sentence too long for one request, from 1.
    pub chunk: usize,
    /// The voice that speaks it: the script's, or for an English span
    /// inside Mandarin, that voice's `english:` voice.
    pub voice: String,
    /// Who speaks, as transcripts name them: the script's voice name.
    pub speaker: String,
    /// What the built-in voice reads it as (guessed when the tag is not one it speaks).
    pub language: Language,
    /// The BCP-47 tag sent to backends: the script's, or the guessed language's.
    pub tag: String,
    /// The text as written: what transcripts show.
    pub text: String,
    /// What is sent to the backend: `text` after the lexicon and text
    /// normalisation (see [`crate::text::speak`]).
    pub spoken: String,
    /// `spoken` as SSML with phonemes, where a lexicon entry gives IPA.
    pub ssml: Option<String>,
    /// The pause that follows it.
    pub pause_after: Pause,
}

/// Everything that will be spoken and played, in order.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every chapter, in order.
    pub chapters: Vec<Chapter>,
    /// Every segment, in order; chapters hold ranges into it.
    pub segments: Vec<Segment>,
    /// Music under the whole episode, except where a chapter has its own.
    pub bed: Option<BedPlan>,
}

/// A sting as the script sets it, times in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct StingPlan {
    /// The audio file.
    pub path: PathBuf,
    /// Its fade in.
    pub fade_in_ms: u64,
    /// Its fade out.
    pub fade_out_ms: u64,
    /// How far speech and sting overlap (0: a sting pause between them).
    pub overlap_ms: u64,
}

/// A music bed as the script sets it, times in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct BedPlan {
    /// The audio file.
    pub path: PathBuf,
    /// Its level between speech, in dB relative to speech.
    pub gain_db: f32,
    /// Its fade in.
    pub fade_in_ms: u64,
    /// Its fade out.
    pub fade_out_ms: u64,
    /// Whether it starts again from the top when it ends.
    pub looped: bool,
}

/// A sting's fades unless the script sets them: just long enough that its
/// first and last samples cannot click.
pub const STING_FADE_MS: u64 = 5;
/// A bed's level between speech unless the script sets it, in dB against
/// speech: present, but under the voice even before the duck.
pub const BED_GAIN_DB: f32 = -12.0;
/// A bed's fades unless the script sets them.
pub const BED_FADE_IN_MS: u64 = 1000;
/// See [`BED_FADE_IN_MS`].
pub const BED_FADE_OUT_MS: u64 = 2000;

impl Plan {
    /// Voice names in order of first appearance.
    pub fn voice_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for s in &self.segments {
            if !names.contains(&s.voice) {
                names.push(s.voice.clone());
            }
        }
        names
    }

    /// The segments as transcripts show them: runs of segments joined
    /// without a pause (English spans inside a Mandarin sentence) are one
    /// utterance, every other segment is one of its own.
    pub fn utterances(&self) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for i in 0..self.segments.len() {
            match out.last_mut() {
                Some(r) if i > 0 && self.segments[i - 1].pause_after == Pause::Joined => {
                    r.end = i + 1;
                }
                _ => out.push(i..i + 1),
            }
        }
        out
    }

    /// The written text of the segments in `range`, joined as one sentence
    /// (with a space only where Latin text meets Latin text).
    pub fn text_of(&self, range: Range<usize>) -> String {
        let mut out = String::new();
        for seg in &self.segments[range] {
            let latin_meets_latin = out
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && seg
                    .text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if latin_meets_latin {
                out.push(' ');
            }
            out.push_str(&seg.text);
        }
        out
    }

    /// "item 3 (\"Title\"), paragraph 2, sentence 1" for error messages.
    pub fn describe(&self, segment: usize) -> String {
        let s = &self.segments[segment];
        let mut d = format!(
            "{}, paragraph {}, sentence {}",
            self.chapters[s.chapter].label(),
            s.paragraph,
            s.sentence
        );
        if s.chunk > 1 {
            d.push_str(&format!(", part {}", s.chunk));
        }
        d
    }
}

/// The voice name used where the script names none.
pub const DEFAULT_VOICE: &str = "narrator";

/// How a voice turns written text into spoken text: `(voice, text, tag)`.
pub type SpeakFn<'a> = &'a dyn Fn(&str, &str, &str) -> Spoken;

/// What planning needs to know of each voice.
pub struct Voicing<'a> {
    /// The request limit of a voice's backend.
    pub limit: &'a dyn Fn(&str) -> Limit,
    /// What a voice says for written text (which must fit the limit).
    pub speak: SpeakFn<'a>,
    /// The voice that reads the English spans inside a voice's Mandarin.
    pub english: &'a dyn Fn(&str) -> Option<String>,
}

impl Voicing<'static> {
    /// No limits, speech as written, no English voices: for plans that only
    /// need the voice names.
    pub fn names_only() -> Self {
        Voicing {
            limit: &|_| Limit::chars(usize::MAX),
            speak: &|_, text, _| Spoken {
                text: text.to_string(),
                ssml: None,
            },
            english: &|_| None,
        }
    }
}

/// The language tag of English spans inside Mandarin.
pub const ENGLISH_SPAN_TAG: &str = "en-US";
