//! Backends that misbehave: absurd or non-finite audio, endless bodies,
//! silence, absurd Retry-After waits, terminal colours in messages (from a
//! raw server on 127.0.0.1), and the mock's injected faults (429s, 5xx,
//! resets, truncated bodies). Transient faults are retried to the same
//! episode a fault-free server gives; fatal ones are one attempt and an
//! error that names the segment, within bounded time.

use std::time::{Duration, Instant};

use podgen::mock::{Fault, MockOptions, MockServer, WavHeader, speech_seconds};

use crate::common::*;

/// The generic template POSTing to `url`/tts, the voice `narrator` on it.
fn raw_config(url: &str, backend: impl FnOnce(Backend) -> Backend) -> Config {
    Config::new()
        .backend("raw", backend(Backend::template(&format!("{url}/tts"))))
        .voice("narrator", Voice::on("raw"))
}

/// Render the one-item script reading `text` with `config`, into `out`.
fn render_with(s: &Scratch, config: &Config, text: &str) -> Podgen {
    let cfg = config.write(s, "raw.podgen.yaml");
    let sc = Script::one_item(text).write(s, "backend.yaml");
    s.cmd("render").arg(sc).config(&cfg).out("out")
}

#[test]
fn absurd_sample_rates_from_a_backend_are_one_attempt_and_an_error_naming_the_segment() {
    let s = Scratch::new();
    // One attempt: the same request brings the same bytes back.
    for rate in [1, u32::MAX] {
        let server = RawServer::serving(wav_file(rate, 1, 1, 16, &tone_s16()));
        let started = Instant::now();
        render_with(&s, &raw_config(&server.url, |b| b), "Some words to speak.")
            .quiet()
            .fails(1, &["item 1", "sample rate"]);
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(server.hits(), 1, "retried a fatal error");
        assert_no_leftovers(&s.path("out"));
    }
}

#[test]
fn an_endless_body_is_cut_at_the_cap_with_a_clear_message() {
    let server = RawServer::start(|_, s| {
        use std::io::Write;
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(&wav_file(24_000, 1, 1, 16, &[])[..44]);
        let chunk = vec![7u8; 64 * 1024];
        while s.write_all(&chunk).is_ok() {}
    });
    let s = Scratch::new();
    let config = raw_config(&server.url, |b| b.set("max_response_mb", 2));
    render_with(&s, &config, "Endless.")
        .quiet()
        .fails(1, &["larger than 2 MB", "max_response_mb", "item 1"]);
    assert_eq!(server.hits(), 1);
}

#[test]
fn non_finite_samples_from_a_backend_are_rejected_before_any_dsp() {
    let s = Scratch::new();
    let server = RawServer::serving(wav_file(24_000, 1, 3, 32, &tone_f32_with_nan()));
    render_with(&s, &raw_config(&server.url, |b| b), "Words.")
        .quiet()
        .fails(1, &["item 1", "NaN"]);
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn a_servers_message_in_terminal_colours_keeps_its_words() {
    let server = RawServer::start(|_, s| {
        respond(
            s,
            "400 Bad Request",
            "text/plain",
            b"\x1b[31mERROR\x1b[0m: voice not loaded",
        )
    });
    let s = Scratch::new();
    render_with(&s, &raw_config(&server.url, |b| b), "Words.")
        .quiet()
        .fails(1, &["ERROR: voice not loaded"]);
}

/// No control character a server sent (ESC, BEL, backspace, NUL, a
/// bidi override) reaches the terminal.
fn assert_no_controls(err: &str) {
    let bad: Vec<char> = err
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t') || ('\u{202a}'..='\u{202e}').contains(c)
        })
        .collect();
    assert!(bad.is_empty(), "control characters {bad:?} in:\n{err:?}");
}

#[test]
fn control_characters_in_a_servers_message_are_dropped_and_its_words_kept() {
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2JVoice\u{8} not\u{0} found\u{202e} here";
    let json = serde_json::json!({"error": {"message": hostile}}).to_string();
    let answers: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "400 Bad Request",
            "application/json",
            json.clone().into_bytes(),
        ),
        ("200 OK", "application/json", json.into_bytes()),
        (
            "401 Unauthorized",
            "text/plain",
            hostile.as_bytes().to_vec(),
        ),
        (
            "500 Internal Server Error",
            "text/html",
            format!("<title>{hostile}</title>").into_bytes(),
        ),
    ];
    let s = Scratch::new();
    for (status, content_type, body) in answers {
        let server = RawServer::start(move |_, s| respond(s, status, content_type, &body));
        let config = raw_config(&server.url, |b| b.set("max_attempts", 1));
        let err = render_with(&s, &config, "Words.")
            .quiet()
            .fails(1, &["Voice not found here", "item 1"]);
        assert!(!err.contains("(no message)"), "{status}: {err}");
        assert!(
            !err.contains("pwned"),
            "{status}: the window title in {err}"
        );
        assert_no_controls(&err);
    }
}

