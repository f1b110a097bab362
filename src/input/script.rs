//! The digest script, `issue.yaml`: its types, loading with source positions,
//! and validation (the README's "The script: issue.yaml").
//!
//! Loading never guesses: an unknown key is an error with the nearest known
//! key as a hint, and every value that can be wrong keeps its span so the
//! error can point at it.

use std::path::{Path, PathBuf};

use miette::SourceSpan;
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::error::{Failure, Result, SourceFile, nearest};

/// One issue of a digest show, as the producer wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// The show's name.
    pub show: Spanned<String>,
    /// The episode's title.
    pub title: Spanned<String>,
    /// The file-name id (default: date and the ASCII words of the title).
    pub episode: Option<Spanned<String>>,
    /// YYYY-MM-DD.
    pub date: Option<Spanned<String>>,
    /// The episode's number in the show (itunes:episode in the feed).
    pub number: Option<Spanned<u32>>,
    /// BCP-47 tag (default: guessed from the text).
    pub language: Option<Spanned<String>>,
    /// The default voice name (default `narrator`).
    pub voice: Option<Spanned<String>>,
    /// The cover image, relative to the script.
    pub cover: Option<Spanned<String>>,
    /// The intro chapter.
    pub intro: Option<Spanned<Bookend>>,
    /// The news items, each a chapter.
    pub items: Spanned<Vec<Spanned<Item>>>,
    /// The outro chapter.
    pub outro: Option<Spanned<Bookend>>,
    /// Music under the whole episode (a chapter's own bed replaces it there).
    pub bed: Option<Spanned<FileOr<Bed>>>,
}

/// The intro or the outro: an optional sting and optional spoken text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookend {
    /// Chapter title; defaults to "Intro"/"Outro" (or 开场/结束 for Chinese shows).
    pub title: Option<Spanned<String>>,
    /// Audio played before (intro) or after (outro) the text: a file, or
    /// a file with fades and an overlap with the speech.
    pub sting: Option<Spanned<FileOr<Sting>>>,
    /// Music under the chapter.
    pub bed: Option<Spanned<FileOr<Bed>>>,
    /// What is read.
    pub text: Option<Spanned<String>>,
    /// Who reads it.
    pub voice: Option<Spanned<String>>,
    /// Its language.
    pub language: Option<Spanned<String>>,
}

/// One news item: a chapter of the episode.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The chapter title.
    pub title: Spanned<String>,
    /// What is read, by one voice.
    pub text: Option<Spanned<String>>,
    /// Or a dialogue, a voice per line.
    pub lines: Option<Spanned<Vec<Spanned<Line>>>>,
    /// Who reads it.
    pub voice: Option<Spanned<String>>,
    /// Its language.
    pub language: Option<Spanned<String>>,
    /// Links; the first is the chapter URL.
    #[serde(default)]
    pub links: Vec<Spanned<String>>,
    /// The chapter's picture.
    pub image: Option<Spanned<String>>,
    /// Music under the chapter.
    pub bed: Option<Spanned<FileOr<Bed>>>,
}

/// A sting with its settings (`sting: file.wav` is the file alone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sting {
    /// The audio file, relative to the script.
    pub file: String,
    /// Fade in over this long (default 5ms, against a click).
    pub fade_in: Option<String>,
    /// Fade out over this long (default 5ms).
    pub fade_out: Option<String>,
    /// Speech starts this long before the sting ends (an outro sting: the
    /// sting starts this long before speech ends); the sting ducks under it.
    pub overlap: Option<String>,
}

impl From<String> for Sting {
    fn from(file: String) -> Self {
        Sting {
            file,
            fade_in: None,
            fade_out: None,
            overlap: None,
        }
    }
}

/// A music bed with its settings (`bed: music.mp3` is the file alone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bed {
    /// The audio file, relative to the script.
    pub file: String,
    /// Its level between speech, in dB relative to the speech level (or to
    /// the file as it is, with levelling off); default -12.
    pub gain_db: Option<f32>,
    /// Fade in over this long (default 1s).
    pub fade_in: Option<String>,
    /// Fade out over this long (default 2s).
    pub fade_out: Option<String>,
    /// Start again from the top when the file ends (default true).
    #[serde(rename = "loop")]
    pub looped: Option<bool>,
}

impl From<String> for Bed {
    fn from(file: String) -> Self {
        Bed {
            file,
            gain_db: None,
            fade_in: None,
            fade_out: None,
            looped: None,
        }
    }
}

