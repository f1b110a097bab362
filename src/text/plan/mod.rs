//! Text planning: pure text work, no audio and no network.
//!
//! Each intro, item and outro becomes a chapter; its text becomes paragraphs
//! (blank line), then sentences (Chinese `。！？；`, Latin `.!?;` with an
//! abbreviation list), then chunks that fit the voice's backend limit, split
//! at the weakest acceptable boundary and never inside a Latin word embedded
//! in Chinese. Each segment knows its chapter, voice, language and the pause
//! that follows it.

use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

use crate::input::script::{LoadedScript, Script};
use crate::text::lang::{Language, is_cjk, is_han};
use crate::text::speak::Spoken;

/// How long a text one request may carry, as the backend counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Most Unicode scalar values per request.
    pub max_chars: usize,
    /// Most UTF-8 bytes per request, for backends that count bytes.
    pub max_bytes: Option<usize>,
}

impl Limit {
    /// A limit in characters only.
    pub fn chars(max_chars: usize) -> Self {
        Limit {
            max_chars,
            max_bytes: None,
        }
    }

    fn fits(&self, s: &str) -> bool {
        s.chars().count() <= self.max_chars && self.max_bytes.is_none_or(|b| s.len() <= b)
    }
}

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
    /// normalisation (see [`crate::speak`]).
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

fn ms_or(v: &Option<String>, default: u64) -> u64 {
    v.as_deref()
        .and_then(crate::input::script::parse_duration_ms)
        .unwrap_or(default)
}

impl StingPlan {
    fn from_script(s: &crate::input::script::Sting, base: &std::path::Path) -> Self {
        StingPlan {
            path: base.join(&s.file),
            fade_in_ms: ms_or(&s.fade_in, STING_FADE_MS),
            fade_out_ms: ms_or(&s.fade_out, STING_FADE_MS),
            overlap_ms: ms_or(&s.overlap, 0),
        }
    }
}

impl BedPlan {
    fn from_script(b: &crate::input::script::Bed, base: &std::path::Path) -> Self {
        BedPlan {
            path: base.join(&b.file),
            gain_db: b.gain_db.unwrap_or(BED_GAIN_DB),
            fade_in_ms: ms_or(&b.fade_in, BED_FADE_IN_MS),
            fade_out_ms: ms_or(&b.fade_out, BED_FADE_OUT_MS),
            looped: b.looped.unwrap_or(true),
        }
    }
}

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

/// Plan a validated script, each voice as `voicing` says.
pub fn build(loaded: &LoadedScript, voicing: &Voicing) -> Plan {
    let s: &Script = &loaded.script;
    let default_voice = s.voice.as_ref().map_or(DEFAULT_VOICE, |v| v.value.trim());
    let script_lang = s
        .language
        .as_ref()
        .map(|l| crate::text::lang::normalize_tag(&l.value));
    let chinese_show = match &script_lang {
        Some(tag) => Language::from_tag(tag).is_some_and(Language::is_chinese),
        None => Language::guess(&s.title.value).is_chinese(),
    };
    let bed = |b: &Option<
        serde_saphyr::Spanned<crate::input::script::FileOr<crate::input::script::Bed>>,
    >| {
        b.as_ref()
            .map(|b| BedPlan::from_script(&b.value, &loaded.base_dir))
    };
    let sting = |b: &Option<
        serde_saphyr::Spanned<crate::input::script::FileOr<crate::input::script::Sting>>,
    >| {
        b.as_ref()
            .map(|b| StingPlan::from_script(&b.value, &loaded.base_dir))
    };
    let mut plan = Plan {
        chapters: Vec::new(),
        segments: Vec::new(),
        bed: bed(&s.bed),
    };
    let mut builder = Builder {
        plan: &mut plan,
        voicing,
    };
    let str_of =
        |v: &Option<serde_saphyr::Spanned<String>>| v.as_ref().map(|v| v.value.trim().to_string());

    if let Some(intro) = &s.intro {
        let b = &intro.value;
        let title =
            str_of(&b.title).unwrap_or_else(|| if chinese_show { "开场" } else { "Intro" }.into());
        let voice = str_of(&b.voice).unwrap_or_else(|| default_voice.into());
        let lang = pick_language(&b.language, &script_lang);
        builder.chapter(ChapterKind::Intro, title, vec![], |c| {
            c.lead_sting = sting(&b.sting);
            c.bed = bed(&b.bed);
        });
        if let Some(t) = &b.text {
            builder.text(&t.value, &voice, lang.as_deref());
        }
        builder.close_chapter();
    }
    for (i, item) in s.items.value.iter().enumerate() {
        let voice = str_of(&item.value.voice).unwrap_or_else(|| default_voice.into());
        let lang = pick_language(&item.value.language, &script_lang);
        builder.item(i + 1, &item.value, loaded, &voice, lang.as_deref());
    }
    if let Some(outro) = &s.outro {
        let b = &outro.value;
        let title =
            str_of(&b.title).unwrap_or_else(|| if chinese_show { "结束" } else { "Outro" }.into());
        let voice = str_of(&b.voice).unwrap_or_else(|| default_voice.into());
        let lang = pick_language(&b.language, &script_lang);
        builder.chapter(ChapterKind::Outro, title, vec![], |c| {
            c.tail_sting = sting(&b.sting);
            c.bed = bed(&b.bed);
        });
        if let Some(t) = &b.text {
            builder.text(&t.value, &voice, lang.as_deref());
        }
        builder.close_chapter();
    }
    plan
}