/// Every part of a JSON error is a server's words: a `code` or `status`
/// beside the message, and each entry of a FastAPI `detail` list, is made
/// printable and bounded like the message itself, so that none can break
/// the line, add lines of its own or fill the terminal.
#[test]
fn every_part_of_a_json_error_is_one_bounded_printable_line() {
    let hostile = format!(
        "\u{1b}]0;pwned\u{7}bad_voice\u{2066}\nFAKE: a line of the server's own\u{85}{}",
        "x".repeat(20_000)
    );
    let entry = serde_json::json!({"msg": format!("field required {}", "y".repeat(150))});
    let bodies = [
        serde_json::json!({"error": {"message": "Voice not found", "code": hostile}}),
        serde_json::json!({"error": {"message": "Voice not found", "status": hostile}}),
        serde_json::json!({"detail": vec![entry; 400]}),
    ];
    let s = Scratch::new();
    for body in bodies {
        let body = body.to_string().into_bytes();
        let server =
            RawServer::start(move |_, s| respond(s, "400 Bad Request", "application/json", &body));
        let config = raw_config(&server.url, |b| b.set("max_attempts", 1));
        let err = render_with(&s, &config, "Words.")
            .quiet()
            .fails(1, &["HTTP 400", "item 1"]);
        assert_no_controls(&err);
        assert!(
            !err.lines().any(|l| l.trim_start().starts_with("FAKE:")),
            "a server's line break reached the terminal:\n{err}"
        );
        assert!(err.len() < 4_000, "{} bytes of message", err.len());
        assert!(!err.contains("pwned"), "{err}");
    }
}

