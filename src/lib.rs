//! podgen: turn a digest script (issue.yaml) into a finished podcast episode.
//!
//! One module per pipeline stage, data flowing one way; ARCHITECTURE.md
//! draws the whole picture:
//!
//! ```text
//! issue.yaml ─script→ Script ─plan→ Plan ─synthesize→ clips ─timeline→ Timeline ─master→ WAV ─publish→ files
//!              config, voices ↗        ↑ tts::Backend (+ cache)
//! ```
//!
//! [`render::render`] runs the stages in order; [`prepare`] is everything
//! before the first request.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod audio;
pub mod cache;
pub mod commands;
pub mod config;
pub mod cover;
pub mod error;
pub mod feed;
pub mod hash;
pub mod lang;
pub mod master;
pub mod mix;
pub mod mock;
pub mod plan;
pub mod prepare;
pub mod progress;
pub mod publish;
pub mod render;
pub mod script;
pub mod speak;
pub mod synthesize;
pub mod timeline;
pub mod tts;
pub mod voices;
