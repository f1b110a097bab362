//! The checks on a backend's values, each made once, as the value is read:
//! URLs that parse, templates that close and name known placeholders,
//! `${VAR}` references that are references, numbers in range, durations
//! that read. Each of these would otherwise surface only at render, after
//! retries. [`BackendError`] says what is wrong and under which key.

use std::time::Duration;

use serde_json::Value;

use super::Price;
use super::presets::Preset;
use super::{DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RESPONSE_MB, DEFAULT_SEGMENT_BUDGET, HttpLimits};
use crate::input::config::env::{EnvSyntaxError, EnvText};
use crate::input::config::template::{self, TemplateError};
use crate::input::config::{BackendConfig, parse_duration_ms};

/// Why a URL cannot be requested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// It does not parse.
    #[error("{0}")]
    Syntax(#[from] url::ParseError),
    /// Not http or https.
    #[error("the scheme is {0:?}; use http or https")]
    Scheme(String),
    /// No host.
    #[error("it names no host")]
    NoHost,
    /// A `base_url` with a query or fragment, which the preset's path would
    /// go inside.
    #[error(
        "it has a query or fragment (`?…` or `#…`), which the preset's path would go inside: give `base_url` without them, and query parameters with `query:`"
    )]
    Query,
}

/// `url` with its query and fragment masked (`?…`): what a message may
/// show of a URL that may carry a key there.
pub fn without_query(url: &str) -> String {
    match url.find(['?', '#']) {
        Some(at) => format!("{}{}…", &url[..at], &url[at..=at]),
        None => url.to_string(),
    }
}

/// Whether `base`, with a path to go after it, holds a query or fragment.
pub fn has_query(base: &str) -> bool {
    base.contains(['?', '#'])
}

/// What is wrong with a backend entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    /// `preset:` names no preset.
    #[error("unknown preset {0:?}")]
    UnknownPreset(String),
    /// Neither a preset nor a URL: nothing says where requests go.
    #[error("has neither `preset` nor `url`")]
    NoUrl,
    /// A preset without a default base URL (azure), and none given.
    #[error("the {0} preset needs `base_url`")]
    NoBaseUrl(&'static str),
    /// Both ways of billing.
    #[error("has both price_per_million_chars and price_per_minute")]
    TwoPrices,
    /// A template that cannot be filled.
    #[error("{source}")]
    Template {
        /// The key it is under.
        key: &'static str,
        /// What is wrong with it.
        #[source]
        source: TemplateError,
    },
    /// A `${...}` that is not a reference.
    #[error("{source}")]
    Env {
        /// The key it is under.
        key: &'static str,
        /// What is wrong with it.
        #[source]
        source: EnvSyntaxError,
    },
    /// A URL that cannot be requested.
    #[error("{key} {value:?} is not a usable URL: {source}")]
    Url {
        /// `url` or `base_url`.
        key: &'static str,
        /// The value as written, its query and fragment masked.
        value: String,
        /// Why not.
        #[source]
        source: UrlProblem,
    },
    /// A number outside its range ([`crate::input::bounds`]).
    #[error("{message}")]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// What is wrong, with the range: "concurrency must be a whole
        /// number from 1 to 64, not 65".
        message: String,
    },
    /// A duration that does not read, is 0, or is over 30 days.
    #[error("{key} {value:?} is not a duration")]
    Duration {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// `method:` that is no HTTP method.
    #[error("{0:?} is not an HTTP method")]
    Method(String),
    /// A body with more than one kind.
    #[error("the body has more than one of json, form and text")]
    BodyKinds,
    /// `response.audio:` other than raw and json.
    #[error("response.audio {0:?} must be raw or json")]
    AudioPlace(String),
    /// `response.pointer:` that is no JSON pointer.
    #[error("response.pointer {0:?} must be a JSON pointer like /audio")]
    Pointer(String),
    /// `response.format:` that podgen does not read.
    #[error("unknown response.format {0:?} (sniff, wav, mp3, flac, ogg, pcm)")]
    Format(String),
    /// `format: pcm` without saying what the PCM is.
    #[error(
        "raw PCM needs `response.pcm: {{sample_rate: 24000, channels: 1, sample_format: s16le}}`"
    )]
    PcmUnstated,
}

