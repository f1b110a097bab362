//! A backend's settings, resolved from its entry in podgen.yaml and checked
//! once, when the config is loaded: the preset's defaults (from
//! [`presets`]), then the entry's own values, every number in range, every
//! URL and template well formed, every error pointing at its key's line.
//! `speech::tts` builds the backend from [`HttpSettings`] and checks nothing
//! again; only what the environment fills in is checked then.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::env::{EnvText, EnvValues};
use super::{BackendConfig, BodyConfig, ResponseConfig};
use crate::audio::response::Declared;

pub mod presets;
mod values;

pub use presets::{BUILTIN, HTTP_PRESETS, Preset, PresetBody, http_preset};
pub use values::{
    BackendError, UrlProblem, collect_strings, has_query, stand_in_placeholders, url_problem,
    without_query,
};

/// Requests per segment before giving up on a transient failure, unless the
/// backend's config says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 6;

/// The most attempts `max_attempts` may ask for: `segment_timeout` bounds a
/// segment's time, this its requests.
pub const MAX_ATTEMPTS: u32 = 50;

/// How long one segment may take in all (attempts, waits, Retry-After),
/// unless the backend's config says otherwise: far more than a sentence
/// ever needs, short enough that a dead server is said to be dead.
pub const DEFAULT_SEGMENT_BUDGET: Duration = Duration::from_secs(10 * 60);

/// The default cap on a response body, in MB: ten minutes of 48 kHz stereo
/// 16-bit PCM is 115 MB; one segment is a sentence.
pub const DEFAULT_MAX_RESPONSE_MB: u64 = 256;

/// What a backend charges, as its config states it (vendors change prices,
/// so podgen ships none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Price {
    /// Costs nothing (the built-in voice).
    Free,
    /// Billed per character sent, in dollars per million.
    PerMillionChars(f64),
    /// Billed per minute of audio returned, in dollars per minute.
    PerMinute(f64),
    /// The config gives no price.
    Unknown,
}

/// What a request body is.
#[derive(Debug, Clone, PartialEq)]
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

/// One header: its name, and its value as a template that may name
/// environment variables.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderSetting {
    /// The header's name.
    pub name: String,
    /// Its value.
    pub value: EnvText,
    /// A preset's authentication header: sent only when an API key is set.
    pub needs_key: bool,
}

/// An HTTP backend's settings, resolved (preset defaults, then the entry's
/// values) and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    /// The preset it starts from, if any.
    pub preset: Option<&'static str>,
    /// The HTTP method.
    pub method: Method,
    /// Where requests go; `{{...}}` placeholders are percent-encoded.
    pub url: UrlSetting,
    /// The headers, in the order they are sent.
    pub headers: Vec<HeaderSetting>,
    /// The query string's templates.
    pub query: Vec<(String, EnvText)>,
    /// The API key (normally `${VAR}`), when the entry gives one.
    pub api_key: Option<EnvText>,
    /// The request body.
    pub body: BodySpec,
    /// Where the audio is in the answer: a JSON pointer to base64, or
    /// (None) the whole body.
    pub audio_pointer: Option<String>,
    /// What the audio bytes are.
    pub declared: Declared,
    /// The model unless a voice names one: the entry's `model:`, else the
    /// preset's.
    pub default_model: Option<String>,
    /// What one request may carry, and how requests are paced.
    pub limits: HttpLimits,
    /// Whether a voice on this backend must name the API's voice id.
    pub needs_voice: bool,
    /// What a request costs, as the config says.
    pub price: Price,
}

/// How much one request may carry and how requests are paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HttpLimits {
    /// The longest text per request, in characters.
    pub max_chars: usize,
    /// The longest text per request in UTF-8 bytes, where the API counts bytes.
    pub max_bytes: Option<usize>,
    /// Characters of the neighbouring segments sent as previous/next text.
    pub context_chars: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests started per `rate_window` (None: no limit).
    pub requests_per_window: Option<u32>,
    /// The window `requests_per_window` counts over (a minute, unless set).
    pub rate_window: Duration,
    /// Requests per segment before a transient failure is final, 1 to
    /// [`MAX_ATTEMPTS`] (default [`DEFAULT_MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Per-request timeout (default two minutes).
    pub timeout: Duration,
    /// The largest response body accepted: `max_response_mb` (default
    /// [`DEFAULT_MAX_RESPONSE_MB`]), in bytes.
    pub max_response_bytes: u64,
    /// The most time one segment may take, retries and waits included.
    pub segment_budget: Duration,
}

