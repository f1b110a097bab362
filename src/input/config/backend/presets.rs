//! The HTTP presets, as data: one row per API, each the request and response
//! shape that vendor documents (ARCHITECTURE.md, "Backends and their
//! quirks", lists the sources). A preset is only defaults: the backend's own
//! settings override any of them. A new preset is one row here, a route in
//! `src/mock/`, a config in `examples/configs/` and a case in the every-preset
//! test.

use reqwest::Method;

use crate::audio::response::Declared;
use crate::audio::{PcmSpec, SampleFormat};

/// The name of the built-in voice: a backend name that is always defined,
/// and the one preset that is not an HTTP API.
pub const BUILTIN: &str = "builtin";

/// A preset's request body.
#[derive(Debug, Clone, Copy)]
pub enum PresetBody {
    /// A JSON document (as JSON text) whose string leaves are templates.
    Json(&'static str),
    /// A text template sent with its content type.
    Text {
        /// The template.
        template: &'static str,
        /// The Content-Type header.
        content_type: &'static str,
    },
}

/// One API's defaults.
#[derive(Debug)]
pub struct Preset {
    /// What `preset:` calls it.
    pub name: &'static str,
    /// The API's base URL, when it has one everyone shares.
    pub base_url: Option<&'static str>,
    /// The HTTP method.
    pub method: Method,
    /// The path under the base URL (a template).
    pub path: &'static str,
    /// Headers every request carries.
    pub headers: &'static [(&'static str, &'static str)],
    /// Headers sent only when an API key is configured.
    pub auth_headers: &'static [(&'static str, &'static str)],
    /// The query string (templates).
    pub query: &'static [(&'static str, &'static str)],
    /// The request body.
    pub body: PresetBody,
    /// JSON pointer to base64 audio, when the audio comes inside JSON.
    pub audio_pointer: Option<&'static str>,
    /// What the audio bytes are.
    pub declared: Declared,
    /// The longest text per request, in characters.
    pub max_chars: usize,
    /// The longest text per request, in UTF-8 bytes, where the API counts bytes.
    pub max_bytes: Option<usize>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The model, unless the backend or a voice names one.
    pub default_model: Option<&'static str>,
    /// Characters of the neighbouring segments sent for continuity.
    pub context_chars: usize,
    /// Whether a voice must name the API's voice id.
    pub needs_voice: bool,
}

const PCM_24K: Declared = Declared::Pcm(PcmSpec {
    sample_rate: 24_000,
    channels: 1,
    sample_format: SampleFormat::S16le,
});

const AZURE_SSML: &str = "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{{language}}'><voice name='{{voice}}'><prosody rate='{{speed_percent}}'>{{ssml|raw}}</prosody></voice></speak>";

/// Every HTTP preset, in the order messages list them.
pub static HTTP_PRESETS: [Preset; 5] = [
    // OpenAI POST /v1/audio/speech, and every OpenAI-compatible server
    // (Kokoro-FastAPI, kokoro-cli, Speaches, LocalAI, openedai-speech).
    // WAV is asked for: it states its rate, unlike `pcm`.
    Preset {
        name: "openai",
        base_url: Some("https://api.openai.com/v1"),
        method: Method::POST,
        path: "/audio/speech",
        headers: &[],
        auth_headers: &[("Authorization", "Bearer {{api_key}}")],
        query: &[],
        body: PresetBody::Json(
            r#"{"model": "{{model}}", "input": "{{text}}", "voice": "{{voice}}", "speed": "{{speed}}", "response_format": "wav", "instructions": "{{instructions?}}"}"#,
        ),
        audio_pointer: None,
        declared: Declared::Sniff,
        max_chars: 4096,
        max_bytes: None,
        concurrency: 4,
        default_model: Some("gpt-4o-mini-tts"),
        context_chars: 0,
        needs_voice: true,
    },
    // ElevenLabs /with-timestamps: JSON with base64 PCM, continuity
    // through previous_text/next_text.
    Preset {
        name: "elevenlabs",
        base_url: Some("https://api.elevenlabs.io"),
        method: Method::POST,
        path: "/v1/text-to-speech/{{voice}}/with-timestamps",
        headers: &[],
        auth_headers: &[("xi-api-key", "{{api_key}}")],
        query: &[("output_format", "pcm_24000")],
        body: PresetBody::Json(
            r#"{"text": "{{text}}", "model_id": "{{model}}", "previous_text": "{{previous_text?}}", "next_text": "{{next_text?}}", "voice_settings": {"speed": "{{speed}}"}}"#,
        ),
        audio_pointer: Some("/audio_base64"),
        declared: PCM_24K,
        max_chars: 5000,
        max_bytes: None,
        concurrency: 2,
        default_model: Some("eleven_multilingual_v2"),
        context_chars: 300,
        needs_voice: true,
    },
    // Azure Speech REST: an SSML body (XML-escaped), WAV back. Its base URL
    // names the resource's region, so there is no default.
    Preset {
        name: "azure",
        base_url: None,
        method: Method::POST,
        path: "/cognitiveservices/v1",
        headers: &[
            ("X-Microsoft-OutputFormat", "riff-24khz-16bit-mono-pcm"),
            ("User-Agent", "podgen"),
        ],
        auth_headers: &[("Ocp-Apim-Subscription-Key", "{{api_key}}")],
        query: &[],
        body: PresetBody::Text {
            template: AZURE_SSML,
            content_type: "application/ssml+xml",
        },
        audio_pointer: None,
        declared: Declared::Sniff,
        max_chars: 3000,
        max_bytes: None,
        concurrency: 4,
        default_model: None,
        context_chars: 0,
        needs_voice: true,
    },
    // Google Cloud text:synthesize: JSON with base64 LINEAR16 (a WAV),
    // 5000 bytes per request.
    Preset {
        name: "google",
        base_url: Some("https://texttospeech.googleapis.com"),
        method: Method::POST,
        path: "/v1/text:synthesize",
        headers: &[],
        auth_headers: &[("X-Goog-Api-Key", "{{api_key}}")],
        query: &[],
        body: PresetBody::Json(
            r#"{"input": {"text": "{{text}}"}, "voice": {"languageCode": "{{language}}", "name": "{{voice}}"}, "audioConfig": {"audioEncoding": "LINEAR16", "speakingRate": "{{speed}}", "sampleRateHertz": 24000}}"#,
        ),
        audio_pointer: Some("/audioContent"),
        declared: Declared::Sniff,
        max_chars: 5000,
        max_bytes: Some(5000),
        concurrency: 4,
        default_model: None,
        context_chars: 0,
        needs_voice: true,
    },
    // piper's HTTP server (piper1-gpl >= 1.5): POST /synthesize; WAV
    // labelled text/html.
    Preset {
        name: "piper",
        base_url: Some("http://127.0.0.1:5000"),
        method: Method::POST,
        path: "/synthesize",
        headers: &[],
        auth_headers: &[],
        query: &[],
        body: PresetBody::Json(
            r#"{"text": "{{text}}", "voice": "{{voice?}}", "length_scale": "{{speed_inverse}}"}"#,
        ),
        audio_pointer: None,
        declared: Declared::Sniff,
        max_chars: 1000,
        max_bytes: None,
        concurrency: 1,
        default_model: None,
        context_chars: 0,
        needs_voice: false,
    },
];

/// The HTTP preset called `name`.
pub fn http_preset(name: &str) -> Option<&'static Preset> {
    HTTP_PRESETS.iter().find(|p| p.name == name)
}