/// The language tag an entry is read in: its own, else the script's.
fn pick_language(
    own: &Option<serde_saphyr::Spanned<String>>,
    script: &Option<String>,
) -> Option<String> {
    own.as_ref()
        .map(|l| crate::text::lang::normalize_tag(&l.value))
        .or_else(|| script.clone())
}

struct Builder<'a> {
    plan: &'a mut Plan,
    voicing: &'a Voicing<'a>,
}

impl Builder<'_> {
    fn chapter(
        &mut self,
        kind: ChapterKind,
        title: String,
        links: Vec<String>,
        f: impl FnOnce(&mut Chapter),
    ) {
        let start = self.plan.segments.len();
        let mut c = Chapter {
            kind,
            title,
            links,
            image: None,
            lead_sting: None,
            tail_sting: None,
            bed: None,
            segments: start..start,
        };
        f(&mut c);
        self.plan.chapters.push(c);
    }

    /// Item `number`: its chapter, then its text or its dialogue lines.
    fn item(
        &mut self,
        number: usize,
        it: &crate::input::script::Item,
        loaded: &LoadedScript,
        voice: &str,
        lang: Option<&str>,
    ) {
        let links = it
            .links
            .iter()
            .map(|l| l.value.trim().to_string())
            .collect();
        self.chapter(
            ChapterKind::Item(number),
            it.title.value.trim().into(),
            links,
            |c| {
                c.image = it.image.as_ref().map(|p| loaded.base_dir.join(&p.value));
                c.bed = it
                    .bed
                    .as_ref()
                    .map(|b| BedPlan::from_script(&b.value, &loaded.base_dir));
            },
        );
        if let Some(t) = &it.text {
            self.text(&t.value, voice, lang);
        }
        for line in it.lines.iter().flat_map(|l| &l.value) {
            let line_voice = line
                .value
                .voice
                .as_ref()
                .map_or_else(|| voice.to_string(), |v| v.value.trim().to_string());
            if let Some(t) = &line.value.text {
                self.dialogue_line(&t.value, &line_voice, lang);
            }
            if let Some(ms) = line
                .value
                .pause
                .as_ref()
                .and_then(|p| crate::input::script::marker_ms(p.value.trim()))
            {
                self.marked_pause(ms);
            }
        }
        self.close_chapter();
    }

    fn close_chapter(&mut self) {
        let end = self.plan.segments.len();
        let c = self.plan.chapters.last_mut().expect("a chapter is open");
        c.segments.end = end;
        if let Some(last) = self.plan.segments[c.segments.clone()].last_mut() {
            last.pause_after = Pause::End;
        }
    }

    fn text(&mut self, text: &str, voice: &str, lang: Option<&str>) {
        for paragraph in paragraphs(text) {
            self.paragraph(&paragraph, voice, lang, Pause::Paragraph);
        }
    }

    fn dialogue_line(&mut self, text: &str, voice: &str, lang: Option<&str>) {
        for paragraph in paragraphs(text) {
            self.paragraph(&paragraph, voice, lang, Pause::Paragraph);
        }
        if let Some(last) = self.plan.segments.last_mut()
            && !matches!(last.pause_after, Pause::Marked { .. })
        {
            last.pause_after = Pause::Turn;
        }
    }

    /// A pause written as a dialogue line (`- pause: 800ms`): it follows
    /// the last segment so far, in place of the turn's pause.
    fn marked_pause(&mut self, ms: u64) {
        let chapter = self.plan.chapters.len() - 1;
        let start = self.plan.chapters[chapter].segments.start;
        if let Some(last) = self.plan.segments[start..].last_mut() {
            last.pause_after = Pause::Marked { ms };
        }
    }

    fn paragraph(&mut self, paragraph: &str, voice: &str, lang: Option<&str>, pause: Pause) {
        let chapter = self.plan.chapters.len() - 1;
        let start = self.plan.chapters[chapter].segments.start;
        let paragraph_no = self.plan.segments[start..]
            .last()
            .map_or(1, |s| s.paragraph + 1);
        let guessed = Language::guess(paragraph);
        let tag = lang.map_or_else(|| guessed.tag().to_string(), str::to_string);
        let language = Language::from_tag(&tag).unwrap_or(guessed);
        let english = if language.is_chinese() {
            (self.voicing.english)(voice)
        } else {
            None
        };
        let mut sentence_no = 0;
        for (piece, marked) in split_pauses(paragraph) {
            for sentence in sentences(&piece) {
                sentence_no += 1;
                let spans = match &english {
                    Some(_) => latin_spans(&sentence),
                    None => vec![(sentence.clone(), false)],
                };
                let last_span = spans.len() - 1;
                for (k, (span_text, latin)) in spans.into_iter().enumerate() {
                    let (span_voice, span_tag) = match (&english, latin) {
                        (Some(en), true) => (en.as_str(), ENGLISH_SPAN_TAG.to_string()),
                        _ => (voice, tag.clone()),
                    };
                    let limit = (self.voicing.limit)(span_voice);
                    let speak = |t: &str| (self.voicing.speak)(span_voice, t, &span_tag);
                    let parts = spoken_chunks(&span_text, limit, &speak);
                    let n = parts.len();
                    for (ci, (text, Spoken { text: spoken, ssml })) in parts.into_iter().enumerate()
                    {
                        let pause_after = if ci + 1 < n {
                            Pause::Chunk
                        } else if k < last_span {
                            Pause::Joined
                        } else {
                            Pause::Sentence
                        };
                        self.plan.segments.push(Segment {
                            chapter,
                            paragraph: paragraph_no,
                            sentence: sentence_no,
                            chunk: self.plan.segments[start..]
                                .last()
                                .filter(|s| {
                                    s.sentence == sentence_no && s.paragraph == paragraph_no
                                })
                                .map_or(1, |s| s.chunk + 1),
                            voice: span_voice.to_string(),
                            speaker: voice.to_string(),
                            language: if latin { Language::EnglishUs } else { language },
                            tag: span_tag.clone(),
                            text,
                            spoken,
                            ssml,
                            pause_after,
                        });
                    }
                }
            }
            if let (Some(ms), true) = (marked, self.plan.segments.len() > start) {
                // A pause marker before any speech of the chapter has nothing to follow.
                if let Some(last) = self.plan.segments.last_mut() {
                    last.pause_after = Pause::Marked { ms };
                }
            }
        }
        if let Some(last) = self.plan.segments[start..].last_mut()
            && !matches!(last.pause_after, Pause::Marked { .. })
        {
            last.pause_after = pause;
        }
    }
}

