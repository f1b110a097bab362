//! Text to speech: one trait for every backend.
//!
//! A backend turns one segment's text into audio. What surrounds it (the
//! clip cache, resampling, trimming) is the same for every backend and lives
//! in [`crate::synthesize`].

pub mod builtin;

use crate::audio::Pcm;
use crate::lang::Language;
use crate::plan::Limit;
use crate::voices::VoiceProfile;

/// A speech engine or service.
pub trait Backend: Send + Sync {
    /// A stable description of everything about the backend that changes the
    /// audio (engine and data version, model, endpoint). Part of cache keys.
    fn identity(&self) -> String;

    /// The longest text one request may carry.
    fn limit(&self) -> Limit;

    /// Speak `text` in `language` with `voice`.
    fn synthesize(
        &self,
        text: &str,
        language: Language,
        voice: &VoiceProfile,
    ) -> Result<Pcm, String>;
}
