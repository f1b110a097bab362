//! Bad scripts: each one exits 2 with a message that names the file, line and
//! column (or the item), and no output folder is left behind.

use crate::common;

use common::*;

/// A sound file that decodes, from the example.
const STING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/stings/intro.wav");

const GOOD_ITEM: &str = "items:\n  - title: One\n    text: hello there\n";

/// (name, script, expected fragments of the message)
fn cases() -> Vec<(&'static str, String, Vec<&'static str>)> {
    vec![
        ("yaml syntax", "show: [S\ntitle: T\n".into(), vec!["syntax.yaml:1:7", "not valid issue.yaml"]),
        (
            "unclosed quote",
            "show: S\ntitle: \"T\nitems: []\n".into(),
            vec!["syntax.yaml:", "not valid issue.yaml"],
        ),
        (
            "missing title",
            format!("show: S\n{GOOD_ITEM}"),
            vec!["syntax.yaml:", "missing field `title`"],
        ),
        (
            "unknown key with hint",
            "show: S\ntitle: T\nitems:\n  - title: One\n    txet: hello\n".into(),
            vec!["syntax.yaml:5:5", "unknown key `txet`", "did you mean `text`?"],
        ),
        (
            "unknown top-level key",
            format!("show: S\ntitel: T\n{GOOD_ITEM}"),
            vec!["syntax.yaml:2:1", "unknown key `titel`", "did you mean `title`?"],
        ),
        ("empty items", "show: S\ntitle: T\nitems: []\n".into(), vec!["syntax.yaml:3:8", "no items"]),
        (
            "missing sting",
            format!("show: S\ntitle: T\nintro:\n  sting: stings/nope.wav\n{GOOD_ITEM}"),
            vec!["syntax.yaml:4:10", "sting not found", "nope.wav"],
        ),
        (
            "sting that is not audio",
            format!("show: S\ntitle: T\noutro:\n  sting: notes.txt\n{GOOD_ITEM}"),
            vec!["syntax.yaml:4:10", "outro sting cannot be decoded"],
        ),
        (
            "empty item text",
            format!("show: S\ntitle: T\n{GOOD_ITEM}  - title: Two\n    text: \"   \"\n"),
            vec!["syntax.yaml:7:11", "item 2 (\"Two\")", "is empty"],
        ),
        (
            "item with no text",
            format!("show: S\ntitle: T\n{GOOD_ITEM}  - title: Two\n"),
            vec!["syntax.yaml:6:5", "item 2 (\"Two\") has no `text:`"],
        ),
        (
            "text and lines together",
            format!("show: S\ntitle: T\n{GOOD_ITEM}    lines:\n      - {{voice: a, text: hi}}\n"),
            vec!["syntax.yaml:", "both `text:` and `lines:`"],
        ),
        (
            "empty dialogue line",
            "show: S\ntitle: T\nitems:\n  - title: Talk\n    lines:\n      - {voice: a, text: hi}\n      - {voice: b, text: ''}\n".into(),
            vec!["syntax.yaml:7:26", "line 2 of item 1 (\"Talk\") is empty"],
        ),
        ("wrong type for items", "show: S\ntitle: T\nitems: 5\n".into(), vec!["syntax.yaml:3:8"]),
        (
            "wrong type for title",
            format!("show: S\ntitle: [a, b]\n{GOOD_ITEM}"),
            vec!["syntax.yaml:2:8"],
        ),
        (
            "wrong type for links",
            "show: S\ntitle: T\nitems:\n  - title: One\n    text: hi\n    links: https://x.org\n".into(),
            vec!["syntax.yaml:6:12"],
        ),
        (
            "bad link",
            "show: S\ntitle: T\nitems:\n  - title: One\n    text: hi\n    links: [www.example.com]\n".into(),
            vec!["syntax.yaml:6:13", "not an http(s) URL"],
        ),
        (
            "bad date",
            format!("show: S\ntitle: T\ndate: 2024-02-30\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:7", "not an ISO date"],
        ),
        (
            "unsafe episode id",
            format!("show: S\ntitle: T\nepisode: ../escape\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:10", "not a safe file name"],
        ),
        (
            "an episode id whose transcript would be the manifest",
            format!("show: S\ntitle: T\nepisode: Render\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:10", "Render.json, a file podgen writes"],
        ),
        (
            "malformed language tag",
            format!("show: S\ntitle: T\nlanguage: français\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:11", "\"français\" is not a BCP-47 language tag"],
        ),
        (
            "a language the built-in voice does not speak",
            format!("show: S\ntitle: T\nlanguage: fr\n{GOOD_ITEM}"),
            vec!["item 1 (\"One\")", "language \"fr\"", "only Mandarin and English"],
        ),
        (
            "nothing speakable",
            "show: S\ntitle: T\nitems:\n  - title: One\n    text: \"🎉 🎉 !!\"\n".into(),
            vec!["syntax.yaml:5:11", "no letters or digits"],
        ),
        (
            "empty show name",
            format!("show: ''\ntitle: T\n{GOOD_ITEM}"),
            vec!["syntax.yaml:1:7", "show name is empty"],
        ),
        (
            "intro with nothing in it",
            format!("show: S\ntitle: T\nintro: {{}}\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:8", "neither text nor a sting"],
        ),
        (
            "unknown sting setting",
            format!("show: S\ntitle: T\nintro:\n  sting: {{file: {STING}, fade: 1s}}\n{GOOD_ITEM}"),
            vec!["syntax.yaml:4:", "unknown key `fade`", "fade_in"],
        ),
        (
            "sting overlap that is not a duration",
            format!("show: S\ntitle: T\nintro:\n  sting: {{file: {STING}, overlap: lots}}\n  text: hi\n{GOOD_ITEM}"),
            vec!["syntax.yaml:4:10", "the intro sting's overlap \"lots\" is not a duration"],
        ),
        (
            "sting as a number",
            format!("show: S\ntitle: T\nintro:\n  sting: 12\n{GOOD_ITEM}"),
            vec!["syntax.yaml:4:", "a file name, or a map with `file:`"],
        ),
        (
            "bed that is not audio",
            format!("show: S\ntitle: T\nbed: notes.txt\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:6", "episode bed cannot be decoded"],
        ),
        (
            "item bed too loud",
            format!("show: S\ntitle: T\n{GOOD_ITEM}    bed: {{file: {STING}, gain_db: 20}}\n"),
            vec!["syntax.yaml:6:10", "item 1 bed's gain_db 20 is out of range"],
        ),
        (
            "bed fade of an hour",
            format!("show: S\ntitle: T\nbed: {{file: {STING}, fade_out: 1h}}\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:6", "fade_out \"1h\" is not a duration up to 60s"],
        ),
        (
            "missing cover",
            format!("show: S\ntitle: T\ncover: cover.jpg\n{GOOD_ITEM}"),
            vec!["syntax.yaml:3:8", "cover image not found"],
        ),
    ]
}