/// The language tag of English spans inside Mandarin.
pub const ENGLISH_SPAN_TAG: &str = "en-US";

/// `sentence` cut into Latin-script spans (true) and the rest (false), in
/// order; together they are exactly `sentence`. A Latin span starts with a
/// Latin letter and runs on over letters, digits, spaces between them and
/// joiners inside a word (`-`, `.`, `'`, `&`, `+`, `/`, `_`): `Stable Audio
/// Open`, `AMD Zen 5`, `GPT-4o`, `LLM-Modulo`. Punctuation or spaces alone
/// between two spans go with the span before them, so that no request
/// carries only a comma.
pub fn latin_spans(sentence: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut spans: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let latin = chars[i].is_ascii_alphabetic();
        if latin {
            i += 1;
            while i < chars.len() {
                let c = chars[i];
                let next_alnum = chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric);
                if c.is_ascii_alphanumeric() || ("-.'&+/_ ".contains(c) && next_alnum) {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            while i < chars.len() && !chars[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        let text: String = chars[start..i].iter().collect();
        let wordless = !text.chars().any(char::is_alphanumeric);
        match spans.last_mut() {
            Some(last) if wordless => last.0.push_str(&text),
            _ => spans.push((text, latin)),
        }
    }
    // A wordless start (a quote mark) goes with what follows.
    if spans.len() > 1 && !spans[0].0.chars().any(char::is_alphanumeric) {
        let first = spans.remove(0);
        spans[0].0.insert_str(0, &first.0);
    }
    if spans.is_empty() {
        spans.push((String::new(), false));
    }
    spans
}

/// Chunks of `sentence` as written, each with what is spoken for it, every
/// spoken chunk within `limit`. Chunking happens on the written text (so
/// transcripts stay whole words); when a spoken form outgrows the limit (a
/// number read out is longer than its digits), the chunks are made smaller.
fn spoken_chunks(
    sentence: &str,
    limit: Limit,
    speak: &dyn Fn(&str) -> Spoken,
) -> Vec<(String, Spoken)> {
    let mut written_limit = limit;
    loop {
        let parts: Vec<(String, Spoken)> = chunks(sentence, written_limit)
            .into_iter()
            .map(|c| {
                let spoken = speak(&c);
                (c, spoken)
            })
            .collect();
        let fits = parts.iter().all(|(_, s)| limit.fits(&s.text));
        if fits || written_limit.max_chars <= 1 {
            return parts;
        }
        written_limit = Limit {
            max_chars: written_limit.max_chars * 3 / 4,
            max_bytes: written_limit.max_bytes.map(|b| (b * 3 / 4).max(4)),
        };
    }
}

/// The pause marker inside text: `[pause 800ms]`, `[pause 1.5s]`.
pub const PAUSE_MARKER: &str = "[pause ";

/// `paragraph` cut at its pause markers: each piece with the pause that
/// follows it. Only an exact marker with a duration counts; `\[pause`
/// writes the words literally; anything else is text.
pub fn split_pauses(paragraph: &str) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut rest = paragraph;
    while let Some(at) = rest.find(PAUSE_MARKER) {
        if rest[..at].ends_with('\\') {
            piece.push_str(&rest[..at - 1]);
            piece.push_str(PAUSE_MARKER);
            rest = &rest[at + PAUSE_MARKER.len()..];
            continue;
        }
        let after = &rest[at + PAUSE_MARKER.len()..];
        let ms = after
            .find(']')
            .filter(|&end| end <= 12)
            .and_then(|end| crate::input::script::marker_ms(&after[..end]).map(|ms| (ms, end)));
        match ms {
            Some((ms, end)) => {
                piece.push_str(&rest[..at]);
                out.push((std::mem::take(&mut piece), Some(ms)));
                rest = &after[end + 1..];
            }
            None => {
                piece.push_str(&rest[..at + PAUSE_MARKER.len()]);
                rest = after;
            }
        }
    }
    piece.push_str(rest);
    out.push((piece, None));
    out.retain(|(p, ms)| !p.trim().is_empty() || ms.is_some());
    out
}

/// Paragraphs of a text: separated by blank lines. The lines inside one
/// paragraph are joined, with a space only where Latin text meets Latin text.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let needs_space = match (current.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => !(is_cjk(a) || is_cjk(b)),
            _ => false,
        };
        if needs_space {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    // Spaces and tabs inside a line stay as written: the text reaches the
    // backend as the producer wrote it, but for line breaks.
    out.into_iter()
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// Abbreviations whose full stop does not end a sentence (compared lower-case).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "inc",
    "ltd", "co", "corp", "no", "vol", "fig", "approx", "dept", "est", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m", "ph.d",
];

