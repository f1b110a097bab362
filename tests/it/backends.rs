//! Backends by configuration, against the mock TTS server running in process
//! on 127.0.0.1: every preset, the generic template, escaping, response
//! formats, `--backend`, and secrets.

use crate::common;

use common::*;
use podgen::audio::resample::expected_frames;
use podgen::mock::{MockOptions, MockServer, speech_frames};

/// Two short items, one voice.
const DIGEST: &str = "show: Mock Show\ntitle: Backends\nepisode: backends\nvoice: host\nitems:\n  - title: One\n    text: Hello from the first item.\n  - title: Two\n    language: zh\n    text: 第二条新闻，关于OpenAI的模型。\n";

fn mock() -> MockServer {
    MockServer::start(0, MockOptions::default()).unwrap()
}

/// Render `script` with `config` and return the manifest.
fn render_with(s: &Scratch, config: &str, script: &str, extra: &[&str]) -> serde_json::Value {
    let cfg = s.write("podgen.yaml", config);
    let sc = s.write("issue.yaml", script);
    let mut args = vec![
        "render",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = s.podgen(&args);
    assert!(out.status.success(), "render failed: {}", stderr(&out));
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
fn assert_mock_durations(
    m: &serde_json::Value,
    mock_rate_of: &dyn Fn(&serde_json::Value) -> u32,
    tolerance: u64,
) {
    for seg in m["segments"].as_array().unwrap() {
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

fn preset_config(url: &str, backend: &str, voice_line: &str) -> String {
    format!(
        "backends:\n  b:\n    {backend}\n    base_url: {url}\nvoices:\n  host: {{backend: b, {voice_line}}}\n"
    )
}

#[test]
fn every_preset_renders_against_the_mock_with_exact_durations() {
    let server = mock();
    let url = server.url();
    let cases: [(&str, String, &str, u32); 5] = [
        ("openai", format!("{url}/v1"), "voice: alloy", 24_000),
        ("elevenlabs", url.clone(), "voice: rachel", 24_000),
        ("azure", url.clone(), "voice: zh-CN-XiaoxiaoNeural", 24_000),
        ("google", url.clone(), "voice: cmn-CN-Wavenet-A", 24_000),
        ("piper", url.clone(), "speed: 1.0", 22_050),
    ];
    let mut before = 0;
    for (preset, base, voice, rate) in cases {
        let s = Scratch::new();
        let m = render_with(
            &s,
            &preset_config(&base, &format!("preset: {preset}"), voice),
            DIGEST,
            &[],
        );
        assert_mock_durations(&m, &|_| rate, 1);
        assert_eq!(m["chapters"].as_array().unwrap().len(), 2, "{preset}");
        let segs = m["segments"].as_array().unwrap();
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
    let openai: serde_json::Value = serde_json::from_str(&by("openai").body).unwrap();
    assert_eq!(
        (openai["voice"].as_str(), openai["response_format"].as_str()),
        (Some("alloy"), Some("wav"))
    );
    assert_eq!(by("elevenlabs").query["output_format"], "pcm_24000");
    let el: serde_json::Value = serde_json::from_str(&by("elevenlabs").body).unwrap();
    assert_eq!(el["model_id"], "eleven_multilingual_v2");
    assert!(by("azure").body.starts_with("<speak version='1.0'"));
    assert_eq!(by("azure").headers["content-type"], "application/ssml+xml");
    let g: serde_json::Value = serde_json::from_str(&by("google").body).unwrap();
    assert_eq!(g["audioConfig"]["audioEncoding"], "LINEAR16");
}

#[test]
fn elevenlabs_gets_neighbouring_text_for_continuity() {
    let server = mock();
    let s = Scratch::new();
    let script = "show: S\ntitle: T\nepisode: ctx\nvoice: host\nitems:\n  - title: A\n    text: First sentence here. Second sentence there. Third one.\n";
    render_with(
        &s,
        &preset_config(&server.url(), "preset: elevenlabs", "voice: v"),
        script,
        &[],
    );
    let bodies: Vec<serde_json::Value> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
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
    let config = format!(
        "backends:
  json: {{url: '{url}/custom/json', body: {{json: {{text: '{{{{text}}}}', format: wav, speed: '{{{{speed}}}}'}}}}, response: {{audio: raw}}}}
  form: {{url: '{url}/custom/form', body: {{form: {{text: '{{{{text}}}}', format: wav_ffff}}}}}}
  query: {{method: GET, url: '{url}/custom/query', query: {{text: '{{{{text}}}}', format: wav_zero}}}}
  text: {{url: '{url}/custom/text?format=wav_list', body: {{text: '{{{{text}}}}', content_type: text/plain}}}}
  b64: {{url: '{url}/custom/json', body: {{json: {{text: '{{{{text}}}}', format: json}}}}, response: {{audio: json, pointer: /audio}}}}
voices:
  v1: {{backend: json}}
  v2: {{backend: form}}
  v3: {{backend: query}}
  v4: {{backend: text}}
  v5: {{backend: b64}}
"
    );
    let mut script = String::from("show: S\ntitle: T\nepisode: generic\nitems:\n");
    for v in 1..=5 {
        script.push_str(&format!("  - title: Item {v}\n    voice: v{v}\n    text: Item number {v} speaks through its own body kind.\n"));
    }
    let s = Scratch::new();
    let m = render_with(&s, &config, &script, &[]);
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
    let body: serde_json::Value = serde_json::from_str(&json_req.body).unwrap();
    assert_eq!(body["speed"], 1.0);
}

#[test]
fn hostile_text_reaches_the_mock_exactly_through_json_ssml_form_and_query() {
    let server = mock();
    let url = server.url();
    let config = format!(
        "backends:
  openai: {{preset: openai, base_url: '{url}/v1'}}
  azure: {{preset: azure, base_url: '{url}'}}
  form: {{url: '{url}/custom/form', body: {{form: {{text: '{{{{text}}}}'}}}}}}
  query: {{method: GET, url: '{url}/custom/query', query: {{text: '{{{{text}}}}'}}}}
voices:
  json: {{backend: openai, voice: alloy}}
  ssml: {{backend: azure, voice: en-US-JennyNeural}}
  form: {{backend: form}}
  query: {{backend: query}}
"
    );
    // One paragraph on two lines (joined with a space), with a tab, quotes,
    // markup, an entity, a backslash, an ampersand and an emoji; no sentence end.
    let line1 = "He said \"quotes\" and 'single' <tags> &amp;, back\\slash, a\ttab";
    let line2 = "& an emoji 🎉 plus 中文“引号”";
    let expected = format!("{line1} {line2}");
    let mut script = String::from("show: S\ntitle: T\nepisode: hostile\nitems:\n");
    for v in ["json", "ssml", "form", "query"] {
        script.push_str(&format!(
            "  - title: {v}\n    voice: {v}\n    text: |\n      {line1}\n      {line2}\n"
        ));
    }
    let s = Scratch::new();
    let m = render_with(&s, &config, &script, &[]);
    let segs = m["segments"].as_array().unwrap();
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
    // (voice, body format, response settings, mock rate, tolerance in samples)
    let formats: [(&str, &str, &str, u32, u64); 12] = [
        ("wav", "wav", "{}", 24_000, 1),
        ("zero", "wav_zero", "{}", 24_000, 1),
        ("ffff", "wav_ffff", "{}", 24_000, 1),
        ("sevenfff", "wav_7fff", "{}", 24_000, 1),
        ("list", "wav_list", "{}", 24_000, 1),
        ("html", "wav_html", "{}", 24_000, 1),
        (
            "pcm16",
            "pcm_16000",
            "{format: pcm, pcm: {sample_rate: 16000}}",
            16_000,
            1,
        ),
        (
            "pcm22",
            "pcm_22050",
            "{format: pcm, pcm: {sample_rate: 22050}}",
            22_050,
            1,
        ),
        (
            "pcm24",
            "pcm_24000",
            "{format: pcm, pcm: {sample_rate: 24000, channels: 1, sample_format: s16le}}",
            24_000,
            1,
        ),
        (
            "pcm48",
            "pcm_48000",
            "{format: pcm, pcm: {sample_rate: 48000}}",
            48_000,
            1,
        ),
        ("flac", "flac", "{}", 24_000, 1),
        // MP3 moves the edges by encoder delay and frame padding: within two
        // MP3 frames (2 x 1152 samples at 24 kHz = 96 ms = 4234 samples at 44.1 kHz).
        ("mp3", "mp3", "{}", 24_000, 4_234),
    ];
    let mut config = String::from("backends:\n");
    let mut voices = String::from("voices:\n");
    let mut script = String::from("show: S\ntitle: T\nepisode: formats\nitems:\n");
    for (name, format, response, _, _) in &formats {
        config.push_str(&format!(
            "  {name}: {{url: '{url}/custom/json', body: {{json: {{text: '{{{{text}}}}', format: {format}}}}}, response: {response}}}\n"
        ));
        voices.push_str(&format!("  {name}: {{backend: {name}}}\n"));
        script.push_str(&format!("  - title: {name}\n    voice: {name}\n    text: The {name} format carries this sentence to podgen.\n"));
    }
    let s = Scratch::new();
    let m = render_with(&s, &format!("{config}{voices}"), &script, &[]);
    for seg in m["segments"].as_array().unwrap() {
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

#[test]
fn the_same_digest_renders_builtin_and_with_backend_pointing_at_the_mock() {
    let server = mock();
    let example = root().join("examples/ai-weekly-2024-06-2.yaml");
    let s = Scratch::new();
    s.render(&example);
    let builtin = read_json(&s.output().join("2024-06-2/render.json"));
    assert!(
        builtin["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["backend"] == "builtin")
    );

    let cfg = s.write(
        "mock.yaml",
        &format!(
            "backends:\n  mock: {{preset: openai, base_url: '{}/v1'}}\n",
            server.url()
        ),
    );
    let out = s.podgen(&[
        "render",
        example.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "--backend",
        "mock",
        "-o",
        "out2",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mocked = read_json(&s.path("out2/2024-06-2/render.json"));
    assert!(
        mocked["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["backend"] == "mock")
    );
    assert_eq!(
        mocked["chapters"].as_array().unwrap().len(),
        builtin["chapters"].as_array().unwrap().len()
    );
    assert_mock_durations(&mocked, &|_| 24_000, 1);
    // The voice name stands in for the voice id when --backend redirects an undefined voice.
    let body: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!(body["voice"], "host");
}

#[test]
fn a_secret_reaches_the_auth_header_and_nothing_else() {
    const SECRET: &str = "sk-test-9f8e7d6c5b4a-SECRET";
    let server = MockServer::start(
        0,
        MockOptions {
            api_key: Some(SECRET.into()),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "podgen.yaml",
        &format!("backends:\n  oa:\n    preset: openai\n    base_url: {}/v1\n    api_key: ${{MOCK_TTS_KEY}}\nvoices:\n  host: {{backend: oa, voice: alloy}}\n", server.url()),
    );
    let script = s.write("issue.yaml", DIGEST);
    let args = [
        "render",
        script.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
    ];
    let out = s.podgen_env(&args, &[("MOCK_TTS_KEY", SECRET)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reqs = server.requests();
    assert!(!reqs.is_empty());
    assert!(
        reqs.iter()
            .all(|r| r.headers["authorization"] == format!("Bearer {SECRET}"))
    );
    let listing = s.podgen_env(
        &["voices", "-c", cfg.to_str().unwrap()],
        &[("MOCK_TTS_KEY", SECRET)],
    );
    assert!(listing.status.success(), "{}", stderr(&listing));
    let listed = String::from_utf8_lossy(&listing.stdout);
    assert!(listed.contains("API key set"), "{listed}");
    for (what, text) in [
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr", stderr(&out)),
        ("voices listing", listed.into_owned()),
    ] {
        assert!(!text.contains(SECRET), "the secret is in {what}");
    }
    for dir in [s.output(), s.cache()] {
        for file in walk(&dir) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "the secret is in {}",
                file.display()
            );
        }
    }

    // A wrong key: the server's message, exit 1, quickly, and neither key printed.
    let started = std::time::Instant::now();
    let out = s.podgen_env(
        &[
            "render",
            script.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            "bad",
            "--no-cache",
        ],
        &[("MOCK_TTS_KEY", "sk-wrong-key-123456")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let err = stderr(&out);
    assert!(
        err.contains("HTTP 401") && err.contains("Incorrect API key provided"),
        "{err}"
    );
    // Requests run in parallel: whichever failed first is named, with its item.
    assert!(
        err.contains("item 1 (\"One\")") || err.contains("item 2 (\"Two\")"),
        "{err}"
    );
    assert!(
        !err.contains("sk-wrong-key-123456") && !err.contains(SECRET),
        "{err}"
    );
    assert!(
        !s.path("bad").exists(),
        "a failed render left an output folder"
    );
}

#[test]
fn config_mistakes_are_input_errors_with_hints() {
    let s = Scratch::new();
    let script = s.write("issue.yaml", DIGEST);
    let cases: [(&str, &str); 5] = [
        (
            "backends:\n  b: {preset: opnai}\nvoices:\n  host: {backend: b}\n",
            "did you mean `openai`?",
        ),
        (
            "voices:\n  hots: {backend: builtin}\n",
            "voice \"host\" is not defined",
        ),
        (
            "backends:\n  b: {preset: openai, api_key: '${PODGEN_TEST_UNSET_VAR}'}\nvoices:\n  host: {backend: b, voice: alloy}\n",
            "PODGEN_TEST_UNSET_VAR is not set",
        ),
        (
            "voices:\n  host: {backend: nope}\n",
            "backend \"nope\", which is not defined",
        ),
        (
            "backends:\n  b: {url: 'http://127.0.0.1:1/x', body: {json: {t: '{{txt}}'}}}\nvoices:\n  host: {backend: b}\n",
            "unknown template variable `txt`",
        ),
    ];
    for (config, expected) in cases {
        let cfg = s.write("podgen.yaml", config);
        let out = s.podgen(&[
            "render",
            script.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            "out",
        ]);
        assert_eq!(out.status.code(), Some(2), "{config}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{config}: {expected:?} not in {}",
            stderr(&out)
        );
        assert!(!s.output().exists());
    }
    // "did you mean" for a voice name typo, pointing at the script.
    let cfg = s.write("podgen.yaml", "voices:\n  hots: {backend: builtin}\n");
    let out = s.podgen(&[
        "validate",
        script.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    assert!(
        stderr(&out).contains("did you mean `hots`?"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("issue.yaml:4:8"), "{}", stderr(&out));
}

#[test]
fn the_sample_configs_in_the_repository_resolve() {
    let s = Scratch::new();
    let example = root().join("examples/ai-weekly-2024-06-2.yaml");
    let env = [
        ("OPENAI_API_KEY", "sk-sample-openai-0001"),
        ("ELEVENLABS_API_KEY", "sample-eleven-0002"),
        ("AZURE_SPEECH_KEY", "sample-azure-0003"),
        ("AZURE_SPEECH_REGION", "eastasia"),
        ("GOOGLE_TTS_API_KEY", "sample-google-0004"),
    ];
    let dir = root().join("examples/configs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for cfg in names {
        let out = s.podgen_env(
            &[
                "voices",
                example.to_str().unwrap(),
                "-c",
                cfg.to_str().unwrap(),
            ],
            &env,
        );
        let text = String::from_utf8_lossy(&out.stdout);
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
    s.write(
        "cfg/podgen.yaml",
        &format!(
            "backends:\n  m: {{preset: openai, base_url: '{}/v1'}}\n",
            server.url()
        ),
    );
    s.write(
        "cfg/voices/host.yaml",
        "backend: m\nvoice: nova\nspeed: 1.25\n",
    );
    let script = s.write("issue.yaml", DIGEST);
    let out = s.render_config(&script, &s.path("cfg/podgen.yaml"), "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let body: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!(
        (body["voice"].as_str(), body["speed"].as_f64()),
        (Some("nova"), Some(1.25))
    );
}

#[test]
fn a_config_beside_the_script_is_found_and_voice_settings_reach_the_body() {
    let server = mock();
    let s = Scratch::new();
    s.write(
        "show/podgen.yaml",
        &format!(
            "backends:\n  kokoro: {{preset: openai, base_url: '{}/v1', model: kokoro}}\nvoices:\n  host: {{backend: kokoro, voice: zf_xiaobei, model: kokoro-v1, speed: 1.1, instructions: Calm and warm., extra: {{lang: cmn, normalization_options: {{normalize: false}}}}}}\n",
            server.url()
        ),
    );
    let script = s.write("show/issue.yaml", DIGEST);
    // No -c: podgen.yaml beside the script is the config.
    let out = s.podgen(&["render", script.to_str().unwrap(), "-o", "out", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
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
    let s = Scratch::new();
    let script = "show: S\ntitle: T\nepisode: fr\nvoice: host\nitems:\n  - title: Bonjour\n    language: fr-FR\n    text: Bonjour et bienvenue dans notre émission.\n";
    let m = render_with(
        &s,
        &preset_config(&server.url(), "preset: google", "voice: fr-FR-Wavenet-A"),
        script,
        &[],
    );
    assert_eq!(m["segments"][0]["language"], "fr-FR");
    let body: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!(body["voice"]["languageCode"], "fr-FR");

    let out = s.podgen(&[
        "validate",
        s.path("issue.yaml").to_str().unwrap(),
        "-c",
        s.path("podgen.yaml").to_str().unwrap(),
        "--backend",
        "builtin",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only Mandarin and English"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_settings_only_config_keeps_builtin_voices_honours_its_settings_and_warns_about_the_rest() {
    let s = Scratch::new();
    let cfg = s.write("podgen.yaml", "output: episodes\npauses: {sentence: 0.5s, item: 2s}\naudio: {sample_rate: 48000, loudness_lufs: -16, formats: [mp3, wav, opus]}\n");
    let script = s.write("issue.yaml", DIGEST);
    let out = s.podgen(&[
        "render",
        script.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("loudness -16."), "{err}");
    assert!(
        err.contains("podgen writes mp3 and wav so far; opus not yet"),
        "{err}"
    );
    // `output:` is relative to the current directory.
    let m = read_json(&s.path("episodes/backends/render.json"));
    assert_eq!(m["settings"]["sample_rate"], 48_000);
    assert_eq!(m["settings"]["pauses_samples"]["item"], 96_000);
    assert_eq!(m["settings"]["pauses_samples"]["sentence"], 24_000);
    assert!(
        m["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["backend"] == "builtin")
    );
    let (_, spec) = read_wav(&s.path("episodes/backends/backends.wav"));
    assert_eq!(spec.sample_rate, 48_000);
}
