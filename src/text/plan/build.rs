//! Building the plan: a validated script, chapter by chapter, into
//! segments.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{
    BED_FADE_IN_MS, BED_FADE_OUT_MS, BED_GAIN_DB, BedPlan, Chapter, ChapterKind, DEFAULT_VOICE,
    ENGLISH_SPAN_TAG, Pause, Plan, STING_FADE_MS, Segment, StingPlan, Voicing,
};
use crate::input::script::{
    Bed, Bookend, FileOr, Item, LoadedScript, MAX_MARKED_PAUSE_MS, Sting, marker_ms,
    parse_duration_ms,
};
use crate::text::lang::{self, Language};
use crate::text::speak::Spoken;
use crate::text::split::{latin_spans, paragraphs, sentences, split_pauses, spoken_chunks};

/// Plan a validated script, each voice as `voicing` says.
pub fn build(loaded: &LoadedScript, voicing: &Voicing) -> Plan {
    let s = &loaded.script;
    let script_lang = s.language.as_ref().map(|l| lang::normalize_tag(&l.value));
    let chinese_show = match &script_lang {
        Some(tag) => Language::from_tag(tag).is_some_and(Language::is_chinese),
        None => Language::guess(&s.title.value).is_chinese(),
    };
    let mut plan = Plan {
        chapters: Vec::new(),
        segments: Vec::new(),
        bed: bed_plan(&s.bed, &loaded.base_dir),
    };
    let mut builder = Builder {
        plan: &mut plan,
        voicing,
        base_dir: &loaded.base_dir,
        default_voice: s.voice.as_ref().map_or(DEFAULT_VOICE, |v| v.value.trim()),
        script_lang,
    };
    let (intro, outro) = if chinese_show {
        ("开场", "结束")
    } else {
        ("Intro", "Outro")
    };
    if let Some(b) = &s.intro {
        builder.bookend(ChapterKind::Intro, &b.value, intro);
    }
    for (i, item) in s.items.value.iter().enumerate() {
        builder.item(i + 1, &item.value);
    }
    if let Some(b) = &s.outro {
        builder.bookend(ChapterKind::Outro, &b.value, outro);
    }
    plan
}

fn ms_or(v: &Option<String>, default: u64) -> u64 {
    v.as_deref().and_then(parse_duration_ms).unwrap_or(default)
}

fn sting_plan(s: &Option<Spanned<FileOr<Sting>>>, base: &Path) -> Option<StingPlan> {
    let s = &s.as_ref()?.value.0;
    Some(StingPlan {
        path: base.join(&s.file),
        fade_in_ms: ms_or(&s.fade_in, STING_FADE_MS),
        fade_out_ms: ms_or(&s.fade_out, STING_FADE_MS),
        overlap_ms: ms_or(&s.overlap, 0),
    })
}

fn bed_plan(b: &Option<Spanned<FileOr<Bed>>>, base: &Path) -> Option<BedPlan> {
    let b = &b.as_ref()?.value.0;
    Some(BedPlan {
        path: base.join(&b.file),
        gain_db: b.gain_db.unwrap_or(BED_GAIN_DB),
        fade_in_ms: ms_or(&b.fade_in, BED_FADE_IN_MS),
        fade_out_ms: ms_or(&b.fade_out, BED_FADE_OUT_MS),
        looped: b.looped.unwrap_or(true),
    })
}

/// A value as written, trimmed.
fn trimmed(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|v| v.value.trim().to_string())
}

/// The plan as it grows, and what every chapter shares.
struct Builder<'a> {
    plan: &'a mut Plan,
    voicing: &'a Voicing<'a>,
    base_dir: &'a Path,
    default_voice: &'a str,
    script_lang: Option<String>,
}

/// One paragraph being planned: where its segments go and who reads them.
struct Paragraph<'v> {
    chapter: usize,
    /// The chapter's first segment.
    chapter_start: usize,
    number: usize,
    voice: &'v str,
    tag: String,
    language: Language,
    /// The voice for its English spans, when it is Mandarin and has one.
    english: Option<String>,
}

