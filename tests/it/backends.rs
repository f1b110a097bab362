//! Backends by configuration, against the mock TTS server running in process
//! on 127.0.0.1: every preset, the generic template, escaping, response
//! formats, `--backend`, voice profiles and where the config is found.

use serde_json::{Value, json};

use podgen::audio::resample::expected_frames;
use podgen::mock::{MockOptions, MockServer, speech_frames};

use crate::common::*;

fn mock() -> MockServer {
    MockServer::start(0, MockOptions::default()).unwrap()
}

/// Render `script` with `config` (written as issue.yaml and podgen.yaml)
/// into `out`, with `extra` arguments, and return the manifest.
fn render_with(s: &Scratch, config: &Config, script: &str, extra: &[&str]) -> Value {
    let cfg = config.write(s, "podgen.yaml");
    let sc = s.write("issue.yaml", script);
    s.cmd("render")
        .arg(sc)
        .config(&cfg)
        .out("out")
        .quiet()
        .args(extra)
        .ok();
    let ep = std::fs::read_dir(s.output())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    read_json(&ep.join("render.json"))
}

/// Every segment lasts what the mock says its text (as sent: the spoken
/// text) lasts, resampled to 44.1 kHz, within `tolerance` samples.
fn assert_mock_durations(m: &Value, mock_rate_of: &dyn Fn(&Value) -> u32, tolerance: u64) {
    for seg in array(&m["segments"]) {
        let text = seg["spoken"].as_str().unwrap();
        let rate = mock_rate_of(seg);
        let expected = expected_frames(speech_frames(text, rate), rate, RATE) as u64;
        let got = seg["samples"].as_u64().unwrap();
        assert!(
            got.abs_diff(expected) <= tolerance,
            "{text:?} via {}: {got} samples, expected {expected}",
            seg["voice"]
        );
    }
}

/// The preset `preset` at `base_url` as the backend `b`, and `host` on it,
/// called `id` there.
fn preset_config(preset: &str, base_url: &str, id: &str) -> Config {
    Config::new()
        .backend("b", Backend::preset(preset, base_url))
        .voice("host", Voice::on("b").id(id))
}

#[test]
fn every_preset_renders_against_the_mock_with_exact_durations() {
    let server = mock();
    let url = server.url();
    let piper = Config::new()
        .backend("b", Backend::preset("piper", &url))
        .voice("host", Voice::on("b").set("speed", 1.0));
    let cases: [(&str, Config, u32); 5] = [
        (
            "openai",
            preset_config("openai", &format!("{url}/v1"), "alloy"),
            24_000,
        ),
        (
            "elevenlabs",
            preset_config("elevenlabs", &url, "rachel"),
            24_000,
        ),
        (
            "azure",
            preset_config("azure", &url, "zh-CN-XiaoxiaoNeural"),
            24_000,
        ),
        (
            "google",
            preset_config("google", &url, "cmn-CN-Wavenet-A"),
            24_000,
        ),
        ("piper", piper, 22_050),
    ];
    let mut before = 0;
    for (preset, config, rate) in cases {
        let s = Scratch::new();
        let m = render_with(&s, &config, TWO_ITEMS, &[]);
        assert_mock_durations(&m, &|_| rate, 1);
        assert_eq!(array(&m["chapters"]).len(), 2, "{preset}");
        let segs = array(&m["segments"]);
        assert!(segs.iter().all(|x| x["backend"] == "b"));
        // The mock got one request per segment, carrying the segment's text.
        let reqs = server.requests();
        let mine = &reqs[before..];
        before = reqs.len();
        assert_eq!(mine.len(), segs.len(), "{preset}");
        assert!(
            mine.iter().all(|r| r.route == preset && r.status == 200),
            "{preset}: {mine:?}"
        );
        let mut sent: Vec<&str> = mine.iter().map(|r| r.text.as_deref().unwrap()).collect();
        let mut planned: Vec<&str> = segs.iter().map(|x| x["text"].as_str().unwrap()).collect();
        sent.sort();
        planned.sort();
        assert_eq!(sent, planned, "{preset}");
    }
    // Shape details the real APIs need.
    let reqs = server.requests();
    let by = |route: &str| reqs.iter().find(|r| r.route == route).unwrap().clone();
    let openai: Value = serde_json::from_str(&by("openai").body).unwrap();
    assert_eq!(
        (openai["voice"].as_str(), openai["response_format"].as_str()),
        (Some("alloy"), Some("wav"))
    );
    assert_eq!(by("elevenlabs").query["output_format"], "pcm_24000");
    let el: Value = serde_json::from_str(&by("elevenlabs").body).unwrap();
    assert_eq!(el["model_id"], "eleven_multilingual_v2");
    assert!(by("azure").body.starts_with("<speak version='1.0'"));
    assert_eq!(by("azure").headers["content-type"], "application/ssml+xml");
    let g: Value = serde_json::from_str(&by("google").body).unwrap();
    assert_eq!(g["audioConfig"]["audioEncoding"], "LINEAR16");
}

