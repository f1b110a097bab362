//! Text to speech: one trait for every backend, and one function that builds
//! a backend from its config entry.
//!
//! A backend turns one segment's text into audio and declares its limits
//! (text per request, requests in flight, requests per window, attempts).
//! What surrounds it — the clip cache, pacing, retries, resampling,
//! trimming — is the same for every backend and lives in
//! [`crate::speech::synthesize`], which reads the limits from [`Backend::limits`].
//! Only this module talks to the network.
//!
//! A new kind of backend is a new implementation of [`Backend`] and one arm
//! in [`build`]; a new HTTP preset is one row of the preset table,
//! `input/config/backend/presets.rs`: the config resolves and checks a
//! backend's settings, and [`http`] sends what they describe.

pub mod builtin;
pub mod espeak;
pub mod http;
pub mod redact;
mod voice_data;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::audio::Pcm;
use crate::input::config::BackendEntry;
pub use crate::input::config::Price;
pub use crate::input::config::backend::{DEFAULT_MAX_ATTEMPTS, DEFAULT_SEGMENT_BUDGET};
use crate::input::voices::VoiceProfile;
use crate::text::lang::Language;
use crate::text::plan::Limit;

/// One request: a segment's text and how to speak it.
pub struct Request<'a> {
    /// What to say.
    pub text: &'a str,
    /// The same as SSML with phonemes, when the lexicon gave IPA.
    pub ssml: Option<&'a str>,
    /// The language the built-in voice reads it in.
    pub language: Language,
    /// The BCP-47 tag HTTP backends get as `{{language}}`.
    pub tag: &'a str,
    /// The voice that speaks it.
    pub voice: &'a VoiceProfile,
    /// The end of the previous segment, for backends that use it for continuity.
    pub previous_text: Option<&'a str>,
    /// The start of the next segment, likewise.
    pub next_text: Option<&'a str>,
}

/// Why a request failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    /// Trying again cannot help: a 4xx other than 408/429, a request that
    /// cannot be built, a voice the backend does not have.
    #[error("{0}")]
    Fatal(String),
    /// Worth retrying (408, 5xx, timeouts, resets, truncated, silent or
    /// implausible audio), after `retry_after` when the server asked for it.
    #[error("{message}")]
    Transient {
        /// What went wrong, secrets masked.
        message: String,
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
    /// 429 saying too many requests are in flight: retry, and send fewer at once.
    #[error("{message}")]
    TooManyConcurrent {
        /// The server's words, secrets masked.
        message: String,
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
}

impl SynthError {
    /// A failure that retrying cannot mend.
    pub fn fatal(message: impl Into<String>) -> Self {
        SynthError::Fatal(message.into())
    }

    /// A failure worth retrying.
    pub fn transient(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        SynthError::Transient {
            message: message.into(),
            retry_after,
        }
    }

    /// What went wrong, in words.
    pub fn message(&self) -> &str {
        match self {
            SynthError::Fatal(m)
            | SynthError::Transient { message: m, .. }
            | SynthError::TooManyConcurrent { message: m, .. } => m,
        }
    }

    /// The same error with its message rewritten (to mask secrets).
    pub fn map_message(mut self, f: impl FnOnce(&str) -> String) -> Self {
        let (SynthError::Fatal(m)
        | SynthError::Transient { message: m, .. }
        | SynthError::TooManyConcurrent { message: m, .. }) = &mut self;
        *m = f(m);
        self
    }

    /// Whether another attempt may succeed.
    pub fn is_transient(&self) -> bool {
        !matches!(self, SynthError::Fatal(_))
    }

    /// How long the server asked us to wait before the next attempt.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SynthError::Fatal(_) => None,
            SynthError::Transient { retry_after, .. }
            | SynthError::TooManyConcurrent { retry_after, .. } => *retry_after,
        }
    }
}

/// The limits a backend declares; [`crate::speech::synthesize`] keeps them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The longest text one request may carry (the planner cuts to it).
    pub text: Limit,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests allowed to start per `rate_window` (None: no limit).
    pub requests_per_window: Option<u32>,
    /// The window `requests_per_window` counts over.
    pub rate_window: Duration,
    /// Requests per segment before a transient failure is final.
    pub max_attempts: u32,
    /// Characters of neighbouring text to send for continuity (0: none).
    pub context_chars: usize,
    /// The most time one segment may take, retries and waits included.
    pub segment_budget: Duration,
}

