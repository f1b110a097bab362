//! podgen: turn a digest script (issue.yaml) into a finished podcast episode.
//!
//! A folder per pipeline stage, data flowing one way; ARCHITECTURE.md
//! draws the whole picture:
//!
//! ```text
//! cli ─▶ input ─▶ text ─▶ speech ─▶ sound ─▶ publish
//!        (script, config, voices, settings) (plan) (backends, cache) (timeline, mix, master) (files)
//! ```
//!
//! Below them all, two crates of their own: [`audio`] (samples and bytes
//! in, samples and bytes out) and `podgen-text` (languages, the lexicon and
//! normalisation), re-exported as [`text::lang`] and [`text::speak`].
//! [`cli::render::render`] runs the stages in order.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub use podgen_audio as audio;

pub mod cli;
pub mod error;
pub mod hash;
pub mod input;
pub mod mock;
pub mod publish;
pub mod sound;
pub mod speech;
pub mod text;