/// The bodies of every request the mock received, as JSON.
fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

#[test]
fn elevenlabs_gets_neighbouring_text_for_continuity() {
    let server = mock();
    let s = Scratch::new();
    let script = Script::named("ctx").voice("host").item(Item::new(
        "A",
        "First sentence here. Second sentence there. Third one.",
    ));
    let config = preset_config("elevenlabs", &server.url(), "v");
    render_with(&s, &config, &script.text(), &[]);
    let bodies = bodies(&server);
    let second = bodies
        .iter()
        .find(|b| b["text"] == "Second sentence there.")
        .unwrap();
    assert_eq!(second["previous_text"], "First sentence here.");
    assert_eq!(second["next_text"], "Third one.");
    let first = bodies
        .iter()
        .find(|b| b["text"] == "First sentence here.")
        .unwrap();
    assert!(
        first.get("previous_text").is_none(),
        "no previous text for the first: {first}"
    );
}

#[test]
fn the_generic_template_speaks_json_form_query_and_text_bodies() {
    let server = mock();
    let url = server.url();
    let config = Config::new()
        .backend(
            "json",
            Backend::custom_json(&url)
                .body_field("format", "wav")
                .body_field("speed", "{{speed}}"),
        )
        .backend(
            "form",
            Backend::at(&format!("{url}/custom/form")).set(
                "body",
                json!({"form": {"text": "{{text}}", "format": "wav_ffff"}}),
            ),
        )
        .backend(
            "query",
            Backend::at(&format!("{url}/custom/query"))
                .set("method", "GET")
                .set("query", json!({"text": "{{text}}", "format": "wav_zero"})),
        )
        .backend(
            "text",
            Backend::at(&format!("{url}/custom/text?format=wav_list")).set(
                "body",
                json!({"text": "{{text}}", "content_type": "text/plain"}),
            ),
        )
        .backend(
            "b64",
            Backend::custom_json(&url)
                .body_field("format", "json")
                .set("response", json!({"audio": "json", "pointer": "/audio"})),
        );
    let backends = ["json", "form", "query", "text", "b64"];
    let config = backends.iter().enumerate().fold(config, |c, (i, b)| {
        c.voice(&format!("v{}", i + 1), Voice::on(b))
    });
    let script = Script::named("generic").items((1..=5).map(|v| {
        Item::new(
            format!("Item {v}"),
            format!("Item number {v} speaks through its own body kind."),
        )
        .voice(&format!("v{v}"))
    }));
    let s = Scratch::new();
    let m = render_with(&s, &config, &script.text(), &[]);
    assert_mock_durations(&m, &|_| 24_000, 1);
    let routes: Vec<String> = server.requests().iter().map(|r| r.route.clone()).collect();
    for r in ["custom/json", "custom/form", "custom/query", "custom/text"] {
        assert!(routes.iter().any(|x| x == r), "{r} not used: {routes:?}");
    }
    // A JSON leaf that is one placeholder keeps its type.
    let json_req = server
        .requests()
        .into_iter()
        .find(|r| r.route == "custom/json" && r.body.contains("\"format\":\"wav\""))
        .unwrap();
    let body: Value = serde_json::from_str(&json_req.body).unwrap();
    assert_eq!(body["speed"], 1.0);
}

