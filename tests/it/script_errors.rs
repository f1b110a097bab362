//! Bad scripts: each one exits 2 with a message that names the file, line and
//! column (or the item), and no output folder is left behind.

use crate::common::*;

/// A sound file that decodes, from the example.
const STING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/stings/intro.wav");

/// One bad script of `tests/data/script-errors.yaml`.
#[derive(serde::Deserialize)]
struct Case {
    name: String,
    script: String,
    /// What the message must say.
    expect: Vec<String>,
}

/// The bad scripts, `{STING}` filled in.
fn cases() -> Vec<Case> {
    let table = std::fs::read_to_string(root().join("tests/data/script-errors.yaml")).unwrap();
    let mut cases: Vec<Case> = serde_saphyr::from_str(&table).unwrap();
    for case in &mut cases {
        case.script = case.script.replace("{STING}", STING);
    }
    assert!(cases.len() >= 31, "{} cases", cases.len());
    cases
}

#[test]
fn every_bad_script_exits_2_with_a_precise_message_and_writes_nothing() {
    for Case {
        name,
        script,
        expect,
    } in cases()
    {
        let s = Scratch::new();
        s.write("notes.txt", "this is not audio\n");
        let script = s.write("syntax.yaml", &script);
        for command in ["render", "validate"] {
            let run = s.cmd(command).arg(&script);
            let out = if command == "render" {
                run.out(s.output())
            } else {
                run
            }
            .output();
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name} ({command}): exit {:?}\n{err}",
                out.status
            );
            for fragment in &expect {
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
    let out = s.cmd("render").arg("nope.yaml").out("out").output();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the script nope.yaml"));

    let p = s.path("latin1.yaml");
    std::fs::write(&p, b"show: S\ntitle: caf\xe9\n").unwrap();
    let out = s.cmd("validate").arg(&p).output();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert!(!s.output().exists());
}

#[test]
fn validate_accepts_the_example_and_reports_its_size() {
    let s = Scratch::new();
    let stdout = stdout(&s.cmd("validate").arg(example()).ok());
    assert!(stdout.contains("ok: 20 chapters"), "{stdout}");
}

/// A run of `n` words, for lines far longer than a terminal.
fn words(n: usize) -> String {
    "word ".repeat(n).trim_end().to_string()
}

#[test]
fn an_error_far_along_one_line_is_shown_around_it_with_its_real_column() {
    let s = Scratch::new();
    let long = words(14_000); // 69 999 characters
    // A one-line flow-style script whose mistake is past column 65 535:
    // an unknown key, a wrong type, a semantic error at a value.
    for (script, needles) in [
        (
            format!("{{show: S, title: T, items: [{{title: a, text: \"{long}\", bogus: 1}}]}}\n"),
            vec!["long.yaml:1:700", "unknown key `bogus`"],
        ),
        (
            format!("{{show: S, title: T, items: [{{title: a, text: \"{long}\", voice: [x]}}]}}\n"),
            vec!["long.yaml:1:700", "voice"],
        ),
        (
            format!(
                "{{show: S, title: T, items: [{{title: a, text: \"{long}\", links: [\"ftp://x\"]}}]}}\n"
            ),
            vec!["long.yaml:1:700", "not an http(s) URL"],
        ),
        (
            format!(
                "{{\"show\": \"S\", \"title\": \"T\", \"items\": [{{\"title\": \"a\", \"text\": \"{long}\", \"language\": \"not a tag\"}}]}}\n"
            ),
            vec!["long.yaml:1:700", "not a BCP 47"],
        ),
    ] {
        let sc = s.write("long.yaml", &script);
        let err = s.cmd("validate").arg(&sc).fails(2, &needles);
        // The snippet is a window of the line, not 70 000 characters of it.
        assert!(err.len() < 4_000, "{} bytes of message", err.len());
    }
    // A config on one line, and a long template.
    let sc = Script::one_item("Words.").write(&s, "ok.yaml");
    for config in [
        format!("{{backends: {{o: {{preset: openai, model: \"{long}\", max_chars: 0}}}}}}\n"),
        format!(
            "backends: {{o: {{url: 'http://127.0.0.1:1/x', body: {{text: \"{long} {{{{txt}}}}\", content_type: text/plain}}}}}}\n"
        ),
    ] {
        let cfg = s.write("long.podgen.yaml", &config);
        let err = s
            .cmd("validate")
            .arg(&sc)
            .config(&cfg)
            .fails(2, &["long.podgen.yaml:1:"]);
        assert!(err.len() < 4_000, "{} bytes of message", err.len());
    }
}
