//! What the user writes: the issue script, podgen.yaml, the voice profiles
//! in `voices/`, and the cover art, each loaded and checked with the file,
//! line and column of every mistake, and the settings resolved from them.

pub mod bounds;
pub mod chars;
pub mod config;
pub mod cover;
pub mod durations;
pub mod script;
pub mod settings;
pub mod voices;
pub mod yaml;
