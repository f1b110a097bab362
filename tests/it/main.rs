//! podgen's integration tests: one binary (as ripgrep and uv build theirs),
//! so that the library is linked once, not once per file. Each module holds
//! one behaviour; `common` is the harness: a context that runs the real
//! binary in a scratch folder (with the mock TTS server when a test wants
//! one), builders that write scripts and configs, readers of the real files.
//! The harness also counts every allocation per thread
//! (`common::alloc`), which the fuzz tests bound.

#![warn(clippy::too_many_lines)]

mod common;

mod abbreviations;
mod architecture;
mod backends;
mod builtin_voice;
mod cache;
mod cache_keys;
mod chapter_times;
mod commands;
mod config_errors;
mod cover_art;
mod episode_page;
mod feed;
mod fuzz;
mod hostile_files;
mod hostile_text;
mod independent_meters;
mod interruption;
mod loudness;
mod misbehaving_servers;
mod mp3;
mod mp3_delivery;
mod normalize_each_language;
mod normalize_property;
mod output_folder;
mod production;
mod render_example;
mod request_pacing;
mod resource_limits;
mod script_errors;
mod secrets;
mod spoken_text;
mod tones;
mod voice_files;
mod voices_and_text;