#[test]
fn a_silent_server_and_an_absurd_retry_after_are_bounded() {
    // Accepts, reads, never answers.
    let silent = RawServer::start(|_, _| std::thread::sleep(Duration::from_secs(600)));
    let s = Scratch::new();
    let config = raw_config(&silent.url, |b| {
        b.set("segment_timeout", "3s").set("timeout", "60s")
    });
    let started = Instant::now();
    render_with(&s, &config, "Words.")
        .quiet()
        .fails(1, &["item 1", "segment_timeout"]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    let limited = RawServer::rate_limited(999_999, "Rate limit reached");
    let started = Instant::now();
    render_with(&s, &raw_config(&limited.url, |b| b), "Words.")
        .quiet()
        .fails(1, &["Rate limit reached", "segment_timeout"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(limited.hits(), 1);

    // A long wait the server asks for is said, with how long and why.
    let slow = RawServer::rate_limited(5, "Slow down");
    render_with(
        &s,
        &raw_config(&slow.url, |b| b.set("max_attempts", 2)),
        "Words.",
    )
    .fails(
        1,
        &[
            "waiting 5 s before attempt 2, as the server asked (Retry-After)",
            "Slow down",
        ],
    );
    assert_eq!(slow.hits(), 2);
}

/// Attempts per segment in a render.json.
fn attempts(m: &serde_json::Value) -> Vec<u64> {
    array(&m["segments"])
        .iter()
        .map(|x| x["attempts"].as_u64().unwrap())
        .collect()
}

#[test]
fn thirty_percent_faults_still_render_the_same_episode() {
    let clean = MockServer::start(0, MockOptions::default()).unwrap();
    let kinds = vec![
        Fault::RateLimit,
        Fault::ServerError,
        Fault::Reset,
        Fault::Truncate,
    ];
    let flaky = MockServer::start(
        0,
        MockOptions {
            fail_rate: 0.3,
            faults: kinds.clone(),
            retry_after: Duration::from_millis(50),
            seed: 7,
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let script = Script::digest(20, "faults");
    let clean_config = Config::host_on(Backend::openai(&clean.url()));
    let out = s.render_into(&clean_config, &script, "clean", "cache-clean");
    assert!(out.status.success(), "{}", stderr(&out));
    let flaky_config = Config::host_on(Backend::openai(&flaky.url()).set("max_attempts", 12));
    let out = s.render_into(&flaky_config, &script, "flaky", "cache-flaky");
    assert!(out.status.success(), "{}", stderr(&out));

    let faults: Vec<_> = flaky.requests().iter().filter_map(|r| r.fault).collect();
    assert!(
        faults.len() >= 5,
        "too few faults injected to mean anything: {faults:?}"
    );
    for kind in kinds {
        assert!(
            faults.contains(&kind),
            "{kind:?} never injected: {faults:?}"
        );
    }
    let m = s.episode("flaky", "faults").manifest();
    let attempts = attempts(&m);
    assert_eq!(
        attempts.iter().sum::<u64>() as usize,
        flaky.requests().len(),
        "render.json counts every request"
    );
    assert!(attempts.iter().any(|a| *a > 1));
    assert_eq!(
        std::fs::read(s.episode("clean", "faults").file("wav")).unwrap(),
        std::fs::read(s.episode("flaky", "faults").file("wav")).unwrap(),
        "the episode differs from the fault-free one"
    );
}

#[test]
fn truncated_raw_audio_is_caught_by_its_duration_and_retried() {
    // Raw PCM states no length: a third of it decodes fine, and only the
    // duration check can tell it was cut off.
    let clean = MockServer::start(0, MockOptions::default()).unwrap();
    let flaky = MockServer::start(
        0,
        MockOptions {
            fail_rate: 0.4,
            faults: vec![Fault::Truncate],
            ..MockOptions::default()
        },
    )
    .unwrap();
    let cfg = |url: &str| {
        let raw = Backend::custom_json(url)
            .body_field("format", "pcm_24000")
            .set(
                "response",
                serde_json::json!({"format": "pcm", "pcm": {"sample_rate": 24000}}),
            )
            .set("max_attempts", 12);
        Config::new()
            .backend("raw", raw)
            .voice("host", Voice::on("raw"))
    };
    let s = Scratch::new();
    let script = Script::digest(6, "trunc");
    assert!(
        s.render_into(&cfg(&clean.url()), &script, "clean", "c1")
            .status
            .success()
    );
    let out = s.render_into(&cfg(&flaky.url()), &script, "flaky", "c2");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        flaky
            .requests()
            .iter()
            .filter(|r| r.fault == Some(Fault::Truncate))
            .count()
            >= 2
    );
    let m = s.episode("flaky", "trunc").manifest();
    assert!(attempts(&m).iter().any(|a| *a > 1));
    assert_eq!(
        std::fs::read(s.episode("clean", "trunc").file("wav")).unwrap(),
        std::fs::read(s.episode("flaky", "trunc").file("wav")).unwrap()
    );
}

/// A digest whose segments are long enough to judge: ten English sentences
/// and six Chinese ones, each its own segment.
fn paced_digest() -> Script {
    let en = [
        "Researchers released a new open model for weather forecasting this week.",
        "The company said the chips would ship to partners before the end of the year.",
        "A coalition of publishers asked regulators to look into the licensing terms.",
        "The benchmark measures how well assistants follow long written instructions.",
        "Engineers rebuilt the ranking system so that it runs on a single machine.",
        "The survey found that most teams still review generated code by hand.",
    ];
    let zh = [
        "研究人员本周发布了一个新的天气预报开放模型，并公开了训练数据。",
        "这家公司表示，新芯片将在年底之前交付给合作伙伴进行测试。",
        "多家出版商联合要求监管机构审查相关的内容授权条款和收费方式。",
        "工程师重新设计了排序系统，使它可以在一台普通的机器上运行。",
        "调查发现，大多数团队仍然会人工检查自动生成的代码是否正确。",
    ];
    Script::new("Paced", "Paced")
        .episode("paced")
        .voice("host")
        .item(Item::new("English", en.join("\n\n")))
        .item(Item::new("中文", zh.join("\n\n")).set("language", "zh"))
        .item(Item::new("More", en.join("\n\n")))
}

#[test]
fn a_wav_cut_short_behind_placeholder_sizes_is_asked_for_again_until_whole() {
    // A streamed WAV whose sizes say "to the end", cut short by the server,
    // is a whole answer by its bytes; only its length tells. Every segment
    // of the episode must come out as long as the mock speaks its text.
    for header in [WavHeader::Ffff, WavHeader::Zero, WavHeader::SevenFff] {
        let s = Scratch::with_mock(MockOptions {
            fail_rate: 0.3,
            faults: vec![Fault::Truncate],
            wav_header: header,
            ..MockOptions::default()
        });
        let cfg = Config::host_on(Backend::openai(&s.mock().url()))
            .audio(serde_json::json!({"formats": ["wav"]}))
            .write(&s, "podgen.yaml");
        let sc = paced_digest().write(&s, "paced.yaml");
        let out = s.cmd("render").arg(&sc).config(&cfg).out("out").ok();
        let truncated = s
            .mock()
            .requests()
            .iter()
            .filter(|r| r.fault == Some(Fault::Truncate))
            .count();
        assert!(
            truncated >= 2,
            "{header:?}: the mock cut {truncated} answers"
        );
        let m = s.episode("out", "paced").manifest();
        for seg in m["segments"].as_array().unwrap() {
            let spoken = seg["spoken"].as_str().unwrap();
            let expected = speech_seconds(spoken) * f64::from(RATE);
            let got = seg["samples"].as_u64().unwrap() as f64;
            assert!(
                got > 0.97 * expected,
                "{header:?}: {spoken:?} is {got} samples of {expected:.0}: cut\n{}",
                stderr(&out)
            );
        }
    }
}