/// What a backend entry resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `preset: builtin`: the built-in voice.
    Builtin,
    /// An HTTP backend.
    Http(Box<HttpSettings>),
}

/// Where requests go: a whole URL template, or a base URL with the preset's
/// path after it (joined once the base is filled in, so that a base from
/// the environment may end in `/`).
#[derive(Debug, Clone, PartialEq)]
pub struct UrlSetting {
    /// The URL, or the base URL.
    pub base: EnvText,
    /// The preset's path, when `base` is a base URL.
    pub path: Option<&'static str>,
}

/// The settings that come from the environment, filled in: what a request
/// is sent with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filled {
    /// The URL template.
    pub url: String,
    /// Header templates (values may hold secrets).
    pub headers: Vec<(String, String)>,
    /// Query-string templates.
    pub query: Vec<(String, String)>,
    /// The API key (None when the backend has none, or it is empty).
    pub api_key: Option<String>,
    /// The values read from the environment, and the variables not set.
    pub found: EnvValues,
}

/// The entry's settings over its preset's, checked.
pub fn resolve(c: &BackendConfig) -> Result<Resolved, BackendError> {
    match c.preset.as_ref().map(|p| p.value.as_str()) {
        // The built-in voice takes none of these; they are checked all the
        // same, so that a mistake is never silently passed over.
        Some(BUILTIN) => match http_settings(c, None) {
            Ok(_) | Err(BackendError::NoUrl) => Ok(Resolved::Builtin),
            Err(e) => Err(e),
        },
        Some(name) => match http_preset(name) {
            Some(p) => http_settings(c, Some(p)).map(|h| Resolved::Http(Box::new(h))),
            None => Err(BackendError::UnknownPreset(name.to_string())),
        },
        None => http_settings(c, None).map(|h| Resolved::Http(Box::new(h))),
    }
}

/// The HTTP settings of entry `c` over preset `p`. Where requests go is
/// read last, so that an entry without a URL has had the rest checked.
fn http_settings(
    c: &BackendConfig,
    p: Option<&'static Preset>,
) -> Result<HttpSettings, BackendError> {
    let limits = values::limits_of(c, p)?;
    let price = values::price_of(c)?;
    let headers = headers_of(c, p)?;
    let query = query_of(c, p)?;
    let api_key = c
        .api_key
        .as_deref()
        .map(|k| values::env_template("api_key", k))
        .transpose()?;
    let body = body_of(c.body.as_ref(), p)?;
    let (audio_pointer, declared) = response_of(c.response.as_ref(), p)?;
    let method = match &c.method {
        Some(m) => Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| BackendError::Method(m.clone()))?,
        None => p.map_or(Method::POST, |p| p.method.clone()),
    };
    let url = url_of(c, p)?;
    Ok(HttpSettings {
        preset: p.map(|p| p.name),
        method,
        url,
        headers,
        query,
        api_key,
        body,
        audio_pointer,
        declared,
        default_model: c
            .model
            .clone()
            .or_else(|| p.and_then(|p| p.default_model).map(str::to_string)),
        limits,
        needs_voice: p.is_some_and(|p| p.needs_voice),
        price,
    })
}

/// The entry's `url`, else the preset's path under `base_url` (the entry's,
/// else the preset's).
fn url_of(c: &BackendConfig, p: Option<&'static Preset>) -> Result<UrlSetting, BackendError> {
    let base_url = c
        .base_url
        .as_deref()
        .map(|b| values::url_setting("base_url", b))
        .transpose()?;
    if let Some(u) = &c.url {
        return Ok(UrlSetting {
            base: values::url_setting("url", u)?,
            path: None,
        });
    }
    let Some(p) = p else {
        return Err(BackendError::NoUrl);
    };
    let base = match (base_url, p.base_url) {
        (Some(_), _) if c.base_url.as_deref().is_some_and(has_query) => {
            return Err(BackendError::Url {
                key: "base_url",
                value: without_query(c.base_url.as_deref().unwrap_or_default()),
                source: UrlProblem::Query,
            });
        }
        (Some(b), _) => b,
        (None, Some(b)) => EnvText::literal(b),
        (None, None) => return Err(BackendError::NoBaseUrl(p.name)),
    };
    Ok(UrlSetting {
        base,
        path: Some(p.path),
    })
}

