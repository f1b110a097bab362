//! Mandarin tones in the built-in voice, measured on the WAV podgen writes:
//! 妈 (mā), 麻 (má), 马 (mǎ) and 骂 (mà) differ only in their pitch
//! contours, so each segment's F0 is tracked and held to its tone's shape.
//! Also third-tone sandhi (你好: the first syllable rises) and a tone inside
//! a sentence of the example digest.

use crate::common::*;

/// Frames every 5 ms; loudness over 30 ms.
const HOP: usize = (RATE as usize * 5) / 1000;
const LOUDNESS_WINDOW: usize = (RATE as usize * 30) / 1000;
/// Pitch between 45 and 400 Hz.
const MIN_LAG: usize = RATE as usize / 400;
const MAX_LAG: usize = RATE as usize / 45;

/// One analysis frame: its pitch (None when unvoiced) and its loudness.
#[derive(Debug, Clone, Copy)]
struct Frame {
    f0: Option<f32>,
    rms: f32,
}

/// A second-order low-pass (Butterworth, RBJ's biquad) run twice: what is
/// left is the fundamental and the first few harmonics, so the formants
/// cannot pose as the period.
fn low_pass(x: &[f32], cutoff: f32) -> Vec<f32> {
    let w0 = 2.0 * std::f32::consts::PI * cutoff / RATE as f32;
    let alpha = w0.sin() / (2.0 * std::f32::consts::FRAC_1_SQRT_2);
    let c = w0.cos();
    let a0 = 1.0 + alpha;
    let (b0, b1, b2) = ((1.0 - c) / 2.0 / a0, (1.0 - c) / a0, (1.0 - c) / 2.0 / a0);
    let (a1, a2) = (-2.0 * c / a0, (1.0 - alpha) / a0);
    let mut y = x.to_vec();
    for _ in 0..2 {
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        for v in y.iter_mut() {
            let out = b0 * *v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            (x2, x1, y2, y1) = (x1, *v, y1, out);
            *v = out;
        }
    }
    y
}

/// Normalized autocorrelation at `lag`, over two periods from `start`.
fn nacf(x: &[f32], start: usize, lag: usize) -> f32 {
    let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
    for i in start..start + 2 * lag {
        let (a, b) = (f64::from(x[i]), f64::from(x[i + lag]));
        xy += a * b;
        xx += a * a;
        yy += b * b;
    }
    (xy / (xx * yy).sqrt().max(1e-12)) as f32
}

/// An autocorrelation pitch tracker: per frame, the lag (45 to 400 Hz) of
/// the highest normalized autocorrelation of the low-passed signal, over
/// two periods of that lag; then, as a guard against locking onto twice the
/// period, a half, third or quarter of it when that is nearly as good. A
/// frame is voiced when the correlation is above 0.6.
fn track(x: &[f32]) -> Vec<Frame> {
    let lp = low_pass(x, 450.0);
    let mut frames = Vec::new();
    let mut start = 0;
    while start + 3 * MAX_LAG + 2 < x.len() {
        let r: Vec<f32> = (0..=MAX_LAG)
            .map(|lag| {
                if lag < MIN_LAG {
                    0.0
                } else {
                    nacf(&lp, start, lag)
                }
            })
            .collect();
        let mut best = (MIN_LAG..=MAX_LAG)
            .max_by(|&a, &b| r[a].total_cmp(&r[b]))
            .expect("lags");
        for k in [4, 3, 2] {
            let near = (best as f32 / k as f32).round() as usize;
            if near < MIN_LAG + 2 {
                continue;
            }
            let candidate = (near - 2..=near + 2)
                .max_by(|&a, &b| r[a].total_cmp(&r[b]))
                .expect("five lags");
            if r[candidate] >= 0.9 * r[best] {
                best = candidate;
                break;
            }
        }
        frames.push(Frame {
            f0: (r[best] > 0.6).then(|| RATE as f32 / best as f32),
            rms: rms(&x[start..start + LOUDNESS_WINDOW]),
        });
        start += HOP;
    }
    frames
}

/// Runs of voiced frames loud enough to be a syllable's nucleus (a third of
/// the loudest frame or more), split where voicing stops, median-smoothed.
fn nuclei(x: &[f32]) -> Vec<Vec<f32>> {
    let frames = track(x);
    let loudest = frames.iter().map(|f| f.rms).fold(0.0, f32::max);
    let mut runs: Vec<Vec<f32>> = Vec::new();
    let mut current = Vec::new();
    for f in &frames {
        match f.f0 {
            Some(f0) if f.rms >= loudest / 3.0 => current.push(f0),
            _ if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            _ => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs.into_iter()
        .filter(|r| r.len() >= 6)
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    let mut w: Vec<f32> = r[i.saturating_sub(1)..(i + 2).min(r.len())].to_vec();
                    w.sort_by(f32::total_cmp);
                    w[w.len() / 2]
                })
                .collect()
        })
        .collect()
}