/// A setting written either as a bare file name or as its full map.
#[derive(Debug)]
pub struct FileOr<T>(pub T);

impl<T> std::ops::Deref for FileOr<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, T: Deserialize<'de> + From<String>> Deserialize<'de> for FileOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + From<String>> serde::de::Visitor<'de> for Visit<T> {
            type Value = FileOr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a file name, or a map with `file:` and its settings")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(FileOr(T::from(v.to_string())))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(FileOr)
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

/// One line of a dialogue item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Who says it (default: the item's voice).
    pub voice: Option<Spanned<String>>,
    /// What is said.
    pub text: Option<Spanned<String>>,
    /// Or a pause instead of words: `800ms`, `1.5s` (at most 60 s).
    pub pause: Option<Spanned<String>>,
}

/// A script loaded from disk, with what is needed to report errors against it.
pub struct LoadedScript {
    /// The parsed script.
    pub script: Script,
    /// Its source, for messages.
    pub source: SourceFile,
    /// The folder of the issue file: relative paths in the script start here.
    pub base_dir: PathBuf,
}

/// The byte span of a value in the source, if the parser knew it.
pub fn span_of(location: &Location) -> Option<SourceSpan> {
    if location.line() == 0 {
        return None;
    }
    let span = location.span();
    let offset = span.byte_offset()? as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    Some(SourceSpan::new(offset.into(), len))
}

/// The byte span of a spanned value.
pub fn span<T>(value: &Spanned<T>) -> Option<SourceSpan> {
    span_of(&value.referenced)
}

/// Read and parse `path`. Syntax errors, wrong types, missing and unknown keys
/// are reported here; semantic checks are in [`validate`].
pub fn load(path: &Path) -> Result<LoadedScript> {
    let text =
        crate::error::read_source(path, "the script", "give the path of an issue.yaml file")?;
    parse(path, text)
}

/// Parse `text` as the script at `path` (which names it in errors and is
/// where its relative paths start), as [`load`] does once the file is read.
pub fn parse(path: &Path, text: String) -> Result<LoadedScript> {
    let source = SourceFile::new(path, text);
    let script: Script = serde_saphyr::from_str(&source.text)
        .map_err(|e| yaml_error(&source, &e, "the script is not valid issue.yaml"))?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(LoadedScript {
        script,
        source,
        base_dir,
    })
}

/// Turn a YAML parse or shape error into a report with a snippet, in the
/// user's words: an unknown key gets the nearest known key; duplicate keys,
/// several documents, alias bombs and badly typed numbers are said plainly.
/// `headline` says what the file failed to be ("the script is not valid
/// issue.yaml").
pub fn yaml_error(source: &SourceFile, err: &serde_saphyr::Error, headline: &str) -> Failure {
    if let Some(plain) = plain_yaml_error(source, err, headline) {
        return plain;
    }
    // serde-saphyr's own miette report carries the snippet and the position.
    let options = serde_saphyr::render_options! { source_name: Some(source.name.as_str()) };
    let report = serde_saphyr::miette::to_miette_report_with_options(
        err,
        &source.text,
        &source.name,
        options,
    );
    let prefix = err
        .location()
        .and_then(|l| span_of(&l))
        .map(|s| source.position(s.offset()))
        .unwrap_or_else(|| source.name.clone());
    Failure::Input(report.wrap_err(format!("{prefix}: {headline}")))
}

