//! Production sound, measured on the rendered audio: a music bed ducked
//! under speech (look-ahead, depth, hold), a sting that overlaps speech,
//! fades without clicks, and stereo with panned voices.
//!
//! A bed's or a sting's own contribution is isolated by rendering the same
//! episode twice from the same cached speech, once with the sound and once
//! without (or with a silent file of the same length): with no limiting,
//! each master is its gain times the sum of its layers, so
//! `with - (gain_with / gain_without) * without` is the sound alone, as
//! mastered, to within the 16-bit rounding.

use podgen::mock::MockOptions;
use serde_json::{Value, json};

use crate::common::*;

/// A target at which the limiter never acts, as the isolation needs.
const QUIET_LUFS: i32 = -24;

/// A sine of `seconds` at `hz` and `dbfs`, in `channels` (each channel
/// scaled by `sides`), as a 16-bit WAV at `path`.
fn sine_wav(path: &std::path::Path, seconds: f32, hz: f32, dbfs: f32, sides: &[f32]) {
    let spec = hound::WavSpec {
        channels: sides.len() as u16,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let amp = 10f32.powf(dbfs / 20.0);
    for i in 0..(seconds * RATE as f32) as usize {
        let x = amp * (2.0 * std::f32::consts::PI * hz * i as f32 / RATE as f32).sin();
        for side in sides {
            w.write_sample((x * side * 32767.0).round() as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// The config: the mock's generic JSON API for every one of `voices` (with
/// its settings), WAV only, and the `audio` settings.
fn config(s: &Scratch, audio: Value, voices: &[(&str, Voice)]) -> std::path::PathBuf {
    let mut audio = audio;
    audio["formats"] = json!(["wav"]);
    let config = Config::new()
        .backend("mock", Backend::custom_json(&s.mock().url()))
        .audio(audio);
    voices
        .iter()
        .fold(config, |c, (name, voice)| c.voice(name, voice.clone()))
        .write(s, "podgen.yaml")
}

/// The config of the isolation tests: the narrator, at [`QUIET_LUFS`].
fn quiet_config(s: &Scratch) -> std::path::PathBuf {
    config(
        s,
        json!({"loudness_lufs": QUIET_LUFS}),
        &[("narrator", Voice::on("mock"))],
    )
}

struct Rendered {
    samples: Vec<f32>,
    manifest: Value,
    chapters: Value,
}

fn render(s: &Scratch, script: &Script, config: &std::path::Path, out: &str) -> Rendered {
    let sc = script.write(s, &format!("{out}.yaml"));
    let o = s.render_config(&sc, config, out);
    assert!(o.status.success(), "{}", stderr(&o));
    let ep = s.episode(out, "ep");
    let (samples, spec) = ep.wav();
    assert_eq!(spec.channels, 1);
    let manifest = ep.manifest();
    assert_eq!(
        manifest["master"]["limiter_max_reduction_db"].as_f64(),
        Some(0.0),
        "the isolation needs a master without limiting"
    );
    Rendered {
        samples,
        manifest,
        chapters: ep.chapters(),
    }
}

/// `with - k * without`: the sound `with` has and `without` lacks, mono.
fn isolate(with: &Rendered, without: &Rendered) -> Vec<f32> {
    let g = |r: &Rendered| r.manifest["master"]["gain_db"].as_f64().unwrap();
    let k = 10f64.powf((g(with) - g(without)) / 20.0) as f32;
    assert_eq!(with.samples.len(), without.samples.len());
    with.samples
        .iter()
        .zip(&without.samples)
        .map(|(a, b)| a - k * b)
        .collect()
}

/// The RMS level, in dBFS, of `x` over `[from, to)` samples.
fn level(x: &[f32], from: u64, to: u64) -> f32 {
    dbfs(rms(&x[from as usize..to as usize]))
}

fn spans(m: &Value) -> Vec<(u64, u64, u64)> {
    array(&m["segments"])
        .iter()
        .map(|g| {
            (
                g["chapter"].as_u64().unwrap(),
                g["start_sample"].as_u64().unwrap(),
                g["end_sample"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The largest step between neighbouring samples of `x`.
fn largest_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

/// Items of two paragraphs under an intro, with the episode `bed`, if any.
fn digest(items: usize, bed: Option<Value>) -> Script {
    let script = Script::new("Beds", "Ducking")
        .episode("ep")
        .intro(json!({"text": "Welcome to the show. This is the intro, read over the music."}))
        .items((1..=items).map(|i| {
            Item::new(
                format!("Item {i}"),
                format!(
                    "The first sentence of item {i} is of a fair length. A second sentence follows it.\n\nA new paragraph closes item {i}.\n"
                ),
            )
        }));
    match bed {
        Some(bed) => script.set("bed", bed),
        None => script,
    }
}

#[test]
fn a_bed_ducks_under_speech_ahead_of_it_holds_between_sentences_and_moves_no_chapter() {
    let s = Scratch::with_mock(MockOptions::default());
    sine_wav(&s.path("bed.wav"), 3.0, 110.0, -20.0, &[1.0]);
    let cfg = quiet_config(&s);
    let without = render(&s, &digest(3, None), &cfg, "plain");
    let with = render(
        &s,
        &digest(3, Some(json!({"file": "bed.wav"}))),
        &cfg,
        "bed",
    );
    // The bed moves nothing: chapters and segments sit where they did.
    assert_eq!(with.chapters, without.chapters);
    assert_eq!(spans(&with.manifest), spans(&without.manifest));
    let bed = isolate(&with, &without);
    let speech = &without.samples;
    let m = &with.manifest;
    assert_eq!(array(&m["beds"]).len(), 1, "{}", m["beds"]);
    let d = &m["settings"]["ducking"];
    let depth = d["depth_db"].as_f64().unwrap() as f32;
    let attack = d["attack"].as_u64().unwrap();
    assert_eq!(depth, 15.0);
    let ms = |n: u64| n * u64::from(RATE) / 1000;

    let segs = spans(m);
    let mut report = Vec::new();
    for chapter in 1..=2u64 {
        let this: Vec<_> = segs.iter().filter(|g| g.0 == chapter).collect();
        let next = segs.iter().find(|g| g.0 == chapter + 1).unwrap();
        let (first, last) = (this[0], this[this.len() - 1]);
        // Between items: the middle of the item pause, duck released.
        let gap_mid = (last.2 + next.1) / 2;
        let between = level(&bed, gap_mid - ms(50), gap_mid + ms(50));
        // Under speech: the middle of the item's first sentence.
        let mid = (first.1 + first.2) / 2;
        let under = level(&bed, mid - ms(100), mid + ms(100));
        // Between two sentences of the item (250 ms): held down.
        let pause_mid = (this[0].2 + this[1].1) / 2;
        let held = level(&bed, pause_mid - ms(20), pause_mid + ms(20));
        // Look-ahead: in the 40 ms before the first syllable the voice is
        // silent, and the bed is already on its way down.
        let before = level(&bed, first.1 - ms(40), first.1);
        let voice_before = level(speech, first.1 - ms(40), first.1);
        report.push((between, under, held, before, voice_before));
        assert!(
            between - under >= depth - 0.5,
            "item {chapter}: bed {between:.1} dBFS between items, {under:.1} under speech"
        );
        assert!(
            between - held >= depth - 0.5,
            "item {chapter}: the bed came up between sentences ({held:.1} vs {between:.1})"
        );
        assert!(
            voice_before < -70.0,
            "voice before onset: {voice_before:.1} dBFS"
        );
        assert!(
            between - before >= depth / 2.0,
            "item {chapter}: the duck had not begun before speech ({before:.1} vs {between:.1}; attack {attack} samples)"
        );
    }
    eprintln!("(between, under, held, before onset, voice before onset) dBFS: {report:.1?}");
    // The bed fades and ducks smoothly: no step in it is larger than its
    // sine's own largest step (peak * 2 pi f / rate) by more than rounding.
    let peak = bed.iter().fold(0f32, |p, x| p.max(x.abs()));
    let bound = 1.05 * peak * 2.0 * std::f32::consts::PI * 110.0 / RATE as f32 + 3.0 / 32768.0;
    let step = largest_step(&bed);
    eprintln!("bed: peak {peak:.4}, largest step {step:.6}, bound {bound:.6}");
    assert!(step <= bound, "a click in the bed: step {step} > {bound}");
}

#[test]
fn a_sting_overlapping_speech_ducks_under_it_and_fades_without_a_click() {
    let s = Scratch::with_mock(MockOptions::default());
    sine_wav(&s.path("sting.wav"), 2.0, 440.0, -12.0, &[1.0]);
    sine_wav(&s.path("silent.wav"), 2.0, 440.0, -200.0, &[1.0]);
    let cfg = quiet_config(&s);
    let script = |file: &str| {
        Script::new("Stings", "Overlap")
            .episode("ep")
            .intro(json!({
                "sting": {"file": file, "overlap": "600ms", "fade_out": "300ms"},
                "text": "Welcome to the show, starting over the end of the sting.",
            }))
            .item(Item::new("One", "The only item."))
    };
    let without = render(&s, &script("silent.wav"), &cfg, "silent");
    let with = render(&s, &script("sting.wav"), &cfg, "sting");
    let m = &with.manifest;
    let sting = &m["stings"][0];
    let (start, end) = (
        sting["start_sample"].as_u64().unwrap(),
        sting["end_sample"].as_u64().unwrap(),
    );
    let ms = |n: u64| n * u64::from(RATE) / 1000;
    assert_eq!((start, end), (0, ms(2000)));
    assert_eq!(sting["ducked"], true);
    let speech_start = spans(m)[0].1;
    assert_eq!(
        speech_start,
        end - ms(600),
        "speech starts 600 ms before the sting ends"
    );
    assert_eq!(spans(m), spans(&without.manifest));

    let alone = isolate(&with, &without);
    let depth = m["settings"]["ducking"]["depth_db"].as_f64().unwrap() as f32;
    // Before the duck, the sting at its level; under the voice, before its
    // fade-out, at least the depth below.
    let full = level(&alone, ms(500), ms(1000));
    let ducked = level(&alone, speech_start + ms(20), end - ms(320));
    eprintln!("sting {full:.1} dBFS alone, {ducked:.1} under speech");
    assert!(full - ducked >= depth - 0.5, "{full:.1} vs {ducked:.1}");
    // It fades out to nothing by its end, and nothing clicks anywhere.
    assert!(level(&alone, end - ms(5), end) < full - 40.0);
    let peak = alone.iter().fold(0f32, |p, x| p.max(x.abs()));
    let bound = 1.05 * peak * 2.0 * std::f32::consts::PI * 440.0 / RATE as f32 + 3.0 / 32768.0;
    let step = largest_step(&alone);
    eprintln!("sting: peak {peak:.4}, largest step {step:.6}, bound {bound:.6}");
    assert!(step <= bound, "a click in the sting: step {step} > {bound}");
    // Every join in the mix (each clip's first and last samples) is quiet:
    // clips fade in and out, so butting them against anything cannot click.
    for (_, a, b) in spans(m) {
        for edge in [a, b] {
            let to = (edge + ms(1)).min(with.samples.len() as u64);
            let around = &with.samples[(edge - ms(1)) as usize..to as usize];
            let step = largest_step(around);
            assert!(step < 0.02, "a step of {step} at the join at sample {edge}");
        }
    }
}

#[test]
fn a_stereo_episode_keeps_the_stings_image_and_pans_voices() {
    let s = Scratch::with_mock(MockOptions::default());
    // A sting only on the left.
    sine_wav(&s.path("left.wav"), 1.0, 440.0, -12.0, &[1.0, 0.0]);
    let cfg = config(
        &s,
        json!({"channels": 2, "loudness_lufs": -16}),
        &[
            ("host", Voice::on("mock")),
            ("guest", Voice::on("mock").set("pan", 1)),
        ],
    );
    let talk = [
        line("host", "The host asks a question of the guest."),
        line("guest", "The guest answers from the right."),
    ];
    let sc = Script::new("Stereo", "Sides")
        .episode("ep")
        .voice("host")
        .intro(json!({"sting": "left.wav", "text": "The host speaks from the middle."}))
        .item(Item::dialogue("Talk", talk))
        .write(&s, "stereo.yaml");
    s.cmd("render").arg(sc).config(&cfg).out("out").quiet().ok();
    let ep = s.episode("out", "ep");
    let (samples, spec) = ep.wav();
    assert_eq!(spec.channels, 2);
    let m = ep.manifest();
    assert_eq!(m["settings"]["channels"], 2);
    let side = |from: u64, to: u64, ch: usize| -> Vec<f32> {
        samples[(from * 2) as usize..(to * 2) as usize]
            .iter()
            .skip(ch)
            .step_by(2)
            .copied()
            .collect()
    };
    let sting = &m["stings"][0];
    let (a, b) = (
        sting["start_sample"].as_u64().unwrap(),
        sting["end_sample"].as_u64().unwrap(),
    );
    let (l, r) = (dbfs(rms(&side(a, b, 0))), dbfs(rms(&side(a, b, 1))));
    assert!(
        l > -30.0 && r < -80.0,
        "sting left {l:.1}, right {r:.1} dBFS"
    );
    for g in array(&m["segments"]) {
        let (a, b) = (
            g["start_sample"].as_u64().unwrap(),
            g["end_sample"].as_u64().unwrap(),
        );
        let (left, right) = (side(a, b, 0), side(a, b, 1));
        if g["voice"] == "guest" {
            // Hard right: nothing on the left.
            assert!(dbfs(rms(&left)) < -80.0 && dbfs(rms(&right)) > -40.0, "{g}");
        } else {
            // Centred: the same on both sides, sample for sample.
            assert_eq!(left, right, "{g}");
        }
    }
    let out = m["master"]["output_lufs"].as_f64().unwrap();
    assert!((out + 16.0).abs() <= 0.3, "{out} LUFS");
    assert!(m["master"]["output_true_peak_dbtp"].as_f64().unwrap() <= -1.0);
}
