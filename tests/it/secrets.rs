//! API keys: a key from the environment reaches the auth header and
//! nothing else (no output file, no cache file, no message, no listing),
//! and no echoed form of it (masked, upper-cased, base64, percent-encoded)
//! reaches stderr when a server quotes it back.

use podgen::mock::MockOptions;

use crate::common::*;

#[test]
fn a_secret_reaches_the_auth_header_and_nothing_else() {
    const SECRET: &str = "sk-test-9f8e7d6c5b4a-SECRET";
    let s = Scratch::with_mock(MockOptions {
        api_key: Some(SECRET.into()),
        ..MockOptions::default()
    });
    let server = s.mock();
    let cfg = Config::new()
        .backend(
            "oa",
            Backend::openai(&server.url()).set("api_key", "${MOCK_TTS_KEY}"),
        )
        .voice("host", Voice::on("oa").id("alloy"))
        .write(&s, "podgen.yaml");
    let script = s.write("issue.yaml", TWO_ITEMS);
    let render = || s.cmd("render").arg(&script).config(&cfg);
    let out = render().out("out").env("MOCK_TTS_KEY", SECRET).ok();
    let reqs = server.requests();
    assert!(!reqs.is_empty());
    assert!(
        reqs.iter()
            .all(|r| r.headers["authorization"] == format!("Bearer {SECRET}"))
    );
    let cfg_arg = cfg.to_str().unwrap();
    let listing = s.podgen_env(&["voices", "-c", cfg_arg], &[("MOCK_TTS_KEY", SECRET)]);
    assert!(listing.status.success(), "{}", stderr(&listing));
    let listed = stdout(&listing);
    assert!(listed.contains("API key set"), "{listed}");
    for (what, text) in [
        ("stdout", stdout(&out)),
        ("stderr", stderr(&out)),
        ("voices listing", listed),
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

    // A wrong key: the server's message, exit 1, no retry, and neither key
    // printed.
    let sent_before = server.requests().len();
    let out = render()
        .out("bad")
        .arg("--no-cache")
        .env("MOCK_TTS_KEY", "sk-wrong-key-123456")
        .output();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Segments in flight together may each be sent once (the script has
    // two); a retried 401 would make more.
    let refused = &server.requests()[sent_before..];
    assert!(
        (1..=2).contains(&refused.len()) && refused.iter().all(|r| r.status == 401),
        "a 401 is final, not retried: {} requests",
        refused.len()
    );
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
fn echoed_forms_of_the_key_never_reach_stderr() {
    use base64::Engine as _;
    const KEY: &str = "sk-proj-Zq81x0Lm44TtUv93kWqa";
    let server = RawServer::start(|_, s| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("user:{KEY}"));
        let message = format!(
            "Incorrect API key provided: {}****{}. Upper: {}. Basic {b64}. Query key={}.",
            &KEY[..10],
            &KEY[KEY.len() - 4..],
            KEY.to_uppercase(),
            KEY.replace('-', "%2D"),
        );
        let body = serde_json::json!({"error": {"message": message}}).to_string();
        respond(s, "401 Unauthorized", "application/json", body.as_bytes());
    });
    let s = Scratch::new().with_env("TEST_KEY", KEY);
    let cfg = Config::new()
        .backend(
            "m",
            Backend::openai(&server.url).set("api_key", "${TEST_KEY}"),
        )
        .voice("narrator", Voice::on("m").id("alloy"))
        .write(&s, "k.podgen.yaml");
    let sc = Script::one_item("Words.").write(&s, "k.yaml");
    let err = s
        .cmd("render")
        .arg(sc)
        .config(&cfg)
        .out("out")
        .fails(1, &["HTTP 401", "Incorrect API key provided"]);
    let lower = err.to_ascii_lowercase();
    for i in 0..=KEY.len() - 6 {
        let piece = KEY[i..i + 6].to_ascii_lowercase();
        assert!(!lower.contains(&piece), "{piece:?} of the key in:\n{err}");
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("user:{KEY}"));
    assert!(!err.contains(&b64[8..20]), "base64 of the key in:\n{err}");
}

/// A server that answers every request with `status` and a `Location`.
fn redirecting(status: &'static str, location: String) -> RawServer {
    RawServer::start(move |_, s| {
        use std::io::Write;
        let head = format!(
            "HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let _ = s.write_all(head.as_bytes());
    })
}

#[test]
fn a_redirect_to_another_origin_gets_no_request_and_no_key() {
    const KEY: &str = "sk-rdr-4b1f9e2a77Qx";
    let elsewhere = RawServer::serving(wav_file(24_000, 1, 1, 16, &tone_s16()));
    let s = Scratch::new().with_env("TEST_KEY", KEY);
    let sc = Script::one_item("Words to speak.").write(&s, "r.yaml");
    // Every preset's key header and a template's own header, on every
    // redirect status; the other host is a different port on 127.0.0.1.
    let backends: [fn(&str) -> Backend; 5] = [
        |base| Backend::openai(base),
        |base| Backend::preset("elevenlabs", base),
        |base| Backend::preset("azure", base),
        |base| Backend::preset("google", base),
        |base| {
            Backend::template(&format!("{base}/tts")).set(
                "headers",
                serde_json::json!({"X-Custom-Key": "${TEST_KEY}"}),
            )
        },
    ];
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let target = format!("{}/stolen?key={KEY}&sig=abc", elsewhere.url);
        let server = redirecting(status, target);
        for backend in backends {
            let backend = backend(&server.url).set("api_key", "${TEST_KEY}");
            let cfg = Config::new()
                .backend("m", backend)
                .voice("narrator", Voice::on("m").id("alloy"))
                .write(&s, "r.podgen.yaml");
            let err = s
                .cmd("render")
                .arg(&sc)
                .config(&cfg)
                .out("out")
                .arg("--no-cache")
                .quiet()
                .fails(1, &["redirect", &elsewhere.url, "item 1"]);
            assert!(!err.contains("key="), "the redirect's query in:\n{err}");
            assert!(!err.contains("sig=abc"), "the redirect's query in:\n{err}");
            assert!(!err.contains(KEY), "{err}");
        }
    }
    assert_eq!(elsewhere.hits(), 0, "a request reached the other origin");
}

#[test]
fn a_redirect_within_the_origin_is_followed_with_the_key_and_no_referer() {
    use std::sync::{Arc, Mutex};
    const KEY: &str = "sk-same-origin-81c3";
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let server = RawServer::start(move |request, s| {
        log.lock().unwrap().push(request.to_string());
        if request.starts_with("POST /tts") {
            use std::io::Write;
            let head = "HTTP/1.1 307 Temporary Redirect\r\nLocation: /moved?key=abc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            let _ = s.write_all(head.as_bytes());
        } else {
            respond(
                s,
                "200 OK",
                "audio/wav",
                &wav_file(24_000, 1, 1, 16, &tone_s16()),
            );
        }
    });
    let s = Scratch::new().with_env("TEST_KEY", KEY);
    let backend = Backend::template(&format!("{}/tts", server.url)).set(
        "headers",
        serde_json::json!({"X-Custom-Key": "${TEST_KEY}"}),
    );
    let cfg = Config::new()
        .backend("m", backend)
        .voice("narrator", Voice::on("m"))
        .write(&s, "r.podgen.yaml");
    let sc = Script::one_item("Words to speak.").write(&s, "r.yaml");
    s.cmd("render").arg(sc).config(&cfg).out("out").ok();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].starts_with("POST /moved?key=abc"), "{}", seen[1]);
    for request in seen.iter() {
        let lower = request.to_ascii_lowercase();
        assert!(
            lower.contains(&format!("x-custom-key: {}", KEY.to_ascii_lowercase())),
            "{request}"
        );
        assert!(
            !lower.contains("\r\nreferer:"),
            "a Referer was sent:\n{request}"
        );
    }
}
