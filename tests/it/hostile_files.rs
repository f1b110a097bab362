//! Files that are not what they seem: stings with absurd sample rates or
//! NaN samples, a device, a pipe or a huge file given as a script, a
//! symbolic-link loop or a pipe given as a sting. Each is an input error
//! (exit 2) at validate that names the file, without a panic and without
//! hanging.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

/// The one-item script with `sting` as its intro's sting.
fn with_intro_sting(s: &Scratch, sting: &str, rel: &str) -> std::path::PathBuf {
    Script::one_item("Words.")
        .intro(json!({"sting": sting, "text": "Hello."}))
        .write(s, rel)
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_sting_at_an_absurd_sample_rate_is_an_error_naming_the_file() {
    let s = Scratch::new();
    for (name, rate) in [("huge", u32::MAX), ("one", 1)] {
        let sting = format!("{name}.wav");
        std::fs::write(s.path(&sting), wav_file(rate, 1, 1, 16, &tone_s16())).unwrap();
        let sc = with_intro_sting(&s, &sting, &format!("{name}.yaml"));
        s.cmd("validate")
            .arg(&sc)
            .fails(2, &[&sting, "sample rate"]);
        assert!(!s.output().exists());
    }
}

#[test]
fn a_sting_with_non_finite_samples_is_rejected_before_any_dsp() {
    let s = Scratch::new();
    std::fs::write(
        s.path("nan.wav"),
        wav_file(48_000, 1, 3, 32, &tone_f32_with_nan()),
    )
    .unwrap();
    let sc = with_intro_sting(&s, "nan.wav", "sting.yaml");
    s.cmd("validate").arg(&sc).fails(2, &["nan.wav", "NaN"]);
}

#[test]
fn a_device_a_pipe_or_a_huge_file_is_not_read_as_a_script() {
    let s = Scratch::new();
    let started = Instant::now();
    s.cmd("validate")
        .arg("/dev/zero")
        .fails(2, &["/dev/zero", "not a regular file"]);
    let fifo = s.path("fifo.yaml");
    mkfifo(&fifo);
    s.cmd("validate")
        .arg(&fifo)
        .fails(2, &["fifo.yaml", "not a regular file"]);
    let huge = s.path("huge.yaml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(9 * 1024 * 1024).unwrap();
    s.cmd("validate")
        .arg(&huge)
        .fails(2, &["huge.yaml", "more than the 8 MB"]);
    // A guard against a hang (reading /dev/zero or the FIFO forever), not a
    // measure of speed: each refusal takes milliseconds.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_symlink_loop_or_a_pipe_as_a_sting_is_not_not_found() {
    let s = Scratch::new();
    std::os::unix::fs::symlink(s.path("loop.wav"), s.path("loop.wav")).unwrap();
    let sc = with_intro_sting(&s, "loop.wav", "l.yaml");
    s.cmd("validate")
        .arg(&sc)
        .fails(2, &["loop.wav", "loop of symbolic links"]);
    mkfifo(&s.path("pipe.wav"));
    let sc = with_intro_sting(&s, "pipe.wav", "p.yaml");
    s.cmd("validate")
        .arg(&sc)
        .fails(2, &["pipe.wav", "not a regular file"]);
}
