//! The synthesis stage: Plan → clips on disk.
//!
//! For every segment: look up the clip store; on a miss, ask the voice's
//! backend, bring the audio to the episode's rate and mono, trim its leading
//! and trailing silence, and store it. Stings are decoded and resampled the
//! same way (but not trimmed: the producer made them as they want them).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::audio::{decode, dsp, resample};
use crate::cache::{Clip, ClipStore};
use crate::error::{Failure, Result};
use crate::plan::Plan;
use crate::tts::Backend;
use crate::voices::VoiceProfile;

/// Bump when the processing after the backend changes (trim, resampler), so
/// that old clips are not reused for a different result.
const PROCESSING_VERSION: &str = "clip-v2";

/// One synthesized segment.
#[derive(Debug, Clone)]
pub struct SpeechClip {
    pub clip: Clip,
    pub cache_key: String,
    /// Found in the store, no request made.
    pub cached: bool,
    /// Requests made for it this run (0 when cached).
    pub attempts: u32,
}

/// The voices of a render and the backends that speak them.
pub struct Cast<'a> {
    pub voices: HashMap<String, VoiceProfile>,
    pub backends: HashMap<String, &'a dyn Backend>,
}

impl Cast<'_> {
    pub fn voice(&self, name: &str) -> &VoiceProfile {
        &self.voices[name]
    }

    pub fn backend_of(&self, name: &str) -> &dyn Backend {
        self.backends[&self.voices[name].backend]
    }
}

/// The cache key of a segment: everything that changes its audio.
pub fn speech_key(
    backend: &dyn Backend,
    voice: &VoiceProfile,
    language: &str,
    text: &str,
    rate: u32,
) -> String {
    let voice_json =
        serde_json::to_string(&(&voice.variant, voice.pitch, voice.speed)).expect("plain data");
    crate::hash::fields(&[
        PROCESSING_VERSION.as_bytes(),
        backend.identity().as_bytes(),
        voice_json.as_bytes(),
        language.as_bytes(),
        text.as_bytes(),
        &rate.to_le_bytes(),
    ])
}

/// Synthesize every segment of `plan`, in parallel on `workers` threads,
/// and return the clips in plan order. `progress` is told of each finished one.
pub fn speech(
    plan: &Plan,
    cast: &Cast,
    store: &ClipStore,
    rate: u32,
    workers: usize,
    progress: &(dyn Fn(usize, &SpeechClip) + Sync),
) -> Result<Vec<SpeechClip>> {
    let n = plan.segments.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<SpeechClip>>> = Mutex::new(vec![None; n]);
    let failure: Mutex<Option<Failure>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    if failure.lock().expect("lock").is_some() {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return;
                    }
                    match one_segment(plan, i, cast, store, rate) {
                        Ok(clip) => {
                            progress(i, &clip);
                            results.lock().expect("lock")[i] = Some(clip);
                        }
                        Err(f) => {
                            failure.lock().expect("lock").get_or_insert(f);
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(f) = failure.into_inner().expect("lock") {
        return Err(f);
    }
    Ok(results
        .into_inner()
        .expect("lock")
        .into_iter()
        .map(|c| c.expect("every segment done"))
        .collect())
}

fn one_segment(
    plan: &Plan,
    i: usize,
    cast: &Cast,
    store: &ClipStore,
    rate: u32,
) -> Result<SpeechClip> {
    let seg = &plan.segments[i];
    let voice = cast.voice(&seg.voice);
    let backend = cast.backend_of(&seg.voice);
    let key = speech_key(backend, voice, seg.language.tag(), &seg.text, rate);
    if let Some(clip) = store.get(&key) {
        return Ok(SpeechClip {
            clip,
            cache_key: key,
            cached: true,
            attempts: 0,
        });
    }
    let where_ = || {
        format!(
            "{} (voice {:?}, backend {})",
            plan.describe(i),
            seg.voice,
            voice.backend
        )
    };
    let pcm = backend
        .synthesize(&seg.text, seg.language, voice)
        .map_err(|e| Failure::runtime(format!("{}: synthesis failed: {e}", where_())))?;
    let pcm = resample::to_rate(dsp::to_mono(pcm), rate)
        .map_err(|e| Failure::runtime(format!("{}: {e}", where_())))?;
    let mut samples = pcm.samples;
    dsp::trim_silence(&mut samples, rate);
    if samples.is_empty() {
        return Err(Failure::runtime(format!(
            "{}: the backend returned only silence for {:?}",
            where_(),
            seg.text
        )));
    }
    let clip = store
        .put(&key, &samples)
        .map_err(|e| Failure::runtime(format!("{}: cannot store the clip: {e}", where_())))?;
    Ok(SpeechClip {
        clip,
        cache_key: key,
        cached: false,
        attempts: 1,
    })
}

/// Decode a sting file, mix it to mono at `rate` and store it.
pub fn sting(path: &Path, store: &ClipStore, rate: u32) -> Result<Clip> {
    let fail = |e: String| Failure::runtime(format!("sting {}: {e}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let key = crate::hash::fields(&[
        b"sting",
        PROCESSING_VERSION.as_bytes(),
        &bytes,
        &rate.to_le_bytes(),
    ]);
    if let Some(clip) = store.get(&key) {
        return Ok(clip);
    }
    let pcm = decode::decode_bytes(bytes).map_err(fail)?;
    let pcm = resample::to_rate(dsp::to_mono(pcm), rate).map_err(fail)?;
    store
        .put(&key, &pcm.samples)
        .map_err(|e| fail(format!("cannot store: {e}")))
}
