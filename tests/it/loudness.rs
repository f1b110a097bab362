//! Loudness of the delivered episode, measured by a BS.1770 meter written
//! in the tests (`common::integrated_lufs`, independent of the ebur128 crate
//! podgen uses), itself checked here against the standard's calibration point.

use podgen::mock::MockOptions;
use serde_json::{Value, json};

use crate::common::*;

#[test]
fn the_test_meter_reads_the_calibration_tone_right() {
    // BS.1770: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LKFS; at -20 dBFS, -23.01.
    for rate in [44_100u32, 48_000] {
        let amp = 10f32.powf(-20.0 / 20.0);
        let tone: Vec<f32> = (0..rate * 20)
            .map(|i| amp * (2.0 * std::f32::consts::PI * 997.0 * i as f32 / rate as f32).sin())
            .collect();
        let l = integrated_lufs(&tone, rate);
        assert!((l + 23.01).abs() < 0.05, "{rate} Hz: {l}");
        // In both channels of a stereo file: 3 dB louder.
        let both: Vec<f32> = tone.iter().flat_map(|&x| [x, x]).collect();
        let l = integrated_lufs_interleaved(&both, 2, rate);
        assert!((l + 20.0).abs() < 0.05, "{rate} Hz, stereo: {l}");
    }
}

/// The example's loudness by the test meter, its sample peak in dBFS and
/// its render.json, rendered with `audio` settings, if any.
fn render_and_measure(audio: Option<Value>) -> (f64, f32, Value) {
    match audio {
        Some(audio) => measure(&render_example(&Config::new().audio(audio)).1),
        None => measure(example_episode()),
    }
}

/// The episode's loudness by the test meter, its sample peak in dBFS and
/// its render.json.
fn measure(ep: &Episode) -> (f64, f32, Value) {
    let (samples, spec) = ep.wav();
    let peak = samples.iter().fold(0f32, |p, s| p.max(s.abs()));
    (
        integrated_lufs(&samples, spec.sample_rate),
        20.0 * peak.log10(),
        ep.manifest(),
    )
}

#[test]
fn the_example_is_mastered_to_minus_16_lufs_under_minus_1_dbtp() {
    let (lufs, peak_db, m) = render_and_measure(None);
    eprintln!(
        "example: {lufs:.2} LUFS, sample peak {peak_db:.2} dBFS, manifest {}",
        m["master"]
    );
    assert!((lufs + 16.0).abs() <= 1.0, "{lufs} LUFS");
    assert!(peak_db <= -1.0, "{peak_db} dBFS");
    // podgen's own reading agrees with the independent meter.
    assert!((m["master"]["output_lufs"].as_f64().unwrap() - lufs).abs() < 0.2);
    assert!(m["master"]["output_true_peak_dbtp"].as_f64().unwrap() <= -1.0);
}

#[test]
fn dual_mono_masters_a_mono_episode_3_db_quieter_as_a_file() {
    // Measured as dual mono (two speakers playing the one channel), -16
    // LUFS is what a single-channel meter reads as -19.
    let (lufs, _, m) = render_and_measure(Some(json!({"mono_loudness": "dual"})));
    eprintln!("dual mono: {lufs:.2} LUFS by the single-channel test meter");
    assert!((lufs + 19.01).abs() <= 0.3, "{lufs} LUFS");
    assert!((m["master"]["output_lufs"].as_f64().unwrap() + 16.0).abs() <= 0.3);
    assert_eq!(m["master"]["target_lufs"], -16.0);
}

#[test]
fn a_louder_target_engages_the_limiter_and_still_holds_the_ceiling() {
    let (lufs, peak_db, m) =
        render_and_measure(Some(json!({"loudness_lufs": -12, "true_peak_dbtp": -2})));
    eprintln!(
        "-12 target: {lufs:.2} LUFS, sample peak {peak_db:.2} dBFS, manifest {}",
        m["master"]
    );
    assert!((lufs + 12.0).abs() <= 1.0, "{lufs} LUFS");
    assert!(peak_db <= -2.0, "{peak_db} dBFS");
    assert!(m["master"]["limiter_max_reduction_db"].as_f64().unwrap() > 1.0);
    assert!(m["master"]["output_true_peak_dbtp"].as_f64().unwrap() <= -2.0);
}

