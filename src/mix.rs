//! The mix: every frame of the episode, block by block, from the timeline's
//! speech layer (clips and pauses, each voice panned) and the cues laid over
//! it (stings and music beds, with their fades, ducked under speech).
//!
//! Only the current block and one open reader per sounding clip are in
//! memory, so memory does not grow with the episode's length.

use serde::Serialize;

/// How beds (and stings that overlap speech) go down under speech, in
/// samples. The duck is planned from the timeline, which knows where every
/// clip of speech sits before a sample is mixed: it starts `attack` before
/// the first syllable and is at full depth when the voice starts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ducking {
    /// How far down, in dB.
    pub depth_db: f32,
    /// The ramp down, ending where speech starts.
    pub attack: u64,
    /// The ramp back up, starting where speech ends.
    pub release: u64,
    /// Gaps in speech shorter than this stay ducked.
    pub hold: u64,
}

impl Ducking {
    /// The default depth: 15 dB, enough for a bed to sit under a voice
    /// without masking it.
    pub const DEPTH_DB: f32 = 15.0;
}
