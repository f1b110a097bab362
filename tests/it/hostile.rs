//! What a hostile user, a broken server or a damaged disk can do to podgen:
//! one test per finding of issue 9, numbered as there. Each runs the real
//! binary against real files and real servers on 127.0.0.1, and checks the
//! exit code, that the message says what and where, that nothing panicked,
//! and that nothing was left behind.

use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use podgen::mock::{MockOptions, MockServer};

// ---------------------------------------------------------------- helpers

/// A one-item script in English, with `top` added at the top level.
fn script(top: &str, text: &str) -> String {
    format!(
        "show: Hostile\ntitle: Hostile input\nepisode: hostile\n{top}items:\n  - title: One\n    text: {text}\n"
    )
}

/// A generic backend at `url`, one voice on it, `extra` lines in the backend.
fn raw_config(url: &str, extra: &str) -> String {
    format!(
        "backends:\n  raw:\n    url: {url}/tts\n    body: {{json: {{text: \"{{{{text}}}}\"}}}}\n    response: {{audio: raw}}\n{extra}voices:\n  narrator: {{backend: raw}}\n"
    )
}

/// The openai preset at `url`, one voice on it, `extra` lines at the top level.
fn openai_config(url: &str, backend_extra: &str, extra: &str) -> String {
    format!(
        "backends:\n  m:\n    preset: openai\n    base_url: {url}/v1\n{backend_extra}voices:\n  narrator: {{backend: m, voice: alloy}}\n{extra}"
    )
}

/// A server that answers every request 429 with `retry_after` seconds.
fn rate_limited(retry_after: u64, message: &'static str) -> RawServer {
    raw_server(move |_, s| {
        let body = serde_json::json!({"error": {"message": message}}).to_string();
        let head = format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {retry_after}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body.as_bytes());
    })
}

fn run(s: &Scratch, args: &[&str]) -> Output {
    s.podgen(args)
}

fn validate(s: &Scratch, script: &Path) -> Output {
    run(s, &["validate", script.to_str().unwrap()])
}

fn render_with(s: &Scratch, script: &Path, config: Option<&Path>) -> Output {
    let mut args = vec!["render", script.to_str().unwrap(), "-o", "out", "--quiet"];
    if let Some(c) = config {
        args.extend(["-c", c.to_str().unwrap()]);
    }
    run(s, &args)
}

/// Exit `code`, stderr naming every one of `needles`, and no panic.
fn assert_fails(out: &Output, code: i32, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit status; stderr:\n{err}");
    assert_no_panic(&err);
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    err
}

fn assert_no_panic(err: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "memory allocation",
        "internal error",
    ] {
        assert!(!err.contains(bad), "{bad:?} in stderr:\n{err}");
    }
}

/// Nothing under `out` but finished episode folders: no staging, no old copy.
fn assert_no_leftovers(out: &Path) {
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".podgen-"),
                "left behind in {}: {name}",
                out.display()
            );
        }
    }
}

/// A second of a 220 Hz tone as 16-bit PCM at 24 kHz.
fn tone_s16() -> Vec<u8> {
    (0..24_000)
        .flat_map(|i| {
            let x = (i as f32 * 220.0 * std::f32::consts::TAU / 24_000.0).sin() * 8000.0;
            (x as i16).to_le_bytes()
        })
        .collect()
}

/// Float samples with a NaN and an Inf among them.
fn tone_f32_with_nan() -> Vec<u8> {
    (0..24_000)
        .flat_map(|i| {
            let x = match i {
                1000 => f32::NAN,
                2000 => f32::INFINITY,
                _ => (i as f32 * 0.05).sin() * 0.3,
            };
            x.to_le_bytes()
        })
        .collect()
}

/// An HTTP server on 127.0.0.1 that answers every request with `answer`
/// (given the request's head and body and the stream to write to), for the
/// misbehaviour the mock does not offer: hostile bytes, endless bodies,
/// silence.
struct RawServer {
    url: String,
    hits: Arc<AtomicUsize>,
}

fn raw_server(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            std::thread::spawn(move || {
                let request = read_request(&mut stream);
                answer(&request, &mut stream);
            });
        }
    });
    RawServer { url, hits }
}

fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = stream.read_exact(&mut body);
    head + &String::from_utf8_lossy(&body)
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn serving(body: Vec<u8>) -> RawServer {
    raw_server(move |_, s| respond(s, "200 OK", "audio/wav", &body))
}

// ---------------------------------------------------- crashes and memory

#[test]
fn f01_absurd_sample_rates_are_errors_naming_the_file_or_segment() {
    let s = Scratch::new();
    for (name, rate) in [("huge", u32::MAX), ("one", 1)] {
        let sting = s.path(&format!("{name}.wav"));
        std::fs::write(&sting, wav_file(rate, 1, 1, 16, &tone_s16())).unwrap();
        let sc = s.write(
            &format!("{name}.yaml"),
            &script(
                &format!("intro:\n  sting: {name}.wav\n  text: Hello.\n"),
                "Some words.",
            ),
        );
        assert_fails(
            &validate(&s, &sc),
            2,
            &[&format!("{name}.wav"), "sample rate"],
        );
        assert!(!s.output().exists());
    }
    // The same from a backend: one attempt (the same request brings the same
    // bytes back), an error naming the segment.
    for rate in [1, u32::MAX] {
        let server = serving(wav_file(rate, 1, 1, 16, &tone_s16()));
        let cfg = s.write("raw.podgen.yaml", &raw_config(&server.url, ""));
        let sc = s.write("backend.yaml", &script("", "Some words to speak."));
        let started = Instant::now();
        let out = render_with(&s, &sc, Some(&cfg));
        assert_fails(&out, 1, &["item 1", "sample rate"]);
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(
            server.hits.load(Ordering::SeqCst),
            1,
            "retried a fatal error"
        );
        assert_no_leftovers(&s.path("out"));
    }
}

#[test]
fn f02_an_endless_body_is_cut_at_the_cap_with_a_clear_message() {
    let server = raw_server(|_, s| {
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(&wav_file(24_000, 1, 1, 16, &[])[..44]);
        let chunk = vec![7u8; 64 * 1024];
        while s.write_all(&chunk).is_ok() {}
    });
    let s = Scratch::new();
    let cfg = s.write(
        "c.podgen.yaml",
        &raw_config(&server.url, "    max_response_mb: 2\n"),
    );
    let sc = s.write("s.yaml", &script("", "Endless."));
    let out = render_with(&s, &sc, Some(&cfg));
    assert_fails(&out, 1, &["larger than 2 MB", "max_response_mb", "item 1"]);
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);
}