#[test]
fn every_bad_script_exits_2_with_a_precise_message_and_writes_nothing() {
    for (name, yaml, expected) in cases() {
        let s = Scratch::new();
        s.write("notes.txt", "this is not audio\n");
        let script = s.write("syntax.yaml", &yaml);
        for command in ["render", "validate"] {
            let out = s.podgen(
                &[
                    command,
                    script.to_str().unwrap(),
                    "-o",
                    s.output().to_str().unwrap(),
                ][..if command == "render" { 4 } else { 2 }],
            );
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name} ({command}): exit {:?}\n{err}",
                out.status
            );
            for fragment in &expected {
                assert!(
                    err.contains(fragment),
                    "{name} ({command}): {fragment:?} not in\n{err}"
                );
            }
            assert!(!err.contains("panicked"), "{name}: {err}");
            assert!(
                !s.output().exists(),
                "{name}: an output folder was left behind"
            );
        }
    }
}

#[test]
fn missing_and_non_utf8_scripts_are_input_errors() {
    let s = Scratch::new();
    let out = s.podgen(&["render", "nope.yaml", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the script nope.yaml"));

    let p = s.path("latin1.yaml");
    std::fs::write(&p, b"show: S\ntitle: caf\xe9\n").unwrap();
    let out = s.podgen(&["validate", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert!(!s.output().exists());
}

#[test]
fn validate_accepts_the_example_and_reports_its_size() {
    let s = Scratch::new();
    let example = root().join("examples/ai-weekly-2024-06-2.yaml");
    let out = s.podgen(&["validate", example.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ok: 20 chapters"), "{stdout}");
}
