//! The built-in voice: the C eSpeak NG engine (vendored, see
//! `vendor/espeak-ng/VENDORED.md`), in process, with its Mandarin (full
//! dictionary) and English data compiled into the binary. No server, no
//! key, no network.
//!
//! It is a preview voice: robotic but intelligible, with Mandarin tones
//! (and third-tone sandhi) from eSpeak NG's own tone rules.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;

use super::espeak::{ENGINE, Voice};
use super::voice_data;
use super::{Backend, Limits, Price, Request, SynthError};
use crate::audio::Pcm;
use crate::text::lang::Language;
use crate::text::plan::Limit;

/// The engine: upstream eSpeak NG's master at this commit (after 1.52.0).
const ENGINE_VERSION: &str = "espeak-ng-c/1.53.0-dev+359f5f39";
/// The version of the data crates the voice data comes from, and of
/// podgen's one change to it (see [`voice_data`]).
const DATA_VERSION: &str = "0.2.0-tone3";

/// Pitch range for Mandarin (eSpeak's scale: 50 is the voice's own, 100
/// twice that). Tones are pitch contours: a wider range makes the four of
/// them easier to tell apart.
const MANDARIN_RANGE: u32 = 100;
/// Pitch range for English: the voice's own.
const ENGLISH_RANGE: u32 = 50;

/// The engine's default speaking rate in words per minute.
const BASE_RATE_WPM: f32 = 165.0;

/// Sentences longer than this are split before synthesis: the engine has no
/// hard limit, but short clips keep memory small and pauses natural.
const MAX_CHARS: usize = 400;

/// The built-in voice. Its data is extracted under the cache folder the
/// first time it speaks, so that commands that only look (validate, plan,
/// voices) write nothing.
pub struct Builtin {
    cache_root: PathBuf,
    data_dir: PathBuf,
    /// The outcome of extracting the data, once.
    installed: Arc<OnceLock<Result<(), Arc<InstallError>>>>,
}

/// The bundled data could not be put in place.
#[derive(Debug, thiserror::Error)]
#[error("cannot install the built-in voice data in {}: {source}", dir.display())]
pub struct InstallError {
    /// Where it was to go.
    pub dir: PathBuf,
    /// What went wrong.
    #[source]
    pub source: std::io::Error,
}

impl Builtin {
    /// The engine, keeping its bundled data under `cache_root`.
    pub fn new(cache_root: &Path) -> Self {
        Builtin {
            cache_root: cache_root.to_path_buf(),
            data_dir: cache_root.join(format!("espeak-ng-data-{DATA_VERSION}")),
            installed: Arc::new(OnceLock::new()),
        }
    }
}

/// Extract the data unless a whole copy is there (see [`voice_data`]).
fn ensure_data(cache_root: &Path, data_dir: &Path) -> Result<(), Arc<InstallError>> {
    voice_data::ensure(cache_root, data_dir).map_err(|source| {
        Arc::new(InstallError {
            dir: data_dir.to_path_buf(),
            source,
        })
    })
}

fn engine_language(language: Language) -> &'static str {
    match language {
        Language::Mandarin => "cmn",
        Language::EnglishUs => "en-us",
        Language::EnglishGb => "en",
    }
}

impl Backend for Builtin {
    fn identity(&self) -> String {
        format!("builtin:{ENGINE_VERSION}+data-{DATA_VERSION}")
    }

    fn describe(&self) -> String {
        "built-in voice (eSpeak NG, Mandarin and English, in process)".into()
    }

    fn limits(&self) -> Limits {
        Limits {
            // A deterministic engine: what failed once fails again.
            max_attempts: 1,
            // One engine per process (it keeps its state in globals).
            ..Limits::new(Limit::chars(MAX_CHARS), 1)
        }
    }

    fn price(&self) -> Price {
        Price::Free
    }

    fn speaks(&self, tag: &str) -> bool {
        Language::from_tag(tag).is_some()
    }

    fn cannot_read(&self, text: &str) -> Option<String> {
        crate::text::lang::foreign_script(text)
            .map(|(script, c)| format!("{script} script (first at {c:?})"))
    }

    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>> {
        let mut name = engine_language(req.language).to_string();
        if let Some(v) = &req.voice.variant {
            name = format!("{name}+{v}");
        }
        let rate = (BASE_RATE_WPM * req.voice.speed).round().clamp(80.0, 450.0) as u32;
        let pitch = req.voice.pitch.unwrap_or(50);
        let range = if req.language.is_chinese() {
            MANDARIN_RANGE
        } else {
            ENGLISH_RANGE
        };
        let (cache_root, data_dir) = (self.cache_root.clone(), self.data_dir.clone());
        let installed = self.installed.clone();
        let text = req.text.to_string();
        // The engine is CPU-bound: run it off the async workers.
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                installed
                    .get_or_init(|| ensure_data(&cache_root, &data_dir))
                    .clone()
                    .map_err(|e| SynthError::fatal(e.to_string()))?;
                let voice = Voice {
                    name: &name,
                    rate,
                    pitch,
                    range,
                };
                // A poisoned lock only means another synthesis panicked; the
                // engine itself holds no Rust state that could be broken.
                let mut engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
                let (samples, rate) = engine
                    .synthesize(&data_dir, &voice, &text)
                    .map_err(|e| SynthError::fatal(format!("built-in voice {name}: {e}")))?;
                Ok(Pcm::from_i16_mono(&samples, rate))
            })
            .await
            .map_err(|e| SynthError::fatal(format!("the built-in voice stopped: {e}")))?
        })
    }
}
