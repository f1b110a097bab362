//! The timeline: where every clip, pause and sting sits on the master, in
//! samples. Pure: it sees lengths, not audio.
//!
//! Chapter and transcript times are read off this layout (sample counts),
//! never summed from floating-point seconds.

use serde::Serialize;

use crate::plan::{Pause, Plan};

/// Pause lengths in samples at the episode rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pauses {
    /// Between the parts of a sentence too long for one request.
    pub chunk: u64,
    /// Between sentences.
    pub sentence: u64,
    /// Between paragraphs.
    pub paragraph: u64,
    /// Between two lines of a dialogue.
    pub turn: u64,
    /// Between two chapters.
    pub item: u64,
    /// Between a sting and the speech next to it.
    pub sting: u64,
}

impl Pauses {
    /// The defaults: sentence 250 ms, paragraph 600 ms, item 1000 ms, 120 ms
    /// inside a split sentence, 400 ms between dialogue turns and 500 ms
    /// between a sting and speech.
    pub fn default_at(rate: u32) -> Self {
        let ms = |m: u64| ms_to_samples(m, rate);
        Pauses {
            chunk: ms(120),
            sentence: ms(250),
            paragraph: ms(600),
            turn: ms(400),
            item: ms(1000),
            sting: ms(500),
        }
    }

    fn after(&self, pause: Pause, rate: u32) -> u64 {
        match pause {
            Pause::Marked { ms } => ms_to_samples(ms, rate),
            // Each clip fades in and out over a few milliseconds already, so
            // butting them together does not click.
            Pause::Joined => 0,
            Pause::End => 0,
            Pause::Chunk => self.chunk,
            Pause::Sentence => self.sentence,
            Pause::Paragraph => self.paragraph,
            Pause::Turn => self.turn,
        }
    }
}

/// What fills a stretch of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// A spoken segment, by index into the plan's segments.
    Speech {
        /// Index into the plan's segments.
        segment: usize,
    },
    /// A chapter's lead sting (played before its speech).
    LeadSting {
        /// Index into the plan's chapters.
        chapter: usize,
    },
    /// A chapter's tail sting (played after its speech).
    TailSting {
        /// Index into the plan's chapters.
        chapter: usize,
    },
    /// A pause.
    Silence,
}

/// One stretch of the timeline: `[start, start + len)` in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// What fills it.
    #[serde(flatten)]
    pub source: Source,
    /// Its first sample.
    pub start: u64,
    /// Its length in samples.
    pub len: u64,
}

/// A span in samples, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The first sample.
    pub start: u64,
    /// One past the last sample.
    pub end: u64,
}

/// The whole episode laid out in samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Samples per second.
    pub rate: u32,
    /// Contiguous pieces from sample 0 to `total`.
    pub pieces: Vec<Piece>,
    /// One per plan chapter: from its first sample to the next chapter's.
    pub chapters: Vec<Span>,
    /// One per plan segment: where its speech sits.
    pub segments: Vec<Span>,
    /// Samples in the episode.
    pub total: u64,
}

/// Lengths of everything the timeline places, in samples.
pub struct Lengths<'a> {
    /// Per plan segment: its clip's length.
    pub speech: &'a [u64],
    /// Per chapter: its lead and tail sting lengths, when it has them.
    pub lead_sting: &'a [Option<u64>],
    /// Per chapter: the tail sting's length, when it has one.
    pub tail_sting: &'a [Option<u64>],
}

/// Lay out `plan`: per chapter, lead sting, speech with its pauses, tail
/// sting; an item pause between chapters.
pub fn lay_out(plan: &Plan, lengths: &Lengths, pauses: &Pauses, rate: u32) -> Timeline {
    let mut t = Timeline {
        rate,
        pieces: Vec::new(),
        chapters: Vec::with_capacity(plan.chapters.len()),
        segments: vec![Span { start: 0, end: 0 }; plan.segments.len()],
        total: 0,
    };
    let push = |t: &mut Timeline, source: Source, len: u64| {
        if len > 0 {
            t.pieces.push(Piece {
                source,
                start: t.total,
                len,
            });
            t.total += len;
        }
    };
    for (ci, chapter) in plan.chapters.iter().enumerate() {
        if ci > 0 {
            push(&mut t, Source::Silence, pauses.item);
        }
        let start = t.total;
        let has_speech = !chapter.segments.is_empty();
        if let Some(len) = lengths.lead_sting[ci] {
            push(&mut t, Source::LeadSting { chapter: ci }, len);
            if has_speech {
                push(&mut t, Source::Silence, pauses.sting);
            }
        }
        for si in chapter.segments.clone() {
            let seg_start = t.total;
            push(&mut t, Source::Speech { segment: si }, lengths.speech[si]);
            t.segments[si] = Span {
                start: seg_start,
                end: t.total,
            };
            push(
                &mut t,
                Source::Silence,
                pauses.after(plan.segments[si].pause_after, rate),
            );
        }
        if let Some(len) = lengths.tail_sting[ci] {
            if has_speech {
                push(&mut t, Source::Silence, pauses.sting);
            }
            push(&mut t, Source::TailSting { chapter: ci }, len);
        }
        t.chapters.push(Span { start, end: start });
    }
    // Each chapter runs to the start of the next; the last to the end.
    let ends: Vec<u64> = t
        .chapters
        .iter()
        .skip(1)
        .map(|c| c.start)
        .chain([t.total])
        .collect();
    for (c, end) in t.chapters.iter_mut().zip(ends) {
        c.end = end;
    }
    t
}