/// Every name `preset:` may take: the HTTP presets and `builtin`.
pub fn names() -> Vec<&'static str> {
    HTTP_PRESETS
        .iter()
        .map(|p| p.name)
        .chain([BUILTIN])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::config::template;

    /// Every template string of a preset.
    fn templates(p: &Preset) -> Vec<String> {
        let mut all = vec![p.path.to_string()];
        for (_, v) in p.headers.iter().chain(p.auth_headers).chain(p.query) {
            all.push(v.to_string());
        }
        match p.body {
            PresetBody::Json(text) => {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                super::super::values::collect_strings(&json, &mut all);
            }
            PresetBody::Text { template, .. } => all.push(template.to_string()),
        }
        all
    }

    #[test]
    fn every_preset_is_well_formed() {
        let names = names();
        for (i, p) in HTTP_PRESETS.iter().enumerate() {
            assert!(!names[i + 1..].contains(&p.name), "{} twice", p.name);
            if let PresetBody::Json(text) = p.body {
                let json: serde_json::Value = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("{}: the body is not JSON: {e}", p.name));
                assert!(json.is_object(), "{}", p.name);
            }
            for t in templates(p) {
                template::check(&t).unwrap_or_else(|e| panic!("{}: {t:?}: {e}", p.name));
            }
            assert!(p.path.starts_with('/'), "{}", p.name);
            assert!(p.max_chars >= 1 && p.max_bytes.is_none_or(|b| b >= 4));
            assert!(p.concurrency >= 1, "{}", p.name);
            assert!(p.audio_pointer.is_none_or(|a| a.starts_with('/')));
        }
        assert_eq!(names.last(), Some(&BUILTIN));
    }
}
