//! A render stopped halfway: by SIGKILL, Ctrl-C, SIGTERM or SIGHUP. No
//! episode and no staging folder is left, the segments finished so far are
//! kept in the cache, and a rerun sends only what is missing and renders
//! the same episode an uninterrupted render does.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use podgen::mock::{MockOptions, MockServer};

use crate::common::*;

/// A mock that answers after `latency_ms`: slow enough to stop a render
/// halfway.
fn slow_mock(latency_ms: u64) -> Scratch {
    Scratch::with_mock(MockOptions {
        latency: Duration::from_millis(latency_ms),
        ..MockOptions::default()
    })
}

/// `podgen render` of `script` with `config` into `out`, left running.
fn start_render(s: &Scratch, config: &Config, script: &Script, quiet: bool) -> Child {
    let cfg = config.write(s, "i.podgen.yaml");
    let sc = script.write(s, "i.yaml");
    let render = s.cmd("render").arg(sc).config(&cfg).out(s.path("out"));
    if quiet { render.quiet() } else { render }.spawn()
}

/// Wait until the mock has had `n` requests (or 20 s have passed).
fn wait_for_requests(mock: &MockServer, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while mock.requests().len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `kill -SIGNAL` to `child`.
fn send(signal: &str, child: &Child) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn killed_halfway_a_rerun_sends_only_what_is_missing_and_matches_an_uninterrupted_render() {
    let s = slow_mock(150);
    let server = s.mock();
    let script = Script::digest(10, "resume");
    let config = Config::host_on(Backend::openai(&server.url()).set("concurrency", 2));
    let mut child = start_render(&s, &config, &script, true);
    wait_for_requests(server, 8);
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
    let out = s.render_into(&config, &script, "out", "cache");
    assert!(out.status.success(), "{}", stderr(&out));
    let second_run = server.requests().len() - first_run;
    assert_eq!(
        second_run,
        20 - cached,
        "the rerun sent {second_run} requests for {} missing clips",
        20 - cached
    );
    let m = s.episode("out", "resume").manifest();
    assert_eq!(m["totals"]["cache_hits"].as_u64().unwrap() as usize, cached);

    let whole = Config::host_on(Backend::openai(&server.url()));
    let out = s.render_into(&whole, &script, "whole", "cache-whole");
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(s.episode("out", "resume").file("wav")).unwrap(),
        std::fs::read(s.episode("whole", "resume").file("wav")).unwrap()
    );
}

#[test]
fn ctrl_c_stops_cleanly_keeps_finished_segments_and_a_rerun_resumes() {
    let s = slow_mock(150);
    let server = s.mock();
    let config = Config::host_on(Backend::openai(&server.url()).set("concurrency", 2));
    let child = start_render(&s, &config, &Script::digest(10, "intr"), false);
    wait_for_requests(server, 6);
    send("INT", &child);
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
    let out = s.render_into(&config, &Script::digest(10, "intr"), "out", "cache");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests().len() - first, 20 - cached);
}

#[test]
fn sigterm_and_sighup_stop_cleanly_and_stale_staging_is_removed() {
    let s = slow_mock(30_000);
    let config = Config::new()
        .backend("m", Backend::openai(&s.mock().url()))
        .voice("narrator", Voice::on("m").id("alloy"));
    let script = Script::one_item("Words that take a while.");
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let child = start_render(&s, &config, &script, false);
        wait_for_requests(s.mock(), 1);
        std::thread::sleep(Duration::from_millis(200));
        send(signal, &child);
        let out = child.wait_with_output().unwrap();
        assert_fails(&out, code, &["interrupted", &format!("SIG{signal}")]);
        assert_no_leftovers(&s.path("out"));
    }
    // A staging folder of a process that is gone is removed by the next render.
    let stale = s.path("out/.podgen-staging-999999999-abc");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("x.wav"), vec![0u8; 1000]).unwrap();
    let sc = Script::one_item("Built in.").write(&s, "b.yaml");
    s.cmd("render").arg(sc).out("out").quiet().ok();
    assert!(!stale.exists(), "the stale staging folder stayed");
}
