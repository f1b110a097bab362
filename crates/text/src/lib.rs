//! podgen's pure text work: the languages podgen reads, cutting text into
//! what one request speaks (paragraphs, pause markers, sentences, chunks),
//! the pronunciation lexicon and text normalisation (numbers, dates, money,
//! units, abbreviations) for Mandarin and English.
//!
//! No audio, no network, no files: text in, text out. Being a crate of its
//! own, the compiler holds it to that.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod duration;
pub mod escape;
pub mod lang;
pub mod speak;
pub mod split;
