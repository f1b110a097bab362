//! HTTP backends: the presets (openai, elevenlabs, azure, google, piper) and
//! the generic templated backend are one implementation. A preset is only a
//! set of defaults for method, URL, headers, body and response handling; the
//! user's config overrides any of them.

use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Method;
use serde_json::{Value, json};

use super::redact::Secrets;
use super::{Backend, BuildError, DEFAULT_MAX_ATTEMPTS, Limits, Price, Request, SynthError};
use crate::audio::response::{self, BodyError, Declared};
use crate::audio::{Pcm, PcmSpec, SampleFormat};
use crate::input::config::template::{self, Escape, TemplateError, Vars};
use crate::input::config::{
    BackendConfig, expand_env, parse_duration_ms, stand_in_placeholders, url_problem,
};
use crate::text::plan::Limit;

/// What a request body is.
#[derive(Debug, Clone)]
pub enum BodySpec {
    /// No body (GET requests).
    None,
    /// A JSON document whose string leaves are templates.
    Json(Value),
    /// Form fields whose values are templates.
    Form(Vec<(String, String)>),
    /// A text template sent with its content type (SSML, plain text).
    Text {
        /// The template.
        template: String,
        /// The Content-Type header, which also picks the default escaping.
        content_type: String,
    },
}

/// A fully resolved HTTP backend.
#[derive(Debug, Clone)]
pub struct HttpSpec {
    /// The backend's name in the config.
    pub name: String,
    /// The preset it starts from, if any.
    pub preset: Option<String>,
    /// The HTTP method.
    pub method: Method,
    /// URL template; placeholders are percent-encoded.
    pub url: String,
    /// Header templates (values may hold secrets).
    pub headers: Vec<(String, String)>,
    /// Query-string templates.
    pub query: Vec<(String, String)>,
    /// The request body.
    pub body: BodySpec,
    /// JSON pointer to base64 audio, when the audio comes inside JSON.
    pub audio_pointer: Option<String>,
    /// What the audio bytes are.
    pub declared: Declared,
    /// The longest text per request.
    pub limit: Limit,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests per `rate_window`.
    pub requests_per_minute: Option<u32>,
    /// The window requests_per_minute counts over (a minute, unless set).
    pub rate_window: Duration,
    /// Requests per segment before a transient failure is final.
    pub max_attempts: u32,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The largest response body accepted.
    pub max_response_bytes: u64,
    /// The most time one segment may take, retries included.
    pub segment_budget: Duration,
    /// The model unless a voice names one.
    pub default_model: Option<String>,
    /// Characters of the neighbouring segments sent as previous/next text.
    pub context_chars: usize,
    /// Whether a voice on this backend must name the backend's voice id.
    pub needs_voice: bool,
    /// What a request costs, as the config says.
    pub price: Price,
    /// Environment variables the config names that are not set.
    pub unset: Vec<String>,
    /// The API key, from the environment (None when the backend has none).
    api_key: Option<String>,
    /// Every value that came from the environment: masked in all messages.
    secrets: Vec<String>,
}

struct Preset {
    base_url: Option<&'static str>,
    method: Method,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    /// Headers sent only when an API key is configured.
    auth_headers: &'static [(&'static str, &'static str)],
    query: &'static [(&'static str, &'static str)],
    body: fn() -> BodySpec,
    audio_pointer: Option<&'static str>,
    declared: Declared,
    limit: Limit,
    concurrency: usize,
    default_model: Option<&'static str>,
    context_chars: usize,
    needs_voice: bool,
}

/// The default cap on a response body: ten minutes of 48 kHz stereo 16-bit
/// PCM is 115 MB; one segment is a sentence.
const DEFAULT_MAX_RESPONSE_MB: u64 = 256;

const PCM_24K: Declared = Declared::Pcm(PcmSpec {
    sample_rate: 24_000,
    channels: 1,
    sample_format: SampleFormat::S16le,
});

const AZURE_SSML: &str = "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{{language}}'><voice name='{{voice}}'><prosody rate='{{speed_percent}}'>{{ssml|raw}}</prosody></voice></speak>";

