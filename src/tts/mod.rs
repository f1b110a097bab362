//! Text to speech: one trait for every backend.
//!
//! A backend turns one segment's text into audio. What surrounds it (the
//! clip cache, retries, concurrency, resampling, trimming) is the same for
//! every backend and lives in [`crate::synthesize`]. Only this module talks
//! to the network.

pub mod builtin;
pub mod http;
pub mod template;

use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::audio::Pcm;
use crate::lang::Language;
use crate::plan::Limit;
use crate::voices::VoiceProfile;

/// One request: a segment's text and how to speak it.
pub struct Request<'a> {
    pub text: &'a str,
    /// The language the built-in voice reads it in.
    pub language: Language,
    /// The BCP-47 tag HTTP backends get as `{{language}}`.
    pub tag: &'a str,
    pub voice: &'a VoiceProfile,
    /// The neighbouring text, for backends that use it for continuity.
    pub previous_text: Option<&'a str>,
    pub next_text: Option<&'a str>,
}

/// Why a request failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthError {
    pub message: String,
    /// Worth retrying (429, 5xx, timeouts, resets, bad audio), and how long
    /// the server asked us to wait.
    pub transient: bool,
    pub retry_after: Option<Duration>,
    /// The server said there are too many requests in flight.
    pub too_many_concurrent: bool,
}

impl SynthError {
    pub fn fatal(message: impl Into<String>) -> Self {
        SynthError {
            message: message.into(),
            transient: false,
            retry_after: None,
            too_many_concurrent: false,
        }
    }

    pub fn transient(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        SynthError {
            message: message.into(),
            transient: true,
            retry_after,
            too_many_concurrent: false,
        }
    }
}

/// A speech engine or service.
pub trait Backend: Send + Sync {
    /// A stable description of everything about the backend that changes the
    /// audio (engine and data version, endpoint, body shape, model). Part of
    /// cache keys; it never contains secrets.
    fn identity(&self) -> String;

    /// The longest text one request may carry.
    fn limit(&self) -> Limit;

    /// Requests in flight at once.
    fn concurrency(&self) -> usize {
        1
    }

    /// Characters of neighbouring text to send for continuity (0: none).
    fn context_chars(&self) -> usize {
        0
    }

    /// Speak one request.
    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>>;
}
