//! What a parsed script must be beyond its shape: required text present and
//! speakable, one-line values on one line, items with exactly one source of
//! speech, tags and links well formed. The first problem is reported, in
//! file order, at its value.

use serde_saphyr::Spanned;

use super::files::{check_bed, check_image, check_sting};
use super::ids::{check_slug, parse_iso_date};
use super::{Bookend, Item, LoadedScript};
use crate::error::{Result, SourceFile};
use crate::input::chars::{self, CharProblem};
use crate::input::durations::{MAX_MARKED_PAUSE_MS, marker_ms};
use crate::input::yaml::span;

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
        check_format(src, date, &DATE)?;
    }
    if let Some(n) = &s.number {
        let bound = crate::input::bounds::bound("number").expect("the episode number has a bound");
        if let Some(problem) = bound.problem(f64::from(n.value)) {
            return Err(src.error(
                span(n),
                format!("the episode {problem}"),
                "here",
                Some("episodes are numbered from 1".into()),
            ));
        }
    }
    if let Some(lang) = &s.language {
        check_format(src, lang, &LANGUAGE)?;
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
    // A chapter of pauses alone is a break the listener hears as silence of
    // that length; an episode of pauses alone is no episode.
    if !script_speaks(loaded) {
        return Err(src.error(
            span(&s.items),
            "the script has nothing to say but pauses",
            "no text to read",
            Some("give at least one item words to read".into()),
        ));
    }
    Ok(())
}

/// Whether any text of the script (intro, items, dialogue lines, outro) has
/// something a voice reads.
fn script_speaks(loaded: &LoadedScript) -> bool {
    let s = &loaded.script;
    let bookends = [&s.intro, &s.outro]
        .into_iter()
        .flatten()
        .filter_map(|b| b.value.text.as_ref());
    let items = s.items.value.iter().flat_map(|it| {
        let lines = it
            .value
            .lines
            .iter()
            .flat_map(|l| l.value.iter().filter_map(|line| line.value.text.as_ref()));
        it.value.text.iter().chain(lines)
    });
    bookends.chain(items).any(|t| speaks(&t.value))
}

/// What is wrong with a value: the message, the label at the value, and
/// what to do.
struct Problem {
    message: String,
    label: &'static str,
    help: String,
}

impl Problem {
    fn at(self, src: &SourceFile, v: &Spanned<String>) -> crate::error::Failure {
        src.error(span(v), self.message, self.label, Some(self.help))
    }
}

/// A value that must have more than white space.
fn not_blank(src: &SourceFile, v: &Spanned<String>, what: &str) -> Result<()> {
    if chars::is_blank(&v.value) {
        return Err(empty(what, format!("write the {what}")).at(src, v));
    }
    Ok(())
}

fn empty(what: &str, help: String) -> Problem {
    Problem {
        message: format!("{what} is empty"),
        label: "empty",
        help,
    }
}

/// The intro or the outro: something to play, a sting that decodes.
fn validate_bookend(loaded: &LoadedScript, b: &Spanned<Bookend>, name: &str) -> Result<()> {
    let src = &loaded.source;
    let has_text = b
        .value
        .text
        .as_ref()
        .is_some_and(|t| !chars::is_blank(&t.value));
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
        check_format(src, l, &LANGUAGE)?;
    }
    Ok(())
}

/// Item `n`: a title, exactly one of text and lines, sane links and files.
fn validate_item(loaded: &LoadedScript, item: &Spanned<Item>, n: usize) -> Result<()> {
    let src = &loaded.source;
    let it = &item.value;
    let name = format!("item {n} ({:?})", it.title.value.trim());
    if chars::is_blank(&it.title.value) {
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
        check_format(src, l, &LANGUAGE)?;
    }
    for link in &it.links {
        check_format(src, link, &LINK)?;
    }
    if let Some(bed) = &it.bed {
        check_bed(loaded, bed, &format!("item {n}"))?;
    }
    if let Some(image) = &it.image {
        check_image(loaded, image, "chapter image")?;
    }
    Ok(())
}

