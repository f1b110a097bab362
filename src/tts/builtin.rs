//! The built-in voice: the pure-Rust eSpeak NG port, in process, with its
//! Mandarin and English data compiled into the binary. No server, no key,
//! no network.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use espeak_ng::EspeakNg;
use futures_util::future::BoxFuture;

use super::{Backend, Limits, Price, Request, SynthError};
use crate::audio::Pcm;
use crate::lang::Language;
use crate::plan::Limit;

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
    installed: Arc<OnceLock<Result<(), String>>>,
}

impl Builtin {
    /// The engine, keeping its bundled data under `cache_root`.
    pub fn new(cache_root: &Path) -> Self {
        Builtin {
            cache_root: cache_root.to_path_buf(),
            data_dir: cache_root.join(format!("espeak-ng-data-{}", EspeakNg::version())),
            installed: Arc::new(OnceLock::new()),
        }
    }
}

/// Extract the data unless a complete copy is there.
fn ensure_data(cache_root: &Path, data_dir: &Path) -> Result<(), String> {
    if data_dir.join("phontab").is_file() {
        return Ok(());
    }
    install_data(cache_root, data_dir).map_err(|e| {
        format!(
            "cannot install the built-in voice data in {}: {e}",
            data_dir.display()
        )
    })
}

/// Extract the bundled data into a fresh folder and rename it into place, so
/// that a crash never leaves a half-written data folder that looks complete.
fn install_data(cache_root: &Path, data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(cache_root)?;
    let staging = tempfile::Builder::new()
        .prefix(".espeak-ng-data-")
        .tempdir_in(cache_root)?;
    espeak_ng::install_bundled_languages(staging.path(), espeak_ng::bundled_languages())?;
    match std::fs::rename(staging.path(), data_dir) {
        Ok(()) => Ok(()),
        // Another podgen got there first: its copy is complete.
        Err(_) if data_dir.join("phontab").is_file() => Ok(()),
        Err(e) => Err(e),
    }
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
        format!("builtin:espeak-ng-rs/{}", EspeakNg::version())
    }

    fn describe(&self) -> String {
        "built-in voice (eSpeak NG, Mandarin and English, in process)".into()
    }

    fn limits(&self) -> Limits {
        // CPU-bound: one synthesis per core.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Limits::new(Limit::chars(MAX_CHARS), cores)
    }

    fn price(&self) -> Price {
        Price::Free
    }

    fn speaks(&self, tag: &str) -> bool {
        Language::from_tag(tag).is_some()
    }

    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>> {
        let mut name = engine_language(req.language).to_string();
        if let Some(v) = &req.voice.variant {
            name = format!("{name}+{v}");
        }
        let rate = (BASE_RATE_WPM * req.voice.speed).round().clamp(80.0, 450.0) as u32;
        let pitch = req.voice.pitch.unwrap_or(50);
        let (cache_root, data_dir) = (self.cache_root.clone(), self.data_dir.clone());
        let installed = self.installed.clone();
        let text = req.text.to_string();
        // The engine is CPU-bound: run it off the async workers.
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                installed
                    .get_or_init(|| ensure_data(&cache_root, &data_dir))
                    .clone()
                    .map_err(SynthError::fatal)?;
                let engine = EspeakNg::builder()
                    .voice(&name)
                    .rate(rate)
                    .pitch(pitch)
                    .data_dir(&data_dir)
                    .build()
                    .map_err(|e| SynthError::fatal(format!("built-in voice {name}: {e}")))?;
                let (samples, rate) = engine
                    .synth(&text)
                    .map_err(|e| SynthError::fatal(format!("built-in voice {name}: {e}")))?;
                Ok(Pcm::from_i16_mono(&samples, rate))
            })
            .await
            .map_err(|e| SynthError::fatal(format!("the built-in voice stopped: {e}")))?
        })
    }
}