/// The YAML errors whose library wording would puzzle a producer, said in
/// plain words; None for the rest.
fn plain_yaml_error(
    source: &SourceFile,
    err: &serde_saphyr::Error,
    headline: &str,
) -> Option<Failure> {
    use serde_saphyr::Error as E;
    let plain = |location: &Location, message: String, label: &str, help: &str| {
        source.error(span_of(location), message, label, Some(help.to_string()))
    };
    match err.without_snippet() {
        E::SerdeUnknownField {
            field,
            expected,
            location,
        } => {
            let help = match nearest(field, expected) {
                Some(k) => format!(
                    "did you mean `{k}`? Known keys here: {}",
                    expected.join(", ")
                ),
                None => format!("known keys here: {}", expected.join(", ")),
            };
            Some(source.error(
                span_of(location),
                format!("unknown key `{field}`"),
                "not a key podgen knows",
                Some(help),
            ))
        }
        E::DuplicateMappingKey { key, location } => {
            let key = key.as_deref().map_or(String::new(), |k| format!(" `{k}`"));
            Some(plain(
                location,
                format!("{headline}: the key{key} appears twice"),
                "again",
                "keep one of them",
            ))
        }
        E::MultipleDocuments { location, .. } => Some(plain(
            location,
            format!("{headline}: the file holds more than one YAML document"),
            "a second document starts here",
            "keep one document (a line `---` starts another)",
        )),
        E::Budget { location, .. }
        | E::AliasExpansionLimitExceeded { location, .. }
        | E::AliasReplayLimitExceeded { location, .. }
        | E::AliasReplayStackDepthExceeded { location, .. } => Some(plain(
            location,
            format!(
                "{headline}: it is too large or nests too deeply (anchors and aliases that multiply?)"
            ),
            "here",
            "write the values out; podgen files need no deep anchors or aliases",
        )),
        E::InvalidScalar { ty, location } => {
            let expected = match *ty {
                "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
                "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
                "f32" | "f64" => "a number",
                "bool" => "true or false",
                other => other,
            };
            Some(plain(
                location,
                format!("{headline}: expected {expected} here"),
                "this value",
                "write the value as that",
            ))
        }
        _ => None,
    }
}

/// The longest pause a marker may ask for.
pub const MAX_MARKED_PAUSE_MS: u64 = 60_000;

/// The milliseconds of a marker's duration (`800ms`, `1.5s`: the grammar of
/// [`podgen_text::duration`]), at most [`MAX_MARKED_PAUSE_MS`].
pub fn marker_ms(s: &str) -> Option<u64> {
    podgen_text::duration::parse_ms(s).filter(|&ms| ms <= MAX_MARKED_PAUSE_MS)
}

/// Semantic checks on a parsed script: required text is present, files exist,
/// dates and tags are well formed. Reports the first problem, in file order.
pub fn validate(loaded: &LoadedScript) -> Result<()> {
    let s = &loaded.script;
    let src = &loaded.source;
    check_line(src, &s.show, "show name")?;
    check_line(src, &s.title, "episode title")?;
    if let Some(ep) = &s.episode {
        check_slug(src, ep)?;
    }
    if let Some(date) = &s.date {
        check_date(src, date)?;
    }
    if let Some(n) = s.number.as_ref().filter(|n| n.value == 0) {
        return Err(src.error(
            span(n),
            "the episode number is 0",
            "here",
            Some("episodes are numbered from 1".into()),
        ));
    }
    if let Some(lang) = &s.language {
        check_language(src, lang)?;
    }
    if let Some(v) = &s.voice {
        check_line(src, v, "voice name")?;
    }
    if let Some(cover) = &s.cover {
        check_image(loaded, cover, "cover image")?;
    }
    if let Some(bed) = &s.bed {
        check_bed(loaded, bed, "episode")?;
    }
    for (bookend, name) in [(&s.intro, "intro"), (&s.outro, "outro")] {
        if let Some(b) = bookend {
            validate_bookend(loaded, b, name)?;
        }
    }
    if s.items.value.is_empty() {
        return Err(src.error(
            span(&s.items),
            "the script has no items",
            "empty list",
            Some("add at least one item with a `title:` and a `text:`".into()),
        ));
    }
    for (i, item) in s.items.value.iter().enumerate() {
        validate_item(loaded, item, i + 1)?;
    }
    Ok(())
}

/// A value that must have more than white space.
fn not_blank(src: &SourceFile, v: &Spanned<String>, what: &str) -> Result<()> {
    if v.value.trim().is_empty() {
        return Err(src.error(
            span(v),
            format!("{what} is empty"),
            "empty",
            Some(format!("write the {what}")),
        ));
    }
    Ok(())
}

/// A sound file the script names is a regular file that decodes: decoded
/// whole (stings and beds are short), so NaN samples and the like are found
/// here, not at render.
fn check_sound(
    loaded: &LoadedScript,
    file: &str,
    at: Option<SourceSpan>,
    what: &str,
) -> Result<()> {
    check_file(loaded, file, at, what, MAX_STING_BYTES)?;
    crate::audio::decode::decode_file(&loaded.base_dir.join(file)).map_err(|e| {
        loaded.source.error(
            at,
            format!("the {what} cannot be decoded: {e}"),
            "this file",
            Some("use a WAV, FLAC, MP3 or Ogg Vorbis file".into()),
        )
    })?;
    Ok(())
}