impl Limits {
    /// `text` per request and `concurrency` in flight; no rate limit, the
    /// default attempts, no context.
    pub fn new(text: Limit, concurrency: usize) -> Self {
        Limits {
            text,
            concurrency: concurrency.max(1),
            requests_per_window: None,
            rate_window: Duration::from_secs(60),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            context_chars: 0,
            segment_budget: DEFAULT_SEGMENT_BUDGET,
        }
    }
}

/// A speech engine or service.
pub trait Backend: Send + Sync {
    /// A stable description of everything about the backend that changes the
    /// audio (engine and data version, endpoint, body shape, model). Part of
    /// cache keys; it never contains secrets.
    fn identity(&self) -> String;

    /// A one-line description for `podgen voices`; secrets masked.
    fn describe(&self) -> String;

    /// The limits podgen keeps around this backend.
    fn limits(&self) -> Limits;

    /// What a request costs.
    fn price(&self) -> Price;

    /// Whether the backend can read text tagged `tag` (BCP-47).
    fn speaks(&self, _tag: &str) -> bool {
        true
    }

    /// Why the backend cannot read `text`, if it cannot (a script it does
    /// not know); asked before anything is synthesized.
    fn cannot_read(&self, _text: &str) -> Option<String> {
        None
    }

    /// Whether requests carry [`Request::ssml`] (phonemes from the lexicon):
    /// only then does an IPA edit make a new clip.
    fn takes_ssml(&self) -> bool {
        false
    }

    /// Speak one request.
    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>>;
}

/// Whether environment variables a backend's config names must be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// Rendering: an unset variable is an error.
    Required,
    /// Looking only (`podgen plan`, `podgen voices`): an unset variable is
    /// expanded to nothing and reported in [`Built::unset`].
    Optional,
}

/// A backend built from its config entry.
pub struct Built {
    /// The backend, ready to take requests.
    pub backend: Arc<dyn Backend>,
    /// Environment variables the config names that are not set (only with
    /// [`Keys::Optional`]; with [`Keys::Required`] they are an error).
    pub unset: Vec<String>,
}

/// Why a backend could not be built from its settings. Everything the
/// config says was checked when it was loaded; these are what only the
/// environment decides.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// An environment variable the config names is not set.
    #[error("backend {backend:?}: environment variable {variable} is not set")]
    Unset {
        /// The backend's name in the config.
        backend: String,
        /// The variable.
        variable: String,
    },
    /// The URL, with the environment's values filled in, cannot be requested.
    #[error("backend {backend:?}: {problem}")]
    Url {
        /// The backend's name in the config.
        backend: String,
        /// Why not.
        #[source]
        problem: crate::input::config::backend::FillProblem,
    },
    /// The HTTP client cannot be made (no TLS backend, say).
    #[error("backend {backend:?}: cannot build an HTTP client: {source}")]
    Client {
        /// The backend's name in the config.
        backend: String,
        /// What reqwest says.
        #[source]
        source: reqwest::Error,
    },
}

/// Build backend `name` from its config entry. The built-in voice keeps its
/// data under `cache_root`; `env` looks up environment variables.
pub fn build(
    name: &str,
    entry: BackendEntry<'_>,
    cache_root: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    keys: Keys,
) -> Result<Built, BuildError> {
    match entry {
        BackendEntry::Builtin => Ok(Built {
            backend: Arc::new(builtin::Builtin::new(cache_root)),
            unset: Vec::new(),
        }),
        BackendEntry::Http(settings) => {
            let spec = http::HttpSpec::build(name, settings, env)?;
            if keys == Keys::Required
                && let Some(variable) = spec.unset.first()
            {
                return Err(BuildError::Unset {
                    backend: name.to_string(),
                    variable: variable.clone(),
                });
            }
            let unset = spec.unset.clone();
            let backend = http::HttpBackend::new(spec)?;
            Ok(Built {
                backend: Arc::new(backend),
                unset,
            })
        }
    }
}
