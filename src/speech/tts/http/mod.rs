//! HTTP backends: every preset (openai, elevenlabs, azure, google, piper)
//! and the generic templated backend are this one implementation, driven by
//! the backend's [`HttpSettings`], resolved and checked when the config was
//! loaded. Here the environment is filled in, requests are sent
//! (`request.rs`) and answers read (`response.rs`); `identity.rs` spells
//! out the backend's part of cache keys.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::redact::Secrets;
use super::{Backend, BuildError, Limits, Price, Request, SynthError};
use crate::audio::Pcm;
use crate::audio::server_text::printable;
use crate::input::config::HttpSettings;
use crate::text::plan::Limit;

mod identity;
mod redirect;
mod request;
mod response;

pub use crate::input::config::backend::BodySpec;
pub use redirect::{Redirect, Refusal, judge as judge_redirect};
pub use response::retry_after;

/// An HTTP backend's settings with what the environment fills in: what its
/// requests are made from.
#[derive(Debug, Clone)]
pub struct HttpSpec {
    /// The backend's name in the config.
    pub name: String,
    /// Its settings, as the config resolved them.
    pub settings: HttpSettings,
    /// The URL template, environment filled in; placeholders are
    /// percent-encoded per request.
    pub url: String,
    /// Header templates (values may hold secrets).
    pub headers: Vec<(String, String)>,
    /// Query-string templates.
    pub query: Vec<(String, String)>,
    /// Environment variables the settings name that are not set.
    pub unset: Vec<String>,
    /// The API key, from the environment (None when the backend has none).
    api_key: Option<String>,
    /// Every value that came from the environment: masked in all messages.
    secrets: Secrets,
}

impl HttpSpec {
    /// Fill `settings` in from the environment (`env` looks a variable up).
    ///
    /// Variables that are not set expand to nothing and are listed in
    /// [`HttpSpec::unset`]; [`super::build`] decides whether that is an error.
    pub fn build(
        name: &str,
        settings: &HttpSettings,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, BuildError> {
        let filled = settings.fill(env).map_err(|problem| BuildError::Url {
            backend: name.to_string(),
            problem,
        })?;
        Ok(HttpSpec {
            name: name.to_string(),
            settings: settings.clone(),
            url: filled.url,
            headers: filled.headers,
            query: filled.query,
            unset: filled.found.unset,
            api_key: filled.api_key,
            secrets: Secrets::new(filled.found.secrets.iter().map(String::as_str)),
        })
    }

    /// The API key, when one is set.
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// Mask every secret in `s`, in the forms a server may echo it in
    /// (see [`super::redact`]).
    pub fn redact(&self, s: &str) -> String {
        self.secrets.redact(s)
    }

    /// A description for listings: method, URL, limits; secrets masked.
    pub fn describe(&self) -> String {
        let s = &self.settings;
        let mut d = format!("{} {}", s.method, self.redact(&self.url));
        if let Some(p) = s.preset {
            d = format!("preset {p}: {d}");
        }
        if !self.unset.is_empty() {
            d.push_str(&format!(" (not set: {})", self.unset.join(", ")));
        } else if self.api_key.is_some() {
            d.push_str(" (API key set)");
        }
        let l = &s.limits;
        format!(
            "{d}; max {} chars{}; concurrency {}{}",
            l.max_chars,
            l.max_bytes
                .map_or(String::new(), |b| format!(" / {b} bytes")),
            l.concurrency,
            l.requests_per_window
                .map_or(String::new(), |r| format!(", {r} requests/minute")),
        )
    }
}

/// An HTTP backend: a spec and its client.
pub struct HttpBackend {
    spec: HttpSpec,
    client: reqwest::Client,
}

impl HttpBackend {
    /// A backend that sends requests as `spec` describes.
    pub fn new(spec: HttpSpec) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .timeout(spec.settings.limits.timeout)
            .connect_timeout(Duration::from_secs(10))
            .redirect(redirect::policy())
            // A Referer would carry the URL's query (a `?key=`) elsewhere.
            .referer(false)
            .build()
            .map_err(|source| BuildError::Client {
                backend: spec.name.clone(),
                source,
            })?;
        Ok(HttpBackend { spec, client })
    }

    /// The spec it sends requests by.
    pub fn spec(&self) -> &HttpSpec {
        &self.spec
    }

    async fn call(&self, req: &Request<'_>) -> Result<Pcm, SynthError> {
        let s = &self.spec;
        if s.settings.needs_voice && req.voice.voice.is_none() {
            return Err(SynthError::fatal(format!(
                "voice {:?} on backend {:?} names no `voice:` id for the {} API",
                req.voice.name,
                s.name,
                s.settings.preset.unwrap_or("backend's")
            )));
        }
        let rb = request::build(&self.client, s, req)?;
        let resp = rb.send().await.map_err(|e| match redirect::refused(&e) {
            // The same request would be redirected again: not worth retrying.
            Some(refused) => SynthError::fatal(refused),
            None => SynthError::transient(response::send_failure(&e), None),
        })?;
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let body = response::read_body(resp, s.settings.limits.max_response_bytes).await?;
        if !status.is_success() {
            let message = s.redact(&response::status_message(status, &body));
            return Err(response::status_failure(status, message, retry_after));
        }
        let audio = response::audio_bytes(&body, s.settings.audio_pointer.as_deref())?;
        response::decoded(&audio, s.settings.declared)
    }
}

impl Backend for HttpBackend {
    fn identity(&self) -> String {
        identity::identity(&self.spec)
    }

    fn describe(&self) -> String {
        self.spec.describe()
    }

    fn limits(&self) -> Limits {
        let l = &self.spec.settings.limits;
        Limits {
            text: Limit {
                max_chars: l.max_chars,
                max_bytes: l.max_bytes,
            },
            concurrency: l.concurrency,
            requests_per_window: l.requests_per_window,
            rate_window: l.rate_window,
            max_attempts: l.max_attempts,
            context_chars: l.context_chars,
            segment_budget: l.segment_budget,
        }
    }

    fn price(&self) -> Price {
        self.spec.settings.price
    }

    fn takes_ssml(&self) -> bool {
        self.spec.settings.uses_ssml()
    }

    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>> {
        // Every message about this request is made printable and masked
        // here, whatever made it: a server's words reach it in many ways.
        Box::pin(async move {
            self.call(req)
                .await
                .map_err(|e| e.map_message(|m| self.spec.redact(&printable(m))))
        })
    }
}
