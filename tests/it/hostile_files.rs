//! Files that are not what they seem: stings with absurd sample rates or
//! NaN samples, a device, a pipe or a huge file given as a script, a
//! symbolic-link loop or a pipe given as a sting; a sting or bed of no
//! samples, cut short of what its header promises, or too long to decode.
//! Each is an input error (exit 2) at validate that names the file and
//! says what to do, without a panic and without hanging.

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

/// `file` in each place a script names a sound, with the words that place
/// has in messages: the intro's and outro's stings and beds, the episode's
/// bed and an item's.
fn every_sound_place(file: &str) -> Vec<(&'static str, Script)> {
    let one = || Script::one_item("Words.");
    vec![
        (
            "intro sting",
            one().intro(json!({"sting": file, "text": "Hello."})),
        ),
        (
            "outro sting",
            one().outro(json!({"sting": file, "text": "Bye."})),
        ),
        (
            "intro bed",
            one().intro(json!({"bed": file, "text": "Hello."})),
        ),
        ("episode bed", one().set("bed", file)),
        (
            "item 1 bed",
            one().edit_item(1, |it| it.set("bed", json!({"file": file}))),
        ),
    ]
}

/// `podgen validate` of `file` in every place a sound goes fails with exit
/// 2, naming the file, the place and each of `needles`; the stderr of the
/// first, for more checks.
fn refused_everywhere(s: &Scratch, file: &str, needles: &[&str]) -> String {
    let mut first = None;
    for (n, (place, script)) in every_sound_place(file).into_iter().enumerate() {
        let sc = script.write(s, &format!("place{n}.yaml"));
        let mut all = vec![file, place];
        all.extend_from_slice(needles);
        let err = s.cmd("validate").arg(&sc).fails(2, &all);
        first.get_or_insert(err);
    }
    first.unwrap()
}

#[test]
fn a_sting_or_bed_without_a_single_sample_is_an_error_naming_the_file() {
    let s = Scratch::new();
    std::fs::write(s.path("empty.wav"), wav_file(24_000, 1, 1, 16, &[])).unwrap();
    refused_everywhere(&s, "empty.wav", &["holds no audio"]);
    // Render refuses it too, before anything is made.
    let sc = every_sound_place("empty.wav")[3].1.write(&s, "render.yaml");
    s.cmd("render")
        .arg(&sc)
        .out(s.output())
        .quiet()
        .fails(2, &["empty.wav", "holds no audio"]);
    assert!(!s.output().join("hostile").exists());
}

#[test]
fn a_sound_file_cut_short_says_what_its_header_promises_and_what_it_holds() {
    let s = Scratch::new();
    // A second of 24 kHz mono whose data chunk ends after 10 000 frames.
    let mut cut = wav_file(24_000, 1, 1, 16, &tone_s16());
    cut.truncate(cut.len() - 28_000);
    std::fs::write(s.path("cut.wav"), &cut).unwrap();
    refused_everywhere(
        &s,
        "cut.wav",
        &[
            "cut short",
            "24000 frames (1.000 s)",
            "10000 frames (0.417 s)",
        ],
    );

    // A FLAC whose STREAMINFO counts more samples than its frames hold.
    let second: Vec<f32> = (0..24_000).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
    let flac = podgen::mock::flac_bytes(&second, 24_000).unwrap();
    std::fs::write(s.path("cut.flac"), &flac[..flac.len() / 2]).unwrap();
    refused_everywhere(&s, "cut.flac", &["cut short", "24000 frames (1.000 s)"]);

    // The sizes streaming writers put in a header they cannot go back to
    // (0xFFFFFFFF, 0x7FFFFFFF) mean "to the end of the file": not cut short.
    let mut streamed = wav_file(24_000, 1, 1, 16, &tone_s16());
    let data_size = streamed.len() - 48_000 - 4;
    streamed[data_size..data_size + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(s.path("streamed.wav"), &streamed).unwrap();
    let sc = with_intro_sting(&s, "streamed.wav", "streamed.yaml");
    s.cmd("validate").arg(&sc).ok();
}

#[test]
fn a_bed_too_long_to_decode_says_the_limit_and_how_long_it_is() {
    let s = Scratch::new();
    // 8-bit mono at 8 kHz: 64 Mi samples and a second more (2:19:49) in
    // 67 MB, under the 100 MB a sound file may be.
    let data = vec![128u8; 64 * 1024 * 1024 + 8_000];
    std::fs::write(s.path("long.wav"), wav_file(8_000, 1, 1, 8, &data)).unwrap();
    let sc = Script::one_item("Words.")
        .set("bed", "long.wav")
        .write(&s, "long.yaml");
    let err = s.cmd("validate").arg(&sc).fails(
        2,
        &[
            "long.wav",
            "is too long",
            "2:19:49",
            "64 Mi samples",
            "2:19:48 of 8000 Hz mono",
            "shorten it",
            "a bed loops",
        ],
    );
    assert!(!err.contains("use a WAV"), "{err}");
}

#[test]
fn each_reason_a_sound_file_is_refused_has_its_own_words() {
    let s = Scratch::new();
    std::fs::write(s.path("notes.wav"), "not audio at all, only words").unwrap();
    let err = refused_everywhere(&s, "notes.wav", &["is not audio podgen reads"]);
    assert!(err.contains("WAV, FLAC, MP3 or Ogg Vorbis"), "{err}");

    std::fs::write(
        s.path("nan.wav"),
        wav_file(48_000, 1, 3, 32, &tone_f32_with_nan()),
    )
    .unwrap();
    let err = refused_everywhere(&s, "nan.wav", &["NaN", "export it again"]);
    assert!(!err.contains("use a WAV"), "{err}");

    std::fs::write(s.path("nine.wav"), wav_file(8_000, 9, 1, 16, &[0; 18 * 10])).unwrap();
    let err = refused_everywhere(&s, "nine.wav", &["9 channels", "mono or stereo"]);
    assert!(!err.contains("use a WAV"), "{err}");
}