/// The preset's headers (its auth headers only with a key), then the
/// entry's, each replacing a preset header of the same name.
fn headers_of(c: &BackendConfig, p: Option<&Preset>) -> Result<Vec<HeaderSetting>, BackendError> {
    let mut headers: Vec<HeaderSetting> = Vec::new();
    if let Some(p) = p {
        for (pairs, needs_key) in [(p.headers, false), (p.auth_headers, true)] {
            headers.extend(pairs.iter().map(|(k, v)| HeaderSetting {
                name: k.to_string(),
                value: EnvText::literal(v),
                needs_key,
            }));
        }
    }
    for (k, v) in &c.headers {
        let value = values::env_template("headers", v)?;
        headers.retain(|h| !h.name.eq_ignore_ascii_case(k));
        headers.push(HeaderSetting {
            name: k.clone(),
            value,
            needs_key: false,
        });
    }
    Ok(headers)
}

/// The preset's query, then the entry's.
fn query_of(c: &BackendConfig, p: Option<&Preset>) -> Result<Vec<(String, EnvText)>, BackendError> {
    let mut query: Vec<(String, EnvText)> = p
        .into_iter()
        .flat_map(|p| p.query)
        .map(|(k, v)| (k.to_string(), EnvText::literal(v)))
        .collect();
    for (k, v) in &c.query {
        let value = values::env_template("query", v)?;
        query.retain(|(qk, _)| qk != k);
        query.push((k.clone(), value));
    }
    Ok(query)
}

