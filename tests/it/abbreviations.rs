//! A title's full stop ends no sentence: `Gen. Smith said no.` is one
//! segment, read "General Smith said no.", as `podgen plan --spoken` shows
//! on the built-in voice; and so for every title in the English tables.

use crate::common;

use common::{Scratch, stderr};
use podgen::text::speak::en::tables::TITLES;

const CONFIG: &str = "voices:\n  host: {backend: builtin}\n";

/// `podgen plan --spoken` on a one-item English script whose text is
/// `text`: what each segment sends, as printed.
fn spoken_plan(text: &str) -> Vec<String> {
    let s = Scratch::new();
    let body = serde_json::to_string(text).unwrap();
    s.write(
        "titles.yaml",
        &format!(
            "show: Titles\ntitle: Titles\nepisode: titles\nlanguage: en-US\nvoice: host\nitems:\n  - title: One\n    text: {body}\n"
        ),
    );
    s.write("podgen.yaml", CONFIG);
    // podgen runs in the scratch folder: the files by their names.
    let out = s.podgen(&["plan", "--spoken", "titles.yaml", "-c", "podgen.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    let (_, segments) = printed
        .split_once("What each segment sends:")
        .unwrap_or_else(|| panic!("no spoken report in {printed}"));
    // A segment is a line "  [voice backend/voice] spoken".
    segments
        .lines()
        .filter_map(|l| l.strip_prefix("  ["))
        .map(|l| l.split_once("] ").map_or(l, |(_, said)| said).to_string())
        .collect()
}

#[test]
fn a_title_does_not_end_the_sentence_and_is_read_in_full() {
    assert_eq!(
        spoken_plan("Gen. Smith said no. Dr. Jones agreed."),
        ["General Smith said no.", "Doctor Jones agreed."]
    );
}

#[test]
fn every_title_of_the_english_tables_is_one_sentence_read_in_full() {
    let paragraphs: Vec<String> = TITLES
        .iter()
        .map(|t| format!("{}. Smith said no.", t.written))
        .collect();
    let want: Vec<String> = TITLES
        .iter()
        .map(|t| format!("{} Smith said no.", t.said))
        .collect();
    assert_eq!(spoken_plan(&paragraphs.join("\n\n")), want);
}
