//! The timeline: where every clip, pause and sting sits on the master, in
//! samples. Pure: it sees lengths, not audio.
//!
//! Chapter and transcript times are read off this layout (sample counts),
//! never summed from floating-point seconds.

use crate::audio::time::ms_to_samples;
use crate::input::settings::Pauses;
use serde::Serialize;

use crate::text::plan::{BedPlan, Pause, Plan, StingPlan};

/// The samples after a segment that ends with `pause`.
fn pause_after(pauses: &Pauses, pause: Pause, rate: u32) -> u64 {
    match pause {
        Pause::Marked { ms } => ms_to_samples(ms, rate),
        // Each clip fades in and out over a few milliseconds already, so
        // butting them together does not click.
        Pause::Joined => 0,
        Pause::End => 0,
        Pause::Chunk => pauses.chunk,
        Pause::Sentence => pauses.sentence,
        Pause::Paragraph => pauses.paragraph,
        Pause::Turn => pauses.turn,
    }
}

/// What fills a stretch of the speech layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// A spoken segment, by index into the plan's segments.
    Speech {
        /// Index into the plan's segments.
        segment: usize,
    },
    /// A pause (or the time a sting plays alone).
    Silence,
}

/// One stretch of the speech layer: `[start, start + len)` in samples.
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

/// What a cue plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CueSource {
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
    /// A chapter's own bed.
    ChapterBed {
        /// Index into the plan's chapters.
        chapter: usize,
    },
    /// The episode's bed, under chapters without their own.
    EpisodeBed,
}

/// A sound laid over the speech layer: a sting or a stretch of a bed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cue {
    /// What it plays.
    #[serde(flatten)]
    pub source: CueSource,
    /// Its first sample on the master.
    pub start: u64,
    /// How long it sounds.
    pub len: u64,
    /// Where in its clip it starts (a looped bed, from the loop's phase).
    pub offset: u64,
    /// Its fade in and fade out, in samples (together at most `len`).
    pub fade_in: u64,
    /// See `fade_in`.
    pub fade_out: u64,
    /// Whether it goes down under speech (beds, and stings that overlap it).
    pub ducked: bool,
    /// Whether its clip starts again from the top when it ends.
    pub looped: bool,
}

impl Cue {
    /// One past its last sample.
    pub fn end(&self) -> u64 {
        self.start + self.len
    }
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
    /// The speech layer: contiguous pieces from sample 0 to `total`.
    pub pieces: Vec<Piece>,
    /// Stings and beds over it, by start.
    pub cues: Vec<Cue>,
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
    /// Per chapter: its lead sting's length, when it has one.
    pub lead_sting: &'a [Option<u64>],
    /// Per chapter: the tail sting's length, when it has one.
    pub tail_sting: &'a [Option<u64>],
    /// Per chapter: its bed's length, when it has one.
    pub chapter_bed: &'a [Option<u64>],
    /// The episode bed's length, when there is one.
    pub episode_bed: Option<u64>,
}

