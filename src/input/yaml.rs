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

/// A value with no place in any file: one made in code (a built-in default,
/// a test's voice), whose messages point at nothing.
pub fn unplaced<T>(value: T) -> Spanned<T> {
    Spanned {
        value,
        referenced: Location::UNKNOWN,
        defined: Location::UNKNOWN,
    }
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

/// The span of `key:` among the keys of the mapping that starts at
/// `within` (a backend's entry), in flow style (`{a: 1, key: 2}`) or block
/// style (keys starting lines at the mapping's indentation), so that an
/// error points at the line of the setting; None when the mapping has no
/// such key. Nested mappings and later entries are not searched.
pub fn key_span(source: &SourceFile, within: Option<SourceSpan>, key: &str) -> Option<SourceSpan> {
    let from = within?.offset();
    let text = source.text.get(from..)?;
    let at = if text.starts_with('{') {
        flow_key(text, key)
    } else {
        let line_start = source.text.get(..from)?.rfind('\n').map_or(0, |i| i + 1);
        block_key(text, from - line_start, key)
    }?;
    Some(SourceSpan::new((from + at).into(), key.len()))
}

/// Where `key:` is among the keys of the flow mapping `text` starts with.
fn flow_key(text: &str, key: &str) -> Option<usize> {
    let (mut depth, mut quote, mut expect_key, mut escaped) = (0usize, None, false, false);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some('"'), _) if escaped => escaped = false,
            (Some('"'), '\\') => escaped = true,
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{' | '[') => {
                depth += 1;
                expect_key = depth == 1;
            }
            (None, '}' | ']') if depth <= 1 => return None,
            (None, '}' | ']') => depth -= 1,
            (None, ',') => expect_key = depth == 1,
            (None, c) if c.is_whitespace() => {}
            (None, _) if expect_key => {
                if text[i..].starts_with(key) && text[i + key.len()..].starts_with(':') {
                    return Some(i);
                }
                expect_key = false;
            }
            (None, _) => {}
        }
    }
    None
}

/// Where `key:` starts a line at `indent` in the block mapping `text` (its
/// first key already at that indentation), before the mapping ends.
fn block_key(text: &str, indent: usize, key: &str) -> Option<usize> {
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let column = if n == 0 {
            indent
        } else {
            line.len() - trimmed.len()
        };
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        if !blank && column < indent {
            return None;
        }
        if column == indent && trimmed.starts_with(key) && trimmed[key.len()..].starts_with(':') {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key_at(text: &str, from: usize, key: &str) -> Option<usize> {
        let source = SourceFile::new(Path::new("t.yaml"), text.to_string());
        key_span(&source, Some(SourceSpan::new(from.into(), 1)), key).map(|s| s.offset())
    }

    #[test]
    fn keys_are_found_in_their_own_mapping_only() {
        let flow = "a: {x: \"say \\\" k: {\", k: 1, n: {k: 2}}\nb: {k: 3}\n";
        assert_eq!(key_at(flow, 3, "k"), Some(flow.find("k: 1").unwrap()));
        assert_eq!(key_at(flow, 3, "n"), Some(flow.find("n:").unwrap()));
        assert_eq!(key_at(flow, 3, "z"), None, "not in a later entry");
        let block = "a:\n  x: 1\n  r:\n    k: 2\n\n  # note\n  k: 3\nb:\n  z: 4\n";
        let from = block.find("x:").unwrap();
        assert_eq!(key_at(block, from, "k"), Some(block.find("k: 3").unwrap()));
        assert_eq!(key_at(block, from, "z"), None, "not in a later entry");
    }
}
