//! An HTTP backend's part of cache keys: everything that shapes its audio
//! (method, endpoint, query, body, where the audio is and what it is, the
//! default model), never its headers, which hold keys.
//!
//! The encoding is spelled out here, field by field, rather than taken from
//! `Debug` output, which is no stable contract. It writes exactly what
//! earlier versions wrote through `Debug` (a string quoted and escaped as
//! Rust's `Debug` quotes it, lists as `[("k", "v")]`, options as
//! `Some("…")`/`None`), so that clips cached by them stay valid; the golden
//! keys below hold it to that.

use std::fmt::Write as _;

use serde_json::Value;

use super::HttpSpec;
use crate::input::config::backend::BodySpec;

/// The backend's identity for cache keys.
pub fn identity(spec: &HttpSpec) -> String {
    let s = &spec.settings;
    let body = match &s.body {
        BodySpec::None => String::new(),
        BodySpec::Json(v) => canonical_json(v),
        BodySpec::Form(fields) => pairs(fields),
        BodySpec::Text {
            template,
            content_type,
        } => format!("{content_type}|{template}"),
    };
    format!(
        "http:{}|{}|{}|{}|{}|{}|{}",
        s.method.as_str(),
        spec.redact(&spec.url),
        pairs(&spec.query),
        body,
        option(s.audio_pointer.as_deref()),
        s.declared.identity(),
        option(s.default_model.as_deref()),
    )
}

/// `s` in double quotes, escaped as Rust's `Debug` escapes a string: `"`
/// and `\`, control characters, and characters that are not printable or
/// extend a grapheme, as `\n`, `\t`, `\u{301}`; a `'` stays as it is.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '\'' {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push('"');
    out
}

/// `Some("…")` or `None`.
fn option(v: Option<&str>) -> String {
    v.map_or_else(|| "None".into(), |s| format!("Some({})", quoted(s)))
}

/// `[("k", "v"), ...]`.
fn pairs(list: &[(String, String)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(k, v)| format!("({}, {})", quoted(k), quoted(v)))
        .collect();
    format!("[{}]", items.join(", "))
}

