//! The episode's id (it names a folder and files in it) and its date: the
//! checks on the ones the script gives, and the id derived when it gives
//! none.

use serde_saphyr::Spanned;

use super::Script;
use crate::error::{Result, SourceFile};
use crate::input::yaml::span;

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

pub(super) fn check_slug(src: &SourceFile, ep: &Spanned<String>) -> Result<()> {
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
}
