//! The MP3's delivery policy on its own: a first encode of the WAV as it
//! is, then corrections until the MP3 as decoded reads the targets (the
//! loudness within 0.1 LU, the true peak under the ceiling), and only the
//! MP3 delivered is left beside the WAV.

use std::path::Path;
use std::sync::Arc;

use podgen::audio::mp3::{self, Job, Pass};
use podgen::audio::no_progress;
use podgen::input::settings::Targets;
use podgen::publish::mp3::{Delivery, Mp3Stats};

use crate::common::{Rng, wav_file};

const RATE: u32 = 44_100;

/// A 16-bit WAV at `path` of `channels`, sample by `f(frame, channel)`.
fn write_wav(path: &Path, channels: u16, frames: usize, mut f: impl FnMut(usize, u16) -> f32) {
    let mut data = Vec::with_capacity(frames * usize::from(channels) * 2);
    for i in 0..frames {
        for c in 0..channels {
            let x = (f(i, c) * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            data.extend(x.to_le_bytes());
        }
    }
    std::fs::write(path, wav_file(RATE, channels, 1, 16, &data)).unwrap();
}

/// Something like speech for the encoder: a 180 Hz voice and noise (a
/// bright top, which LAME's low-pass takes away) under a 4 Hz syllable
/// envelope.
fn speechy(seed: u64) -> impl FnMut(usize, u16) -> f32 {
    let mut rng = Rng(seed);
    move |i, _| {
        let noise = (rng.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0;
        let t = i as f32 / RATE as f32;
        let syllable = (std::f32::consts::TAU * 4.0 * t).sin().max(0.0);
        let voice = (std::f32::consts::TAU * 180.0 * t).sin();
        syllable * (0.5 * voice + 0.12 * noise)
    }
}

fn targets(dual_mono: bool) -> Targets {
    Targets {
        loudness_lufs: -16.0,
        true_peak_dbtp: -1.0,
        dual_mono,
    }
}

/// Encode the WAV as it is, and deliver it (corrected if it misses) to `mp3`.
fn deliver(wav: &Path, mp3: &Path, kbps: u32, channels: u16, targets: Targets) -> Mp3Stats {
    let job = Job {
        dest: mp3.to_path_buf(),
        tag: Arc::from(&b""[..]),
        kbps,
        rate: RATE,
        channels,
        dual_mono: targets.dual_mono,
    };
    let first = mp3::encode_pass(&job, wav, Pass::AS_IS, &no_progress).unwrap();
    let delivery = Delivery {
        job: &job,
        wav,
        targets,
        progress: &no_progress,
    };
    delivery.settle(first).unwrap()
}

#[test]
fn a_stereo_wav_encodes_to_a_two_channel_mp3_of_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let (wav, mp3) = (dir.path().join("s.wav"), dir.path().join("s.mp3"));
    let frames = 145_557;
    write_wav(&wav, 2, frames, |i, c| {
        let f = if c == 0 { 440.0 } else { 660.0 };
        0.3 * (std::f32::consts::TAU * f * i as f32 / RATE as f32).sin()
    });
    let stats = deliver(&wav, &mp3, 128, 2, targets(false));
    assert_eq!((stats.channels, stats.kbps), (2, 128));
    let pcm = podgen::audio::decode::decode_file(&mp3).unwrap();
    assert_eq!((pcm.rate, pcm.channels), (RATE, 2));
    assert_eq!(pcm.frames(), frames, "LAME's delay and padding are trimmed");
    // Joint stereo keeps the channels apart.
    let apart = pcm
        .samples
        .chunks(2)
        .map(|f| (f[0] - f[1]).abs())
        .sum::<f32>();
    assert!(apart / frames as f32 > 0.1, "{apart}");
    assert!((stats.lufs.unwrap() + 16.0).abs() <= 0.3, "{stats:?}");
    assert!(stats.true_peak_dbtp.unwrap() <= -1.0, "{stats:?}");
}

#[test]
fn a_miss_is_corrected_and_only_the_delivered_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (wav, mp3) = (dir.path().join("e.wav"), dir.path().join("e.mp3"));
    // About -17.5 LUFS, with clicks to -1.1 dBFS: LAME alone misses the
    // loudness, and the gain that corrects it needs the limiter.
    let mut speech = speechy(7);
    write_wav(&wav, 1, RATE as usize * 20, |i, c| {
        let click = i % 30_000 < 90;
        let tone = (std::f32::consts::TAU * 3000.0 * i as f32 / RATE as f32).sin();
        let s = speech(i, c);
        if click { 0.88 * tone } else { 0.84 * s }
    });
    let stats = deliver(&wav, &mp3, 96, 1, targets(false));
    eprintln!("{stats:?}");
    assert!(stats.passes >= 2, "{stats:?}");
    assert!(stats.limiter_ceiling_dbfs.is_some());
    let (lufs, tp) = mp3::measure(&mp3, 0, false, &no_progress).unwrap();
    assert_eq!((lufs, tp), (stats.lufs, stats.true_peak_dbtp));
    assert!((lufs.unwrap() + 16.0).abs() <= 0.3, "{stats:?}");
    assert!(tp.unwrap() <= -1.0, "{stats:?}");
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["e.mp3", "e.wav"]);
}

#[test]
fn dual_mono_aims_3_db_lower() {
    let dir = tempfile::tempdir().unwrap();
    let (wav, mp3) = (dir.path().join("d.wav"), dir.path().join("d.mp3"));
    write_wav(&wav, 1, RATE as usize * 12, speechy(3));
    let stats = deliver(&wav, &mp3, 96, 1, targets(true));
    let (as_dual, _) = mp3::measure(&mp3, 0, true, &no_progress).unwrap();
    let (single, _) = mp3::measure(&mp3, 0, false, &no_progress).unwrap();
    assert!((as_dual.unwrap() + 16.0).abs() <= 0.3, "{stats:?}");
    assert!((single.unwrap() - as_dual.unwrap() + 3.01).abs() < 0.05);
}

#[test]
fn silence_and_nothing_are_delivered_after_one_encode() {
    let dir = tempfile::tempdir().unwrap();
    let (wav, mp3) = (dir.path().join("z.wav"), dir.path().join("z.mp3"));
    write_wav(&wav, 1, 30_000, |_, _| 0.0);
    let stats = deliver(&wav, &mp3, 56, 1, targets(false));
    assert_eq!(
        (stats.passes, stats.lufs, stats.true_peak_dbtp),
        (1, None, None)
    );
    assert!(mp3.is_file());
    write_wav(&wav, 1, 0, |_, _| 0.0);
    let stats = deliver(&wav, &mp3, 96, 1, targets(false));
    assert_eq!((stats.passes, stats.lufs), (1, None));
}