/// Closing quotes and brackets that stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '」' | '』' | ')' | '）' | ']' | '】' | '》' | '〉'
    )
}

/// Sentences of one paragraph. Chinese `。！？；` (and `!?;` in their full-width
/// forms) always end a sentence; Latin `.!?;` end one when followed by a space,
/// the end, or Chinese text, except after a known abbreviation or an initial.
pub fn sentences(paragraph: &str) -> Vec<String> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ends = match c {
            '。' | '！' | '？' | '；' | '｡' => true,
            '!' | '?' | ';' => latin_break_follows(&chars, i + 1),
            '.' => latin_break_follows(&chars, i + 1) && !is_abbreviation(&chars[start..i]),
            _ => false,
        };
        if ends {
            // Keep runs like "?!" or "。」" together.
            let mut j = i + 1;
            while j < chars.len()
                && (is_closer(chars[j]) || matches!(chars[j], '。' | '！' | '？' | '!' | '?' | '.'))
            {
                j += 1;
            }
            push_trimmed(&mut out, &chars[start..j]);
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    push_trimmed(&mut out, &chars[start..]);
    out
}

fn push_trimmed(out: &mut Vec<String>, chars: &[char]) {
    let s: String = chars.iter().collect();
    let s = s.trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s.to_string());
    } else if let (Some(last), false) = (out.last_mut(), s.is_empty()) {
        // Stray punctuation or an emoji after a sentence stays with it.
        last.push_str(s);
    }
}