impl BackendError {
    /// The key whose line the error points at (None: the whole entry).
    pub fn key(&self) -> Option<&'static str> {
        use BackendError as E;
        Some(match self {
            E::UnknownPreset(_) => "preset",
            E::NoUrl | E::TwoPrices => return None,
            E::NoBaseUrl(_) => "preset",
            E::Template { key, .. }
            | E::Env { key, .. }
            | E::Url { key, .. }
            | E::OutOfRange { key, .. }
            | E::Duration { key, .. } => key,
            E::Method(_) => "method",
            E::BodyKinds => "body",
            E::AudioPlace(_) | E::Pointer(_) | E::Format(_) | E::PcmUnstated => "response",
        })
    }

    /// What to do about it (`presets` lists the names `preset:` takes).
    pub fn help(&self, presets: &[&str]) -> String {
        use BackendError as E;
        let list = presets.join(", ");
        match self {
            E::UnknownPreset(name) => match crate::error::nearest(name, presets) {
                Some(k) => format!("did you mean `{k}`? Presets: {list}"),
                None => format!(
                    "presets: {list}; or leave out `preset` and write `url`, `body` and `response`"
                ),
            },
            E::NoUrl => format!(
                "set `preset:` to one of {list}, or describe the API with `url`, `body` and `response`"
            ),
            E::NoBaseUrl(_) => {
                "set `base_url`, for azure https://<region>.tts.speech.microsoft.com".into()
            }
            E::TwoPrices => {
                "keep the one the backend bills by: characters sent, or minutes of audio".into()
            }
            E::Template { .. } => {
                "placeholders are written {{name}}, like {{text}} or {{voice}}".into()
            }
            E::Env { .. } => "write ${NAME} or ${NAME:-default}".into(),
            E::Url { .. } => "like https://api.example.com/v1 or http://127.0.0.1:8880/v1".into(),
            E::OutOfRange { key, .. } => number_help(key).into(),
            E::Duration { .. } => {
                "write it like 90s, 10m or 1h (more than 0, at most 30 days)".into()
            }
            E::Method(_) => "GET, POST or PUT".into(),
            E::BodyKinds => "keep one of `json`, `form` and `text`".into(),
            E::AudioPlace(_) => "`raw`: the body is audio; `json`: base64 audio inside JSON".into(),
            E::Pointer(_) | E::Format(_) | E::PcmUnstated => {
                "see examples/configs/custom.yaml for `response:`".into()
            }
        }
    }
}

fn number_help(key: &str) -> &'static str {
    match key {
        "max_attempts" => "1 means no retries; segment_timeout bounds a segment's time",
        "price_per_million_chars" | "price_per_minute" => "in your currency, like 15.0",
        "max_chars" => "the longest text one request may carry, in characters",
        "max_bytes" => "one character can take 4 bytes of UTF-8",
        "concurrency" => "use 1 for servers that take one request at a time",
        "requests_per_minute" => "leave it out for no rate limit",
        "max_response_mb" => "the largest response accepted, in MB (default 256)",
        _ => "",
    }
}

/// A setting that may name environment variables and holds a template:
/// both checked.
pub(super) fn env_template(key: &'static str, value: &str) -> Result<EnvText, BackendError> {
    template_checked(key, value)?;
    EnvText::parse(value).map_err(|source| BackendError::Env { key, source })
}

/// A template string, checked: every `{{` closed, every name known.
pub(super) fn template_checked(key: &'static str, value: &str) -> Result<(), BackendError> {
    template::check(value).map_err(|source| BackendError::Template { key, source })
}

/// A URL setting (`url`, `base_url`), checked as far as it can be before
/// the environment is read: `${VAR}` and `{{name}}` are replaced by a
/// stand-in first (a value from the environment is checked when the backend
/// is built). A value that starts with a variable and names no scheme is
/// left for then.
pub(super) fn url_setting(key: &'static str, value: &str) -> Result<EnvText, BackendError> {
    let url = env_template(key, value)?;
    let v = value.trim();
    if (v.starts_with("${") || v.starts_with("{{")) && !v.contains("://") {
        return Ok(url);
    }
    match url_problem(&stand_in_placeholders(&url.with_stand_in("1"))) {
        None => Ok(url),
        Some(source) => Err(BackendError::Url {
            key,
            // A query may carry a key: never shown.
            value: without_query(value),
            source,
        }),
    }
}

