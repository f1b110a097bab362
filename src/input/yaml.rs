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
/// several documents, alias bombs and values of the wrong type are said
/// plainly, naming the key and what it takes, never a Rust type.
/// `headline` says what the file failed to be ("the script is not valid
/// issue.yaml").
pub fn yaml_error(source: &SourceFile, err: &serde_saphyr::Error, headline: &str) -> Failure {
    if let Some(plain) = plain_yaml_error(source, err, headline) {
        return plain;
    }
    let at = err.location().and_then(|l| span_of(&l));
    let key = at.and_then(|s| key_before(&source.text, s.offset()));
    let (message, help) = shape_message(err.without_snippet(), key);
    source.error(at, format!("{headline}: {message}"), "here", help)
}

/// The key a value at byte `offset` is written under (`concurrency` in
/// `{concurrency: 99}` or `  concurrency: 99`), when the value follows its
/// key on the same line.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let head = line.trim_end().strip_suffix(':')?;
    let head = head.trim_end_matches(['"', '\'']);
    let from = head
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = &head[from..];
    (!key.is_empty()).then_some(key)
}

/// A value of the wrong shape, in the user's words: what `key` must be
/// (with its range, for a number) and what to write; no Rust type names.
fn shape_message(err: &serde_saphyr::Error, key: Option<&str>) -> (String, Option<String>) {
    use serde_saphyr::Error as E;
    let must = |what: &str| match key {
        Some(k) => format!("{k} must be {what}"),
        None => format!("expected {what} here"),
    };
    let number_help = Some("write a plain number, like 2 or 0.5".to_string());
    match err {
        E::NullIntoString { .. } => (
            format!("{}, not left empty", must("text")),
            Some("write the text, or remove the key".into()),
        ),
        E::InvalidScalar { ty, .. } => (must(&expected_words(key, ty)), number_help),
        E::NonFiniteFloat { value, .. } => (
            format!("{}, not {value}", must(&expected_words(key, "f64"))),
            number_help,
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!(
                "{}, not {}",
                must(&expected_words(key, expected)),
                unexpected_words(unexpected)
            ),
            None,
        ),
        E::Unexpected { expected, .. } => (must(&expected_words(key, expected)), None),
        E::Message { msg, .. } if msg.contains("untagged enum") => {
            (must("true, false, or a map of the settings it takes"), None)
        }
        other => (
            serde_saphyr::MessageFormatter::format_message(
                &serde_saphyr::UserMessageFormatter,
                other,
            )
            .into_owned(),
            None,
        ),
    }
}

/// What serde expected (a Rust type or serde's words), as a producer says it.
fn expected_words(key: Option<&str>, expected: &str) -> String {
    let numeric = [
        "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
    ];
    let is_number = numeric.contains(&expected) || matches!(expected, "f32" | "f64");
    if is_number && let Some(b) = key.and_then(crate::input::bounds::bound) {
        return b.describe();
    }
    match expected {
        e if e.starts_with('u') && numeric.contains(&e) => "a whole number, 0 or more".into(),
        e if numeric.contains(&e) => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "string" | "a borrowed string" | "string scalar" => "text".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a sequence" | "sequence start" => "a list".into(),
        "mapping start" | "mapping" => "a map of settings".into(),
        "scalar" | "a scalar" => "a single value".into(),
        e if e.starts_with("struct ") || e.starts_with("a map") || e == "map" => {
            "a map of settings".into()
        }
        e => e.into(),
    }
}

/// What serde found instead, in the same words.
fn unexpected_words(unexpected: &str) -> String {
    match unexpected {
        "sequence" => "a list".into(),
        "map" => "a map".into(),
        "unit value" | "null" => "empty".into(),
        u => u
            .replace("floating point", "the number")
            .replace("integer", "the number"),
    }
}

/// The YAML errors that are not about a value's shape, said in plain
/// words; None for the rest.
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

    #[test]
    fn the_key_of_a_value_is_the_word_before_its_colon() {
        let text = "a:\n  concurrency: 99\nb: {\"pitch\": 7, x: [1, 2]}\n";
        let at = |v: &str| key_before(text, text.find(v).unwrap());
        assert_eq!(at("99"), Some("concurrency"));
        assert_eq!(at("7"), Some("pitch"));
        assert_eq!(at("2]"), None);
    }
}
