//! The example episode read by meters podgen has no part in: ffmpeg's
//! ebur128 filter (integrated loudness and true peak) and pyloudnorm
//! (integrated loudness; the MP3 decoded to a float WAV by ffmpeg first).
//! Its MP3 and its WAV must both read -16 ± 0.3 LUFS with true peaks of at
//! most -1.0 dBTP.
//!
//! `scripts/setup-validators.sh` installs the meters (ffmpeg from apt, pyloudnorm
//! in a venv at `$PODGEN_VALIDATORS`, default `~/.cache/podgen-validators`). Without
//! them the tests are skipped in the open (`common::tools`), unless
//! `PODGEN_REQUIRE_METERS` is set, as `.ci/run` sets it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::common::*;

const TARGET_LUFS: f64 = -16.0;
const CEILING_DBTP: f64 = -1.0;

/// ffmpeg's reading: (integrated loudness, true peak, its stream line).
fn ffmpeg_ebur128(file: &Path) -> (f64, f64, String) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(file)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "ffmpeg on {}: {err}", file.display());
    let summary = &err[err.rfind("Summary:").expect("an ebur128 summary")..];
    // "    I:         -16.0 LUFS" and "    Peak:       -1.1 dBFS".
    let value = |label: &str| -> f64 {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {summary}"));
        line.trim_start()[label.len()..]
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("cannot read {line:?}"))
    };
    let stream = err
        .lines()
        .find(|l| l.contains("Stream #0:0") && l.contains("Audio:"))
        .unwrap_or_default()
        .trim()
        .to_string();
    (value("I:"), value("Peak:"), stream)
}

/// pyloudnorm's integrated loudness of a WAV, by the venv's `python`.
fn pyloudnorm(python: &Path, wav: &Path) -> f64 {
    let script = "import sys, soundfile, pyloudnorm\n\
                  data, rate = soundfile.read(sys.argv[1])\n\
                  print(pyloudnorm.Meter(rate).integrated_loudness(data))\n";
    let out = Command::new(python)
        .args(["-c", script])
        .arg(wav)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pyloudnorm on {}: {}",
        wav.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    text.trim().parse().unwrap()
}

/// The MP3 as ffmpeg decodes it (LAME's delay and padding trimmed), as a float WAV.
fn decoded(mp3: &Path, into: &Path) -> PathBuf {
    let wav = into.join("decoded-mp3.wav");
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(mp3)
        .args(["-c:a", "pcm_f32le"])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wav
}

/// Read the example's MP3 and WAV in `ep` with both meters (pyloudnorm by
/// `python`), and check them; the streams' channel layouts (ffmpeg's words).
fn check_example(python: &Path, ep: &Episode) -> Vec<String> {
    let s = Scratch::new();
    let (mp3, wav) = (ep.file("mp3"), ep.file("wav"));
    let id = "2024-06-2";
    let scratch = s.dir.path();
    let mut streams = Vec::new();
    for (name, file, for_pyloudnorm) in [
        ("MP3", &mp3, decoded(&mp3, scratch)),
        ("WAV", &wav, wav.clone()),
    ] {
        let (lufs, true_peak, stream) = ffmpeg_ebur128(file);
        let py = pyloudnorm(python, &for_pyloudnorm);
        eprintln!(
            "{id} {name}: ffmpeg ebur128 I {lufs:.1} LUFS, true peak {true_peak:.1} dBTP; pyloudnorm I {py:.2} LUFS ({stream})"
        );
        for (meter, reading) in [("ffmpeg", lufs), ("pyloudnorm", py)] {
            assert!(
                (reading - TARGET_LUFS).abs() <= 0.3,
                "{name} by {meter}: {reading} LUFS, not {TARGET_LUFS} ± 0.3"
            );
        }
        assert!(
            true_peak <= CEILING_DBTP,
            "{name} by ffmpeg: true peak {true_peak} dBTP over {CEILING_DBTP}"
        );
        streams.push(stream);
    }
    streams
}

#[test]
fn the_example_reads_minus_16_lufs_under_minus_1_dbtp_by_ffmpeg_and_pyloudnorm() {
    let Some(python) = tools::meters() else {
        return;
    };
    let streams = check_example(&python, example_episode());
    assert!(streams.iter().all(|l| l.contains("mono")), "{streams:?}");
}

/// Stereo (`audio.channels: 2`): the same targets by the same meters.
#[test]
fn the_example_in_stereo_reads_the_same_by_ffmpeg_and_pyloudnorm() {
    let Some(python) = tools::meters() else {
        return;
    };
    let (_s, stereo) = render_example(&Config::new().audio(json!({"channels": 2})));
    let streams = check_example(&python, &stereo);
    assert!(streams.iter().all(|l| l.contains("stereo")), "{streams:?}");
}
