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
