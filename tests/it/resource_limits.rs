//! Limits that keep a render finite and its files valid: a master past
//! what a WAV file can hold is refused (not written corrupt), a title of a
//! hundred words makes an episode id of at most 80 characters, and an item
//! of 50 000 characters without a sentence end is planned into bounded
//! segments.

use serde_json::json;

use crate::common::*;

#[test]
fn a_master_past_the_wav_limit_is_refused_not_corrupted() {
    let s = Scratch::new();
    let script = Script::new("Long", "Long")
        .episode("long")
        .items((0..120).map(|i| Item::new(format!("Part {i}"), format!("Part {i}."))))
        .write(&s, "long.yaml");
    // A minute between items (the most a pause may be) at 192 kHz stereo:
    // two hours, past the 93 minutes a 16-bit WAV holds at that rate.
    let cfg = Config::new()
        .pauses(json!({"item": "60s"}))
        .audio(json!({"sample_rate": 192_000, "channels": 2}))
        .write(&s, "long.podgen.yaml");
    s.cmd("render")
        .arg(script)
        .config(&cfg)
        .out("out")
        .quiet()
        .fails(1, &["a WAV file holds at most", "split it"]);
    assert!(!s.path("out/long").exists());
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn a_title_of_a_hundred_words_makes_an_id_of_at_most_80_characters() {
    let s = Scratch::new();
    let title = (0..100)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let sc = Script::new("S", title)
        .item(Item::new("One", "Words."))
        .write(&s, "t.yaml");
    s.cmd("render").arg(sc).out("out").quiet().ok();
    let folders: Vec<_> = std::fs::read_dir(s.path("out")).unwrap().collect();
    assert_eq!(folders.len(), 1);
    let id = folders[0].as_ref().unwrap().file_name();
    assert!(id.len() <= 80, "{id:?}");
}

#[test]
fn a_50000_character_item_validates_and_plans_into_bounded_segments() {
    let s = Scratch::new();
    // One paragraph, no sentence ends: the planner must chunk it.
    let unit = "研究者推出Instructions Per Clock指标，";
    let long: String = unit.repeat(50_000 / unit.chars().count() + 1);
    assert!(long.chars().count() >= 50_000);
    let script = Script::new("S", "Long")
        .item(Item::new("Long", long))
        .write(&s, "long.yaml");
    let out = s.cmd("validate").arg(script).ok();
    let stdout = stdout(&out);
    let segments: usize = stdout
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(segments >= 50_000 / 400, "{stdout}");
}
