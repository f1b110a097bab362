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
use super::{Backend, Limits, Price, Request, SynthError};
use crate::audio::Pcm;
use crate::text::lang::Language;
use crate::text::plan::Limit;

/// The engine: upstream eSpeak NG's master at this commit (after 1.52.0).
const ENGINE_VERSION: &str = "espeak-ng-c/1.53.0-dev+359f5f39";
/// The version of the data crates the voice data comes from, and of
/// podgen's one change to it (see [`deepen_third_tone`]).
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

/// Extract the data unless a complete copy is there.
fn ensure_data(cache_root: &Path, data_dir: &Path) -> Result<(), Arc<InstallError>> {
    if data_dir.join("phontab").is_file() {
        return Ok(());
    }
    install_data(cache_root, data_dir).map_err(|source| {
        Arc::new(InstallError {
            dir: data_dir.to_path_buf(),
            source,
        })
    })
}

/// Extract the bundled data into a fresh folder and rename it into place, so
/// that a crash never leaves a half-written data folder that looks complete.
fn install_data(cache_root: &Path, data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(cache_root)?;
    let staging = tempfile::Builder::new()
        .prefix(".espeak-ng-data-")
        .tempdir_in(cache_root)?;
    espeak_ng_data_phonemes::install(staging.path())?;
    espeak_ng_data_dict_en::install(staging.path())?;
    espeak_ng_data_dict_cmn::install(staging.path())?;
    let phontab = staging.path().join("phontab");
    let mut table = std::fs::read(&phontab)?;
    deepen_third_tone(&mut table);
    std::fs::write(&phontab, table)?;
    match std::fs::rename(staging.path(), data_dir) {
        Ok(()) => Ok(()),
        // Another podgen got there first: its copy is complete.
        Err(_) if data_dir.join("phontab").is_file() => Ok(()),
        Err(e) => Err(e),
    }
}

/// eSpeak NG draws Mandarin's full third tone (214) from pitch 18 to 42 on
/// its 0-50 scale, through a dip: a 3-2-4 contour, shallower than the
/// textbook 2-1-4, so that 马 barely dips below its start. podgen starts it
/// at 14 instead (the only change made to the upstream data; measured by
/// `tests/it/tones.rs`). The tone phonemes `214` and `3` of the `cmn` table are
/// patched where they hold upstream's values; any other data is left as it is.
fn deepen_third_tone(phontab: &mut [u8]) {
    const ENTRY: usize = 16; // sizeof(PHONEME_TAB)
    const NAME: usize = 32; // N_PHONEME_TAB_NAME
    let Some(&tables) = phontab.first() else {
        return;
    };
    let mut at = 4;
    for _ in 0..tables {
        let Some(header) = phontab.get(at..at + 4 + NAME) else {
            return;
        };
        let count = usize::from(header[0]);
        let is_cmn = header[4..].split(|&b| b == 0).next() == Some(b"cmn");
        at += 4 + NAME;
        let Some(entries) = phontab.get_mut(at..at + count * ENTRY) else {
            return;
        };
        if is_cmn {
            for e in entries.chunks_exact_mut(ENTRY) {
                let mnemonic = &e[..4];
                // start_type (pitch1) at byte 12, end_type (pitch2) at 13.
                if (mnemonic == b"214\0" || mnemonic == b"3\0\0\0") && e[12] == 18 && e[13] == 42 {
                    e[12] = 14;
                }
            }
        }
        at += count * ENTRY;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_tone_is_deepened_in_the_shipped_data_and_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        espeak_ng_data_phonemes::install(dir.path()).unwrap();
        let original = std::fs::read(dir.path().join("phontab")).unwrap();
        let mut patched = original.clone();
        deepen_third_tone(&mut patched);
        let changed: Vec<usize> = (0..original.len())
            .filter(|&i| original[i] != patched[i])
            .collect();
        // Two phonemes (214 and its alias 3), one byte each: 18 -> 14.
        assert_eq!(changed.len(), 2, "{changed:?}");
        for i in changed {
            assert_eq!((original[i], patched[i]), (18, 14));
        }
        // Patching twice changes nothing more.
        let again = {
            let mut p = patched.clone();
            deepen_third_tone(&mut p);
            p
        };
        assert_eq!(again, patched);
        // Truncated data is left alone, without a panic.
        let mut short = original[..100].to_vec();
        deepen_third_tone(&mut short);
        assert_eq!(short, original[..100]);
    }
}
