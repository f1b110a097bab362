//! What the user writes: the issue script, podgen.yaml, the voice profiles
//! in `voices/`, and the cover art, each loaded and checked with the file,
//! line and column of every mistake.

pub mod config;
pub mod cover;
pub mod script;
pub mod settings;
pub mod voices;