/// The entry's body (exactly one kind), else the preset's.
fn body_of(b: Option<&BodyConfig>, p: Option<&Preset>) -> Result<BodySpec, BackendError> {
    let Some(b) = b else {
        return Ok(p.map_or(BodySpec::None, |p| preset_body(p.body)));
    };
    let body = match (&b.json, &b.form, &b.text) {
        (Some(j), None, None) => BodySpec::Json(j.clone()),
        (None, Some(f), None) => {
            BodySpec::Form(f.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        (None, None, Some(t)) => BodySpec::Text {
            template: t.clone(),
            content_type: b
                .content_type
                .clone()
                .unwrap_or_else(|| "text/plain; charset=utf-8".into()),
        },
        (None, None, None) => BodySpec::None,
        _ => return Err(BackendError::BodyKinds),
    };
    for t in body.templates() {
        values::template_checked("body", &t)?;
    }
    Ok(body)
}

fn preset_body(body: PresetBody) -> BodySpec {
    match body {
        // The table's JSON is tested to parse (presets.rs).
        PresetBody::Json(text) => BodySpec::Json(serde_json::from_str(text).unwrap_or(Value::Null)),
        PresetBody::Text {
            template,
            content_type,
        } => BodySpec::Text {
            template: template.to_string(),
            content_type: content_type.to_string(),
        },
    }
}

/// Where the audio is in the answer (a JSON pointer, or the whole body) and
/// what it is: the preset's, with the entry's `response:` over it.
fn response_of(
    r: Option<&ResponseConfig>,
    p: Option<&Preset>,
) -> Result<(Option<String>, Declared), BackendError> {
    let (mut pointer, mut declared) = p.map_or((None, Declared::Sniff), |p| {
        (p.audio_pointer.map(str::to_string), p.declared)
    });
    let Some(r) = r else {
        return Ok((pointer, declared));
    };
    match r.audio.as_deref() {
        None => {}
        Some("raw") => pointer = None,
        Some("json") => pointer = Some(r.pointer.clone().unwrap_or_else(|| "/audio".into())),
        Some(other) => return Err(BackendError::AudioPlace(other.to_string())),
    }
    if let Some(ptr) = &r.pointer {
        if !ptr.starts_with('/') {
            return Err(BackendError::Pointer(ptr.clone()));
        }
        pointer = Some(ptr.clone());
    }
    match (r.format.as_deref(), r.pcm) {
        (None, Some(pcm)) | (Some("pcm"), Some(pcm)) => declared = Declared::Pcm(pcm),
        (None, None) => {}
        (Some("sniff" | "wav" | "mp3" | "flac" | "ogg"), _) => declared = Declared::Sniff,
        (Some("pcm"), None) => return Err(BackendError::PcmUnstated),
        (Some(other), _) => return Err(BackendError::Format(other.to_string())),
    }
    Ok((pointer, declared))
}

impl BodySpec {
    /// Every template string of the body.
    pub fn templates(&self) -> Vec<String> {
        let mut all = Vec::new();
        match self {
            BodySpec::Json(v) => collect_strings(v, &mut all),
            BodySpec::Form(f) => all.extend(f.iter().map(|(_, v)| v.clone())),
            BodySpec::Text { template, .. } => all.push(template.clone()),
            BodySpec::None => {}
        }
        all
    }
}

impl HttpSettings {
    /// Whether a template uses `{{ssml}}` (then requests carry phonemes).
    pub fn uses_ssml(&self) -> bool {
        let mut all = self.body.templates();
        all.push(self.url.base.with_stand_in(""));
        all.extend(self.url.path.map(str::to_string));
        all.extend(self.headers.iter().map(|h| h.value.with_stand_in("")));
        all.extend(self.query.iter().map(|(_, v)| v.with_stand_in("")));
        all.iter()
            .any(|t| super::template::names(t).iter().any(|n| n == "ssml"))
    }

    /// The settings that come from the environment, filled in from `env`,
    /// and the URL checked with them in: a URL that cannot be requested must
    /// not cost retries at render.
    pub fn fill(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Filled, FillProblem> {
        let mut found = EnvValues::default();
        let api_key = self
            .api_key
            .as_ref()
            .map(|k| checked_fill("api_key", k, env, &mut found))
            .transpose()?
            .filter(|k| !k.is_empty());
        let base = self.url.base.fill(env, &mut found);
        let url = match self.url.path {
            Some(_) if has_query(&base) => return Err(UrlProblem::Query.into()),
            Some(path) => format!("{}{path}", base.trim_end_matches('/')),
            None => base,
        };
        let headers = self
            .headers
            .iter()
            .filter(|h| !h.needs_key || api_key.is_some())
            .map(|h| {
                Ok((
                    h.name.clone(),
                    checked_fill(&h.name, &h.value, env, &mut found)?,
                ))
            })
            .collect::<Result<_, FillProblem>>()?;
        let query = self
            .query
            .iter()
            .map(|(k, v)| (k.clone(), v.fill(env, &mut found)))
            .collect();
        if let Some(problem) = url_problem(&values::stand_in_placeholders(&url)) {
            return Err(problem.into());
        }
        Ok(Filled {
            url,
            headers,
            query,
            api_key,
            found,
        })
    }
}

/// Why a backend's settings cannot be filled in from the environment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FillProblem {
    /// The URL, filled in, cannot be requested.
    #[error("the URL is not usable: {0} (after ${{...}} is filled in)")]
    Url(#[from] UrlProblem),
    /// A key or header from the environment holds a line break or another
    /// control character: no server takes it, and it could end the header.
    #[error(
        "{setting} from {variables} holds a line break or another control character (the value is not shown)"
    )]
    Control {
        /// `api_key` or the header's name.
        setting: String,
        /// The variables it is made from, as `${NAME}`.
        variables: String,
    },
}

/// `text` filled in from `env`, refused when it then holds a control
/// character (a key read from a file with its line break, say).
fn checked_fill(
    setting: &str,
    text: &EnvText,
    env: &dyn Fn(&str) -> Option<String>,
    found: &mut EnvValues,
) -> Result<String, FillProblem> {
    let value = text.fill(env, found);
    if !value.chars().any(char::is_control) {
        return Ok(value);
    }
    let variables = text
        .variables()
        .iter()
        .map(|v| format!("${{{v}}}"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(FillProblem::Control {
        setting: setting.to_string(),
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(r: Result<Resolved, BackendError>) -> HttpSettings {
        match r {
            Ok(Resolved::Http(h)) => *h,
            other => panic!("not an HTTP backend: {other:?}"),
        }
    }

    fn preset(name: &str) -> BackendConfig {
        let yaml = format!("{{preset: {name}}}");
        serde_saphyr::from_str(&yaml).unwrap()
    }

    fn with_base_url(u: &str) -> BackendConfig {
        BackendConfig {
            base_url: Some(u.into()),
            ..preset("openai")
        }
    }

    #[test]
    fn urls_that_cannot_be_requested_are_refused() {
        for bad in [
            "http://[::1",
            "http://localhost:99999/v1",
            "http://",
            "ftp://example.com",
            "localhost:8880",
        ] {
            let err = resolve(&with_base_url(bad)).expect_err(bad);
            assert_eq!(err.key(), Some("base_url"));
            assert!(err.to_string().contains("not a usable URL"), "{bad}: {err}");
        }
        for good in [
            "http://127.0.0.1:8880/v1",
            "https://${REGION:-eastasia}.tts.speech.microsoft.com",
            "http://localhost:${PORT}/v1",
            "${TTS_URL}",
            "https://{{voice}}.example.com/x",
        ] {
            assert!(resolve(&with_base_url(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn templates_numbers_and_durations_are_checked() {
        let generic = |f: fn(&mut BackendConfig)| {
            let mut c = BackendConfig {
                url: Some("http://127.0.0.1:1/x".into()),
                ..Default::default()
            };
            f(&mut c);
            resolve(&c)
        };
        let err = generic(|c| c.url = Some("http://x/{{text".into())).unwrap_err();
        assert!(err.to_string().contains("unclosed"), "{err}");
        let key = |f| generic(f).unwrap_err().key();
        assert_eq!(key(|c| c.max_chars = Some(0)), Some("max_chars"));
        assert_eq!(key(|c| c.max_bytes = Some(3)), Some("max_bytes"));
        assert_eq!(key(|c| c.concurrency = Some(0)), Some("concurrency"));
        assert_eq!(
            key(|c| c.requests_per_minute = Some(0)),
            Some("requests_per_minute")
        );
        assert_eq!(key(|c| c.max_attempts = Some(0)), Some("max_attempts"));
        assert_eq!(key(|c| c.max_attempts = Some(51)), Some("max_attempts"));
        assert_eq!(
            key(|c| c.max_response_mb = Some(u64::MAX)),
            Some("max_response_mb")
        );
        assert_eq!(
            key(|c| c.price_per_minute = Some(-1.0)),
            Some("price_per_minute")
        );
        assert_eq!(
            key(|c| c.segment_timeout = Some("forever".into())),
            Some("segment_timeout")
        );
        assert_eq!(key(|c| c.timeout = Some("0s".into())), Some("timeout"));
        assert_eq!(key(|c| c.method = Some("GE T".into())), Some("method"));
        assert_eq!(
            key(|c| {
                c.headers.insert("X".into(), "${no pe}".into());
            }),
            Some("headers")
        );
        assert_eq!(
            key(|c| {
                c.query.insert("q".into(), "{{nope}}".into());
            }),
            Some("query")
        );
        let h = http(generic(|c| {
            c.segment_timeout = Some("10m".into());
            c.timeout = Some("90s".into());
            c.max_attempts = Some(50);
        }));
        assert_eq!(h.limits.segment_budget, Duration::from_secs(600));
        assert_eq!(h.limits.timeout, Duration::from_secs(90));
        assert_eq!(
            h.limits.max_attempts, 50,
            "a checked value is kept, not clamped"
        );
        assert_eq!(h.limits.concurrency, 2);
    }

    #[test]
    fn bodies_and_responses_are_checked_at_load() {
        let yaml = |entry: &str| -> Result<Resolved, BackendError> {
            resolve(&serde_saphyr::from_str::<BackendConfig>(entry).unwrap())
        };
        let err = |entry: &str| yaml(entry).unwrap_err();
        let url = "url: 'http://127.0.0.1:1/x'";
        assert_eq!(
            err(&format!("{{{url}, body: {{json: {{a: 1}}, text: x}}}}")),
            BackendError::BodyKinds
        );
        assert!(matches!(
            err(&format!("{{{url}, body: {{json: {{t: '{{{{txt}}}}'}}}}}}")),
            BackendError::Template { key: "body", .. }
        ));
        assert_eq!(
            err(&format!("{{{url}, response: {{audio: base64}}}}")),
            BackendError::AudioPlace("base64".into())
        );
        assert_eq!(
            err(&format!("{{{url}, response: {{pointer: audio}}}}")),
            BackendError::Pointer("audio".into())
        );
        assert_eq!(
            err(&format!("{{{url}, response: {{format: aac}}}}")),
            BackendError::Format("aac".into())
        );
        assert_eq!(
            err(&format!("{{{url}, response: {{format: pcm}}}}")),
            BackendError::PcmUnstated
        );
        assert_eq!(err("{preset: azure}"), BackendError::NoBaseUrl("azure"));
        assert_eq!(
            err("{preset: opnai}"),
            BackendError::UnknownPreset("opnai".into())
        );
        assert_eq!(err("{model: m}"), BackendError::NoUrl);
        assert!(matches!(yaml("{preset: builtin}"), Ok(Resolved::Builtin)));
        // The built-in voice takes none of these, but a mistake is one still.
        assert_eq!(
            err("{preset: builtin, max_chars: 0}").key(),
            Some("max_chars")
        );
        let h = http(yaml(&format!(
            "{{{url}, response: {{audio: json}}, body: {{text: '{{{{ssml}}}}'}}}}"
        )));
        assert_eq!(h.audio_pointer.as_deref(), Some("/audio"));
        assert!(h.uses_ssml());
        assert!(!http(yaml("{preset: openai}")).uses_ssml());
        assert!(http(yaml("{preset: azure, base_url: 'https://x.example'}")).uses_ssml());
    }

    #[test]
    fn the_environment_fills_keys_urls_and_auth_headers_in() {
        let env = |k: &str| match k {
            "KEY" => Some("sk-12345678".to_string()),
            "BASE" => Some("http://127.0.0.1:8880/v1/".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        let settings = |entry: &str| http(resolve(&serde_saphyr::from_str(entry).unwrap()));
        let f = settings("{preset: openai, base_url: '${BASE}', api_key: '${KEY}'}")
            .fill(&env)
            .unwrap();
        assert_eq!(f.url, "http://127.0.0.1:8880/v1/audio/speech");
        assert_eq!(
            f.headers,
            [(
                "Authorization".to_string(),
                "Bearer {{api_key}}".to_string()
            )]
        );
        assert_eq!(f.api_key.as_deref(), Some("sk-12345678"));
        assert_eq!(
            f.found.secrets,
            ["sk-12345678", "http://127.0.0.1:8880/v1/"]
        );
        // Without a key, no auth header; an unset variable is noted.
        let f = settings("{preset: openai, api_key: '${NOPE}'}")
            .fill(&env)
            .unwrap();
        assert!(f.headers.is_empty() && f.api_key.is_none());
        assert_eq!(f.found.unset, ["NOPE"]);
        let f = settings("{preset: openai, api_key: '${EMPTY}'}")
            .fill(&env)
            .unwrap();
        assert!(f.api_key.is_none());
        // A URL that only the environment makes unusable fails when filled in.
        let e = settings("{url: '${NOPE}'}").fill(&env).unwrap_err();
        assert!(matches!(e, FillProblem::Url(UrlProblem::Syntax(_))), "{e}");
        // The entry's header replaces the preset's of the same name, in any case.
        let f =
            settings("{preset: azure, base_url: 'https://x.example', headers: {user-agent: me}}")
                .fill(&env)
                .unwrap();
        assert_eq!(
            f.headers,
            [
                (
                    "X-Microsoft-OutputFormat".to_string(),
                    "riff-24khz-16bit-mono-pcm".to_string()
                ),
                ("user-agent".to_string(), "me".to_string())
            ]
        );
    }
}