/// Why `url` cannot be requested, or None: it must parse, be http or https,
/// and name a host.
pub fn url_problem(url: &str) -> Option<UrlProblem> {
    match url::Url::parse(url) {
        Err(e) => Some(UrlProblem::Syntax(e)),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            Some(UrlProblem::Scheme(u.scheme().to_string()))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Some(UrlProblem::NoHost),
        Ok(_) => None,
    }
}

/// `s` with each `{{…}}` replaced by `1`, a stand-in valid in a host, a port
/// and a path.
pub fn stand_in_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('1');
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every string leaf of a JSON template, in order.
pub fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(m) => m.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// `value`, unless it is outside the bound of `key` ([`crate::input::bounds`]).
fn in_range<T: Copy + Into<f64>>(key: &'static str, value: T) -> Result<T, BackendError> {
    match crate::input::bounds::problem(key, value.into()) {
        Some(message) => Err(BackendError::OutOfRange { key, message }),
        None => Ok(value),
    }
}

/// A count setting, within the bound of `key`, else `default`.
fn count(key: &'static str, value: Option<usize>, default: usize) -> Result<usize, BackendError> {
    match value {
        // A count too large for f64 to hold exactly is out of every bound.
        Some(v) => in_range(key, v as f64).map(|_| v),
        None => Ok(default),
    }
}

/// A duration setting like `60s` (more than 0, at most 30 days), else `default`.
fn duration(
    key: &'static str,
    value: Option<&str>,
    default: Duration,
) -> Result<Duration, BackendError> {
    let Some(v) = value else {
        return Ok(default);
    };
    parse_duration_ms(v)
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
        .ok_or_else(|| BackendError::Duration {
            key,
            value: v.to_string(),
        })
}

/// The entry's limits over the preset's (or the generic defaults: 1000
/// characters, 2 in flight), checked.
pub(super) fn limits_of(c: &BackendConfig, p: Option<&Preset>) -> Result<HttpLimits, BackendError> {
    let max_bytes = match c.max_bytes {
        Some(b) => Some(count("max_bytes", Some(b), 0)?),
        None => p.and_then(|p| p.max_bytes),
    };
    let requests_per_window = c
        .requests_per_minute
        .map(|r| in_range("requests_per_minute", r))
        .transpose()?;
    let max_attempts = in_range(
        "max_attempts",
        c.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
    )?;
    let mb = c.max_response_mb.unwrap_or(DEFAULT_MAX_RESPONSE_MB);
    in_range("max_response_mb", mb as f64)?;
    Ok(HttpLimits {
        max_chars: count("max_chars", c.max_chars, p.map_or(1000, |p| p.max_chars))?,
        max_bytes,
        concurrency: count("concurrency", c.concurrency, p.map_or(2, |p| p.concurrency))?,
        requests_per_window,
        rate_window: duration(
            "rate_window",
            c.rate_window.as_deref(),
            Duration::from_secs(60),
        )?,
        max_attempts,
        timeout: duration("timeout", c.timeout.as_deref(), Duration::from_secs(120))?,
        // At most 4096 MB: the product fits.
        max_response_bytes: mb * 1_000_000,
        segment_budget: duration(
            "segment_timeout",
            c.segment_timeout.as_deref(),
            DEFAULT_SEGMENT_BUDGET,
        )?,
        context_chars: p.map_or(0, |p| p.context_chars),
    })
}

/// What the entry says a request costs.
pub(super) fn price_of(c: &BackendConfig) -> Result<Price, BackendError> {
    for (key, price) in [
        ("price_per_million_chars", c.price_per_million_chars),
        ("price_per_minute", c.price_per_minute),
    ] {
        if let Some(value) = price {
            in_range(key, value)?;
        }
    }
    Ok(match (c.price_per_million_chars, c.price_per_minute) {
        (Some(_), Some(_)) => return Err(BackendError::TwoPrices),
        (Some(chars), None) => Price::PerMillionChars(chars),
        (None, Some(minute)) => Price::PerMinute(minute),
        (None, None) => Price::Unknown,
    })
}
