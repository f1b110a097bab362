//! podgen: turn a digest script (issue.yaml) into a finished podcast episode.
//!
//! One module per pipeline stage, data flowing one way (DESIGN.md section 5):
//!
//! ```text
//! issue.yaml ─script→ Script ─plan→ Plan ─synthesize→ clips ─timeline→ Timeline ─master→ WAV ─publish→ files
//!                                          ↑ tts::Backend (+ cache)
//! ```

pub mod audio;
pub mod cache;
pub mod config;
pub mod error;
pub mod estimate;
pub mod hash;
pub mod lang;
pub mod listing;
pub mod master;
pub mod mock;
pub mod plan;
pub mod progress;
pub mod publish;
pub mod render;
pub mod script;
pub mod synthesize;
pub mod timeline;
pub mod transcript;
pub mod tts;
pub mod voices;
