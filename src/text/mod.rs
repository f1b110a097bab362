//! The text stage: planning (paragraphs, sentences, pause markers, chunks
//! that fit each backend's limit) over the pure text work of the
//! `podgen-text` crate: the languages, the lexicon and normalisation.

pub use podgen_text::{lang, speak};

pub mod plan;