impl Builder<'_> {
    /// The voice an entry names, else the script's.
    fn voice_of(&self, own: &Option<Spanned<String>>) -> String {
        trimmed(own).unwrap_or_else(|| self.default_voice.to_string())
    }

    /// The language tag an entry is read in: its own, else the script's.
    fn language_of(&self, own: &Option<Spanned<String>>) -> Option<String> {
        own.as_ref()
            .map(|l| lang::normalize_tag(&l.value))
            .or_else(|| self.script_lang.clone())
    }

    fn chapter(&mut self, kind: ChapterKind, title: String, f: impl FnOnce(&mut Chapter)) {
        let start = self.plan.segments.len();
        let mut c = Chapter {
            kind,
            title,
            links: Vec::new(),
            image: None,
            lead_sting: None,
            tail_sting: None,
            bed: None,
            segments: start..start,
            lead_pause_ms: 0,
        };
        f(&mut c);
        self.plan.chapters.push(c);
    }

    /// The intro or the outro: its chapter (with its sting before or after
    /// the speech) and its text.
    fn bookend(&mut self, kind: ChapterKind, b: &Bookend, default_title: &str) {
        let title = trimmed(&b.title).unwrap_or_else(|| default_title.into());
        let (voice, lang) = (self.voice_of(&b.voice), self.language_of(&b.language));
        let sting = sting_plan(&b.sting, self.base_dir);
        let bed = bed_plan(&b.bed, self.base_dir);
        self.chapter(kind, title, |c| {
            if kind == ChapterKind::Intro {
                c.lead_sting = sting;
            } else {
                c.tail_sting = sting;
            }
            c.bed = bed;
        });
        if let Some(t) = &b.text {
            self.text(&t.value, &voice, lang.as_deref());
        }
        self.close_chapter();
    }

    /// Item `number`: its chapter, then its text or its dialogue lines.
    fn item(&mut self, number: usize, it: &Item) {
        let (voice, lang) = (self.voice_of(&it.voice), self.language_of(&it.language));
        let image = it.image.as_ref().map(|p| self.base_dir.join(&p.value));
        let bed = bed_plan(&it.bed, self.base_dir);
        self.chapter(
            ChapterKind::Item(number),
            it.title.value.trim().into(),
            |c| {
                c.links = it
                    .links
                    .iter()
                    .map(|l| l.value.trim().to_string())
                    .collect();
                c.image = image;
                c.bed = bed;
            },
        );
        if let Some(t) = &it.text {
            self.text(&t.value, &voice, lang.as_deref());
        }
        for line in it.lines.iter().flat_map(|l| &l.value) {
            let line_voice = trimmed(&line.value.voice).unwrap_or_else(|| voice.clone());
            if let Some(t) = &line.value.text {
                self.dialogue_line(&t.value, &line_voice, lang.as_deref());
            }
            if let Some(ms) = line
                .value
                .pause
                .as_ref()
                .and_then(|p| marker_ms(p.value.trim()))
            {
                self.marked_pause(ms);
            }
        }
        self.close_chapter();
    }

    fn close_chapter(&mut self) {
        let end = self.plan.segments.len();
        let Some(c) = self.plan.chapters.last_mut() else {
            return;
        };
        c.segments.end = end;
        if let Some(last) = self.plan.segments[c.segments.clone()].last_mut() {
            last.pause_after = Pause::End;
        }
    }

    fn text(&mut self, text: &str, voice: &str, lang: Option<&str>) {
        for paragraph in paragraphs(text) {
            self.paragraph(&paragraph, voice, lang);
        }
    }

    fn dialogue_line(&mut self, text: &str, voice: &str, lang: Option<&str>) {
        self.text(text, voice, lang);
        if let Some(last) = self.plan.segments.last_mut()
            && !matches!(last.pause_after, Pause::Marked { .. })
        {
            last.pause_after = Pause::Turn;
        }
    }

    /// The open chapter's index and its first segment.
    fn open_chapter(&self) -> (usize, usize) {
        let chapter = self.plan.chapters.len().saturating_sub(1);
        let start = self.plan.chapters.last().map_or(0, |c| c.segments.start);
        (chapter, start)
    }

    /// A pause written as a dialogue line (`- pause: 800ms`): it follows
    /// the last segment so far, in place of the turn's pause.
    fn marked_pause(&mut self, ms: u64) {
        let (_, start) = self.open_chapter();
        match self.plan.segments[start..].last_mut() {
            Some(last) => last.pause_after = Pause::Marked { ms },
            None => self.lead_pause(ms),
        }
    }

    /// A pause written before any speech of the open chapter: it is the
    /// chapter's own time (all of it, in a chapter of pauses only).
    fn lead_pause(&mut self, ms: u64) {
        if let Some(c) = self.plan.chapters.last_mut() {
            c.lead_pause_ms = c.lead_pause_ms.saturating_add(ms);
        }
    }

    fn paragraph(&mut self, text: &str, voice: &str, lang: Option<&str>) {
        let (chapter, start) = self.open_chapter();
        let guessed = Language::guess(text);
        let tag = lang.map_or_else(|| guessed.tag().to_string(), str::to_string);
        let language = Language::from_tag(&tag).unwrap_or(guessed);
        let p = Paragraph {
            chapter,
            chapter_start: start,
            number: self.plan.segments[start..]
                .last()
                .map_or(1, |s| s.paragraph + 1),
            voice,
            tag,
            language,
            english: language
                .is_chinese()
                .then(|| (self.voicing.english)(voice))
                .flatten(),
        };
        let mut sentence_no = 0;
        for (piece, marked) in split_pauses(text, MAX_MARKED_PAUSE_MS) {
            for sentence in sentences(&piece) {
                sentence_no += 1;
                self.sentence(&p, sentence_no, &sentence);
            }
            if let Some(ms) = marked {
                self.marked_pause(ms);
            }
        }
        if let Some(last) = self.plan.segments[start..].last_mut()
            && !matches!(last.pause_after, Pause::Marked { .. })
        {
            last.pause_after = Pause::Paragraph;
        }
    }

    /// Sentence `number` of paragraph `p`: its spans (English ones to the
    /// English voice), each in chunks that fit the voice's limit.
    fn sentence(&mut self, p: &Paragraph, number: usize, sentence: &str) {
        let spans = match &p.english {
            Some(_) => latin_spans(sentence),
            None => vec![(sentence.to_string(), false)],
        };
        let last_span = spans.len() - 1;
        for (k, (span_text, latin)) in spans.into_iter().enumerate() {
            let (voice, tag) = match (&p.english, latin) {
                (Some(en), true) => (en.as_str(), ENGLISH_SPAN_TAG),
                _ => (p.voice, p.tag.as_str()),
            };
            let limit = (self.voicing.limit)(voice);
            let speak = |t: &str| (self.voicing.speak)(voice, t, tag);
            let parts = spoken_chunks(&span_text, limit, &speak);
            let n = parts.len();
            for (ci, (text, Spoken { text: spoken, ssml })) in parts.into_iter().enumerate() {
                let pause_after = if ci + 1 < n {
                    Pause::Chunk
                } else if k < last_span {
                    Pause::Joined
                } else {
                    Pause::Sentence
                };
                let chunk = self.plan.segments[p.chapter_start..]
                    .last()
                    .filter(|s| s.sentence == number && s.paragraph == p.number)
                    .map_or(1, |s| s.chunk + 1);
                self.plan.segments.push(Segment {
                    chapter: p.chapter,
                    paragraph: p.number,
                    sentence: number,
                    chunk,
                    voice: voice.to_string(),
                    speaker: p.voice.to_string(),
                    language: if latin {
                        Language::EnglishUs
                    } else {
                        p.language
                    },
                    tag: tag.to_string(),
                    text,
                    spoken,
                    ssml,
                    pause_after,
                });
            }
        }
    }
}