/// The longest duration any setting takes: 30 days.
pub const MAX_DURATION_MS: u64 = 30 * 24 * 3600 * 1000;

/// Milliseconds of a setting's duration (`250ms`, `1.5s`, `10m`, `2h`, or a
/// bare number of milliseconds: [`podgen_text::duration`]); None for
/// anything else or over 30 days.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    podgen_text::duration::parse_ms(s).filter(|&ms| ms <= MAX_DURATION_MS)
}

/// The longest fade or overlap a sting or bed takes.
pub const MAX_FADE_MS: u64 = 60_000;

/// A fade or overlap: a duration up to a minute.
fn check_fade(
    src: &SourceFile,
    v: &Option<String>,
    at: Option<SourceSpan>,
    what: &str,
) -> Result<()> {
    match v {
        Some(d) if parse_duration_ms(d).is_none_or(|ms| ms > MAX_FADE_MS) => Err(src.error(
            at,
            format!("{what} {d:?} is not a duration up to 60s"),
            "here",
            Some("write it like 300ms or 1.5s".into()),
        )),
        _ => Ok(()),
    }
}

fn check_sting(loaded: &LoadedScript, sting: &Spanned<FileOr<Sting>>, name: &str) -> Result<()> {
    let at = span(sting);
    check_sound(loaded, &sting.value.file, at, &format!("{name} sting"))?;
    let src = &loaded.source;
    check_fade(
        src,
        &sting.value.fade_in,
        at,
        &format!("the {name} sting's fade_in"),
    )?;
    check_fade(
        src,
        &sting.value.fade_out,
        at,
        &format!("the {name} sting's fade_out"),
    )?;
    check_fade(
        src,
        &sting.value.overlap,
        at,
        &format!("the {name} sting's overlap"),
    )
}

/// The quietest and loudest a bed may be set, in dB against speech.
pub const BED_GAIN_DB: std::ops::RangeInclusive<f32> = -40.0..=6.0;

fn check_bed(loaded: &LoadedScript, bed: &Spanned<FileOr<Bed>>, name: &str) -> Result<()> {
    let at = span(bed);
    check_sound(loaded, &bed.value.file, at, &format!("{name} bed"))?;
    let src = &loaded.source;
    check_fade(
        src,
        &bed.value.fade_in,
        at,
        &format!("the {name} bed's fade_in"),
    )?;
    check_fade(
        src,
        &bed.value.fade_out,
        at,
        &format!("the {name} bed's fade_out"),
    )?;
    if let Some(g) = bed.value.gain_db
        && !(g.is_finite() && BED_GAIN_DB.contains(&g))
    {
        return Err(src.error(
            at,
            format!("the {name} bed's gain_db {g} is out of range"),
            "here",
            Some("a level against speech in dB, from -40 to 6 (default -12)".into()),
        ));
    }
    Ok(())
}

/// The intro or the outro: something to play, a sting that decodes.
fn validate_bookend(loaded: &LoadedScript, b: &Spanned<Bookend>, name: &str) -> Result<()> {
    let src = &loaded.source;
    let has_text = b
        .value
        .text
        .as_ref()
        .is_some_and(|t| !t.value.trim().is_empty());
    if b.value.sting.is_none() && !has_text {
        return Err(src.error(
            span(b),
            format!("the {name} has neither text nor a sting"),
            "nothing to play",
            Some(format!(
                "add `text:` or `sting:` to the {name}, or remove it"
            )),
        ));
    }
    if let Some(t) = &b.value.text {
        check_speakable(src, t, &format!("the {name}'s text"))?;
    }
    if let Some(sting) = &b.value.sting {
        check_sting(loaded, sting, name)?;
    }
    if let Some(bed) = &b.value.bed {
        check_bed(loaded, bed, name)?;
    }
    for v in [&b.value.voice, &b.value.title].into_iter().flatten() {
        check_line(src, v, &format!("{name} field"))?;
    }
    if let Some(l) = &b.value.language {
        check_language(src, l)?;
    }
    Ok(())
}

