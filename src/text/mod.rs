//! The text stage: planning (a script into chapters and segments, each
//! chunk within its backend's limit) over the pure text work of the
//! `podgen-text` crate: the languages, splitting, the lexicon and
//! normalisation.

pub use podgen_text::{escape, lang, speak, split};

pub mod plan;
