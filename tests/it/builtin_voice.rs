//! A cheap, deterministic stand-in for "the built-in voice's English is as
//! intelligible as eSpeak NG's": ten English news sentences rendered by
//! podgen and by the C eSpeak NG that Debian packages (`espeak-ng`, which
//! `.ci/run` installs) must last about as long (within 15%) and have about
//! the same spectral envelope over time: per 20 ms frame, the levels of 19
//! third-octave bands from 125 Hz to 8 kHz, each frame normalized to its
//! mean, frames matched by linear time alignment, loud frames only (within
//! 30 dB of the loudest); the mean absolute difference is at most 3.5 dB per
//! sentence. For scale: the same measure gives 0.7 to 2.4 dB for podgen's C
//! engine and 4.7 to 7.1 dB for the pure-Rust port podgen used before, whose
//! English a speech recognizer mostly could not follow. A negative control
//! (the mock server's synthetic "speech") shows the measure tells voices
//! apart. The recognizer's word error rates, which this stands in for, come
//! from `scripts/intelligibility.sh`.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The first ten of the English news sentences (`scripts/intelligibility.py`
/// reads them all).
fn sentences() -> Vec<&'static str> {
    include_str!("../data/english-news-sentences.txt")
        .lines()
        .take(10)
        .collect()
}

/// Samples above -50 dBFS, from the first to the last, as podgen trims.
fn trimmed(x: &[f32]) -> &[f32] {
    let loud = |s: &f32| s.abs() > 0.003_162;
    match (x.iter().position(loud), x.iter().rposition(loud)) {
        (Some(a), Some(b)) => &x[a..=b],
        _ => &[],
    }
}

/// Per 20 ms frame, the energy of 19 third-octave bands from 125 Hz to
/// 8 kHz, in dB. Each band is a second-order band-pass (RBJ's cookbook, a Q
/// of a third of an octave).
fn band_frames(x: &[f32], rate: u32) -> Vec<[f64; 19]> {
    let n = rate as usize / 50;
    let mut frames = vec![[0.0f64; 19]; x.len() / n];
    let q = 1.0 / (2f64.powf(1.0 / 6.0) - 2f64.powf(-1.0 / 6.0));
    for (k, band) in (0..19).map(|k| (k, 125.0 * 2f64.powf(k as f64 / 3.0))) {
        let w0 = 2.0 * std::f64::consts::PI * band / f64::from(rate);
        let alpha = w0.sin() / (2.0 * q);
        let a0 = 1.0 + alpha;
        let (b0, b2) = (alpha / a0, -alpha / a0);
        let (a1, a2) = (-2.0 * w0.cos() / a0, (1.0 - alpha) / a0);
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        for (i, &s) in x[..frames.len() * n].iter().enumerate() {
            let s = f64::from(s);
            let y = b0 * s + b2 * x2 - a1 * y1 - a2 * y2;
            (x2, x1, y2, y1) = (x1, s, y1, y);
            frames[i / n][k] += y * y;
        }
    }
    for f in &mut frames {
        for e in f.iter_mut() {
            *e = 10.0 * (*e / n as f64 + 1e-12).log10();
        }
    }
    frames
}

/// How far apart two readings' spectral envelopes are over time: frames
/// matched by linear time alignment, each normalized to its mean band
/// level, loud frames of `a` only; the mean absolute band difference in dB.
fn envelope_distance(a: &[f32], rate_a: u32, b: &[f32], rate_b: u32) -> f64 {
    let (fa, fb) = (band_frames(a, rate_a), band_frames(b, rate_b));
    let level = |f: &[f64; 19]| f.iter().copied().fold(f64::MIN, f64::max);
    let loudest = fa.iter().map(level).fold(f64::MIN, f64::max);
    let shape = |f: &[f64; 19]| {
        let mean = f.iter().sum::<f64>() / 19.0;
        f.map(|e| e - mean)
    };
    let mut sum = 0.0;
    let mut count = 0;
    for (j, f) in fa.iter().enumerate() {
        if level(f) < loudest - 30.0 {
            continue;
        }
        let i = ((j * fb.len()) as f64 / fa.len() as f64).round() as usize;
        let (sa, sb) = (shape(f), shape(&fb[i.min(fb.len() - 1)]));
        sum += sa.iter().zip(&sb).map(|(x, y)| (x - y).abs()).sum::<f64>() / 19.0;
        count += 1;
    }
    sum / count.max(1) as f64
}

/// The C eSpeak NG reading `text` as podgen's built-in voice does (American
/// English, 165 words a minute, pitch 50): its samples and rate.
fn espeak_ng(dir: &Path, i: usize, text: &str) -> (Vec<f32>, u32) {
    let wav = dir.join(format!("espeak-{i}.wav"));
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "165", "-p", "50", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .unwrap();
    assert!(status.success(), "espeak-ng failed on {text:?}");
    let (samples, spec) = read_wav(&wav);
    (samples, spec.sample_rate)
}

#[test]
fn english_lasts_and_sounds_like_the_c_espeak_ng() {
    let Some(()) = tools::espeak_ng() else {
        return;
    };
    let sentences = sentences();
    let s = Scratch::new();
    let script = Script::new("S", "English")
        .episode("en")
        .language("en-US")
        .items(
            sentences
                .iter()
                .enumerate()
                .map(|(i, t)| Item::new(format!("s{i}"), *t)),
        )
        .write(&s, "en.yaml");
    s.render(&script);
    let ep = s.episode("out", "en");
    let (samples, _) = ep.wav();
    let m = ep.manifest();
    let segs = array(&m["segments"]);
    assert_eq!(segs.len(), sentences.len());

    let mut theirs = Vec::new();
    for (i, (seg, text)) in segs.iter().zip(&sentences).enumerate() {
        let podgen = &samples[span(seg)];
        let (reference, rate) = espeak_ng(s.dir.path(), i, text);
        let reference = trimmed(&reference);
        let (d_ours, d_ref) = (
            podgen.len() as f64 / f64::from(RATE),
            reference.len() as f64 / f64::from(rate),
        );
        let distance = envelope_distance(podgen, RATE, reference, rate);
        eprintln!(
            "{i}: podgen {d_ours:.2} s, espeak-ng {d_ref:.2} s ({:+.0}%), spectral envelope {distance:.2} dB",
            (d_ours / d_ref - 1.0) * 100.0
        );
        assert!(
            (d_ours / d_ref - 1.0).abs() <= 0.15,
            "sentence {i}: {d_ours:.2} s against espeak-ng's {d_ref:.2} s"
        );
        assert!(
            distance <= 3.5,
            "sentence {i}: spectral envelopes differ by {distance:.2} dB"
        );
        theirs.push((reference.to_vec(), rate));
    }

    // The measure tells a different voice apart: the mock server's
    // synthetic speech for the same sentence is far from espeak-ng's.
    let fake = podgen::mock::speech(sentences[0], 24_000);
    let (reference, rate) = &theirs[0];
    let control = envelope_distance(&fake, 24_000, reference, *rate);
    eprintln!("control (mock speech): spectral envelope {control:.2} dB");
    assert!(control > 3.5, "the measure does not tell voices apart");
}
