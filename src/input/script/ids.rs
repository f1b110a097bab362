//! The episode's id (it names a folder and files in it) and its date: the
//! checks on the ones the script gives, and the id derived when it gives
//! none.

use serde_saphyr::Spanned;

use super::Script;
use crate::error::{Result, SourceFile};
use crate::input::yaml::span;

/// The longest episode id (it names a folder and files in it).
pub const MAX_EPISODE_ID: usize = 100;

/// Names Windows reserves for devices (CON, PRN, AUX, NUL, COM0 to COM9,
/// LPT0 to LPT9), in any case, with or without an extension.
fn is_reserved_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or("").to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The names `podgen feed` writes in the output folder beside the
/// episodes' folders (`feed.xml`, `show-artwork.<ext>`): an episode folder
/// of that name, with or without an extension, would take its place.
pub const FEED_NAMES: [&str; 2] = ["feed", "show-artwork"];

fn is_feed_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or("");
    FEED_NAMES.iter().any(|n| n.eq_ignore_ascii_case(stem))
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
    if is_feed_name(v) {
        return fail(
            format!(
                "episode id {v:?} would name a folder beside the feed's own files (feed.xml, show-artwork)"
            ),
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

/// The first year a date may have: podcast directories read four-digit
/// years, and no podcast is older.
pub const FIRST_YEAR: u32 = 1900;

/// The last year a date may have: later is a typo, not a release plan.
pub const LAST_YEAR: u32 = 2200;

/// (year, month, day) of a `YYYY-MM-DD` date that exists in the calendar,
/// its year from [`FIRST_YEAR`] to [`LAST_YEAR`], written in digits only.
pub fn parse_iso_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
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
    let year = (FIRST_YEAR..=LAST_YEAR).contains(&y);
    (year && (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]).then_some((y, m, d))
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
    if is_reserved_name(&slug) || is_taken_id(&slug) || is_feed_name(&slug) {
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
        assert_eq!(parse_iso_date("+024-01-01"), None);
        assert_eq!(parse_iso_date("0000-02-29"), None);
        assert_eq!(parse_iso_date("1900-01-01"), Some((1900, 1, 1)));
        assert_eq!(parse_iso_date("2201-01-01"), None);
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