#[test]
fn hostile_text_reaches_the_mock_exactly_through_json_ssml_form_and_query() {
    let server = mock();
    let url = server.url();
    let config = Config::new()
        .backend("openai", Backend::openai(&url))
        .backend("azure", Backend::preset("azure", &url))
        .backend(
            "form",
            Backend::at(&format!("{url}/custom/form"))
                .set("body", json!({"form": {"text": "{{text}}"}})),
        )
        .backend(
            "query",
            Backend::at(&format!("{url}/custom/query"))
                .set("method", "GET")
                .set("query", json!({"text": "{{text}}"})),
        )
        .voice("json", Voice::on("openai").id("alloy"))
        .voice("ssml", Voice::on("azure").id("en-US-JennyNeural"))
        .voice("form", Voice::on("form"))
        .voice("query", Voice::on("query"));
    // One paragraph on two lines (joined with a space), with a tab, quotes,
    // markup, an entity, a backslash, an ampersand and an emoji; no sentence end.
    let line1 = "He said \"quotes\" and 'single' <tags> &amp;, back\\slash, a\ttab";
    let line2 = "& an emoji 🎉 plus 中文“引号”";
    let expected = format!("{line1} {line2}");
    let script = Script::named("hostile").items(
        ["json", "ssml", "form", "query"]
            .map(|v| Item::new(v, format!("{line1}\n{line2}\n")).voice(v)),
    );
    let s = Scratch::new();
    let m = render_with(&s, &config, &script.text(), &[]);
    let segs = array(&m["segments"]);
    assert_eq!(segs.len(), 4, "one segment per item: {segs:?}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    for r in &reqs {
        assert_eq!(
            r.text.as_deref(),
            Some(expected.as_str()),
            "via {}: {}",
            r.route,
            r.body
        );
    }
    // The SSML body is well-formed XML with the text escaped, not raw.
    let azure = reqs.iter().find(|r| r.route == "azure").unwrap();
    assert!(
        azure.body.contains("&lt;tags&gt; &amp;amp;,"),
        "{}",
        azure.body
    );
}

