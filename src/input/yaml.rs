//! What every YAML file podgen reads shares: parsing with positions, errors
//! in the user's words with a snippet of the file, and the span of a value
//! or a key for messages that point at it.

use std::path::Path;

use miette::SourceSpan;
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::error::{Failure, Result, SourceFile, nearest};

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

/// Read the YAML file at `path` (`what` names it in messages: "voice
/// profile") into `T`, with errors that point into it.
pub fn read<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<(T, SourceFile)> {
    let text = crate::error::read_source(
        path,
        &format!("the {what}"),
        "check the path, and that it is a UTF-8 YAML file",
    )?;
    let source = SourceFile::new(path, text);
    let value = parse(&source, what)?;
    Ok((value, source))
}

/// Parse `source` into `T`; a mistake is "not a valid {what}".
pub fn parse<T: for<'de> Deserialize<'de>>(source: &SourceFile, what: &str) -> Result<T> {
    serde_saphyr::from_str(&source.text)
        .map_err(|e| yaml_error(source, &e, &format!("not a valid {what}")))
}

/// The span of the first `key:` inside the mapping at `within` (a backend's
/// entry, a voice file), in block style (`key:` starting a line) or flow
/// style (`{a: 1, key: 2}`), so that an error points at the line of the
/// setting; None when there is no such key.
pub fn key_span(source: &SourceFile, within: Option<SourceSpan>, key: &str) -> Option<SourceSpan> {
    let within = within?;
    let from = within.offset();
    let to = match within.len() {
        0 => source.text.len(),
        n => (from + n).min(source.text.len()),
    };
    let text = source.text.get(from..to)?;
    let mut searched = 0;
    while let Some(i) = text[searched..].find(key) {
        let at = searched + i;
        let before = text[..at].trim_end_matches([' ', '\t']).chars().next_back();
        let starts_key = matches!(before, None | Some('\n' | '{' | ','));
        if starts_key && text[at + key.len()..].starts_with(':') {
            return Some(SourceSpan::new((from + at).into(), key.len()));
        }
        searched = at + key.len();
    }
    None
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