/// Text that a voice can read: not empty, no character XML forbids, pause
/// markers that are pauses, and something besides them with a letter or
/// a digit. Line breaks and tabs are layout; other control characters
/// (NUL, escape codes) and noncharacters are no text anyone reads, and
/// break transcripts, SSML and the feed.
fn check_speakable(src: &SourceFile, text: &Spanned<String>, what: &str) -> Result<()> {
    let v = &text.value;
    let nothing = |message: String| Problem {
        message,
        label: "nothing speakable",
        help: "write words or numbers to be read".into(),
    };
    let problem = if chars::is_blank(v) {
        empty(
            what,
            "write what should be read, or remove the entry".into(),
        )
    } else if let Some(p) = chars::text_problem(v) {
        char_problem(what, p, "only text, line breaks and tabs are read")
    } else if let Some(marker) = podgen_text::split::bad_marker(v, MAX_MARKED_PAUSE_MS) {
        Problem {
            message: format!("{what} has the marker {marker}, which is not a pause of at most 60s"),
            label: "this text",
            help: "write a pause like [pause 800ms] or [pause 1.5s]; \\[pause writes the words"
                .into(),
        }
    } else if !speaks(v) {
        let pauses = podgen_text::split::split_pauses(v, MAX_MARKED_PAUSE_MS);
        if pauses.iter().any(|(_, ms)| ms.is_some()) {
            // Pauses alone: a break of that length (the script as a whole
            // must say something, see `script_speaks`).
            return Ok(());
        }
        nothing(format!("{what} has no letters or digits to read"))
    } else {
        return Ok(());
    };
    Err(problem.at(src, text))
}

/// Whether `text`, its pause markers taken out, has something a voice
/// reads: a letter (of any script) or a decimal digit. Circled digits,
/// fractions and superscripts (①, ½, ²) alone are not: the built-in voice
/// says nothing for them, and a listener hears silence.
fn speaks(text: &str) -> bool {
    podgen_text::split::split_pauses(text, MAX_MARKED_PAUSE_MS)
        .iter()
        .flat_map(|(piece, _)| piece.chars())
        .any(|c| c.is_alphabetic() || c.is_ascii_digit() || ('０'..='９').contains(&c))
}

fn char_problem(what: &str, p: CharProblem, why: &str) -> Problem {
    let (label, help) = match p {
        CharProblem::LineBreak => ("here", "write it on one line".to_string()),
        CharProblem::Forbidden(_) => ("here", format!("remove it: {why}")),
    };
    Problem {
        message: format!("{what} {}", p.describe()),
        label,
        help,
    }
}

/// A one-line value (a title, a name): not blank, no line breaks of any
/// kind or other control characters, which would break chapters and
/// transcripts.
fn check_line(src: &SourceFile, v: &Spanned<String>, what: &str) -> Result<()> {
    not_blank(src, v, what)?;
    // A block scalar's last line break is layout; any other is not (nor
    // U+0085, which `trim` would take for white space).
    match chars::line_problem(v.value.trim_matches([' ', '\t', '\n', '\r'])) {
        None => Ok(()),
        Some(p) => Err(char_problem(what, p, "titles and names are one line of text").at(src, v)),
    }
}

/// A value with a format of its own, checked by [`check_format`].
struct Format {
    /// Whether a value has it.
    valid: fn(&str) -> bool,
    /// The message for a value that has not.
    message: fn(&str) -> String,
    /// The label at the value.
    label: &'static str,
    /// An example of one that has.
    help: &'static str,
}

/// `YYYY-MM-DD`, a day of the calendar.
const DATE: Format = Format {
    valid: |v| parse_iso_date(v).is_some(),
    message: |v| {
        format!(
            "date {v:?} is not an ISO date (YYYY-MM-DD) from {}-01-01 to {}-12-31",
            super::ids::FIRST_YEAR,
            super::ids::LAST_YEAR
        )
    },
    label: "expected YYYY-MM-DD",
    help: "write the date like 2024-06-10, with a four-digit year",
};

/// A BCP-47 language tag.
const LANGUAGE: Format = Format {
    valid: podgen_text::lang::is_valid_tag,
    message: |v| format!("language {v:?} is not a BCP 47 language tag"),
    label: "not a language tag",
    help: "write a tag like zh-CN, cmn, en, en-GB or fr",
};

/// An http(s) URL without the characters a URL never holds unescaped (RFC
/// 3986), which would break the notes, the feed and the chapter tags.
const LINK: Format = Format {
    valid: |v| {
        let v = v.trim();
        (v.starts_with("https://") || v.starts_with("http://"))
            && v.len() > "https://".len()
            && !v.chars().any(|c| {
                c.is_whitespace()
                    || chars::is_forbidden(c)
                    || c.is_control()
                    || "<>\"{}|\\^`".contains(c)
            })
    },
    message: |v| format!("link {:?} is not an http(s) URL", v.trim()),
    label: "not a URL",
    help: "write the full address, like https://example.com/post",
};

fn check_format(src: &SourceFile, v: &Spanned<String>, format: &Format) -> Result<()> {
    if (format.valid)(&v.value) {
        return Ok(());
    }
    let problem = Problem {
        message: (format.message)(&v.value),
        label: format.label,
        help: format.help.into(),
    };
    Err(problem.at(src, v))
}