#[test]
fn every_response_format_decodes_to_the_right_duration() {
    let server = mock();
    let url = server.url();
    let pcm = |rate: u32| json!({"format": "pcm", "pcm": {"sample_rate": rate}});
    // (voice, body format, response settings, mock rate, tolerance in samples)
    let formats: [(&str, &str, Value, u32, u64); 12] = [
        ("wav", "wav", json!({}), 24_000, 1),
        ("zero", "wav_zero", json!({}), 24_000, 1),
        ("ffff", "wav_ffff", json!({}), 24_000, 1),
        ("sevenfff", "wav_7fff", json!({}), 24_000, 1),
        ("list", "wav_list", json!({}), 24_000, 1),
        ("html", "wav_html", json!({}), 24_000, 1),
        ("pcm16", "pcm_16000", pcm(16_000), 16_000, 1),
        ("pcm22", "pcm_22050", pcm(22_050), 22_050, 1),
        (
            "pcm24",
            "pcm_24000",
            json!({"format": "pcm", "pcm": {"sample_rate": 24000, "channels": 1, "sample_format": "s16le"}}),
            24_000,
            1,
        ),
        ("pcm48", "pcm_48000", pcm(48_000), 48_000, 1),
        ("flac", "flac", json!({}), 24_000, 1),
        // MP3 moves the edges by encoder delay and frame padding: within two
        // MP3 frames (2 x 1152 samples at 24 kHz = 96 ms = 4234 samples at 44.1 kHz).
        ("mp3", "mp3", json!({}), 24_000, 4_234),
    ];
    let mut config = Config::new();
    let mut script = Script::named("formats");
    for (name, format, response, _, _) in &formats {
        let backend = Backend::custom_json(&url)
            .body_field("format", *format)
            .set("response", response.clone());
        config = config.backend(name, backend).voice(name, Voice::on(name));
        script = script.item(
            Item::new(
                *name,
                format!("The {name} format carries this sentence to podgen."),
            )
            .voice(name),
        );
    }
    let s = Scratch::new();
    let m = render_with(&s, &config, &script.text(), &[]);
    for seg in array(&m["segments"]) {
        let (_, _, _, rate, tol) = formats.iter().find(|f| f.0 == seg["voice"]).unwrap();
        let text = seg["text"].as_str().unwrap();
        let expected = expected_frames(speech_frames(text, *rate), *rate, RATE) as u64;
        let got = seg["samples"].as_u64().unwrap();
        assert!(
            got.abs_diff(expected) <= *tol,
            "{}: {got} vs {expected}",
            seg["voice"]
        );
    }
}

/// Whether every segment of `m` came from `backend`.
fn all_from(m: &Value, backend: &str) -> bool {
    array(&m["segments"])
        .iter()
        .all(|x| x["backend"] == backend)
}

#[test]
fn the_same_digest_renders_builtin_and_with_backend_pointing_at_the_mock() {
    let server = mock();
    let s = Scratch::new();
    let builtin = example_episode().manifest();
    assert!(all_from(&builtin, "builtin"));

    let cfg = Config::new()
        .backend("mock", Backend::openai(&server.url()))
        .write(&s, "mock.yaml");
    s.cmd("render")
        .arg(example())
        .config(&cfg)
        .args(["--backend", "mock"])
        .out("out2")
        .quiet()
        .ok();
    let mocked = s.episode("out2", "2024-06-2").manifest();
    assert!(all_from(&mocked, "mock"));
    assert_eq!(
        array(&mocked["chapters"]).len(),
        array(&builtin["chapters"]).len()
    );
    assert_mock_durations(&mocked, &|_| 24_000, 1);
    // The voice name stands in for the voice id when --backend redirects an undefined voice.
    assert_eq!(bodies(&server)[0]["voice"], "host");
}

#[test]
fn the_sample_configs_in_the_repository_resolve() {
    let env = [
        ("OPENAI_API_KEY", "sk-sample-openai-0001"),
        ("ELEVENLABS_API_KEY", "sample-eleven-0002"),
        ("AZURE_SPEECH_KEY", "sample-azure-0003"),
        ("AZURE_SPEECH_REGION", "eastasia"),
        ("GOOGLE_TTS_API_KEY", "sample-google-0004"),
    ];
    let s = env
        .iter()
        .fold(Scratch::new(), |s, (k, v)| s.with_env(k, v));
    let dir = root().join("examples/configs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for cfg in names {
        let out = s.cmd("voices").arg(example()).config(&cfg).output();
        let text = stdout(&out);
        assert!(out.status.success(), "{}: {}", cfg.display(), stderr(&out));
        assert!(!text.contains("not usable"), "{}: {text}", cfg.display());
        assert!(text.contains("host -> "), "{}: {text}", cfg.display());
        for (_, secret) in env {
            assert!(
                !text.contains(secret),
                "{}: a secret is listed",
                cfg.display()
            );
        }
    }
}