/// Each voice's loudness per item, by the test meter, from the segments'
/// sample spans in render.json.
fn voice_loudness_per_item(levelling: bool) -> Vec<(f64, f64)> {
    let s = Scratch::with_mock(MockOptions::default());
    // Two backends, the second 10 dB quieter (the mock's generic API scales
    // its speech by `gain`).
    let backend = |gain: f64| Backend::custom_json(&s.mock().url()).body_field("gain", gain);
    let cfg = Config::new()
        .backend("loud", backend(1.0))
        .backend("soft", backend(0.316))
        .voice("host", Voice::on("loud"))
        .voice("guest", Voice::on("soft"))
        .audio(json!({"formats": ["wav"], "levelling": levelling}))
        .write(&s, "podgen.yaml");
    let script = Script::new("Two voices", "Levels")
        .episode("levels")
        .items((1..=3).map(|i| {
            Item::dialogue(
                format!("Item {i}"),
                [
                    line(
                        "host",
                        format!("The host opens item {i} with a sentence of some length."),
                    ),
                    line(
                        "guest",
                        "The guest answers with another sentence of about that length.",
                    ),
                    line("host", "And the host closes it."),
                ],
            )
        }))
        .write(&s, "levels.yaml");
    s.cmd("render")
        .arg(script)
        .config(&cfg)
        .out("out")
        .quiet()
        .ok();
    let ep = s.episode("out", "levels");
    let (samples, spec) = ep.wav();
    let m = ep.manifest();
    let segments = array(&m["segments"]);
    (0..3)
        .map(|item| {
            let of = |voice: &str| {
                let mut audio = Vec::new();
                for g in segments
                    .iter()
                    .filter(|g| g["voice"] == voice && g["chapter"].as_u64() == Some(item))
                {
                    audio.extend_from_slice(&samples[span(g)]);
                }
                integrated_lufs(&audio, spec.sample_rate)
            };
            (of("host"), of("guest"))
        })
        .collect()
}

#[test]
fn voices_from_backends_10_db_apart_are_levelled_to_within_1_lu() {
    for (i, (host, guest)) in voice_loudness_per_item(true).into_iter().enumerate() {
        eprintln!(
            "levelled, item {}: host {host:.2} LUFS, guest {guest:.2} LUFS",
            i + 1
        );
        assert!(
            (host - guest).abs() <= 1.0,
            "item {}: host {host:.2} LUFS, guest {guest:.2} LUFS",
            i + 1
        );
    }
    // Without levelling the difference is the backends' 10 dB: the test
    // would see it.
    for (host, guest) in voice_loudness_per_item(false) {
        eprintln!("not levelled: host {host:.2} LUFS, guest {guest:.2} LUFS");
        assert!(host - guest > 8.0, "host {host:.2}, guest {guest:.2}");
    }
}

#[test]
fn stings_sit_at_their_configured_level_under_the_speech() {
    for (config, expected) in [
        (None, -3.0f32),
        (
            Some(Config::new().audio(json!({"sting_level_db": -10, "formats": ["wav"]}))),
            -10.0,
        ),
    ] {
        let rendered = config.map(|c| render_example(&c));
        let ep = rendered.as_ref().map_or(example_episode(), |(_, ep)| ep);
        let (samples, spec) = ep.wav();
        let m = ep.manifest();
        let speech: Vec<f32> = array(&m["segments"])
            .iter()
            .flat_map(|g| samples[span(g)].iter().copied())
            .collect();
        let speech_db = active_dbfs(&speech, spec.sample_rate);
        for sting in array(&m["stings"]) {
            assert_eq!(sting["level_db"].as_f64(), Some(f64::from(expected)));
            let diff = active_dbfs(&samples[span(sting)], spec.sample_rate) - speech_db;
            eprintln!(
                "sting {}: {diff:.2} dB against speech (asked {expected})",
                sting["role"]
            );
            assert!(
                (diff - expected).abs() < 1.5,
                "{} sting at {diff:.2} dB",
                sting["role"]
            );
        }
    }
}