/// After Latin `.!?;` at `i-1`: a space, the end, or Chinese text (possibly
/// after closing quotes) make it a sentence end.
fn latin_break_follows(chars: &[char], mut i: usize) -> bool {
    while i < chars.len() && is_closer(chars[i]) {
        i += 1;
    }
    i >= chars.len() || chars[i].is_whitespace() || is_han(chars[i])
}

/// Whether the word before a full stop is an abbreviation or an initial.
fn is_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| !c.is_whitespace() && !is_cjk(**c) && !matches!(c, '(' | '"' | '“'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // A single capital letter is an initial: "J. Smith".
    let mut it = word.chars();
    matches!((it.next(), it.next()), (Some(c), None) if c.is_uppercase())
}

/// How good a place between two characters is for splitting a long sentence.
/// Higher is better; `None` is never (inside a Latin word).
fn boundary_strength(prev: char, next: char) -> Option<u8> {
    const CLAUSE: &str = "，,、：:—–…）)」』\"”";
    if CLAUSE.contains(prev) {
        return Some(4);
    }
    if next.is_whitespace() || prev.is_whitespace() {
        return Some(3);
    }
    if is_cjk(prev) || is_cjk(next) {
        return Some(2);
    }
    // Both sides Latin-ish (letters, digits, '-', '.', ...): one word.
    None
}

