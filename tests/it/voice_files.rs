//! A voice is checked the same wherever it is written: in podgen.yaml's
//! `voices:` or alone in `voices/<name>.yaml` beside it. A value out of
//! range is an input error (exit 2) naming the file and the line of the
//! value, before anything is synthesized.

use crate::common::*;

const SCRIPT: &str =
    "show: S\ntitle: T\nitems:\n  - title: One\n    voice: host\n    text: Hello there.\n";

/// `podgen validate` on the script with `podgen.yaml` and `voices/host.yaml`
/// (when given) beside it.
fn validate(config: &str, host_file: Option<&str>) -> (Option<i32>, String) {
    let s = Scratch::new();
    let script = s.write("show/issue.yaml", SCRIPT);
    s.write("show/podgen.yaml", config);
    if let Some(host) = host_file {
        s.write("show/voices/host.yaml", host);
    }
    let out = s.podgen(&["validate", script.to_str().unwrap()]);
    (out.status.code(), stderr(&out))
}

fn assert_input_error(result: (Option<i32>, String), fragments: &[&str]) {
    let (code, err) = result;
    assert_eq!(code, Some(2), "{err}");
    for f in fragments {
        assert!(err.contains(f), "{f:?} not in\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

const CONFIG: &str = "voices:\n  guest: {backend: builtin}\n";

#[test]
fn a_voice_file_with_speed_out_of_range_fails_at_its_line() {
    assert_input_error(
        validate(CONFIG, Some("backend: builtin\nvariant: f3\nspeed: 10\n")),
        &[
            "voices/host.yaml:3:8",
            "voice \"host\": speed 10 is out of range",
            "between 0.25 and 4.0",
        ],
    );
}

#[test]
fn a_voice_file_with_pan_out_of_range_fails_at_its_line() {
    assert_input_error(
        validate(CONFIG, Some("backend: builtin\npan: 3\n")),
        &[
            "voices/host.yaml:2:6",
            "voice \"host\": pan 3 is out of range",
            "-1 (left) to 1 (right)",
        ],
    );
}

#[test]
fn a_voice_file_naming_an_unknown_backend_fails_at_its_line() {
    assert_input_error(
        validate(CONFIG, Some("voice: alloy\nbackend: opena\n")),
        &[
            "voices/host.yaml:2:10",
            "backend \"opena\", which is not defined",
        ],
    );
}

#[test]
fn an_inline_voice_is_held_to_the_same_ranges() {
    let config = "voices:\n  host: {backend: builtin, speed: 10}\n";
    assert_input_error(
        validate(config, None),
        &[
            "podgen.yaml:2:35",
            "voice \"host\": speed 10 is out of range",
        ],
    );
    let config = "voices:\n  host:\n    backend: builtin\n    pan: -1.5\n";
    assert_input_error(
        validate(config, None),
        &[
            "podgen.yaml:4:10",
            "voice \"host\": pan -1.5 is out of range",
        ],
    );
}

#[test]
fn voices_in_range_load_from_either_place() {
    let (code, err) = validate(CONFIG, Some("backend: builtin\nspeed: 4\npan: -1\n"));
    assert_eq!(code, Some(0), "{err}");
    let config = "voices:\n  host: {backend: builtin, speed: 0.25, pan: 1}\n";
    let (code, err) = validate(config, None);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn the_speed_flag_takes_the_same_range() {
    let s = Scratch::new();
    let script = s.write("issue.yaml", SCRIPT);
    for speed in ["4.5", "0.2", "NaN", "inf"] {
        let out = s.podgen(&[
            "render",
            script.to_str().unwrap(),
            "-o",
            "out",
            "--speed",
            speed,
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{speed}: {err}");
        assert!(err.contains("between 0.25 and 4.0"), "{speed}: {err}");
        assert!(!s.output().exists(), "{speed}");
    }
}
