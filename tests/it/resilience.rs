//! Synthesis through misbehaving backends, with the mock's fault injection:
//! retries, limits, the cache, resume after a kill.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use podgen::mock::{Fault, MockOptions, MockServer};

/// A digest of `items` items, two sentences each.
fn digest(items: usize, tag: &str) -> String {
    let mut s = format!("show: Resilience\ntitle: {tag}\nepisode: {tag}\nvoice: host\nitems:\n");
    for i in 1..=items {
        s.push_str(&format!(
            "  - title: Item {i}\n    text: Item {i} opens with a first sentence. Then item {i} closes with a second one.\n"
        ));
    }
    s
}

fn config(url: &str, extra: &str) -> String {
    format!(
        "backends:\n  m:\n    preset: openai\n    base_url: '{url}/v1'\n{extra}voices:\n  host: {{backend: m, voice: alloy}}\n"
    )
}

fn render(s: &Scratch, cfg: &str, script: &str, out: &str, cache: &str) -> std::process::Output {
    let cfg = s.write(&format!("{out}.podgen.yaml"), cfg);
    let sc = s.write(&format!("{out}.yaml"), script);
    std::process::Command::new(env!("CARGO_BIN_EXE_podgen"))
        .args([
            "render",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            s.path(out).to_str().unwrap(),
            "--quiet",
        ])
        .env("PODGEN_CACHE_DIR", s.path(cache))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn thirty_percent_faults_still_render_the_same_episode() {
    let clean = MockServer::start(0, MockOptions::default()).unwrap();
    let flaky = MockServer::start(
        0,
        MockOptions {
            fail_rate: 0.3,
            faults: vec![
                Fault::RateLimit,
                Fault::ServerError,
                Fault::Reset,
                Fault::Truncate,
            ],
            retry_after: Duration::from_millis(50),
            seed: 7,
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let script = digest(20, "faults");
    let out = render(
        &s,
        &config(&clean.url(), ""),
        &script,
        "clean",
        "cache-clean",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = render(
        &s,
        &config(&flaky.url(), "    max_attempts: 12\n"),
        &script,
        "flaky",
        "cache-flaky",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let faults: Vec<_> = flaky.requests().iter().filter_map(|r| r.fault).collect();
    assert!(
        faults.len() >= 5,
        "too few faults injected to mean anything: {faults:?}"
    );
    for kind in [
        Fault::RateLimit,
        Fault::ServerError,
        Fault::Reset,
        Fault::Truncate,
    ] {
        assert!(
            faults.contains(&kind),
            "{kind:?} never injected: {faults:?}"
        );
    }
    let m = read_json(&s.path("flaky/faults/render.json"));
    let attempts: u64 = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["attempts"].as_u64().unwrap())
        .sum();
    assert_eq!(
        attempts as usize,
        flaky.requests().len(),
        "render.json counts every request"
    );
    assert!(
        m["segments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["attempts"].as_u64().unwrap() > 1)
    );
    assert_eq!(
        std::fs::read(s.path("clean/faults/faults.wav")).unwrap(),
        std::fs::read(s.path("flaky/faults/faults.wav")).unwrap(),
        "the episode differs from the fault-free one"
    );
}

#[test]
fn concurrency_and_request_rate_stay_within_the_config() {
    let server = MockServer::start(
        0,
        MockOptions {
            latency: Duration::from_millis(60),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let out = render(
        &s,
        &config(&server.url(), "    concurrency: 3\n"),
        &digest(10, "conc"),
        "conc",
        "cache",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 20);
    assert_eq!(
        server.max_in_flight(),
        3,
        "expected exactly the configured 3 in flight at peak"
    );

    // 5 requests per 1-second window (the test's short stand-in for a minute).
    let paced = MockServer::start(0, MockOptions::default()).unwrap();
    let out = render(
        &s,
        &config(
            &paced.url(),
            "    concurrency: 4\n    requests_per_minute: 5\n    rate_window: 1s\n",
        ),
        &digest(6, "paced"),
        "paced",
        "cache2",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let starts: Vec<u64> = paced.requests().iter().map(|r| r.started_ms).collect();
    assert_eq!(starts.len(), 12);
    for (i, a) in starts.iter().enumerate() {
        // Arrival times jitter against the client's clock: by a few ms on
        // an idle machine, by over 100 ms on a loaded one (seen: a window's
        // five arriving 1018 to 1133 ms, the next window's on time at 2018).
        // A limiter that lets a sixth through sends it with the others, so
        // an 800 ms window still catches it.
        let in_window = starts[i..].iter().filter(|b| **b < a + 800).count();
        assert!(
            in_window <= 5,
            "{in_window} requests within a second from {a} ms: {starts:?}"
        );
    }
    assert!(
        starts.last().unwrap() - starts[0] >= 950,
        "12 requests at 5/s take over 2 windows: {starts:?}"
    );
}

#[test]
fn killed_halfway_a_rerun_sends_only_what_is_missing_and_matches_an_uninterrupted_render() {
    let server = MockServer::start(
        0,
        MockOptions {
            latency: Duration::from_millis(150),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let script = digest(10, "resume");
    let cfg = s.write(
        "k.podgen.yaml",
        &config(&server.url(), "    concurrency: 2\n"),
    );
    let sc = s.write("k.yaml", &script);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_podgen"))
        .args([
            "render",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            s.path("out").to_str().unwrap(),
            "--quiet",
        ])
        .env("PODGEN_CACHE_DIR", s.path("cache"))
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.requests().len() < 8 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Requests in flight at the kill still finish on the server side: let them.
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        !s.path("out/resume").exists(),
        "a killed render left an episode"
    );
    let first_run = server.requests().len();
    assert!(first_run < 20, "the render finished before it was killed");

    let cached = clip_count(&s.path("cache"));
    assert!(cached >= 6, "finished clips were not kept: {cached}");
    let out = render(
        &s,
        &config(&server.url(), "    concurrency: 2\n"),
        &script,
        "out",
        "cache",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let second_run = server.requests().len() - first_run;
    assert_eq!(
        second_run,
        20 - cached,
        "the rerun sent {second_run} requests for {} missing clips",
        20 - cached
    );
    let m = read_json(&s.path("out/resume/render.json"));
    assert_eq!(m["totals"]["cache_hits"].as_u64().unwrap() as usize, cached);

    let out = render(
        &s,
        &config(&server.url(), ""),
        &script,
        "whole",
        "cache-whole",
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(s.path("out/resume/resume.wav")).unwrap(),
        std::fs::read(s.path("whole/resume/resume.wav")).unwrap()
    );
}

#[test]
fn editing_one_item_resends_exactly_its_changed_segments() {
    let server = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let script = digest(5, "edit");
    let out = render(&s, &config(&server.url(), ""), &script, "out", "cache");
    assert!(out.status.success());
    let before = server.requests().len();
    assert_eq!(before, 10);
    let edited = script.replace(
        "Then item 3 closes with a second one.",
        "Then item 3 closes differently now.",
    );
    assert_ne!(edited, script);
    let out = render(&s, &config(&server.url(), ""), &edited, "out", "cache");
    assert!(out.status.success());
    let sent: BTreeSet<String> = server.requests()[before..]
        .iter()
        .filter_map(|r| r.text.clone())
        .collect();
    // Sent as spoken: the digit read out.
    assert_eq!(
        sent,
        BTreeSet::from(["Then item three closes differently now.".to_string()])
    );
}

#[test]
fn plan_shows_cost_and_cache_hits_without_sending_anything() {
    let server = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let script = digest(3, "plan");
    let cfg_text = config(&server.url(), "    price_per_million_chars: 15\n");
    let cfg = s.write("p.podgen.yaml", &cfg_text);
    let sc = s.write("p.yaml", &script);
    let plan = |s: &Scratch| s.podgen(&["plan", sc.to_str().unwrap(), "-c", cfg.to_str().unwrap()]);
    let out = plan(&s);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(server.requests().is_empty(), "plan sent requests");
    // Characters as sent (and billed): after normalisation.
    let spoken = |t: String| {
        podgen::text::speak::normalize(
            &t,
            podgen::text::speak::Rulebook::English,
            Default::default(),
        )
        .chars()
        .count()
    };
    let chars: usize = (1..=3)
        .map(|i| {
            spoken(format!("Item {i} opens with a first sentence."))
                + spoken(format!("Then item {i} closes with a second one."))
        })
        .sum();
    assert!(
        text.contains(&format!("6 segments, {chars} characters")),
        "{text}"
    );
    assert!(text.contains("0 cached, 6 to synthesize"), "{text}");
    assert!(
        text.contains(&format!("${:.4}", chars as f64 * 15.0 / 1e6)),
        "{text}"
    );
    assert!(
        text.contains("Item 2") && text.contains("m/alloy"),
        "{text}"
    );

    // After a render everything is cached and costs nothing.
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = server.requests().len();
    let text = String::from_utf8_lossy(&plan(&s).stdout).into_owned();
    assert!(text.contains("6 cached, 0 to synthesize"), "{text}");
    assert!(text.contains("$0.0000"), "{text}");
    assert_eq!(server.requests().len(), sent);
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
        format!(
            "backends:\n  raw:\n    url: '{url}/custom/json'\n    body: {{json: {{text: '{{{{text}}}}', format: pcm_24000}}}}\n    response: {{format: pcm, pcm: {{sample_rate: 24000}}}}\n    max_attempts: 12\nvoices:\n  host: {{backend: raw}}\n"
        )
    };
    let s = Scratch::new();
    let script = digest(6, "trunc");
    assert!(
        render(&s, &cfg(&clean.url()), &script, "clean", "c1")
            .status
            .success()
    );
    let out = render(&s, &cfg(&flaky.url()), &script, "flaky", "c2");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        flaky
            .requests()
            .iter()
            .filter(|r| r.fault == Some(Fault::Truncate))
            .count()
            >= 2
    );
    let m = read_json(&s.path("flaky/trunc/render.json"));
    assert!(
        m["segments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["attempts"].as_u64().unwrap() > 1)
    );
    assert_eq!(
        std::fs::read(s.path("clean/trunc/trunc.wav")).unwrap(),
        std::fs::read(s.path("flaky/trunc/trunc.wav")).unwrap()
    );
}

#[test]
fn too_many_concurrent_requests_lowers_the_concurrency_for_the_run() {
    let server = MockServer::start(
        0,
        MockOptions {
            latency: Duration::from_millis(80),
            max_concurrent: Some(2),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "c.podgen.yaml",
        &config(&server.url(), "    concurrency: 4\n    max_attempts: 10\n"),
    );
    let sc = s.write("c.yaml", &digest(8, "lower"));
    let out = s.podgen(&[
        "render",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("concurrency lowered to"),
        "{}",
        stderr(&out)
    );
    let m = read_json(&s.path("out/lower/render.json"));
    let b = &m["backends"][0];
    assert_eq!(b["concurrency_configured"], 4);
    let last = b["concurrency_final"].as_u64().unwrap();
    assert!((1..=2).contains(&last), "{b}");
    // Once lowered, the last requests were never refused.
    let reqs = server.requests();
    assert!(
        reqs.iter().rev().take(4).all(|r| r.status == 200),
        "{:?}",
        reqs.iter().map(|r| r.status).collect::<Vec<_>>()
    );
}

#[test]
fn ctrl_c_stops_cleanly_keeps_finished_segments_and_a_rerun_resumes() {
    let server = MockServer::start(
        0,
        MockOptions {
            latency: Duration::from_millis(150),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "i.podgen.yaml",
        &config(&server.url(), "    concurrency: 2\n"),
    );
    let sc = s.write("i.yaml", &digest(10, "intr"));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_podgen"))
        .args([
            "render",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            s.path("out").to_str().unwrap(),
        ])
        .env("PODGEN_CACHE_DIR", s.path("cache"))
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.requests().len() < 6 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted:") && err.contains("run the same command again"),
        "{err}"
    );
    // No episode, no staging folder.
    let leftovers: Vec<_> = std::fs::read_dir(s.path("out"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::thread::sleep(Duration::from_millis(400));
    let first = server.requests().len();
    let cached = clip_count(&s.path("cache"));
    assert!(cached >= 4, "{cached}");
    let out = render(
        &s,
        &config(&server.url(), "    concurrency: 2\n"),
        &digest(10, "intr"),
        "out",
        "cache",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests().len() - first, 20 - cached);
}

#[test]
fn json_summary_and_cache_commands() {
    let server = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = s.write("j.podgen.yaml", &config(&server.url(), ""));
    let sc = s.write("j.yaml", &digest(2, "json"));
    let out = s.podgen(&[
        "render",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["segments"], 4);
    assert_eq!(summary["requests"], 4);
    assert_eq!(
        summary["files"],
        serde_json::json!([
            "chapters.json",
            "index.html",
            "json.json",
            "json.mp3",
            "json.srt",
            "json.vtt",
            "json.wav",
            "notes.md",
            "render.json"
        ])
    );
    assert!(
        out.stderr.is_empty(),
        "--json keeps stderr for errors: {}",
        stderr(&out)
    );

    let info = s.podgen(&["cache", "info"]);
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("clips: 4"),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    let kept = s.podgen(&["cache", "prune", "--older-than", "30d"]);
    assert!(String::from_utf8_lossy(&kept.stdout).contains("removed 0 clips"));
    let all = s.podgen(&["cache", "prune", "--older-than", "0"]);
    assert!(
        String::from_utf8_lossy(&all.stdout).contains("removed 4 clips"),
        "{}",
        String::from_utf8_lossy(&all.stdout)
    );

    // A failure is JSON too.
    let bad = s.write("bad.yaml", "show: S\n");
    let out = s.podgen(&["render", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["exit_code"], 2);
}