/// The pitch contour of a one-syllable segment: its longest nucleus.
fn contour(x: &[f32]) -> Vec<f32> {
    nuclei(x)
        .into_iter()
        .max_by_key(Vec::len)
        .expect("a voiced syllable")
}

fn start(c: &[f32]) -> f32 {
    median(&c[..3])
}

fn end(c: &[f32]) -> f32 {
    median(&c[c.len() - 3..])
}

/// Whether a contour ends 12% or more above where it starts.
fn rises(c: &[f32]) -> bool {
    end(c) >= 1.12 * start(c)
}

/// Whether a contour ends 12% or more below where it starts.
fn falls(c: &[f32]) -> bool {
    end(c) <= 0.88 * start(c)
}

fn median(v: &[f32]) -> f32 {
    let mut v = v.to_vec();
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

fn show(c: &[f32]) -> String {
    c.iter()
        .map(|f| format!("{f:.0}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Render `text` (Mandarin) with the built-in voice; the WAV's samples and
/// each segment's span.
fn render_mandarin(s: &Scratch, text: &str) -> (Vec<f32>, Vec<(usize, usize)>) {
    let script = Script::new("T", "Tones")
        .episode("tones")
        .language("zh-CN")
        .item(Item::new("t", text))
        .write(s, "t.yaml");
    s.render(&script);
    let ep = s.episode("out", "tones");
    let (samples, spec) = ep.wav();
    assert_eq!(spec.sample_rate, RATE);
    let spans = array(&ep.manifest()["segments"])
        .iter()
        .map(|seg| {
            let span = span(seg);
            (span.start, span.end)
        })
        .collect();
    (samples, spans)
}

#[test]
fn the_four_tones_have_their_four_contours() {
    let s = Scratch::new();
    let (samples, spans) = render_mandarin(&s, "妈。麻。马。骂。");
    assert_eq!(spans.len(), 4);
    let segs: Vec<&[f32]> = spans.iter().map(|&(a, b)| &samples[a..b]).collect();
    for i in 0..4 {
        for j in i + 1..4 {
            assert!(
                segs[i].len() != segs[j].len() || segs[i].iter().zip(segs[j]).any(|(a, b)| a != b),
                "segments {i} and {j} are identical"
            );
        }
    }
    let c: Vec<Vec<f32>> = segs.iter().map(|x| contour(x)).collect();
    for (tone, contour) in c.iter().enumerate() {
        eprintln!("tone {}: {}", tone + 1, show(contour));
    }

    // Tone 1, high level: the middle half stays within ±12% of its mean.
    let mid = &c[0][c[0].len() / 4..=3 * c[0].len() / 4];
    let mean = mid.iter().sum::<f32>() / mid.len() as f32;
    assert!(
        mid.iter().all(|f| (f / mean - 1.0).abs() <= 0.12),
        "tone 1 is not level: {}",
        show(&c[0])
    );
    // Tone 2, rising.
    assert!(rises(&c[1]), "tone 2 does not rise: {}", show(&c[1]));
    // Tone 3, low dipping.
    let lowest = c[2].iter().copied().fold(f32::MAX, f32::min);
    assert!(
        lowest <= 0.9 * start(&c[2]),
        "tone 3 does not dip: {}",
        show(&c[2])
    );
    // Tone 4, falling.
    assert!(falls(&c[3]), "tone 4 does not fall: {}", show(&c[3]));
}

/// The syllable nuclei of the first segment of `text`, spoken by the
/// built-in voice.
fn first_nuclei(text: &str) -> Vec<Vec<f32>> {
    let s = Scratch::new();
    let (samples, spans) = render_mandarin(&s, text);
    let (a, b) = spans[0];
    nuclei(&samples[a..b])
}

#[test]
fn third_tone_sandhi_makes_the_first_of_two_third_tones_rise() {
    // 你好 is nǐ hǎo, spoken ní hǎo: the first syllable rises.
    let runs = first_nuclei("你好。");
    assert!(runs.len() >= 2, "two syllables: {runs:?}");
    assert!(
        rises(&runs[0]),
        "你 in 你好 does not rise: {}",
        show(&runs[0])
    );
}

#[test]
fn a_falling_tone_falls_inside_a_sentence_of_the_digest() {
    // The example's intro: 大家好，这里是AI大模型周报…  大 (dà) comes first,
    // after an unvoiced stop, so the first nucleus is its vowel.
    let runs = first_nuclei("大家好，这里是AI大模型周报2024年6月的第二期。");
    assert!(
        falls(&runs[0]),
        "大 does not fall in the sentence: {}",
        show(&runs[0])
    );
}