/// Item `n`: a title, exactly one of text and lines, sane links and files.
fn validate_item(loaded: &LoadedScript, item: &Spanned<Item>, n: usize) -> Result<()> {
    let src = &loaded.source;
    let it = &item.value;
    let name = format!("item {n} ({:?})", it.title.value.trim());
    if it.title.value.trim().is_empty() {
        return Err(src.error(
            span(&it.title),
            format!("item {n} has an empty title"),
            "empty",
            Some("every item is a chapter and needs a title".into()),
        ));
    }
    check_line(src, &it.title, &format!("the title of item {n}"))?;
    match (&it.text, &it.lines) {
        (Some(_), Some(lines)) => {
            return Err(src.error(
                span(lines),
                format!("{name} has both `text:` and `lines:`"),
                "second source of speech",
                Some("use `text:` for one voice or `lines:` for a dialogue, not both".into()),
            ));
        }
        (None, None) => {
            return Err(src.error(
                span(item),
                format!("{name} has no `text:` (or `lines:`)"),
                "nothing to read here",
                Some("add `text: |` with what should be read".into()),
            ));
        }
        (Some(t), None) => check_speakable(src, t, &format!("the text of {name}"))?,
        (None, Some(lines)) => {
            if lines.value.is_empty() {
                return Err(src.error(
                    span(lines),
                    format!("{name} has an empty `lines:` list"),
                    "empty list",
                    Some("add lines like `- {voice: host, text: ...}`".into()),
                ));
            }
            for (j, line) in lines.value.iter().enumerate() {
                let what = format!("line {} of {name}", j + 1);
                match (&line.value.text, &line.value.pause) {
                    (Some(t), None) => check_speakable(src, t, &what)?,
                    (None, Some(p)) if marker_ms(p.value.trim()).is_some() => {}
                    (None, Some(p)) => {
                        return Err(src.error(
                            span(p),
                            format!("{what}: {:?} is not a pause", p.value),
                            "not a pause",
                            Some("write it like 800ms or 1.5s (at most 60s)".into()),
                        ));
                    }
                    _ => {
                        return Err(src.error(
                            span(line),
                            format!("{what} needs either `text:` or `pause:`"),
                            "this line",
                            Some("like `- {voice: host, text: ...}` or `- pause: 800ms`".into()),
                        ));
                    }
                }
                if let Some(v) = &line.value.voice {
                    check_line(src, v, "voice name")?;
                }
            }
        }
    }
    check_item_settings(loaded, it, n)
}

/// Item `n`'s voice, language, links, bed and picture.
fn check_item_settings(loaded: &LoadedScript, it: &Item, n: usize) -> Result<()> {
    let src = &loaded.source;
    if let Some(v) = &it.voice {
        check_line(src, v, "voice name")?;
    }
    if let Some(l) = &it.language {
        check_language(src, l)?;
    }
    for link in &it.links {
        check_url(src, link)?;
    }
    if let Some(bed) = &it.bed {
        check_bed(loaded, bed, &format!("item {n}"))?;
    }
    if let Some(image) = &it.image {
        check_image(loaded, image, "chapter image")?;
    }
    Ok(())
}

/// Text that a voice can read: not empty, and with at least one letter or digit.
fn check_speakable(src: &SourceFile, text: &Spanned<String>, what: &str) -> Result<()> {
    if text.value.trim().is_empty() {
        return Err(src.error(
            span(text),
            format!("{what} is empty"),
            "empty",
            Some("write what should be read, or remove the entry".into()),
        ));
    }
    if !text.value.chars().any(char::is_alphanumeric) {
        return Err(src.error(
            span(text),
            format!("{what} has no letters or digits to read"),
            "nothing speakable",
            None,
        ));
    }
    // Line breaks and tabs are layout; other control characters (NUL, escape
    // codes) are no text anyone reads, and break transcripts.
    if let Some(c) = text
        .value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(src.error(
            span(text),
            format!("{what} contains the control character U+{:04X}", c as u32),
            "here",
            Some("remove it: only text, line breaks and tabs are read".into()),
        ));
    }
    Ok(())
}

/// A one-line value (a title, a name): not blank, no line breaks or other
/// control characters, which would break chapters and transcripts.
fn check_line(src: &SourceFile, v: &Spanned<String>, what: &str) -> Result<()> {
    not_blank(src, v, what)?;
    if let Some(c) = v.value.trim().chars().find(|c| c.is_control()) {
        let (message, help) = if matches!(c, '\n' | '\r') {
            (
                format!("{what} contains a line break"),
                "write it on one line",
            )
        } else {
            (
                format!("{what} contains the control character U+{:04X}", c as u32),
                "remove it",
            )
        };
        return Err(src.error(span(v), message, "here", Some(help.into())));
    }
    Ok(())
}

