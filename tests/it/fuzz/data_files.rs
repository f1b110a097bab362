//! Generators for damaged data files in the cache: clips and level
//! sidecars that `ClipStore::put` and `store_level` wrote, then mutated at
//! the byte level, swapped with another key's, or rewritten with a
//! recomputed checksum (what a careful forger, or a bug, would leave).
//! Nothing may panic; a clip the store hands back holds exactly the frames
//! it says, each sample finite and within ±64; a level is in (0, 64].

use std::path::Path;

use podgen::audio::MAX_SAMPLE_MAGNITUDE;
use podgen::speech::cache::{self, Clip, ClipReader, ClipStore};
use sha2::{Digest, Sha256};

use super::{fuzz, mutate_bytes, mutate_text};
use crate::common::Rng;

const RATE: u32 = 24_000;

/// Samples a clip may really hold, and the odd loud one.
fn samples(rng: &mut Rng, len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| match rng.below(50) {
            0 => 63.5,
            1 => -2.0,
            _ => ((i as f32) * 0.05).sin() * 0.5,
        })
        .collect()
}

/// A store in a temporary folder holding a few clips (mono and stereo),
/// each with its level sidecar; their keys and files as written.
struct Corpus {
    _dir: tempfile::TempDir,
    store: ClipStore,
    clips: Vec<(String, Clip, Vec<u8>, Vec<u8>)>,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    let store = ClipStore::open(dir.path(), RATE).unwrap();
    let mut rng = Rng(20);
    let mut clips = Vec::new();
    for (n, channels) in [1u16, 1, 2, 1].into_iter().enumerate() {
        let key = format!("{n:02x}{}", "5e".repeat(31));
        let frames = 1 + rng.below(600);
        let clip = store
            .put(
                &key,
                &samples(&mut rng, frames * usize::from(channels)),
                channels,
            )
            .unwrap();
        cache::store_level(&clip, [Some(0.25), None, Some(63.9), Some(1e-30)][n]).unwrap();
        let bytes = std::fs::read(&clip.path).unwrap();
        let level = std::fs::read(clip.path.with_extension("level")).unwrap();
        clips.push((key, clip, bytes, level));
    }
    Corpus {
        _dir: dir,
        store,
        clips,
    }
}

/// `bytes` (a clip of `key`) with its samples changed and its checksum made
/// again to match, as podgen seals one (`legacy`: over the samples alone,
/// as podgen did before clips were sealed with their keys).
fn forged(rng: &mut Rng, key: &str, bytes: &[u8], legacy: bool) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let data_end = b.len() - 40;
    for _ in 0..=rng.below(4) {
        let at = 44 + 4 * rng.below((data_end - 44) / 4);
        let bad: f32 = *rng.pick(&[
            f32::NAN,
            f32::INFINITY,
            -f32::INFINITY,
            64.001,
            -1e30,
            1e-40,
            64.0,
        ]);
        b[at..at + 4].copy_from_slice(&bad.to_le_bytes());
    }
    let mut digest = Sha256::new();
    if !legacy {
        digest.update(b"podgen-clip-2\n");
        digest.update(key.as_bytes());
        digest.update(b"\n");
    }
    digest.update(&b[44..data_end]);
    b[data_end + 8..].copy_from_slice(&digest.finalize());
    b
}

/// Every sample of `clip`, read as the mix reads it; its frame count must
/// be what the store said.
fn read_back(clip: &Clip) -> Vec<f32> {
    let mut reader = ClipReader::open(&clip.path).expect("a clip the store handed back opens");
    assert_eq!(reader.frames(), clip.frames, "{}", clip.path.display());
    let mut out = vec![0f32; clip.frames as usize * usize::from(clip.channels)];
    let mut done = 0;
    while done < out.len() {
        let n = reader.read_frames(&mut out[done..]).unwrap();
        assert!(n > 0, "the clip ended before its frames");
        done += n * usize::from(clip.channels);
    }
    out
}

fn assert_plausible(key: &str, samples: &[f32]) {
    if let Some(s) = samples
        .iter()
        .find(|s| !s.is_finite() || s.abs() > MAX_SAMPLE_MAGNITUDE)
    {
        panic!("the clip of {key} was used with the sample {s}");
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn damaged_clips() {
    let c = corpus();
    fuzz("cache-clips", |rng, input| {
        let (key, clip, bytes, level) = rng.pick(&c.clips);
        let other = &rng.pick(&c.clips).2;
        *input = match rng.below(6) {
            0 => forged(rng, key, bytes, false),
            1 => forged(rng, key, bytes, true),
            2 => other.clone(),
            _ => mutate_bytes(rng, bytes),
        };
        write(&clip.path, input);
        write(&clip.path.with_extension("level"), level);
        let got = c.store.get(key);
        if let Some(found) = &got {
            assert_eq!(found.channels, clip.channels, "{key}");
            assert_plausible(key, &read_back(found));
            if let Some(Some(l)) = cache::stored_level(found) {
                assert!(l > 0.0 && l <= MAX_SAMPLE_MAGNITUDE, "level {l}");
            }
        }
        // Put back for the next case.
        write(&clip.path, bytes);
        (input.len(), got.is_some())
    });
}

/// Levels no clip could have, and some it could.
const LEVEL_WORDS: &[&str] = &[
    "NaN", "nan", "inf", "-inf", "infinity", "1e30", "1e39", "-0", "0", "0.0", "64", "64.0001",
    "1e-45", "-1", "0x1p3", "+1", "1_0", "none", "None", "0.5", " ", "\n", "\0",
];

#[test]
fn damaged_level_sidecars() {
    let c = corpus();
    fuzz("cache-levels", |rng, input| {
        let (_, clip, _, level) = rng.pick(&c.clips);
        let text = String::from_utf8_lossy(level).into_owned();
        *input = match rng.below(3) {
            0 => mutate_bytes(rng, level),
            1 => mutate_text(rng, &text).into_bytes(),
            _ => {
                // The right format and checksum, another level.
                let mut words: Vec<&str> = text.split_whitespace().collect();
                words.truncate(2);
                words.push(*rng.pick(LEVEL_WORDS));
                format!("{}\n", words.join(" ")).into_bytes()
            }
        };
        let path = clip.path.with_extension("level");
        write(&path, input);
        let stored = cache::stored_level(clip);
        if let Some(Some(l)) = stored {
            assert!(
                l > 0.0 && l <= MAX_SAMPLE_MAGNITUDE,
                "{:?} gave the level {l}",
                String::from_utf8_lossy(input)
            );
        }
        write(&path, level);
        (input.len(), stored.is_some())
    });
}