/// Split a sentence into chunks that fit `limit`, cutting at the strongest
/// boundary available (clause punctuation, then spaces, then between Chinese
/// characters), as late as possible. A Latin word is cut only if it alone is
/// longer than the limit.
pub fn chunks(sentence: &str, limit: Limit) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: &str = sentence.trim();
    while !limit.fits(rest) {
        // The strongest boundary that keeps the head within the limit, and
        // the latest boundary of any kind as a last resort.
        let mut best: Option<(u8, usize)> = None;
        let mut fallback = None;
        let mut prev: Option<char> = None;
        for (offset, c) in rest.char_indices() {
            if let Some(p) = prev {
                if !limit.fits(&rest[..offset]) {
                    break;
                }
                fallback = Some(offset);
                if let Some(strength) = boundary_strength(p, c)
                    && best.is_none_or(|(s, _)| strength >= s)
                {
                    best = Some((strength, offset));
                }
            }
            prev = Some(c);
        }
        let cut = match (best, fallback) {
            (Some((_, at)), _) => at,
            (None, Some(at)) => at,
            // Not even one character fits: the limit is below one character.
            (None, None) => rest.chars().next().map_or(rest.len(), char::len_utf8),
        };
        let (head, tail) = rest.split_at(cut);
        if !head.trim().is_empty() {
            out.push(head.trim().to_string());
        }
        rest = tail.trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_and_join_lines() {
        let p = paragraphs("第一行。\n第二行。\n\n  \nFirst line\nsecond line.\n");
        assert_eq!(p, vec!["第一行。第二行。", "First line second line."]);
    }

    #[test]
    fn chinese_and_latin_sentences() {
        let s = sentences(
            "今天的新闻很多。OpenAI 发布了 GPT-5！股市上涨了3.5%，你怎么看？Dr. Smith said: \"It's fine.\" Then he left.",
        );
        assert_eq!(
            s,
            vec![
                "今天的新闻很多。",
                "OpenAI 发布了 GPT-5！",
                "股市上涨了3.5%，你怎么看？",
                "Dr. Smith said: \"It's fine.\"",
                "Then he left.",
            ]
        );
    }

    #[test]
    fn latin_stop_before_chinese_ends_a_sentence_but_decimals_do_not() {
        let s = sentences("He said hi.然后走了。价格是4.68倍；好的");
        assert_eq!(
            s,
            vec!["He said hi.", "然后走了。", "价格是4.68倍；", "好的"]
        );
    }

    #[test]
    fn initials_and_abbreviations() {
        let s = sentences("J. R. Smith met e.g. Mr. Li at 5 p.m. today. Done.");
        assert_eq!(
            s,
            vec!["J. R. Smith met e.g. Mr. Li at 5 p.m. today.", "Done."]
        );
    }

    #[test]
    fn chunks_prefer_clause_punctuation() {
        let c = chunks(
            "这是第一部分，这是第二部分，这是第三部分。",
            Limit::chars(14),
        );
        assert_eq!(c, vec!["这是第一部分，这是第二部分，", "这是第三部分。"]);
        for part in &c {
            assert!(part.chars().count() <= 14);
        }
    }

    #[test]
    fn chunks_never_split_latin_words_inside_chinese() {
        let text = "研究者推出Instructions Per Clock指标和TransAgents框架以及Mean Average Precision平均精度";
        // From the longest word up: shorter limits must cut words (tested below).
        for max in 12..40 {
            let c = chunks(text, Limit::chars(max));
            for part in &c {
                assert!(part.chars().count() <= max, "{part:?} > {max}");
            }
            // Every Latin word of the input appears whole in some chunk.
            for word in [
                "Instructions",
                "Per",
                "Clock",
                "TransAgents",
                "Mean",
                "Average",
                "Precision",
            ] {
                assert!(
                    c.iter().any(|p| p.contains(word)),
                    "{word} split at max {max}: {c:?}"
                );
            }
            let joined: String = c.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let orig: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(joined, orig);
        }
    }

    #[test]
    fn chunks_respect_byte_limits() {
        let limit = Limit {
            max_chars: 1000,
            max_bytes: Some(20),
        };
        let c = chunks("中文字符每个三个字节长度", limit);
        assert!(c.iter().all(|p| p.len() <= 20), "{c:?}");
        assert_eq!(c.concat(), "中文字符每个三个字节长度");
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut_as_a_last_resort() {
        let c = chunks("Pneumonoultramicroscopic", Limit::chars(10));
        assert_eq!(c.concat(), "Pneumonoultramicroscopic");
        assert!(c.iter().all(|p| p.chars().count() <= 10));
    }
}
