//! Configs (podgen.yaml) built in code: backends (a preset at a URL, the
//! generic template), voices on them, and any other setting ([`Fields::set`]:
//! `audio`, `pauses`, `lexicon`, `show`, `output`…).

use serde_json::{Map, Value, json};

use super::Fields;

/// A config.
#[derive(Clone, Debug, Default)]
pub struct Config(pub(super) Map<String, Value>);

impl Config {
    /// An empty config.
    pub fn new() -> Config {
        Config::default()
    }

    /// `audio:`.
    pub fn audio(self, audio: Value) -> Self {
        self.set("audio", audio)
    }

    /// `pauses:`.
    pub fn pauses(self, pauses: Value) -> Self {
        self.set("pauses", pauses)
    }

    /// A backend called `name`.
    pub fn backend(self, name: &str, backend: Backend) -> Self {
        self.entry("backends", name, backend.0)
    }

    /// A voice called `name`.
    pub fn voice(self, name: &str, voice: Voice) -> Self {
        self.entry("voices", name, voice.0)
    }

    fn entry(mut self, section: &str, name: &str, value: Map<String, Value>) -> Self {
        let map = self
            .0
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = map {
            map.insert(name.into(), Value::Object(value));
        }
        self
    }
}

/// One backend's settings: `max_attempts`, `concurrency`… with
/// [`Fields::set`].
#[derive(Clone, Debug)]
pub struct Backend(pub(super) Map<String, Value>);

impl Backend {
    /// The preset `preset` at `base_url`.
    pub fn preset(preset: &str, base_url: &str) -> Backend {
        Backend(Map::new())
            .set("preset", preset)
            .set("base_url", base_url)
    }

    /// The openai preset at a server's `/v1` (`server` as the mock's
    /// [`url`](podgen::mock::MockServer::url)).
    pub fn openai(server: &str) -> Backend {
        Backend::preset("openai", &format!("{server}/v1"))
    }

    /// The generic template at `url`, its request and response as the
    /// default (a POST of the text, audio back).
    pub fn at(url: &str) -> Backend {
        Backend(Map::new()).set("url", url)
    }

    /// The generic template: POST `url` the JSON `{"text": "{{text}}"}`, get
    /// raw audio back.
    pub fn template(url: &str) -> Backend {
        Backend::at(url)
            .set("body", json!({"json": {"text": "{{text}}"}}))
            .set("response", json!({"audio": "raw"}))
    }

    /// The mock's generic JSON API (`/custom/json`) through the template.
    pub fn custom_json(server: &str) -> Backend {
        Backend::template(&format!("{server}/custom/json"))
    }

    /// One more field of the template's JSON body.
    pub fn body_field(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Some(json) = self.0.get_mut("body").and_then(|b| b.get_mut("json")) {
            json[key] = value.into();
        }
        self
    }
}

/// One voice's settings: `speed`, `pan`, `model`… with [`Fields::set`].
#[derive(Clone, Debug)]
pub struct Voice(pub(super) Map<String, Value>);

impl Voice {
    /// A voice on the backend `backend`.
    pub fn on(backend: &str) -> Voice {
        Voice(Map::new()).set("backend", backend)
    }

    /// The backend's own name for the voice (`voice:`).
    pub fn id(self, id: &str) -> Self {
        self.set("voice", id)
    }
}

impl Config {
    /// One backend, `m`, and one voice on it, `host`, which the backend
    /// calls `alloy` (as OpenAI does).
    pub fn host_on(backend: Backend) -> Config {
        Config::new()
            .backend("m", backend)
            .voice("host", Voice::on("m").id("alloy"))
    }
}