/// The request and response shapes of each preset, as each vendor documents
/// them (ARCHITECTURE.md, "Backends", lists the sources and quirks).
// One arm per API, each a table of the API's shape: long, but flat.
#[allow(clippy::too_many_lines)]
fn preset(name: &str) -> Option<Preset> {
    Some(match name {
        // OpenAI POST /v1/audio/speech, and every OpenAI-compatible server
        // (Kokoro-FastAPI, kokoro-cli, Speaches, LocalAI, openedai-speech).
        // WAV is asked for: it states its rate, unlike `pcm`.
        "openai" => Preset {
            base_url: Some("https://api.openai.com/v1"),
            method: Method::POST,
            path: "/audio/speech",
            headers: &[],
            auth_headers: &[("Authorization", "Bearer {{api_key}}")],
            query: &[],
            body: || {
                BodySpec::Json(
                    json!({"model": "{{model}}", "input": "{{text}}", "voice": "{{voice}}",
                    "speed": "{{speed}}", "response_format": "wav", "instructions": "{{instructions?}}"}),
                )
            },
            audio_pointer: None,
            declared: Declared::Sniff,
            limit: Limit::chars(4096),
            concurrency: 4,
            default_model: Some("gpt-4o-mini-tts"),
            context_chars: 0,
            needs_voice: true,
        },
        // ElevenLabs /with-timestamps: JSON with base64 PCM, continuity
        // through previous_text/next_text.
        "elevenlabs" => Preset {
            base_url: Some("https://api.elevenlabs.io"),
            method: Method::POST,
            path: "/v1/text-to-speech/{{voice}}/with-timestamps",
            headers: &[],
            auth_headers: &[("xi-api-key", "{{api_key}}")],
            query: &[("output_format", "pcm_24000")],
            body: || {
                BodySpec::Json(json!({"text": "{{text}}", "model_id": "{{model}}",
                    "previous_text": "{{previous_text?}}", "next_text": "{{next_text?}}",
                    "voice_settings": {"speed": "{{speed}}"}}))
            },
            audio_pointer: Some("/audio_base64"),
            declared: PCM_24K,
            limit: Limit::chars(5000),
            concurrency: 2,
            default_model: Some("eleven_multilingual_v2"),
            context_chars: 300,
            needs_voice: true,
        },
        // Azure Speech REST: an SSML body (XML-escaped), WAV back.
        "azure" => Preset {
            base_url: None,
            method: Method::POST,
            path: "/cognitiveservices/v1",
            headers: &[
                ("X-Microsoft-OutputFormat", "riff-24khz-16bit-mono-pcm"),
                ("User-Agent", "podgen"),
            ],
            auth_headers: &[("Ocp-Apim-Subscription-Key", "{{api_key}}")],
            query: &[],
            body: || BodySpec::Text {
                template: AZURE_SSML.into(),
                content_type: "application/ssml+xml".into(),
            },
            audio_pointer: None,
            declared: Declared::Sniff,
            limit: Limit::chars(3000),
            concurrency: 4,
            default_model: None,
            context_chars: 0,
            needs_voice: true,
        },
        // Google Cloud text:synthesize: JSON with base64 LINEAR16 (a WAV), 5000 bytes per request.
        "google" => Preset {
            base_url: Some("https://texttospeech.googleapis.com"),
            method: Method::POST,
            path: "/v1/text:synthesize",
            headers: &[],
            auth_headers: &[("X-Goog-Api-Key", "{{api_key}}")],
            query: &[],
            body: || {
                BodySpec::Json(json!({"input": {"text": "{{text}}"},
                    "voice": {"languageCode": "{{language}}", "name": "{{voice}}"},
                    "audioConfig": {"audioEncoding": "LINEAR16", "speakingRate": "{{speed}}", "sampleRateHertz": 24000}}))
            },
            audio_pointer: Some("/audioContent"),
            declared: Declared::Sniff,
            limit: Limit {
                max_chars: 5000,
                max_bytes: Some(5000),
            },
            concurrency: 4,
            default_model: None,
            context_chars: 0,
            needs_voice: true,
        },
        // piper's HTTP server (piper1-gpl >= 1.5): POST /synthesize; WAV labelled text/html.
        "piper" => Preset {
            base_url: Some("http://127.0.0.1:5000"),
            method: Method::POST,
            path: "/synthesize",
            headers: &[],
            auth_headers: &[],
            query: &[],
            body: || {
                BodySpec::Json(
                    json!({"text": "{{text}}", "voice": "{{voice?}}", "length_scale": "{{speed_inverse}}"}),
                )
            },
            audio_pointer: None,
            declared: Declared::Sniff,
            limit: Limit::chars(1000),
            concurrency: 1,
            default_model: None,
            context_chars: 0,
            needs_voice: false,
        },
        _ => return None,
    })
}

