//! Levelling: every speech clip brought to one speech level before the
//! episode gain, so that voices from different backends, and loud and soft
//! sentences of one, sit together. Stings and beds are set against the same
//! level ([`crate::sound::sounds`]).

use crate::audio::dsp;
use crate::speech::cache::{self, Clip};
use crate::speech::synthesize::SpeechClip;
use crate::text::plan::Plan;

/// The speech level every clip is brought to before the episode gain: the
/// active RMS (see [`dsp::active_rms`]) of a newsreader's voice at about
/// -16 LUFS. Only the level relative to stings matters; the master sets the
/// episode's loudness.
pub const SPEECH_LEVEL_DBFS: f32 = -20.0;

/// The most a clip is raised or lowered by levelling, in dB: enough for
/// backends 10 dB apart, not enough to lift breath noise into speech.
pub const MAX_LEVEL_DB: f32 = 15.0;

/// A linear gain per plan segment that brings every speech clip to
/// [`SPEECH_LEVEL_DBFS`], so that voices from different backends, and loud
/// and soft sentences of one, sit at one level (English spans inside
/// Mandarin included). All 1 when `levelling` is off.
pub fn level_gains(
    plan: &Plan,
    speech: &[SpeechClip],
    rate: u32,
    levelling: bool,
) -> std::io::Result<Vec<f32>> {
    let mut gains = vec![1.0f32; plan.segments.len()];
    if !levelling {
        return Ok(gains);
    }
    let target = 10f32.powf(SPEECH_LEVEL_DBFS / 20.0);
    let limit = 10f32.powf(MAX_LEVEL_DB / 20.0);
    for (gain, clip) in gains.iter_mut().zip(speech) {
        if let Some(level) = clip_level(&clip.clip, rate)? {
            *gain = (target / level).clamp(1.0 / limit, limit);
        }
    }
    Ok(gains)
}

/// A clip's speech level: measured when the clip was made and kept beside
/// it, or (a clip from an older podgen, a lost sidecar) measured now and kept.
fn clip_level(clip: &Clip, rate: u32) -> std::io::Result<Option<f32>> {
    if let Some(level) = cache::stored_level(clip) {
        return Ok(level);
    }
    let mut r = cache::ClipReader::open(&clip.path)?;
    let mut samples = vec![0.0; r.frames() as usize * r.channels()];
    r.read_frames(&mut samples)?;
    let level = dsp::active_rms(&samples, rate);
    // A sidecar not written (a read-only cache) only costs this read next time.
    let _ = cache::store_level(clip, level);
    Ok(level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::cache::ClipStore;

    #[test]
    fn levels_come_from_the_sidecar_and_a_bad_one_is_measured_again() {
        let rate = 16_000;
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), rate).unwrap();
        let samples: Vec<f32> = (0..rate as usize)
            .map(|i| 0.3 * (i as f32 * 0.07).sin() * if i % 4000 < 2500 { 1.0 } else { 0.001 })
            .collect();
        let clip = store.put(&crate::hash::hex(b"level"), &samples, 1).unwrap();
        // What levelling measured before sidecars: the whole clip read back.
        let expected = dsp::active_rms(&cache::read_clip(&clip.path).unwrap(), rate);
        assert!(expected.is_some());
        let sidecar = clip.path.with_extension("level");
        // Missing (a clip from an older podgen): measured, and kept.
        assert_eq!(clip_level(&clip, rate).unwrap(), expected);
        assert_eq!(cache::stored_level(&clip), Some(expected));
        let kept = std::fs::read_to_string(&sidecar).unwrap();
        // A hit believes its sidecar: the clip is not read again.
        let planted = kept.replace(&expected.unwrap().to_string(), "0.5");
        std::fs::write(&sidecar, &planted).unwrap();
        assert_eq!(clip_level(&clip, rate).unwrap(), Some(0.5));
        // Damaged, or tied to another clip's checksum: measured again.
        for bad in [
            "garbage",
            &planted.replacen("podgen-level-1 ", "podgen-level-1 00", 1),
        ] {
            std::fs::write(&sidecar, bad).unwrap();
            assert_eq!(clip_level(&clip, rate).unwrap(), expected);
            assert_eq!(std::fs::read_to_string(&sidecar).unwrap(), kept);
        }
        // A silent clip's "no level" is kept too.
        let silent = store
            .put(&crate::hash::hex(b"silent"), &[0.0; 800], 1)
            .unwrap();
        assert_eq!(clip_level(&silent, rate).unwrap(), None);
        assert_eq!(cache::stored_level(&silent), Some(None));
    }
}
