//! How fast podgen asks: never more requests in flight than the config's
//! `concurrency`, never more in a window than `requests_per_minute`, and
//! fewer at once for the rest of a run when the server says there are too
//! many.

use std::time::Duration;

use podgen::mock::{MockOptions, MockServer};

use crate::common::*;

#[test]
fn concurrency_and_request_rate_stay_within_the_config() {
    let s = Scratch::with_mock(MockOptions {
        latency: Duration::from_millis(60),
        ..MockOptions::default()
    });
    let server = s.mock();
    let config = Config::host_on(Backend::openai(&server.url()).set("concurrency", 3));
    let out = s.render_into(&config, &Script::digest(10, "conc"), "conc", "cache");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 20);
    assert_eq!(
        server.max_in_flight(),
        3,
        "expected exactly the configured 3 in flight at peak"
    );

    // 5 requests per 1-second window (the test's short stand-in for a minute).
    let paced = MockServer::start(0, MockOptions::default()).unwrap();
    let backend = Backend::openai(&paced.url())
        .set("concurrency", 4)
        .set("requests_per_minute", 5)
        .set("rate_window", "1s");
    let out = s.render_into(
        &Config::host_on(backend),
        &Script::digest(6, "paced"),
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
fn too_many_concurrent_requests_lowers_the_concurrency_for_the_run() {
    let s = Scratch::with_mock(MockOptions {
        latency: Duration::from_millis(80),
        max_concurrent: Some(2),
        ..MockOptions::default()
    });
    let backend = Backend::openai(&s.mock().url())
        .set("concurrency", 4)
        .set("max_attempts", 10);
    let cfg = Config::host_on(backend).write(&s, "c.podgen.yaml");
    let sc = Script::digest(8, "lower").write(&s, "c.yaml");
    let out = s.cmd("render").arg(sc).config(&cfg).out("out").ok();
    assert!(
        stderr(&out).contains("concurrency lowered to"),
        "{}",
        stderr(&out)
    );
    let m = s.episode("out", "lower").manifest();
    let b = &m["backends"][0];
    assert_eq!(b["concurrency_configured"], 4);
    let last = b["concurrency_final"].as_u64().unwrap();
    assert!((1..=2).contains(&last), "{b}");
    // Once lowered, the last requests were never refused.
    let reqs = s.mock().requests();
    assert!(
        reqs.iter().rev().take(4).all(|r| r.status == 200),
        "{:?}",
        reqs.iter().map(|r| r.status).collect::<Vec<_>>()
    );
}