/// The millisecond nearest to a sample position: exact integer division,
/// rounded once. Every time podgen writes (chapters, tags, transcripts)
/// comes from here.
pub fn sample_to_ms(sample: u64, rate: u32) -> u64 {
    ((u128::from(sample) * 1000 + u128::from(rate) / 2) / u128::from(rate)) as u64
}

/// The samples in `ms` milliseconds at `rate` (rounded down).
pub fn ms_to_samples(ms: u64, rate: u32) -> u64 {
    (u128::from(ms) * u128::from(rate) / 1000) as u64
}

/// Seconds of a sample position, for chapter files: exact division, rounded
/// to the millisecond only at the end.
pub fn seconds(sample: u64, rate: u32) -> f64 {
    sample_to_ms(sample, rate) as f64 / 1000.0
}

/// `h:mm:ss` of a sample position.
pub fn clock(samples: u64, rate: u32) -> String {
    let s = samples / u64::from(rate);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::plan::{Chapter, ChapterKind, Segment};

    fn seg(chapter: usize, pause_after: Pause) -> Segment {
        Segment {
            chapter,
            paragraph: 1,
            sentence: 1,
            chunk: 1,
            voice: "v".into(),
            speaker: "v".into(),
            language: Language::EnglishUs,
            tag: "en-US".into(),
            text: "x".into(),
            spoken: "x".into(),
            ssml: None,
            pause_after,
        }
    }

    fn chapter(kind: ChapterKind, segments: std::ops::Range<usize>) -> Chapter {
        Chapter {
            kind,
            title: "t".into(),
            links: vec![],
            image: None,
            lead_sting: None,
            tail_sting: None,
            segments,
        }
    }

    #[test]
    fn pieces_are_contiguous_and_chapters_start_where_expected() {
        let plan = Plan {
            chapters: vec![
                chapter(ChapterKind::Intro, 0..1),
                chapter(ChapterKind::Item(1), 1..3),
                chapter(ChapterKind::Outro, 3..3),
            ],
            segments: vec![
                seg(0, Pause::End),
                seg(1, Pause::Paragraph),
                seg(1, Pause::End),
            ],
        };
        let pauses = Pauses {
            chunk: 1,
            sentence: 2,
            paragraph: 3,
            turn: 4,
            item: 10,
            sting: 5,
        };
        let lengths = Lengths {
            speech: &[100, 200, 300],
            lead_sting: &[Some(50), None, None],
            tail_sting: &[None, None, Some(70)],
        };
        let t = lay_out(&plan, &lengths, &pauses, 1000);
        // intro: sting 50 + gap 5 + speech 100; item: 10 + 200 + 3 + 300; outro: 10 + 70
        assert_eq!(t.total, 50 + 5 + 100 + 10 + 200 + 3 + 300 + 10 + 70);
        assert_eq!(t.chapters[0], Span { start: 0, end: 165 });
        assert_eq!(
            t.chapters[1],
            Span {
                start: 165,
                end: 678
            }
        );
        assert_eq!(
            t.chapters[2],
            Span {
                start: 678,
                end: t.total
            }
        );
        assert_eq!(
            t.segments[1],
            Span {
                start: 165,
                end: 365
            }
        );
        let mut at = 0;
        for p in &t.pieces {
            assert_eq!(p.start, at);
            at += p.len;
        }
        assert_eq!(at, t.total);
    }

    #[test]
    fn seconds_round_to_the_millisecond() {
        assert_eq!(seconds(44_100, 44_100), 1.0);
        assert_eq!(seconds(22, 44_100), 0.0);
        assert_eq!(seconds(23, 44_100), 0.001);
        assert_eq!(seconds(3 * 3600 * 44_100 + 1, 44_100), 10_800.0);
    }
}