/// Expands `${VAR}` in config strings, keeping what came from the
/// environment (secrets, to mask) and what was not set.
struct Expander<'a> {
    name: &'a str,
    env: &'a dyn Fn(&str) -> Option<String>,
    secrets: Vec<String>,
    unset: Vec<String>,
}

impl Expander<'_> {
    fn expand(&mut self, s: &str) -> Result<String, BuildError> {
        let mut e = expand_env(s, self.env).map_err(|e| invalid(self.name, e.to_string()))?;
        self.secrets.append(&mut e.secrets);
        self.unset.append(&mut e.unset);
        Ok(e.text)
    }
}

fn invalid(backend: &str, message: impl Into<String>) -> BuildError {
    BuildError::Invalid {
        backend: backend.to_string(),
        message: message.into(),
    }
}

/// `(key, template)` pairs from a preset's table.
fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl HttpSpec {
    /// Resolve a backend from its config: preset defaults, then the user's
    /// fields. `env` looks up environment variables.
    ///
    /// Variables that are not set expand to nothing and are listed in
    /// [`HttpSpec::unset`]; [`super::build`] decides whether that is an error.
    pub fn build(
        name: &str,
        c: &BackendConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, BuildError> {
        let mut x = Expander {
            name,
            env,
            secrets: Vec::new(),
            unset: Vec::new(),
        };
        let preset_name = c.preset.as_ref().map(|p| p.value.clone());
        let p = preset_name.as_deref().and_then(preset);
        let api_key = c
            .api_key
            .as_deref()
            .map(|k| x.expand(k))
            .transpose()?
            .filter(|k| !k.is_empty());
        let url = url_of(c, p.as_ref(), &mut x)?;
        let method = match &c.method {
            Some(m) => Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
                .map_err(|_| invalid(name, format!("{m:?} is not an HTTP method")))?,
            None => p.as_ref().map_or(Method::POST, |p| p.method.clone()),
        };
        let headers = headers_of(c, p.as_ref(), api_key.is_some(), &mut x)?;
        let query = query_of(c, p.as_ref(), &mut x)?;
        let (audio_pointer, declared) = response_of(name, c, p.as_ref())?;
        let spec = HttpSpec {
            name: name.to_string(),
            preset: preset_name,
            method,
            url,
            headers,
            query,
            body: body_of(name, c, p.as_ref())?,
            audio_pointer,
            declared,
            limit: limit_of(c, p.as_ref()),
            concurrency: c
                .concurrency
                .or(p.as_ref().map(|p| p.concurrency))
                .unwrap_or(2)
                .max(1),
            requests_per_minute: c.requests_per_minute.filter(|r| *r > 0),
            rate_window: duration_of(name, "rate_window", c.rate_window.as_deref(), 60)?,
            max_attempts: c.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).clamp(1, 50),
            timeout: duration_of(name, "timeout", c.timeout.as_deref(), 120)?,
            max_response_bytes: c.max_response_mb.unwrap_or(DEFAULT_MAX_RESPONSE_MB) * 1_000_000,
            segment_budget: match &c.segment_timeout {
                Some(t) => duration_of(name, "segment_timeout", Some(t), 0)?,
                None => super::DEFAULT_SEGMENT_BUDGET,
            },
            default_model: c
                .model
                .clone()
                .or(p.as_ref().and_then(|p| p.default_model.map(str::to_string))),
            context_chars: p.as_ref().map_or(0, |p| p.context_chars),
            needs_voice: p.as_ref().is_some_and(|p| p.needs_voice),
            price: match (c.price_per_million_chars, c.price_per_minute) {
                (Some(chars), _) => Price::PerMillionChars(chars),
                (None, Some(minute)) => Price::PerMinute(minute),
                (None, None) => Price::Unknown,
            },
            unset: x.unset,
            api_key,
            secrets: x.secrets,
        };
        // Check every template now, so a typo fails before any request.
        spec.check_templates()?;
        Ok(spec)
    }

    /// Every template string of the request: URL, headers, query, body.
    fn templates(&self) -> Vec<String> {
        let mut all: Vec<String> = vec![self.url.clone()];
        all.extend(self.headers.iter().map(|(_, v)| v.clone()));
        all.extend(self.query.iter().map(|(_, v)| v.clone()));
        match &self.body {
            BodySpec::Json(v) => crate::input::config::backend_check::collect_strings(v, &mut all),
            BodySpec::Form(f) => all.extend(f.iter().map(|(_, v)| v.clone())),
            BodySpec::Text { template, .. } => all.push(template.clone()),
            BodySpec::None => {}
        }
        all
    }

    /// Whether a template uses `{{ssml}}`.
    pub fn uses_ssml(&self) -> bool {
        self.templates()
            .iter()
            .any(|t| template::names(t).iter().any(|n| n == "ssml"))
    }

    fn check_templates(&self) -> Result<(), BuildError> {
        let all = self.templates();
        for t in &all {
            for n in template::names(t) {
                if !template::KNOWN.contains(&n.as_str()) {
                    return Err(BuildError::Invalid {
                        backend: self.name.clone(),
                        message: format!(
                            "unknown template variable `{n}` in {t:?}; known: {}",
                            template::KNOWN.join(", ")
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Mask every secret in `s`, in the forms a server may echo it in
    /// (see [`super::redact`]).
    pub fn redact(&self, s: &str) -> String {
        Secrets::new(self.secrets.iter().map(String::as_str)).redact(s)
    }

    /// A description for listings: method, URL, limits; secrets masked.
    pub fn describe(&self) -> String {
        let mut d = format!("{} {}", self.method, self.redact(&self.url));
        if let Some(p) = &self.preset {
            d = format!("preset {p}: {d}");
        }
        if !self.unset.is_empty() {
            d.push_str(&format!(" (not set: {})", self.unset.join(", ")));
        } else if self.api_key.is_some() {
            d.push_str(" (API key set)");
        }
        format!(
            "{d}; max {} chars{}; concurrency {}{}",
            self.limit.max_chars,
            self.limit
                .max_bytes
                .map_or(String::new(), |b| format!(" / {b} bytes")),
            self.concurrency,
            self.requests_per_minute
                .map_or(String::new(), |r| format!(", {r} requests/minute")),
        )
    }
}

/// The URL: the config's `url`, else the preset's path under `base_url`.
fn url_of(c: &BackendConfig, p: Option<&Preset>, x: &mut Expander) -> Result<String, BuildError> {
    let name = x.name;
    let base_url = match (&c.base_url, p.and_then(|p| p.base_url)) {
        (Some(b), _) => Some(x.expand(b)?),
        (None, Some(b)) => Some(b.to_string()),
        (None, None) => None,
    };
    let url = match (&c.url, p) {
        (Some(u), _) => x.expand(u)?,
        (None, Some(p)) => {
            let base = base_url.ok_or_else(|| {
                invalid(
                    name,
                    "set `base_url` (for azure: https://<region>.tts.speech.microsoft.com)",
                )
            })?;
            format!("{}{}", base.trim_end_matches('/'), p.path)
        }
        (None, None) => return Err(invalid(name, "set `url` (or a `preset`)")),
    };
    // Checked again with the environment's values in: a URL that cannot be
    // requested must not cost retries at render.
    if let Some(why) = url_problem(&stand_in_placeholders(&url)) {
        return Err(invalid(
            name,
            format!("the URL is not usable: {why} (after ${{...}} is filled in)"),
        ));
    }
    Ok(url)
}

/// The preset's headers (its auth headers only with a key), then the config's.
fn headers_of(
    c: &BackendConfig,
    p: Option<&Preset>,
    has_key: bool,
    x: &mut Expander,
) -> Result<Vec<(String, String)>, BuildError> {
    let mut headers = Vec::new();
    if let Some(p) = p {
        headers.extend(owned(p.headers));
        if has_key {
            headers.extend(owned(p.auth_headers));
        }
    }
    for (k, v) in &c.headers {
        let v = x.expand(v)?;
        headers.retain(|(hk, _)| !hk.eq_ignore_ascii_case(k));
        headers.push((k.clone(), v));
    }
    Ok(headers)
}

/// The preset's query, then the config's.
fn query_of(
    c: &BackendConfig,
    p: Option<&Preset>,
    x: &mut Expander,
) -> Result<Vec<(String, String)>, BuildError> {
    let mut query = p.map(|p| owned(p.query)).unwrap_or_default();
    for (k, v) in &c.query {
        let v = x.expand(v)?;
        query.retain(|(qk, _)| qk != k);
        query.push((k.clone(), v));
    }
    Ok(query)
}

/// The config's body (exactly one kind), else the preset's.
fn body_of(name: &str, c: &BackendConfig, p: Option<&Preset>) -> Result<BodySpec, BuildError> {
    let Some(b) = &c.body else {
        return Ok(p.map_or(BodySpec::None, |p| (p.body)()));
    };
    let kinds = [b.json.is_some(), b.form.is_some(), b.text.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if kinds > 1 {
        return Err(invalid(
            name,
            "the body has more than one of json, form and text",
        ));
    }
    Ok(if let Some(j) = &b.json {
        BodySpec::Json(j.clone())
    } else if let Some(f) = &b.form {
        BodySpec::Form(f.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    } else if let Some(t) = &b.text {
        BodySpec::Text {
            template: t.clone(),
            content_type: b
                .content_type
                .clone()
                .unwrap_or_else(|| "text/plain; charset=utf-8".into()),
        }
    } else {
        BodySpec::None
    })
}

/// Where the audio is in the response (a JSON pointer, or the whole body)
/// and what it is.
fn response_of(
    name: &str,
    c: &BackendConfig,
    p: Option<&Preset>,
) -> Result<(Option<String>, Declared), BuildError> {
    let (mut pointer, mut declared) = p.map_or((None, Declared::Sniff), |p| {
        (p.audio_pointer.map(str::to_string), p.declared)
    });
    let Some(r) = &c.response else {
        return Ok((pointer, declared));
    };
    match r.audio.as_deref() {
        None => {}
        Some("raw") => pointer = None,
        Some("json") => pointer = Some(r.pointer.clone().unwrap_or_else(|| "/audio".into())),
        Some(other) => {
            return Err(invalid(
                name,
                format!("response.audio {other:?} must be raw or json"),
            ));
        }
    }
    if let Some(ptr) = &r.pointer {
        if !ptr.starts_with('/') {
            return Err(invalid(
                name,
                format!("response.pointer {ptr:?} must be a JSON pointer like /audio"),
            ));
        }
        pointer = Some(ptr.clone());
    }
    match r.format.as_deref() {
        None if r.pcm.is_some() => declared = Declared::Pcm(r.pcm.expect("checked")),
        None => {}
        Some("sniff" | "wav" | "mp3" | "flac" | "ogg") => declared = Declared::Sniff,
        Some("pcm") => {
            let pcm = r.pcm.ok_or_else(|| {
                invalid(
                    name,
                    "raw PCM needs `response.pcm: {sample_rate: 24000, channels: 1, sample_format: s16le}`",
                )
            })?;
            declared = Declared::Pcm(pcm);
        }
        Some(other) => {
            return Err(invalid(
                name,
                format!("unknown response.format {other:?} (sniff, wav, mp3, flac, ogg, pcm)"),
            ));
        }
    }
    Ok((pointer, declared))
}

/// The preset's text limit, with the config's overrides.
fn limit_of(c: &BackendConfig, p: Option<&Preset>) -> Limit {
    let mut limit = p.map_or(Limit::chars(1000), |p| p.limit);
    if let Some(m) = c.max_chars {
        limit.max_chars = m.max(1);
    }
    if let Some(m) = c.max_bytes {
        limit.max_bytes = Some(m.max(4));
    }
    limit
}

/// A duration setting like `60s`, else `default_secs`.
fn duration_of(
    name: &str,
    key: &str,
    value: Option<&str>,
    default_secs: u64,
) -> Result<Duration, BuildError> {
    match value {
        None => Ok(Duration::from_secs(default_secs)),
        Some(v) => parse_duration_ms(v)
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis)
            .ok_or_else(|| invalid(name, format!("{key} {v:?} is not a duration like 60s"))),
    }
}

/// An HTTP backend: a resolved spec and its client.
pub struct HttpBackend {
    spec: HttpSpec,
    client: reqwest::Client,
}

impl HttpBackend {
    /// A backend that sends requests as `spec` describes.
    pub fn new(spec: HttpSpec) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .timeout(spec.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| BuildError::Invalid {
                backend: spec.name.clone(),
                message: format!("cannot build an HTTP client: {e}"),
            })?;
        Ok(HttpBackend { spec, client })
    }

    /// The resolved description it sends requests by.
    pub fn spec(&self) -> &HttpSpec {
        &self.spec
    }

    fn vars(&self, req: &Request) -> Vars {
        let v = req.voice;
        let speed = f64::from(v.speed);
        let mut vars = Vars::new();
        vars.insert("text", json!(req.text));
        vars.insert(
            "ssml",
            json!(
                req.ssml
                    .map_or_else(|| podgen_text::escape::xml(req.text), str::to_string)
            ),
        );
        vars.insert("voice", v.voice.clone().map_or(Value::Null, Value::String));
        vars.insert(
            "model",
            v.model
                .clone()
                .or_else(|| self.spec.default_model.clone())
                .map_or(Value::Null, Value::String),
        );
        vars.insert("speed", json!((speed * 1000.0).round() / 1000.0));
        vars.insert("speed_inverse", json!((1000.0 / speed).round() / 1000.0));
        let pct = ((speed - 1.0) * 100.0).round() as i64;
        vars.insert("speed_percent", json!(format!("{pct:+}%")));
        vars.insert(
            "language",
            json!(v.language.clone().unwrap_or_else(|| req.tag.to_string())),
        );
        vars.insert(
            "instructions",
            v.instructions.clone().map_or(Value::Null, Value::String),
        );
        vars.insert(
            "previous_text",
            req.previous_text.map_or(Value::Null, |t| json!(t)),
        );
        vars.insert("next_text", req.next_text.map_or(Value::Null, |t| json!(t)));
        vars.insert(
            "api_key",
            self.spec.api_key.clone().map_or(Value::Null, Value::String),
        );
        vars
    }

    fn build_request(&self, req: &Request) -> Result<reqwest::RequestBuilder, SynthError> {
        let filled = |e: TemplateError| SynthError::fatal(e.to_string());
        let s = &self.spec;
        let vars = self.vars(req);
        let url = template::fill(&s.url, &vars, Escape::Url).map_err(filled)?;
        let mut rb = self.client.request(s.method.clone(), &url);
        for (k, v) in &s.headers {
            let value = template::fill(v, &vars, Escape::Raw).map_err(filled)?;
            if value.contains(['\r', '\n']) {
                return Err(SynthError::fatal(format!(
                    "header {k} would contain a line break"
                )));
            }
            rb = rb.header(k.as_str(), value);
        }
        if !s.query.is_empty() {
            let q: Vec<(String, String)> = s
                .query
                .iter()
                .map(|(k, v)| Ok((k.clone(), template::fill(v, &vars, Escape::Raw)?)))
                .collect::<Result<_, TemplateError>>()
                .map_err(filled)?;
            rb = rb.query(&q);
        }
        let extra = &req.voice.extra;
        rb = match &s.body {
            BodySpec::None => rb,
            BodySpec::Json(t) => {
                let mut body = template::fill_json(t, &vars)
                    .map_err(filled)?
                    .unwrap_or(Value::Null);
                if let Value::Object(map) = &mut body {
                    for (k, v) in extra {
                        map.insert(k.clone(), v.clone());
                    }
                }
                rb.json(&body)
            }
            BodySpec::Form(fields) => {
                let mut f: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), template::fill(v, &vars, Escape::Raw)?)))
                    .collect::<Result<_, TemplateError>>()
                    .map_err(filled)?;
                for (k, v) in extra {
                    f.retain(|(fk, _)| fk != k);
                    f.push((
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    ));
                }
                rb.form(&f)
            }
            BodySpec::Text {
                template: t,
                content_type,
            } => {
                let body = template::fill(t, &vars, Escape::for_content_type(content_type))
                    .map_err(filled)?;
                rb.header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .body(body)
            }
        };
        Ok(rb)
    }

    /// The body, read up to the backend's size cap: a server that streams
    /// without end must not fill the memory.
    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, SynthError> {
        let cap = self.spec.max_response_bytes;
        let too_big = || {
            SynthError::fatal(format!(
                "the response is larger than {} MB (max_response_mb), far more than any clip: is the server streaming without end?",
                cap / 1_000_000
            ))
        };
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > cap {
                        return Err(too_big());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => {
                    return Err(SynthError::transient(
                        format!("the response was cut off: {}", error_chain(&e)),
                        None,
                    ));
                }
            }
        }
    }

    /// The audio bytes of a successful response: the body itself, or the
    /// base64 string at the JSON pointer.
    fn audio_bytes(&self, body: &[u8]) -> Result<Vec<u8>, SynthError> {
        let Some(ptr) = &self.spec.audio_pointer else {
            return Ok(body.to_vec());
        };
        let json: Value = serde_json::from_slice(body).map_err(|_| {
            let m = response::text_message(body).unwrap_or_else(|| "not JSON".into());
            SynthError::transient(format!("expected JSON with audio at {ptr}: {m}"), None)
        })?;
        let b64 = json.pointer(ptr).and_then(Value::as_str).ok_or_else(|| {
            let m = response::json_message(&json).unwrap_or_else(|| format!("no string at {ptr}"));
            SynthError::transient(format!("no audio in the JSON response: {m}"), None)
        })?;
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| {
                SynthError::transient(format!("the audio at {ptr} is not base64: {e}"), None)
            })
    }

    async fn call(&self, req: &Request<'_>) -> Result<Pcm, SynthError> {
        let s = &self.spec;
        if s.needs_voice && req.voice.voice.is_none() {
            return Err(SynthError::fatal(format!(
                "voice {:?} on backend {:?} names no `voice:` id for the {} API",
                req.voice.name,
                s.name,
                s.preset.as_deref().unwrap_or("backend's")
            )));
        }
        let rb = self.build_request(req)?;
        let resp = rb.send().await.map_err(|e| {
            let what = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "the connection failed"
            };
            SynthError::transient(
                self.spec.redact(&format!("{what}: {}", error_chain(&e))),
                None,
            )
        })?;
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let body = self.read_body(resp).await?;
        if !status.is_success() {
            let message = response::text_message(&body).unwrap_or_else(|| "(no message)".into());
            let message = self
                .spec
                .redact(&format!("HTTP {}: {message}", status.as_u16()));
            let transient =
                status.as_u16() == 429 || status.as_u16() == 408 || status.is_server_error();
            return Err(if status.as_u16() == 429 && message.contains("concurren") {
                SynthError::TooManyConcurrent {
                    message,
                    retry_after,
                }
            } else if transient {
                SynthError::transient(message, retry_after)
            } else {
                SynthError::fatal(message)
            });
        }
        let audio = self.audio_bytes(&body)?;
        response::decode_body(&audio, s.declared).map_err(|e| match e {
            BodyError::Message(m) => SynthError::transient(
                self.spec
                    .redact(&format!("HTTP 200 but {}", BodyError::Message(m))),
                None,
            ),
            // The same request would bring the same damage back.
            unusable @ BodyError::Unusable(_) => SynthError::fatal(unusable.to_string()),
            other => SynthError::transient(other.to_string(), None),
        })
    }
}