/// The largest sting podgen decodes (stings are decoded whole, in memory;
/// 100 MB is ten minutes of 48 kHz stereo WAV).
pub const MAX_STING_BYTES: u64 = 100_000_000;
/// The largest picture podgen embeds (hosts ask for at most 512 KB).
pub const MAX_IMAGE_BYTES: u64 = 20_000_000;

/// A file the script names exists and is a regular file of sane size.
fn check_file(
    loaded: &LoadedScript,
    file: &str,
    at: Option<SourceSpan>,
    what: &str,
    max_bytes: u64,
) -> Result<()> {
    let path = loaded.base_dir.join(file);
    let Some(problem) = crate::error::regular_file_problem(&path, max_bytes) else {
        return Ok(());
    };
    let (message, label, help) = if problem == "not found" {
        (
            format!("{what} not found: {}", path.display()),
            "no such file",
            "paths in the script are relative to the folder of the issue file",
        )
    } else if problem.starts_with("it is a folder") {
        (
            format!("{what} {} is a folder, not a file", path.display()),
            "a folder",
            "name the file itself",
        )
    } else {
        (
            format!("{what} {}: {problem}", path.display()),
            "this file",
            "name a regular file",
        )
    };
    Err(loaded.source.error(at, message, label, Some(help.into())))
}

/// A picture the script names is a JPEG or PNG, by its bytes.
fn check_image(loaded: &LoadedScript, value: &Spanned<String>, what: &str) -> Result<()> {
    check_file(loaded, &value.value, span(value), what, MAX_IMAGE_BYTES)?;
    let path = loaded.base_dir.join(&value.value);
    let mut head = [0u8; 8];
    let read = std::fs::File::open(&path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    if crate::input::cover::image_type(&head[..read]).is_none() {
        return Err(loaded.source.error(
            span(value),
            format!("{what} {} is not a JPEG or PNG image", path.display()),
            "not a picture",
            Some("podcast apps show JPEG and PNG pictures; convert it to one of them".into()),
        ));
    }
    Ok(())
}

/// The longest episode id (it names a folder and files in it).
pub const MAX_EPISODE_ID: usize = 100;

/// Names Windows reserves for devices, with or without an extension.
fn is_reserved_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or("").to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// Ids whose `<id>.json` transcript would be another file podgen writes
/// beside it (chapters.json, render.json, transcript.json); compared without
/// case, as macOS and Windows file systems do.
pub const TAKEN_IDS: [&str; 3] = ["chapters", "render", "transcript"];

fn is_taken_id(id: &str) -> bool {
    TAKEN_IDS.iter().any(|t| t.eq_ignore_ascii_case(id))
}

fn check_slug(src: &SourceFile, ep: &Spanned<String>) -> Result<()> {
    let v = &ep.value;
    let fail = |message: String, help: &str| {
        Err(src.error(span(ep), message, "used as a file name", Some(help.into())))
    };
    if v.chars().count() > MAX_EPISODE_ID {
        return fail(
            format!(
                "episode id is {} characters long, more than the {MAX_EPISODE_ID} a file name can safely take",
                v.chars().count()
            ),
            "use a short id, like `2024-06-2`",
        );
    }
    let ok = !v.is_empty()
        && !v.starts_with('.')
        && !v.ends_with('.')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        return fail(
            format!("episode id {v:?} is not a safe file name"),
            "use letters, digits, '-', '_' and '.' (not first or last), like `2024-06-2`",
        );
    }
    if is_reserved_name(v) {
        return fail(
            format!("episode id {v:?} is a name Windows reserves for a device"),
            "use another id, like `2024-06-2`",
        );
    }
    if is_taken_id(v) {
        return fail(
            format!(
                "episode id {v:?} would name its transcript {v}.json, a file podgen writes for every episode"
            ),
            "use another id, like `2024-06-2`",
        );
    }
    Ok(())
}

fn check_date(src: &SourceFile, date: &Spanned<String>) -> Result<()> {
    if parse_iso_date(&date.value).is_none() {
        return Err(src.error(
            span(date),
            format!("date {:?} is not an ISO date", date.value),
            "expected YYYY-MM-DD",
            Some("write the date like 2024-06-10".into()),
        ));
    }
    Ok(())
}

/// (year, month, day) of a `YYYY-MM-DD` date that exists in the calendar.
pub fn parse_iso_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    ((1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]).then_some((y, m, d))
}