#[test]
fn voice_profiles_may_live_in_a_voices_folder_beside_the_config() {
    let server = mock();
    let s = Scratch::new();
    let cfg = Config::new()
        .backend("m", Backend::openai(&server.url()))
        .write(&s, "cfg/podgen.yaml");
    s.write(
        "cfg/voices/host.yaml",
        "backend: m\nvoice: nova\nspeed: 1.25\n",
    );
    let script = s.write("issue.yaml", TWO_ITEMS);
    let out = s.render_config(&script, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let body = &bodies(&server)[0];
    assert_eq!(
        (body["voice"].as_str(), body["speed"].as_f64()),
        (Some("nova"), Some(1.25))
    );
}

#[test]
fn a_config_beside_the_script_is_found_and_voice_settings_reach_the_body() {
    let server = mock();
    let s = Scratch::new();
    let host = Voice::on("kokoro")
        .id("zf_xiaobei")
        .set("model", "kokoro-v1")
        .set("speed", 1.1)
        .set("instructions", "Calm and warm.")
        .set(
            "extra",
            json!({"lang": "cmn", "normalization_options": {"normalize": false}}),
        );
    Config::new()
        .backend(
            "kokoro",
            Backend::openai(&server.url()).set("model", "kokoro"),
        )
        .voice("host", host)
        .write(&s, "show/podgen.yaml");
    let script = s.write("show/issue.yaml", TWO_ITEMS);
    // No -c: podgen.yaml beside the script is the config.
    s.cmd("render").arg(script).out("out").quiet().ok();
    let body = &bodies(&server)[0];
    assert_eq!(body["voice"], "zf_xiaobei");
    assert_eq!(body["model"], "kokoro-v1");
    assert_eq!(body["speed"], 1.1);
    assert_eq!(body["instructions"], "Calm and warm.");
    assert_eq!(body["lang"], "cmn");
    assert_eq!(body["normalization_options"]["normalize"], false);
}

#[test]
fn other_languages_go_to_backends_that_speak_them_but_not_to_the_builtin_voice() {
    let server = mock();
    let config = preset_config("google", &server.url(), "fr-FR-Wavenet-A");
    let s = Scratch::new();
    let script = Script::named("fr")
        .voice("host")
        .item(Item::new("Bonjour", "Bonjour et bienvenue dans notre émission.").language("fr-FR"));
    let m = render_with(&s, &config, &script.text(), &[]);
    assert_eq!(m["segments"][0]["language"], "fr-FR");
    assert_eq!(bodies(&server)[0]["voice"]["languageCode"], "fr-FR");

    s.cmd("validate")
        .arg(s.path("issue.yaml"))
        .config(&s.path("podgen.yaml"))
        .args(["--backend", "builtin"])
        .fails(2, &["only Mandarin and English"]);
}

#[test]
fn a_settings_only_config_keeps_builtin_voices_honours_its_settings_and_warns_about_the_rest() {
    let s = Scratch::new();
    let cfg = Config::new()
        .set("output", "episodes")
        .pauses(json!({"sentence": "0.5s", "item": "2s"}))
        .audio(
            json!({"sample_rate": 48000, "loudness_lufs": -16, "formats": ["mp3", "wav", "opus"]}),
        )
        .write(&s, "podgen.yaml");
    let script = s.write("issue.yaml", TWO_ITEMS);
    let out = s.cmd("render").arg(script).config(&cfg).ok();
    let err = stderr(&out);
    assert!(err.contains("loudness -16."), "{err}");
    assert!(
        err.contains("podgen writes mp3 and wav so far; opus not yet"),
        "{err}"
    );
    // `output:` is relative to the current directory.
    let ep = s.episode("episodes", "backends");
    let m = ep.manifest();
    assert_eq!(m["settings"]["sample_rate"], 48_000);
    assert_eq!(m["settings"]["pauses_samples"]["item"], 96_000);
    assert_eq!(m["settings"]["pauses_samples"]["sentence"], 24_000);
    assert!(all_from(&m, "builtin"));
    let (_, spec) = ep.wav();
    assert_eq!(spec.sample_rate, 48_000);
}
