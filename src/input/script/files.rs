//! The files a script names, checked before anything is made: stings and
//! beds that exist, are of sane size and decode (with fades and levels in
//! range), pictures that are JPEG or PNG.

use miette::SourceSpan;
use serde_saphyr::Spanned;

use super::sound_file::{SoundFileError, decode_sound};
use super::{Bed, FileOr, LoadedScript, Sting};
use crate::error::Result;
use crate::input::cover::{ImageKind, MAX_IMAGE_BYTES};
use crate::input::durations::{MAX_FADE_MS, parse_duration_ms};
use crate::input::yaml::span;

/// The largest sting podgen decodes (stings are decoded whole, in memory;
/// 100 MB is ten minutes of 48 kHz stereo WAV).
pub const MAX_STING_BYTES: u64 = 100_000_000;

/// A sound file the script names is a regular file that decodes: decoded
/// whole (stings and beds are short), so NaN samples, a file cut short and
/// the like are found here, not at render. `bed` for a bed (its advice
/// differs: a bed loops).
fn check_sound(
    loaded: &LoadedScript,
    file: &str,
    at: Option<SourceSpan>,
    what: &str,
    bed: bool,
) -> Result<()> {
    check_file(loaded, file, at, what, MAX_STING_BYTES)?;
    let path = loaded.base_dir.join(file);
    let decoded = std::fs::read(&path)
        .map_err(|e| SoundFileError::Decode(e.into()))
        .and_then(decode_sound);
    decoded.map(drop).map_err(|e| {
        loaded.source.error(
            at,
            format!("the {what} {}: {e}", path.display()),
            "this file",
            Some(e.help(bed)),
        )
    })
}

/// A sting's or bed's fades or overlap (`key`, value) are durations up to
/// a minute (`what` names it: "intro sting").
fn check_durations(
    loaded: &LoadedScript,
    at: Option<SourceSpan>,
    what: &str,
    durations: &[(&str, &Option<String>)],
) -> Result<()> {
    for (key, value) in durations {
        if let Some(d) = value
            && parse_duration_ms(d).is_none_or(|ms| ms > MAX_FADE_MS)
        {
            return Err(loaded.source.error(
                at,
                format!("the {what}'s {key} {d:?} is not a duration up to 60s"),
                "here",
                Some("write it like 300ms or 1.5s".into()),
            ));
        }
    }
    Ok(())
}

pub(super) fn check_sting(
    loaded: &LoadedScript,
    sting: &Spanned<FileOr<Sting>>,
    name: &str,
) -> Result<()> {
    let s = &sting.value;
    let durations = [
        ("fade_in", &s.fade_in),
        ("fade_out", &s.fade_out),
        ("overlap", &s.overlap),
    ];
    let what = format!("{name} sting");
    check_sound(loaded, &s.file, span(sting), &what, false)?;
    check_durations(loaded, span(sting), &what, &durations)
}

/// The quietest and loudest a bed may be set, in dB against speech.
pub const BED_GAIN_DB: std::ops::RangeInclusive<f32> = -40.0..=6.0;

pub(super) fn check_bed(
    loaded: &LoadedScript,
    bed: &Spanned<FileOr<Bed>>,
    name: &str,
) -> Result<()> {
    let (b, at) = (&bed.value, span(bed));
    let durations = [("fade_in", &b.fade_in), ("fade_out", &b.fade_out)];
    let what = format!("{name} bed");
    check_sound(loaded, &b.file, at, &what, true)?;
    check_durations(loaded, at, &what, &durations)?;
    match b.gain_db {
        Some(g) if !(g.is_finite() && BED_GAIN_DB.contains(&g)) => Err(loaded.source.error(
            at,
            format!("the {name} bed's gain_db {g} is out of range"),
            "here",
            Some("a level against speech in dB, from -40 to 6 (default -12)".into()),
        )),
        _ => Ok(()),
    }
}

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
pub(super) fn check_image(
    loaded: &LoadedScript,
    value: &Spanned<String>,
    what: &str,
) -> Result<()> {
    check_file(loaded, &value.value, span(value), what, MAX_IMAGE_BYTES)?;
    let path = loaded.base_dir.join(&value.value);
    if ImageKind::of_file(&path).is_none() {
        return Err(loaded.source.error(
            span(value),
            format!("{what} {} is not a JPEG or PNG image", path.display()),
            "not a picture",
            Some("podcast apps show JPEG and PNG pictures; convert it to one of them".into()),
        ));
    }
    Ok(())
}
