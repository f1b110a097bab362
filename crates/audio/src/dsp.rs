//! Small sample-level operations: channel mixing and silence trimming.

use super::Pcm;

/// Average all channels into one.
pub fn to_mono(pcm: Pcm) -> Pcm {
    if pcm.channels <= 1 {
        return Pcm { channels: 1, ..pcm };
    }
    let ch = usize::from(pcm.channels);
    let samples = pcm
        .samples
        .chunks_exact(ch)
        .map(|frame| frame.iter().sum::<f32>() / ch as f32)
        .collect();
    Pcm::mono(samples, pcm.rate)
}

/// `pcm` in `channels` (1 or 2): stereo kept as it is, mono copied to
/// both sides (centred, as a centred voice is), anything else mixed to mono
/// first.
pub fn to_channels(pcm: Pcm, channels: u16) -> Pcm {
    match (pcm.channels, channels) {
        (a, b) if a == b => pcm,
        (_, 1) => to_mono(pcm),
        (1, 2) => Pcm {
            samples: pcm.samples.iter().flat_map(|&s| [s, s]).collect(),
            channels: 2,
            rate: pcm.rate,
        },
        (_, c) => to_channels(to_mono(pcm), c),
    }
}

/// Silence threshold for trimming: -50 dBFS.
const SILENCE: f32 = 0.003_162;
/// Audio kept on each side of the first and last loud sample, so that soft
/// onsets and releases survive the trim.
const TRIM_MARGIN_MS: u32 = 10;

/// Remove leading and trailing silence from a mono clip, keeping a short margin.
/// A clip that is silent throughout becomes empty.
pub fn trim_silence(samples: &mut Vec<f32>, rate: u32) {
    let margin = (rate * TRIM_MARGIN_MS / 1000) as usize;
    let Some(first) = samples.iter().position(|s| s.abs() > SILENCE) else {
        samples.clear();
        return;
    };
    let last = samples
        .iter()
        .rposition(|s| s.abs() > SILENCE)
        .unwrap_or(first);
    let end = (last + 1 + margin).min(samples.len());
    let start = first.saturating_sub(margin);
    samples.truncate(end);
    samples.drain(..start);
    fade_edges(samples, rate);
}

/// Length of the fades at a trimmed clip's edges: the cut may fall on a
/// non-zero sample, and a step there is a click.
const EDGE_FADE_MS: u32 = 5;

/// Fade the first and last few milliseconds in and out (linear).
pub fn fade_edges(samples: &mut [f32], rate: u32) {
    let n = ((rate * EDGE_FADE_MS / 1000) as usize).min(samples.len() / 2);
    let len = samples.len();
    for i in 0..n {
        let g = i as f32 / n as f32;
        samples[i] *= g;
        samples[len - 1 - i] *= g;
    }
}

/// Root mean square of a run of samples.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}

/// The level of speech in `samples`: the RMS of its 10 ms windows louder
/// than -45 dBFS (pauses between words do not pull it down). None when no
/// window is that loud.
pub fn active_rms(samples: &[f32], rate: u32) -> Option<f32> {
    let window = (rate as usize / 100).max(1);
    let gate = 10f32.powf(-45.0 / 20.0);
    let (mut energy, mut n) = (0.0f64, 0usize);
    for w in samples.chunks(window) {
        let r = rms(w);
        if r > gate {
            energy += f64::from(r * r) * w.len() as f64;
            n += w.len();
        }
    }
    (n > 0).then(|| (energy / n as f64).sqrt() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_rms_ignores_the_pauses() {
        let rate = 1000;
        let mut s = vec![0.5f32; 100];
        s.extend(vec![0.0; 900]);
        let a = active_rms(&s, rate).unwrap();
        assert!((a - 0.5).abs() < 1e-4, "{a}");
        assert!(active_rms(&vec![0.0; 100], rate).is_none());
    }

    #[test]
    fn trims_both_ends_with_margin() {
        let rate = 1000; // 10 ms margin = 10 samples
        let mut s = vec![0.0; 100];
        s.extend(vec![0.5; 50]);
        s.extend(vec![0.0; 100]);
        trim_silence(&mut s, rate);
        assert_eq!(s.len(), 70);
        assert_eq!(s[10], 0.5);
        // Faded in and out over 5 ms (5 samples at 1 kHz).
        assert_eq!(s[0], 0.0);
        assert_eq!(s[69], 0.0);
        assert_eq!(s[35], 0.5);
    }

    #[test]
    fn all_silence_becomes_empty() {
        let mut s = vec![0.001; 100];
        trim_silence(&mut s, 1000);
        assert!(s.is_empty());
    }

    #[test]
    fn downmix_averages() {
        let p = to_mono(Pcm {
            samples: vec![1.0, 0.0, 0.5, 0.5],
            rate: 8000,
            channels: 2,
        });
        assert_eq!(p.samples, vec![0.5, 0.5]);
    }
}