/// Lay out `plan`: per chapter, lead sting, speech with its pauses, tail
/// sting; an item pause between chapters; then the beds under the chapters.
/// A sting's overlap pulls speech under it; a bed never moves anything.
pub fn lay_out(plan: &Plan, lengths: &Lengths, pauses: &Pauses, rate: u32) -> Timeline {
    let mut t = Timeline {
        rate,
        pieces: Vec::new(),
        cues: Vec::new(),
        chapters: Vec::with_capacity(plan.chapters.len()),
        segments: vec![Span { start: 0, end: 0 }; plan.segments.len()],
        total: 0,
    };
    for (ci, chapter) in plan.chapters.iter().enumerate() {
        if ci > 0 {
            t.push(Source::Silence, pauses.item);
        }
        let start = t.total;
        let has_speech = !chapter.segments.is_empty();
        if let (Some(len), Some(sting)) = (lengths.lead_sting[ci], &chapter.lead_sting) {
            let overlap = if has_speech {
                ms_to_samples(sting.overlap_ms, rate).min(len)
            } else {
                0
            };
            let at = Span {
                start: t.total,
                end: t.total + len,
            };
            t.sting(CueSource::LeadSting { chapter: ci }, at, sting, overlap > 0);
            t.push(Source::Silence, len - overlap);
            if has_speech && overlap == 0 {
                t.push(Source::Silence, pauses.sting);
            }
        }
        // Pauses written before any speech are the chapter's own time.
        t.push(Source::Silence, ms_to_samples(chapter.lead_pause_ms, rate));
        let speech_start = t.total;
        for si in chapter.segments.clone() {
            let seg_start = t.total;
            t.push(Source::Speech { segment: si }, lengths.speech[si]);
            t.segments[si] = Span {
                start: seg_start,
                end: t.total,
            };
            t.push(
                Source::Silence,
                pause_after(pauses, plan.segments[si].pause_after, rate),
            );
        }
        if let (Some(len), Some(sting)) = (lengths.tail_sting[ci], &chapter.tail_sting) {
            let overlap = ms_to_samples(sting.overlap_ms, rate)
                .min(len)
                .min(t.total - speech_start);
            if has_speech && overlap == 0 {
                t.push(Source::Silence, pauses.sting);
            }
            let at = Span {
                start: t.total - overlap,
                end: t.total - overlap + len,
            };
            t.sting(CueSource::TailSting { chapter: ci }, at, sting, overlap > 0);
            t.push(Source::Silence, len - overlap);
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
    lay_beds(&mut t, plan, lengths);
    t.cues.sort_by_key(|c| c.start);
    t
}

impl Timeline {
    /// Append `len` samples of `source` to the speech layer.
    fn push(&mut self, source: Source, len: u64) {
        if len == 0 {
            return;
        }
        self.pieces.push(Piece {
            source,
            start: self.total,
            len,
        });
        self.total += len;
    }

    /// A sting's cue over `at`.
    fn sting(&mut self, source: CueSource, at: Span, s: &StingPlan, ducked: bool) {
        let (start, len) = (at.start, at.end - at.start);
        let (fade_in, fade_out) = fades(
            ms_to_samples(s.fade_in_ms, self.rate),
            ms_to_samples(s.fade_out_ms, self.rate),
            len,
        );
        self.cues.push(Cue {
            source,
            start,
            len,
            offset: 0,
            fade_in,
            fade_out,
            ducked,
            looped: false,
        });
    }

    /// A cue of `bed` over `span`, in phase with `origin` (where its loop
    /// began); None if nothing sounds.
    fn bed(&self, source: CueSource, bed: BedClip, span: Span, origin: u64) -> Option<Cue> {
        let BedClip {
            plan: bed,
            frames: clip_len,
        } = bed;
        // A bed of no samples is refused before it gets here (validate and
        // sound::sounds); the guard keeps the loop's modulo defined.
        if clip_len == 0 || span.end <= span.start {
            return None;
        }
        let into = span.start - origin;
        let (offset, len) = if bed.looped {
            (into % clip_len, span.end - span.start)
        } else if into < clip_len {
            (into, (span.end - span.start).min(clip_len - into))
        } else {
            return None;
        };
        let (fade_in, fade_out) = fades(
            ms_to_samples(bed.fade_in_ms, self.rate),
            ms_to_samples(bed.fade_out_ms, self.rate),
            len,
        );
        Some(Cue {
            source,
            start: span.start,
            len,
            offset,
            fade_in,
            fade_out,
            ducked: true,
            looped: bed.looped,
        })
    }
}

/// A bed and its clip's length.
#[derive(Clone, Copy)]
struct BedClip<'a> {
    plan: &'a BedPlan,
    frames: u64,
}

/// Fades that fit in `len`: shortened in proportion when they do not.
fn fades(fade_in: u64, fade_out: u64, len: u64) -> (u64, u64) {
    let sum = fade_in + fade_out;
    if sum <= len {
        return (fade_in, fade_out);
    }
    let fade_in = (u128::from(fade_in) * u128::from(len) / u128::from(sum)) as u64;
    (fade_in, len - fade_in)
}

/// Each chapter's own bed under its whole span; the episode bed under each
/// run of chapters without one, in phase with the episode's start.
fn lay_beds(t: &mut Timeline, plan: &Plan, lengths: &Lengths) {
    let mut cues = Vec::new();
    let mut run: Option<Span> = None;
    for (ci, chapter) in plan.chapters.iter().enumerate() {
        let span = t.chapters[ci];
        match (&chapter.bed, lengths.chapter_bed[ci]) {
            (Some(bed), Some(len)) => {
                cues.extend(run.take().and_then(|r| t.episode_bed(plan, lengths, r)));
                let clip = BedClip {
                    plan: bed,
                    frames: len,
                };
                cues.extend(t.bed(
                    CueSource::ChapterBed { chapter: ci },
                    clip,
                    span,
                    span.start,
                ));
            }
            _ => {
                let r = run.get_or_insert(span);
                r.end = span.end;
            }
        }
    }
    cues.extend(run.and_then(|r| t.episode_bed(plan, lengths, r)));
    t.cues.extend(cues);
}

impl Timeline {
    fn episode_bed(&self, plan: &Plan, lengths: &Lengths, span: Span) -> Option<Cue> {
        let clip = BedClip {
            plan: plan.bed.as_ref()?,
            frames: lengths.episode_bed?,
        };
        self.bed(CueSource::EpisodeBed, clip, span, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lang::Language;
    use crate::text::plan::{Chapter, ChapterKind, Segment};

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
            bed: None,
            segments,
            lead_pause_ms: 0,
        }
    }

    fn sting(overlap_ms: u64) -> Option<StingPlan> {
        Some(StingPlan {
            path: "s.wav".into(),
            fade_in_ms: 5,
            fade_out_ms: 5,
            overlap_ms,
        })
    }

    #[test]
    fn pieces_are_contiguous_and_chapters_start_where_expected() {
        let mut plan = Plan {
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
            bed: None,
        };
        plan.chapters[0].lead_sting = sting(0);
        plan.chapters[2].tail_sting = sting(0);
        let pauses = pauses();
        let lengths = Lengths {
            speech: &[100, 200, 300],
            lead_sting: &[Some(50), None, None],
            tail_sting: &[None, None, Some(70)],
            chapter_bed: &[None, None, None],
            episode_bed: None,
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
        // The stings are cues over the silence kept for them.
        let starts: Vec<(u64, u64)> = t.cues.iter().map(|c| (c.start, c.len)).collect();
        assert_eq!(starts, [(0, 50), (678, 70)]);
        assert!(t.cues.iter().all(|c| !c.ducked && c.fade_in == 5));
    }

    fn two_chapters(overlap_ms: u64) -> (Plan, Vec<Option<u64>>) {
        let mut plan = Plan {
            chapters: vec![
                chapter(ChapterKind::Intro, 0..1),
                chapter(ChapterKind::Outro, 1..2),
            ],
            segments: vec![seg(0, Pause::End), seg(1, Pause::End)],
            bed: None,
        };
        plan.chapters[0].lead_sting = sting(overlap_ms);
        plan.chapters[1].tail_sting = sting(overlap_ms);
        (plan, vec![None, None])
    }

    fn pauses() -> Pauses {
        Pauses {
            chunk: 1,
            sentence: 2,
            paragraph: 3,
            turn: 4,
            item: 10,
            sting: 5,
        }
    }

    #[test]
    fn an_overlap_pulls_speech_under_the_sting() {
        let (plan, none) = two_chapters(30);
        let lengths = Lengths {
            speech: &[100, 200],
            lead_sting: &[Some(50), None],
            tail_sting: &[None, Some(70)],
            chapter_bed: &none,
            episode_bed: None,
        };
        let t = lay_out(&plan, &lengths, &pauses(), 1000);
        // Speech starts 30 before the lead sting ends; the tail sting starts
        // 30 before the last speech ends; both duck.
        assert_eq!(
            t.segments[0],
            Span {
                start: 20,
                end: 120
            }
        );
        assert_eq!(
            t.segments[1],
            Span {
                start: 130,
                end: 330
            }
        );
        assert_eq!((t.cues[0].start, t.cues[0].end()), (0, 50));
        assert_eq!((t.cues[1].start, t.cues[1].end()), (300, 370));
        assert_eq!(t.total, 370);
        assert!(t.cues.iter().all(|c| c.ducked));
        // An overlap longer than the sting is cut to it.
        let (plan, none) = two_chapters(10_000);
        let lengths = Lengths {
            chapter_bed: &none,
            ..lengths
        };
        let t = lay_out(&plan, &lengths, &pauses(), 1000);
        assert_eq!(t.segments[0].start, 0);
    }

    /// (source, start, len, offset) of the bed cues.
    fn bed_cues(t: &Timeline) -> Vec<(CueSource, u64, u64, u64)> {
        t.cues
            .iter()
            .filter(|c| {
                matches!(
                    c.source,
                    CueSource::EpisodeBed | CueSource::ChapterBed { .. }
                )
            })
            .map(|c| (c.source, c.start, c.len, c.offset))
            .collect()
    }

    #[test]
    fn beds_follow_chapters_and_never_move_them() {
        let (mut plan, _) = two_chapters(0);
        let bed = BedPlan {
            path: "b.wav".into(),
            gain_db: -12.0,
            fade_in_ms: 20,
            fade_out_ms: 40,
            looped: true,
        };
        let speech = [100, 200];
        let lengths = |chapter_bed: &'static [Option<u64>], episode_bed| Lengths {
            speech: &speech,
            lead_sting: &[Some(50), None],
            tail_sting: &[None, Some(70)],
            chapter_bed,
            episode_bed,
        };
        let bare = lay_out(&plan, &lengths(&[None, None], None), &pauses(), 1000);
        assert!(bed_cues(&bare).is_empty());
        // An episode bed 64 samples long, looped, under everything.
        plan.bed = Some(bed.clone());
        let t = lay_out(&plan, &lengths(&[None, None], Some(64)), &pauses(), 1000);
        assert_eq!(
            (t.chapters.clone(), t.segments.clone()),
            (bare.chapters.clone(), bare.segments.clone())
        );
        let beds: Vec<&Cue> = t
            .cues
            .iter()
            .filter(|c| c.source == CueSource::EpisodeBed)
            .collect();
        assert_eq!(beds.len(), 1);
        assert_eq!(
            (beds[0].start, beds[0].len, beds[0].offset),
            (0, t.total, 0)
        );
        assert_eq!((beds[0].fade_in, beds[0].fade_out), (20, 40));
        // The outro's own bed replaces it there; the episode bed's stretch
        // before keeps its phase, the outro's starts from the top.
        plan.chapters[1].bed = Some(BedPlan {
            looped: false,
            ..bed
        });
        let t = lay_out(
            &plan,
            &lengths(&[None, Some(1000)], Some(64)),
            &pauses(),
            1000,
        );
        let outro = t.chapters[1];
        assert_eq!(
            bed_cues(&t),
            [
                (CueSource::EpisodeBed, 0, outro.start, 0),
                (
                    CueSource::ChapterBed { chapter: 1 },
                    outro.start,
                    outro.end - outro.start,
                    0
                ),
            ]
        );
        // A bed that does not loop stops where its file ends, its fades
        // shortened to fit.
        let t = lay_out(&plan, &lengths(&[None, Some(50)], None), &pauses(), 1000);
        let outro_bed = t
            .cues
            .iter()
            .find(|c| c.source == CueSource::ChapterBed { chapter: 1 })
            .unwrap();
        assert_eq!(outro_bed.len, 50);
        assert_eq!((outro_bed.fade_in, outro_bed.fade_out), (16, 34));
    }
}