#[test]
fn f03_non_finite_samples_are_rejected_before_any_dsp() {
    let s = Scratch::new();
    std::fs::write(
        s.path("nan.wav"),
        wav_file(48_000, 1, 3, 32, &tone_f32_with_nan()),
    )
    .unwrap();
    let sc = s.write(
        "sting.yaml",
        &script("intro:\n  sting: nan.wav\n  text: Hello.\n", "Words."),
    );
    assert_fails(&validate(&s, &sc), 2, &["nan.wav", "NaN"]);
    let server = serving(wav_file(24_000, 1, 3, 32, &tone_f32_with_nan()));
    let cfg = s.write("raw.podgen.yaml", &raw_config(&server.url, ""));
    let sc = s.write("backend.yaml", &script("", "Words."));
    assert_fails(&render_with(&s, &sc, Some(&cfg)), 1, &["item 1", "NaN"]);
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn f04_a_master_past_the_wav_limit_is_refused_not_corrupted() {
    let s = Scratch::new();
    let mut sc = String::from("show: Long\ntitle: Long\nepisode: long\nitems:\n");
    for i in 0..15 {
        sc.push_str(&format!("  - title: Part {i}\n    text: Part {i}.\n"));
    }
    let script = s.write("long.yaml", &sc);
    let cfg = s.write("long.podgen.yaml", "pauses:\n  item: 3599s\n");
    let out = render_with(&s, &script, Some(&cfg));
    assert_fails(&out, 1, &["a WAV file holds at most", "split it"]);
    assert!(!s.path("out/long").exists());
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn f05_a_device_a_pipe_or_a_huge_file_is_not_read_as_a_script() {
    let s = Scratch::new();
    let started = Instant::now();
    assert_fails(
        &validate(&s, Path::new("/dev/zero")),
        2,
        &["/dev/zero", "not a regular file"],
    );
    let fifo = s.path("fifo.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    assert_fails(
        &validate(&s, &fifo),
        2,
        &["fifo.yaml", "not a regular file"],
    );
    let huge = s.path("huge.yaml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(9 * 1024 * 1024).unwrap();
    assert_fails(
        &validate(&s, &huge),
        2,
        &["huge.yaml", "more than the 8 MB"],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

// ------------------------------------------------------- files and secrets

#[test]
fn f06_a_cover_that_is_not_a_picture_is_refused_at_validate() {
    let s = Scratch::new();
    std::os::unix::fs::symlink("/etc/passwd", s.path("cover.jpg")).unwrap();
    for cover in ["/etc/passwd", "cover.jpg"] {
        let sc = s.write("c.yaml", &script(&format!("cover: {cover}\n"), "Words."));
        assert_fails(&validate(&s, &sc), 2, &[cover, "not a JPEG or PNG"]);
    }
    std::fs::write(s.path("fake.png"), b"\x89PNG but not really").unwrap();
    let sc = s.write("c.yaml", &script("cover: fake.png\n", "Words."));
    assert_fails(&validate(&s, &sc), 2, &["fake.png"]);
}

#[test]
fn f07_echoed_forms_of_the_key_never_reach_stderr() {
    use base64::Engine as _;
    const KEY: &str = "sk-proj-Zq81x0Lm44TtUv93kWqa";
    let server = raw_server(|_, s| {
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
    let s = Scratch::new();
    let cfg = s.write(
        "k.podgen.yaml",
        &openai_config(&server.url, "    api_key: ${TEST_KEY}\n", ""),
    );
    let sc = s.write("k.yaml", &script("", "Words."));
    let out = s.podgen_env(
        &[
            "render",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            "out",
        ],
        &[("TEST_KEY", KEY)],
    );
    let err = assert_fails(&out, 1, &["HTTP 401", "Incorrect API key provided"]);
    let lower = err.to_ascii_lowercase();
    for i in 0..=KEY.len() - 6 {
        let piece = KEY[i..i + 6].to_ascii_lowercase();
        assert!(!lower.contains(&piece), "{piece:?} of the key in:\n{err}");
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("user:{KEY}"));
    assert!(!err.contains(&b64[8..20]), "base64 of the key in:\n{err}");
}

#[test]
fn f08_a_symlink_or_a_file_at_the_episode_path_is_a_clear_error() {
    let s = Scratch::new();
    let elsewhere = s.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("theirs.txt"), "keep").unwrap();
    std::fs::create_dir_all(s.path("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.path("out/hostile")).unwrap();
    let sc = s.write("s.yaml", &script("", "Words."));
    assert_fails(
        &render_with(&s, &sc, None),
        1,
        &["out/hostile", "symbolic link"],
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    assert_no_leftovers(&s.path("out"));

    std::fs::remove_file(s.path("out/hostile")).unwrap();
    std::fs::write(s.path("out/hostile"), "a file").unwrap();
    assert_fails(
        &render_with(&s, &sc, None),
        1,
        &["out/hostile", "is a file"],
    );
    assert_eq!(
        std::fs::read_to_string(s.path("out/hostile")).unwrap(),
        "a file"
    );
    assert_no_leftovers(&s.path("out"));
}

// --------------------------------------------------------- output that lies

#[test]
fn f09_a_rerender_replaces_the_episode_folder_as_a_whole() {
    let s = Scratch::new();
    let sc = s.write("s.yaml", &script("", "First version, short."));
    assert!(render_with(&s, &sc, None).status.success());
    let folder = s.path("out/hostile");
    assert!(folder.join("hostile.mp3").exists());
    std::fs::write(folder.join("my-notes.txt"), "mine").unwrap();

    let sc = s.write(
        "s.yaml",
        &script(
            "",
            "Second version, a little longer than the first one was.",
        ),
    );
    let cfg = s.write("wav.podgen.yaml", "audio:\n  formats: [wav]\n");
    assert!(render_with(&s, &sc, Some(&cfg)).status.success());
    assert!(!folder.join("hostile.mp3").exists(), "the old MP3 stayed");
    assert_eq!(
        std::fs::read_to_string(folder.join("my-notes.txt")).unwrap(),
        "mine"
    );
    let manifest = read_json(&folder.join("render.json"));
    let (samples, _) = read_wav(&folder.join("hostile.wav"));
    assert_eq!(
        manifest["totals"]["samples"].as_u64(),
        Some(samples.len() as u64),
        "the WAV and render.json come from different renders"
    );
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn f10_sigterm_and_sighup_stop_cleanly_and_stale_staging_is_removed() {
    let mock = MockServer::start(
        0,
        MockOptions {
            latency: Duration::from_secs(30),
            ..MockOptions::default()
        },
    )
    .unwrap();
    let s = Scratch::new();
    let cfg = s.write("m.podgen.yaml", &openai_config(&mock.url(), "", ""));
    let sc = s.write("s.yaml", &script("", "Words that take a while."));
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let child = Command::new(bin())
            .args([
                "render",
                sc.to_str().unwrap(),
                "-c",
                cfg.to_str().unwrap(),
                "-o",
            ])
            .arg(s.path("out"))
            .env("PODGEN_CACHE_DIR", s.cache())
            .env("NO_COLOR", "1")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while mock.requests().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_fails(&out, code, &["interrupted", &format!("SIG{signal}")]);
        assert_no_leftovers(&s.path("out"));
    }
    // A staging folder of a process that is gone is removed by the next render.
    let stale = s.path("out/.podgen-staging-999999999-abc");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("x.wav"), vec![0u8; 1000]).unwrap();
    let sc = s.write("b.yaml", &script("", "Built in."));
    assert!(render_with(&s, &sc, None).status.success());
    assert!(!stale.exists(), "the stale staging folder stayed");
}

#[test]
fn f11_a_damaged_cache_clip_is_a_miss_and_is_made_again() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "m.podgen.yaml",
        &openai_config(&mock.url(), "", "audio:\n  formats: [wav]\n"),
    );
    let sc = s.write("s.yaml", &script("", "A sentence for the cache to keep."));
    assert!(render_with(&s, &sc, Some(&cfg)).status.success());
    let first = read_wav(&s.path("out/hostile/hostile.wav")).0;
    let clips: Vec<_> = walk(&s.cache().join("clips"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    assert_eq!(clips.len(), 1);
    let requests = mock.requests().len();

    // In place, same size: a run of samples in the middle zeroed.
    let mut bytes = std::fs::read(&clips[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4000].fill(0);
    std::fs::write(&clips[0], &bytes).unwrap();
    assert!(render_with(&s, &sc, Some(&cfg)).status.success());
    assert_eq!(
        mock.requests().len(),
        requests + 1,
        "the damaged clip was used"
    );
    assert_eq!(read_wav(&s.path("out/hostile/hostile.wav")).0, first);

    // The data size rewritten shorter.
    let mut bytes = std::fs::read(&clips[0]).unwrap();
    let data = bytes.windows(4).position(|w| w == b"data").unwrap();
    let size = u32::from_le_bytes(bytes[data + 4..data + 8].try_into().unwrap());
    bytes[data + 4..data + 8].copy_from_slice(&(size / 2).to_le_bytes());
    std::fs::write(&clips[0], &bytes).unwrap();
    assert!(render_with(&s, &sc, Some(&cfg)).status.success());
    assert_eq!(
        mock.requests().len(),
        requests + 2,
        "the shortened clip was used"
    );
    assert_eq!(read_wav(&s.path("out/hostile/hostile.wav")).0, first);
}

#[test]
fn f12_line_breaks_control_codes_and_quotes_in_links_are_refused() {
    let s = Scratch::new();
    let cases = [
        (
            "show: S\ntitle: T\nepisode: e\nitems:\n  - title: \"Two\\nlines\"\n    text: Words.\n",
            "line break",
        ),
        (
            "show: S\ntitle: T\nepisode: e\nvoice: \"host\\nx\"\nitems:\n  - title: One\n    text: Words.\n",
            "line break",
        ),
        (
            "show: S\ntitle: T\nepisode: e\nitems:\n  - title: One\n    text: \"Nul \\0 here.\"\n",
            "control character",
        ),
        (
            "show: S\ntitle: T\nepisode: e\nitems:\n  - title: One\n    links: ['https://x.org/\">a']\n    text: Words.\n",
            "link",
        ),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let sc = s.write(&format!("c{i}.yaml"), text);
        assert_fails(&validate(&s, &sc), 2, &[&format!("c{i}.yaml:"), needle]);
    }
}

// ------------------------------------ validation that says OK, then fails

#[test]
fn f13_scripts_the_builtin_voice_cannot_read_fail_at_validate() {
    let s = Scratch::new();
    for (text, script_name) in [
        ("مرحبا بكم في البرنامج", "Arabic"),
        ("שלום לכולם", "Hebrew"),
        ("สวัสดีครับ", "Thai"),
        ("안녕하세요 여러분", "Korean"),
        ("こんにちは、みなさん", "Hiragana"),
    ] {
        let sc = s.write("x.yaml", &script("", text));
        assert_fails(
            &validate(&s, &sc),
            2,
            &["item 1", script_name, "built-in voice"],
        );
    }
}

#[test]
fn f14_long_titles_and_bad_urls_and_templates_are_caught_at_load() {
    let s = Scratch::new();
    let title = (0..100)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let sc = s.write(
        "t.yaml",
        &format!("show: S\ntitle: {title}\nitems:\n  - title: One\n    text: Words.\n"),
    );
    let out = render_with(&s, &sc, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let folders: Vec<_> = std::fs::read_dir(s.path("out")).unwrap().collect();
    assert_eq!(folders.len(), 1);
    let id = folders[0].as_ref().unwrap().file_name();
    assert!(id.len() <= 80, "{id:?}");

    let sc = s.write("ok.yaml", &script("", "Words."));
    for (setting, needle) in [
        ("base_url: \"http://[::1\"", "base_url"),
        ("base_url: http://127.0.0.1:99999/v1", "base_url"),
        ("base_url: \"http://\"", "base_url"),
        (
            "base_url: http://127.0.0.1:1/v1\n    headers: {X-Text: \"{{text\"}",
            "unclosed",
        ),
        (
            "base_url: http://127.0.0.1:1/v1\n    max_chars: 0",
            "max_chars",
        ),
    ] {
        let cfg = s.write(
            "bad.podgen.yaml",
            &format!(
                "backends:\n  o:\n    preset: openai\n    {setting}\nvoices:\n  narrator: {{backend: o, voice: alloy}}\n"
            ),
        );
        let out = run(
            &s,
            &[
                "validate",
                sc.to_str().unwrap(),
                "-c",
                cfg.to_str().unwrap(),
            ],
        );
        let err = assert_fails(&out, 2, &["bad.podgen.yaml:", needle]);
        assert!(
            !err.contains("issue.yaml"),
            "config error called a script error:\n{err}"
        );
    }
}

#[test]
fn f15_messages_are_in_the_users_words() {
    let s = Scratch::new();
    let cases = [
        (
            "show: S\nshow: T\ntitle: T\nitems: []\n",
            "appears twice",
            "DuplicateKeyPolicy",
        ),
        (
            "show: S\ntitle: T\nitems: []\n---\nshow: U\n",
            "more than one YAML document",
            "from_str_multiple",
        ),
    ];
    for (i, (text, said, unsaid)) in cases.iter().enumerate() {
        let sc = s.write(&format!("m{i}.yaml"), text);
        let out = validate(&s, &sc);
        let err = assert_fails(&out, 2, &[said]);
        assert!(!err.contains(unsaid), "{unsaid:?} in:\n{err}");
    }
    // An alias bomb.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        bomb.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            n = (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    bomb.push_str("show: S\ntitle: T\nitems: []\n");
    let sc = s.write("bomb.yaml", &bomb);
    let err = assert_fails(&validate(&s, &sc), 2, &["bomb.yaml"]);
    assert!(!err.contains("Nodes {"), "{err}");

    // A config error is a config error.
    let cfg = s.write(
        "c.podgen.yaml",
        "backends:\n  o:\n    preset: openai\n    preset: piper\n",
    );
    let sc = s.write("ok.yaml", &script("", "Words."));
    let out = run(
        &s,
        &[
            "validate",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
        ],
    );
    let err = assert_fails(
        &out,
        2,
        &["c.podgen.yaml", "podgen.yaml config", "appears twice"],
    );
    assert!(!err.contains("issue.yaml"), "{err}");

    let cfg = s.write(
        "n.podgen.yaml",
        "backends:\n  o:\n    preset: openai\n    max_chars: -1\n",
    );
    let out = run(
        &s,
        &[
            "validate",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
        ],
    );
    let err = assert_fails(&out, 2, &["n.podgen.yaml:", "a whole number"]);
    assert!(
        !err.contains("invalid u64") && !err.contains("usize"),
        "{err}"
    );

    // A symlink loop or a pipe as a sting is not "not found".
    std::os::unix::fs::symlink(s.path("loop.wav"), s.path("loop.wav")).unwrap();
    let sc = s.write(
        "l.yaml",
        &script("intro:\n  sting: loop.wav\n  text: Hi.\n", "Words."),
    );
    assert_fails(
        &validate(&s, &sc),
        2,
        &["loop.wav", "loop of symbolic links"],
    );
    assert!(
        Command::new("mkfifo")
            .arg(s.path("pipe.wav"))
            .status()
            .unwrap()
            .success()
    );
    let sc = s.write(
        "p.yaml",
        &script("intro:\n  sting: pipe.wav\n  text: Hi.\n", "Words."),
    );
    assert_fails(&validate(&s, &sc), 2, &["pipe.wav", "not a regular file"]);

    // A server's message in terminal colours keeps its words.
    let server = raw_server(|_, s| {
        respond(
            s,
            "400 Bad Request",
            "text/plain",
            b"\x1b[31mERROR\x1b[0m: voice not loaded",
        )
    });
    let cfg = s.write("raw.podgen.yaml", &raw_config(&server.url, ""));
    let out = render_with(&s, &sc_plain(&s), Some(&cfg));
    assert_fails(&out, 1, &["ERROR: voice not loaded"]);
}

fn sc_plain(s: &Scratch) -> std::path::PathBuf {
    s.write("plain.yaml", &script("", "Words."))
}

#[test]
fn f16_a_silent_server_and_an_absurd_retry_after_are_bounded() {
    // Accepts, reads, never answers.
    let silent = raw_server(|_, _| std::thread::sleep(Duration::from_secs(600)));
    let s = Scratch::new();
    let cfg = s.write(
        "c.podgen.yaml",
        &raw_config(&silent.url, "    segment_timeout: 3s\n    timeout: 60s\n"),
    );
    let started = Instant::now();
    let out = render_with(&s, &sc_plain(&s), Some(&cfg));
    assert_fails(&out, 1, &["item 1", "segment_timeout"]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    let limited = rate_limited(999_999, "Rate limit reached");
    let cfg = s.write("r.podgen.yaml", &raw_config(&limited.url, ""));
    let started = Instant::now();
    let out = render_with(&s, &sc_plain(&s), Some(&cfg));
    assert_fails(&out, 1, &["Rate limit reached", "segment_timeout"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(limited.hits.load(Ordering::SeqCst), 1);

    // A long wait the server asks for is said, with how long and why.
    let slow = rate_limited(5, "Slow down");
    let cfg = s.write(
        "w.podgen.yaml",
        &raw_config(&slow.url, "    max_attempts: 2\n"),
    );
    let sc = sc_plain(&s);
    let out = run(
        &s,
        &[
            "render",
            sc.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_fails(
        &out,
        1,
        &[
            "waiting 5 s before attempt 2, as the server asked (Retry-After)",
            "Slow down",
        ],
    );
    assert_eq!(slow.hits.load(Ordering::SeqCst), 2);
}

#[test]
fn f17_reserved_names_and_zero_limits_and_bad_mock_arguments() {
    let s = Scratch::new();
    for id in ["CON", "nul", "COM1", "con.txt", "lpt9.mp3", "trailing."] {
        let sc = s.write(
            "e.yaml",
            &format!(
                "show: S\ntitle: T\nepisode: \"{id}\"\nitems:\n  - title: One\n    text: Words.\n"
            ),
        );
        assert_fails(&validate(&s, &sc), 2, &["e.yaml:", "episode id"]);
    }
    for args in [
        &["mock-tts", "--fail-rate", "2"][..],
        &["mock-tts", "--fail-rate", "NaN"],
        &["mock-tts", "--wav-header", "bogus"],
    ] {
        let out = run(&s, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("invalid value"), "{}", stderr(&out));
    }
}