/// JSON without spaces, object keys in byte order (as serde_json writes a
/// value whose maps are sorted).
fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| *k);
            out.push('{');
            for (i, (k, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_json(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        // Strings escaped, numbers and literals written, as JSON says.
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::config::BackendEntry;

    /// The environment the golden keys were computed in.
    fn env(k: &str) -> Option<String> {
        let v = match k {
            "KEY" => "sk-test-secret-123456",
            "REGION" | "AZURE_SPEECH_REGION" => "eastasia",
            "OPENAI_API_KEY" => "sk-sample-openai-0001",
            "ELEVENLABS_API_KEY" => "sample-eleven-0002",
            "AZURE_SPEECH_KEY" => "sample-azure-0003",
            "GOOGLE_TTS_API_KEY" => "sample-google-0004",
            _ => return None,
        };
        Some(v.to_string())
    }

    fn identity_of(config: &crate::input::config::Config, name: &str) -> String {
        let Some(BackendEntry::Http(settings)) = config.backend(name) else {
            panic!("{name} is not an HTTP backend");
        };
        identity(&HttpSpec::build(name, settings, &env).unwrap())
    }

    /// (name, entry, identity)
    const INLINE: &[(&str, &str, &str)] = &[
        (
            "openai",
            "{preset: openai}",
            "http:POST|https://api.openai.com/v1/audio/speech|[]|{\"input\":\"{{text}}\",\"instructions\":\"{{instructions?}}\",\"model\":\"{{model}}\",\"response_format\":\"wav\",\"speed\":\"{{speed}}\",\"voice\":\"{{voice}}\"}|None|Sniff|Some(\"gpt-4o-mini-tts\")",
        ),
        (
            "openai_local",
            "{preset: openai, base_url: 'http://127.0.0.1:8880/v1/', model: kokoro, api_key: '${KEY}'}",
            "http:POST|http://127.0.0.1:8880/v1/audio/speech|[]|{\"input\":\"{{text}}\",\"instructions\":\"{{instructions?}}\",\"model\":\"{{model}}\",\"response_format\":\"wav\",\"speed\":\"{{speed}}\",\"voice\":\"{{voice}}\"}|None|Sniff|Some(\"kokoro\")",
        ),
        (
            "elevenlabs",
            "{preset: elevenlabs, api_key: '${KEY}'}",
            "http:POST|https://api.elevenlabs.io/v1/text-to-speech/{{voice}}/with-timestamps|[(\"output_format\", \"pcm_24000\")]|{\"model_id\":\"{{model}}\",\"next_text\":\"{{next_text?}}\",\"previous_text\":\"{{previous_text?}}\",\"text\":\"{{text}}\",\"voice_settings\":{\"speed\":\"{{speed}}\"}}|Some(\"/audio_base64\")|Pcm(PcmConfig { sample_rate: 24000, channels: 1, sample_format: S16le })|Some(\"eleven_multilingual_v2\")",
        ),
        (
            "elevenlabs_16k",
            "{preset: elevenlabs, query: {output_format: pcm_16000}, response: {pcm: {sample_rate: 16000}}}",
            "http:POST|https://api.elevenlabs.io/v1/text-to-speech/{{voice}}/with-timestamps|[(\"output_format\", \"pcm_16000\")]|{\"model_id\":\"{{model}}\",\"next_text\":\"{{next_text?}}\",\"previous_text\":\"{{previous_text?}}\",\"text\":\"{{text}}\",\"voice_settings\":{\"speed\":\"{{speed}}\"}}|Some(\"/audio_base64\")|Pcm(PcmConfig { sample_rate: 16000, channels: 1, sample_format: S16le })|Some(\"eleven_multilingual_v2\")",
        ),
        (
            "azure",
            "{preset: azure, base_url: 'https://${REGION}.tts.speech.microsoft.com', api_key: '${KEY}'}",
            "http:POST|https://***.tts.speech.microsoft.com/cognitiveservices/v1|[]|application/ssml+xml|<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{{language}}'><voice name='{{voice}}'><prosody rate='{{speed_percent}}'>{{ssml|raw}}</prosody></voice></speak>|None|Sniff|None",
        ),
        (
            "google",
            "{preset: google, api_key: '${KEY}'}",
            "http:POST|https://texttospeech.googleapis.com/v1/text:synthesize|[]|{\"audioConfig\":{\"audioEncoding\":\"LINEAR16\",\"sampleRateHertz\":24000,\"speakingRate\":\"{{speed}}\"},\"input\":{\"text\":\"{{text}}\"},\"voice\":{\"languageCode\":\"{{language}}\",\"name\":\"{{voice}}\"}}|Some(\"/audioContent\")|Sniff|None",
        ),
        (
            "piper",
            "{preset: piper}",
            "http:POST|http://127.0.0.1:5000/synthesize|[]|{\"length_scale\":\"{{speed_inverse}}\",\"text\":\"{{text}}\",\"voice\":\"{{voice?}}\"}|None|Sniff|None",
        ),
        (
            "piper_raw",
            "{preset: piper, response: {audio: raw, format: wav}, method: put}",
            "http:PUT|http://127.0.0.1:5000/synthesize|[]|{\"length_scale\":\"{{speed_inverse}}\",\"text\":\"{{text}}\",\"voice\":\"{{voice?}}\"}|None|Sniff|None",
        ),
        (
            "json",
            "{url: 'http://127.0.0.1:9880/tts', body: {json: {text: '{{text}}', speed_factor: '{{speed}}', n: 1, f: 1.5, list: [a, '{{voice}}'], nested: {x: null, y: true}, zh: 中文, q: \"say \\\"hi\\\" \\\\ ok\"}}, response: {audio: raw, format: sniff}}",
            "http:POST|http://127.0.0.1:9880/tts|[]|{\"f\":1.5,\"list\":[\"a\",\"{{voice}}\"],\"n\":1,\"nested\":{\"x\":null,\"y\":true},\"q\":\"say \\\"hi\\\" \\\\ ok\",\"speed_factor\":\"{{speed}}\",\"text\":\"{{text}}\",\"zh\":\"中文\"}|None|Sniff|None",
        ),
        (
            "cosyvoice",
            "{method: GET, url: 'http://127.0.0.1:50000/inference_sft', query: {tts_text: '{{text}}', spk_id: '{{voice}}'}, response: {audio: raw, format: pcm, pcm: {sample_rate: 22050, channels: 1, sample_format: s16le}}}",
            "http:GET|http://127.0.0.1:50000/inference_sft|[(\"spk_id\", \"{{voice}}\"), (\"tts_text\", \"{{text}}\")]||None|Pcm(PcmConfig { sample_rate: 22050, channels: 1, sample_format: S16le })|None",
        ),
        (
            "form",
            "{url: 'http://127.0.0.1:59125/process', body: {form: {INPUT_TEXT: '{{text}}', NOTE: \"say \\\"hi\\\" \\\\ ok\", ZH: 中文女, TAB: \"a\\tb\\nc\\r\\u0000\", QUOTE: \"it's\", MARK: \"e\\u0301 \\u007f \\u0007 \\u200d \\u00a0 \\U0001F600\"}}}",
            "http:POST|http://127.0.0.1:59125/process|[]|[(\"INPUT_TEXT\", \"{{text}}\"), (\"MARK\", \"e\\u{301} \\u{7f} \\u{7} \\u{200d} \\u{a0} 😀\"), (\"NOTE\", \"say \\\"hi\\\" \\\\ ok\"), (\"QUOTE\", \"it's\"), (\"TAB\", \"a\\tb\\nc\\r\\0\"), (\"ZH\", \"中文女\")]|None|Sniff|None",
        ),
        (
            "text",
            "{url: 'http://x.example/ssml', body: {text: '<speak>{{ssml|raw}}</speak>', content_type: application/ssml+xml}}",
            "http:POST|http://x.example/ssml|[]|application/ssml+xml|<speak>{{ssml|raw}}</speak>|None|Sniff|None",
        ),
        (
            "text_default",
            "{url: 'http://x.example/plain', body: {text: '{{text}}'}}",
            "http:POST|http://x.example/plain|[]|text/plain; charset=utf-8|{{text}}|None|Sniff|None",
        ),
        (
            "pointer",
            "{url: 'http://x.example/j', body: {json: {t: '{{text}}'}}, response: {audio: json, pointer: /data/audio}}",
            "http:POST|http://x.example/j|[]|{\"t\":\"{{text}}\"}|Some(\"/data/audio\")|Sniff|None",
        ),
        (
            "json_default_ptr",
            "{url: 'http://x.example/j', body: {json: {t: '{{text}}'}}, response: {audio: json}}",
            "http:POST|http://x.example/j|[]|{\"t\":\"{{text}}\"}|Some(\"/audio\")|Sniff|None",
        ),
        (
            "f32",
            "{url: 'http://x.example/p', response: {format: pcm, pcm: {sample_rate: 48000, channels: 2, sample_format: f32le}}}",
            "http:POST|http://x.example/p|[]||None|Pcm(PcmConfig { sample_rate: 48000, channels: 2, sample_format: F32le })|None",
        ),
        (
            "s24",
            "{url: 'http://x.example/p', response: {pcm: {sample_rate: 16000, sample_format: s24le}}}",
            "http:POST|http://x.example/p|[]||None|Pcm(PcmConfig { sample_rate: 16000, channels: 1, sample_format: S24le })|None",
        ),
        (
            "s32",
            "{url: 'http://x.example/p', response: {format: pcm, pcm: {sample_rate: 8000, channels: 1, sample_format: s32le}}}",
            "http:POST|http://x.example/p|[]||None|Pcm(PcmConfig { sample_rate: 8000, channels: 1, sample_format: S32le })|None",
        ),
        (
            "query_env",
            "{url: 'http://x.example/q', method: get, query: {key: '${KEY}', v: \"e\\u0301 \\u007f \\u0007\", \"we'ird \\\"k\\\"\": x}}",
            "http:GET|http://x.example/q|[(\"key\", \"sk-test-secret-123456\"), (\"v\", \"e\\u{301} \\u{7f} \\u{7}\"), (\"we'ird \\\"k\\\"\", \"x\")]||None|Sniff|None",
        ),
        (
            "url_secret",
            "{url: 'http://x.example/${KEY}/tts?x={{voice}}', body: {json: {t: '{{text}}'}}}",
            "http:POST|http://x.example/***/tts?x={{voice}}|[]|{\"t\":\"{{text}}\"}|None|Sniff|None",
        ),
        (
            "no_body",
            "{url: 'http://x.example/get', method: GET}",
            "http:GET|http://x.example/get|[]||None|Sniff|None",
        ),
    ];

    /// Each backend's identity as the version before this encoding wrote it
    /// through `Debug`, byte for byte: every preset, the generic template's
    /// bodies and responses, strings that `Debug` escapes.
    #[test]
    fn identities_are_the_keys_clips_were_cached_under() {
        for (name, entry, expected) in INLINE {
            let yaml = format!("backends:\n  {name}: {entry}\n");
            let config = crate::input::config::parse(std::path::Path::new("podgen.yaml"), yaml)
                .unwrap_or_else(|e| panic!("{name}: {:?}", e.report()));
            assert_eq!(identity_of(&config, name), *expected, "{name}");
        }
    }

    /// (file, backend, identity)
    const EXAMPLES: &[(&str, &str, &str)] = &[
        (
            "azure.yaml",
            "azure",
            "http:POST|https://***.tts.speech.microsoft.com/cognitiveservices/v1|[]|application/ssml+xml|<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{{language}}'><voice name='{{voice}}'><prosody rate='{{speed_percent}}'>{{ssml|raw}}</prosody></voice></speak>|None|Sniff|None",
        ),
        (
            "custom.yaml",
            "cosyvoice",
            "http:GET|http://127.0.0.1:50000/inference_sft|[(\"spk_id\", \"{{voice}}\"), (\"tts_text\", \"{{text}}\")]||None|Pcm(PcmConfig { sample_rate: 22050, channels: 1, sample_format: S16le })|None",
        ),
        (
            "custom.yaml",
            "gpt-sovits",
            "http:POST|http://127.0.0.1:9880/tts|[]|{\"media_type\":\"wav\",\"prompt_lang\":\"zh\",\"prompt_text\":\"参考音频的文字\",\"ref_audio_path\":\"/srv/voices/host.wav\",\"speed_factor\":\"{{speed}}\",\"text\":\"{{text}}\",\"text_lang\":\"zh\"}|None|Sniff|None",
        ),
        (
            "custom.yaml",
            "marytts",
            "http:POST|http://127.0.0.1:59125/process|[]|[(\"AUDIO\", \"WAVE_FILE\"), (\"INPUT_TEXT\", \"{{text}}\"), (\"INPUT_TYPE\", \"TEXT\"), (\"LOCALE\", \"en_US\"), (\"OUTPUT_TYPE\", \"AUDIO\")]|None|Sniff|None",
        ),
        (
            "elevenlabs.yaml",
            "elevenlabs",
            "http:POST|https://api.***labs.io/v1/text-to-speech/{{voice}}/with-timestamps|[(\"output_format\", \"pcm_24000\")]|{\"model_id\":\"{{model}}\",\"next_text\":\"{{next_text?}}\",\"previous_text\":\"{{previous_text?}}\",\"text\":\"{{text}}\",\"voice_settings\":{\"speed\":\"{{speed}}\"}}|Some(\"/audio_base64\")|Pcm(PcmConfig { sample_rate: 24000, channels: 1, sample_format: S16le })|Some(\"eleven_multilingual_v2\")",
        ),
        (
            "google.yaml",
            "google",
            "http:POST|https://texttospeech.***apis.com/v1/text:synthesize|[]|{\"audioConfig\":{\"audioEncoding\":\"LINEAR16\",\"sampleRateHertz\":24000,\"speakingRate\":\"{{speed}}\"},\"input\":{\"text\":\"{{text}}\"},\"voice\":{\"languageCode\":\"{{language}}\",\"name\":\"{{voice}}\"}}|Some(\"/audioContent\")|Sniff|None",
        ),
        (
            "local-openai-compatible.yaml",
            "kokoro",
            "http:POST|http://127.0.0.1:8880/v1/audio/speech|[]|{\"input\":\"{{text}}\",\"instructions\":\"{{instructions?}}\",\"model\":\"{{model}}\",\"response_format\":\"wav\",\"speed\":\"{{speed}}\",\"voice\":\"{{voice}}\"}|None|Sniff|Some(\"kokoro\")",
        ),
        (
            "mock.yaml",
            "mock",
            "http:POST|http://127.0.0.1:8099/v1/audio/speech|[]|{\"input\":\"{{text}}\",\"instructions\":\"{{instructions?}}\",\"model\":\"{{model}}\",\"response_format\":\"wav\",\"speed\":\"{{speed}}\",\"voice\":\"{{voice}}\"}|None|Sniff|Some(\"gpt-4o-mini-tts\")",
        ),
        (
            "openai.yaml",
            "openai",
            "http:POST|https://api.***.com/v1/audio/speech|[]|{\"input\":\"{{text}}\",\"instructions\":\"{{instructions?}}\",\"model\":\"{{model}}\",\"response_format\":\"wav\",\"speed\":\"{{speed}}\",\"voice\":\"{{voice}}\"}|None|Sniff|Some(\"gpt-4o-mini-tts\")",
        ),
        (
            "piper.yaml",
            "piper",
            "http:POST|http://127.0.0.1:5000/synthesize|[]|{\"length_scale\":\"{{speed_inverse}}\",\"text\":\"{{text}}\",\"voice\":\"{{voice?}}\"}|None|Sniff|None",
        ),
    ];

    /// The shipped example configs, likewise.
    #[test]
    fn the_example_configs_keep_their_keys() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/configs");
        for (file, name, expected) in EXAMPLES {
            let config = crate::input::config::load(&dir.join(file)).unwrap();
            assert_eq!(identity_of(&config, name), *expected, "{file}: {name}");
        }
    }

    #[test]
    fn quoting_is_debug_quoting() {
        for s in [
            "plain",
            "it's \"quoted\" \\",
            "tab\there\nnew\r\0",
            "e\u{301}\u{7f}\u{200d}\u{a0}😀",
            "中文",
        ] {
            assert_eq!(quoted(s), format!("{s:?}"), "{s}");
        }
        let list = vec![("a".to_string(), "b'\"".to_string())];
        assert_eq!(pairs(&list), format!("{list:?}"));
        assert_eq!(option(Some("x")), format!("{:?}", Some("x")));
        assert_eq!(option(None), "None");
    }
}
