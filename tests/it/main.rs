//! podgen's integration tests: one binary (as ripgrep and uv build theirs),
//! so that the library is linked once, not once per file. Each module holds
//! one behaviour; `common` is the harness: run the real binary in a scratch
//! folder, write scripts and configs, read back the real files.
//! The harness also counts every allocation per thread
//! (`common::alloc`), which the fuzz tests bound.

mod common;

mod abbreviations;
mod architecture;
mod backends;
mod builtin_voice;
mod cache_keys;
mod chapter_times;
mod commands;
mod cover_art;
mod episode_page;
mod feed;
mod fuzz;
mod hostile;
mod independent_meters;
mod loudness;
mod mp3;
mod normalize_each_language;
mod mp3_delivery;
mod normalize_property;
mod production;
mod render_example;
mod resilience;
mod script_errors;
mod spoken_text;
mod tones;
mod voice_files;
mod voices_and_text;
