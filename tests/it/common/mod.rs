//! The harness the integration tests share (as uv's `TestContext` is):
//! [`Scratch`], a context that owns a scratch folder, the mock TTS server
//! and the environment, and runs the real `podgen` binary there
//! ([`Scratch::cmd`]); builders that write scripts ([`Script`]) and configs
//! ([`Config`]) in one place; readers of what podgen wrote ([`Episode`]);
//! the checks every failing command must pass ([`checks`]); a server that
//! misbehaves as the mock does not ([`RawServer`]); the external programs
//! some tests need, skipped in the open when missing ([`tools`]); meters
//! and file makers written here, independent of podgen.

use std::ops::Range;
use std::path::PathBuf;

use serde_json::Value;

pub mod alloc;
pub mod checks;
mod config;
mod context;
mod fields;
mod files;
mod meter;
mod rng;
mod script;
mod servers;
pub mod tools;

pub use checks::{assert_fails, assert_no_leftovers};
pub use config::{Backend, Config, Voice};
pub use context::{Episode, Podgen, Scratch, example_episode, render_example, stderr, stdout};
pub use fields::{Document, Fields, Spoken};
pub use files::{
    clip_count, crc32, png, read_json, read_wav, tone_f32_with_nan, tone_s16, walk, wav_file,
};
pub use meter::{active_dbfs, dbfs, integrated_lufs, integrated_lufs_interleaved, rms};
pub use rng::Rng;
pub use script::{Item, Script, TWO_ITEMS, line};
pub use servers::{RawServer, respond};

/// The episode's sample rate unless a config says otherwise.
pub const RATE: u32 = 44_100;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The podgen binary under test: this build's, or `PODGEN_TEST_BIN` (to run
/// a suite against an older build and see its tests fail there).
pub fn bin() -> PathBuf {
    std::env::var_os("PODGEN_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_podgen")))
}

/// The example episode's script.
pub fn example() -> PathBuf {
    root().join("examples/ai-weekly-2024-06-2.yaml")
}

/// A JSON array's elements (render.json's `segments`, `chapters`…); a
/// panic when `v` is not an array.
pub fn array(v: &Value) -> &[Value] {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The samples a render.json entry covers: `start_sample..end_sample`.
pub fn span(v: &Value) -> Range<usize> {
    let at = |key: &str| v[key].as_u64().unwrap() as usize;
    at("start_sample")..at("end_sample")
}
