//! The example episode read by meters podgen has no part in: ffmpeg's
//! ebur128 filter (integrated loudness and true peak) and pyloudnorm
//! (integrated loudness; the MP3 decoded to a float WAV by ffmpeg first).
//! Its MP3 and its WAV must both read -16 ± 0.3 LUFS with true peaks of at
//! most -1.0 dBTP.
//!
//! `scripts/setup-validators.sh` installs the meters (ffmpeg from apt, pyloudnorm
//! in a venv at `$PODGEN_VALIDATORS`, default `~/.cache/podgen-validators`). Without
//! them the tests say so and pass, unless `PODGEN_REQUIRE_METERS` is set, as
//! `.ci/run` sets it.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const TARGET_LUFS: f64 = -16.0;
const CEILING_DBTP: f64 = -1.0;

/// The Python of the venv that has pyloudnorm.
fn meters_python() -> PathBuf {
    let dir = std::env::var_os("PODGEN_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/podgen-validators")
        });
    dir.join("bin/python")
}

fn runs(program: &Path, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether ffmpeg and pyloudnorm are there; if not, whether that is allowed.
fn meters_present() -> bool {
    let ffmpeg = runs(Path::new("ffmpeg"), &["-hide_banner", "-version"]);
    let pyloudnorm = runs(&meters_python(), &["-c", "import pyloudnorm, soundfile"]);
    if ffmpeg && pyloudnorm {
        return true;
    }
    let python = meters_python();
    let missing = [
        (!ffmpeg).then(|| "ffmpeg".to_string()),
        (!pyloudnorm).then(|| format!("pyloudnorm (for {})", python.display())),
    ];
    let missing: Vec<String> = missing.into_iter().flatten().collect();
    assert!(
        std::env::var_os("PODGEN_REQUIRE_METERS").is_none(),
        "{} missing, and PODGEN_REQUIRE_METERS says the meters must be there: run bash scripts/setup-validators.sh",
        missing.join(" and ")
    );
    eprintln!(
        "ffmpeg or pyloudnorm is not installed: skipping (bash scripts/setup-validators.sh installs them)"
    );
    false
}

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

/// pyloudnorm's integrated loudness of a WAV.
fn pyloudnorm(wav: &Path) -> f64 {
    let script = "import sys, soundfile, pyloudnorm\n\
                  data, rate = soundfile.read(sys.argv[1])\n\
                  print(pyloudnorm.Meter(rate).integrated_loudness(data))\n";
    let out = Command::new(meters_python())
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

/// Read the episode's MP3 and WAV with both meters and check them; the
/// streams' channel layouts are returned (ffmpeg's words).
fn check_episode(dir: &Path, id: &str, scratch: &Path) -> Vec<String> {
    let mp3 = dir.join(format!("{id}.mp3"));
    let wav = dir.join(format!("{id}.wav"));
    let mut streams = Vec::new();
    for (name, file, for_pyloudnorm) in [
        ("MP3", &mp3, decoded(&mp3, scratch)),
        ("WAV", &wav, wav.clone()),
    ] {
        let (lufs, true_peak, stream) = ffmpeg_ebur128(file);
        let py = pyloudnorm(&for_pyloudnorm);
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
    if !meters_present() {
        return;
    }
    let s = Scratch::new();
    s.render(&root().join("examples/ai-weekly-2024-06-2.yaml"));
    let streams = check_episode(&s.output().join("2024-06-2"), "2024-06-2", s.dir.path());
    assert!(streams.iter().all(|l| l.contains("mono")), "{streams:?}");
}

/// Stereo (`audio.channels: 2`): the same targets by the same meters.
#[test]
fn the_example_in_stereo_reads_the_same_by_ffmpeg_and_pyloudnorm() {
    if !meters_present() {
        return;
    }
    let s = Scratch::new();
    let cfg = s.write("podgen.yaml", "audio: {channels: 2}\n");
    let example = root().join("examples/ai-weekly-2024-06-2.yaml");
    let out = s.render_config(&example, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let streams = check_episode(&s.output().join("2024-06-2"), "2024-06-2", s.dir.path());
    assert!(streams.iter().all(|l| l.contains("stereo")), "{streams:?}");
}