fn check_language(src: &SourceFile, lang: &Spanned<String>) -> Result<()> {
    if !podgen_text::lang::is_valid_tag(&lang.value) {
        return Err(src.error(
            span(lang),
            format!("language {:?} is not a BCP-47 language tag", lang.value),
            "not a language tag",
            Some("write a tag like zh-CN, cmn, en, en-GB or fr".into()),
        ));
    }
    Ok(())
}

fn check_url(src: &SourceFile, link: &Spanned<String>) -> Result<()> {
    let v = link.value.trim();
    // Characters a URL never holds unescaped (RFC 3986), which would break
    // the notes, the feed and the chapter tags.
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() > "https://".len()
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c));
    if !ok {
        return Err(src.error(
            span(link),
            format!("link {v:?} is not an http(s) URL"),
            "not a URL",
            Some("write the full address, like https://example.com/post".into()),
        ));
    }
    Ok(())
}

/// The episode id: the script's `episode`, else the date and the ASCII words
/// of the title, else a short hash of the title.
pub fn episode_id(s: &Script) -> String {
    if let Some(ep) = &s.episode {
        return ep.value.clone();
    }
    let mut slug = String::new();
    for c in s.title.value.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_matches('-').to_string();
    // A long title gives a long id: keep its first words, within bounds.
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    if is_reserved_name(&slug) || is_taken_id(&slug) {
        slug.push_str("-episode");
    }
    match (&s.date, slug.is_empty()) {
        (Some(d), true) => d.value.clone(),
        (Some(d), false) => format!("{}-{slug}", d.value),
        (None, false) => slug,
        (None, true) => {
            let hash = crate::hash::hex(s.title.value.as_bytes());
            format!("episode-{}", &hash[..8])
        }
    }
}

/// Where the script first names voice `name`, for error messages.
pub fn voice_span(s: &Script, name: &str) -> Option<SourceSpan> {
    let is =
        |v: &Option<Spanned<String>>| v.as_ref().filter(|v| v.value.trim() == name).and_then(span);
    if let Some(sp) = is(&s.voice) {
        return Some(sp);
    }
    for b in [&s.intro, &s.outro].into_iter().flatten() {
        if let Some(sp) = is(&b.value.voice) {
            return Some(sp);
        }
    }
    for item in &s.items.value {
        if let Some(sp) = is(&item.value.voice) {
            return Some(sp);
        }
        for line in item.value.lines.iter().flat_map(|l| &l.value) {
            if let Some(sp) = is(&line.value.voice) {
                return Some(sp);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> std::result::Result<Script, serde_saphyr::Error> {
        serde_saphyr::from_str(yaml)
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_iso_date("2024-06-10"), Some((2024, 6, 10)));
        assert_eq!(parse_iso_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_iso_date("2023-02-29"), None);
        assert_eq!(parse_iso_date("2024-13-01"), None);
        assert_eq!(parse_iso_date("2024-6-10"), None);
    }

    #[test]
    fn episode_id_falls_back_to_date_and_title_words() {
        let s = parse(
            "show: S\ntitle: 2024年6月 Weekly!\ndate: 2024-06-10\nitems: [{title: a, text: b}]\n",
        )
        .unwrap();
        assert_eq!(episode_id(&s), "2024-06-10-2024-6-weekly");
        let s = parse("show: S\ntitle: 第二期\ndate: 2024-06-10\nitems: [{title: a, text: b}]\n")
            .unwrap();
        assert_eq!(episode_id(&s), "2024-06-10");
        let s = parse("show: S\ntitle: 第二期\nitems: [{title: a, text: b}]\n").unwrap();
        assert!(episode_id(&s).starts_with("episode-"));
        // An id whose transcript would be chapters.json or render.json is moved aside.
        let s = parse("show: S\ntitle: Render\nitems: [{title: a, text: b}]\n").unwrap();
        assert_eq!(episode_id(&s), "render-episode");
    }

    #[test]
    fn spans_point_at_values() {
        let s = parse("show: S\ntitle: T\nitems:\n  - title: a\n    text: hello\n").unwrap();
        let item = &s.items.value[0].value;
        let sp = span(item.text.as_ref().unwrap()).unwrap();
        assert_eq!(
            &"show: S\ntitle: T\nitems:\n  - title: a\n    text: hello\n"
                [sp.offset()..sp.offset() + 5],
            "hello"
        );
    }
}
