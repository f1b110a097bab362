//! The commands that look at a script, a config or the cache without
//! rendering: `podgen plan`, `podgen normalize`, `podgen voices` and
//! `podgen cache`.
//! (`podgen render` and `podgen validate` are [`crate::render`].)

pub mod cache;
pub mod normalize;
pub mod plan;
pub mod voices;
