//! The digest script, `issue.yaml` (the README's "The script:
//! issue.yaml"): its types (`types.rs`), loading with source positions,
//! and [`validate()`]: of the text (`validate.rs`), the files it names
//! (`files.rs`), its id and date (`ids.rs`).
//!
//! Loading never guesses: an unknown key is an error with the nearest known
//! key as a hint, and every value that can be wrong keeps its span so the
//! error can point at it.

use std::path::{Path, PathBuf};

use miette::SourceSpan;
use serde_saphyr::Spanned;

use crate::error::{Result, SourceFile};

mod files;
mod ids;
mod sound_file;
mod types;
mod validate;

pub use crate::input::durations::{
    MAX_DURATION_MS, MAX_FADE_MS, MAX_MARKED_PAUSE_MS, marker_ms, parse_duration_ms,
};
pub use crate::input::yaml::{span, span_of, yaml_error};
pub use files::{BED_GAIN_DB, MAX_STING_BYTES};
pub use ids::{
    FEED_NAMES, FIRST_YEAR, LAST_YEAR, MAX_EPISODE_ID, TAKEN_IDS, episode_id, parse_iso_date,
};
pub use sound_file::{SoundFileError, decode_sound};
pub use types::{Bed, Bookend, FileOr, Item, Line, Script, Sting};
pub use validate::validate;

/// A script loaded from disk, with what is needed to report errors against it.
pub struct LoadedScript {
    /// The parsed script.
    pub script: Script,
    /// Its source, for messages.
    pub source: SourceFile,
    /// The folder of the issue file: relative paths in the script start here.
    pub base_dir: PathBuf,
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