/// An error with its causes, which reqwest keeps apart.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// `retry-after-ms` (OpenAI) first, then `Retry-After` in seconds.
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    if let Some(ms) = get("retry-after-ms").filter(|v| v.is_finite() && *v >= 0.0) {
        return Some(Duration::from_secs_f64((ms / 1000.0).min(30.0 * 86_400.0)));
    }
    get("retry-after")
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(30.0 * 86_400.0)))
}

impl Backend for HttpBackend {
    fn identity(&self) -> String {
        // Everything that shapes the audio; never the headers (they hold keys).
        let s = &self.spec;
        let body = match &s.body {
            BodySpec::None => String::new(),
            BodySpec::Json(v) => v.to_string(),
            BodySpec::Form(f) => format!("{f:?}"),
            BodySpec::Text {
                template,
                content_type,
            } => format!("{content_type}|{template}"),
        };
        format!(
            "http:{}|{}|{:?}|{}|{:?}|{}|{:?}",
            s.method,
            s.redact(&s.url),
            s.query,
            body,
            s.audio_pointer,
            s.declared.identity(),
            s.default_model
        )
    }

    fn describe(&self) -> String {
        self.spec.describe()
    }

    fn limits(&self) -> Limits {
        let s = &self.spec;
        Limits {
            text: s.limit,
            concurrency: s.concurrency,
            requests_per_window: s.requests_per_minute,
            rate_window: s.rate_window,
            max_attempts: s.max_attempts,
            context_chars: s.context_chars,
            segment_budget: s.segment_budget,
        }
    }

    fn price(&self) -> Price {
        self.spec.price
    }

    fn takes_ssml(&self) -> bool {
        self.spec.uses_ssml()
    }

    fn synthesize<'a>(&'a self, req: &'a Request<'a>) -> BoxFuture<'a, Result<Pcm, SynthError>> {
        // Every message about this request is masked here, whatever made it.
        Box::pin(async move {
            self.call(req)
                .await
                .map_err(|e| e.map_message(|m| self.spec.redact(m)))
        })
    }
}
