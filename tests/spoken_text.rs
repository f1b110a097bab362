//! What is spoken versus what is written: the lexicon and text
//! normalisation change the requests (as the mock server sees them) and
//! the cache keys, never the transcripts or chapters; `podgen normalize`
//! shows exactly what render sends; pause markup lands on the timeline.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;
use podgen::mock::{MockOptions, MockServer};

fn config(url: &str, extra: &str) -> String {
    format!(
        "backends:\n  m:\n    preset: openai\n    base_url: {url}/v1\nvoices:\n  host: {{backend: m, voice: alloy}}\naudio:\n  formats: [wav]\n{extra}"
    )
}

const SCRIPT: &str = "show: AI大模型周报
title: 测试
episode: spoken
date: 2024-06-10
language: zh-CN
voice: host
items:
  - title: 英伟达市值突破3万亿美元
    text: |
      6月6日，英伟达市值突破3万亿美元，今年股价累计涨幅147%。
      预计2026年推出下一代AI平台Rubin。
  - title: AMD Zen 5
    text: AMD在Computex大会上介绍了全新Zen 5架构。
";

fn render(s: &Scratch, cfg: &str, out: &str) -> std::process::Output {
    let cfg = s.write(&format!("{out}.podgen.yaml"), cfg);
    let sc = s.write("issue.yaml", SCRIPT);
    let out = s.podgen(&[
        "render",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        out,
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

fn sent(mock: &MockServer) -> Vec<String> {
    mock.requests().into_iter().filter_map(|r| r.text).collect()
}

#[test]
fn a_lexicon_entry_changes_requests_not_transcripts_and_one_edit_resends_its_segments() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let lexicon = "lexicon:\n  - {word: Rubin, say: 鲁宾}\n  - {word: Computex, say: 台北电脑展}\n";
    render(&s, &config(&mock.url(), lexicon), "a");
    let first = sent(&mock);
    assert!(
        first
            .iter()
            .any(|t| t.contains("鲁宾") && !t.contains("Rubin")),
        "{first:?}"
    );
    assert!(first.iter().any(|t| t.contains("台北电脑展")), "{first:?}");
    let vtt = std::fs::read_to_string(s.path("a/spoken/spoken.vtt")).unwrap();
    assert!(vtt.contains("Rubin") && !vtt.contains("鲁宾"), "{vtt}");
    let chapters = std::fs::read_to_string(s.path("a/spoken/chapters.json")).unwrap();
    assert!(!chapters.contains("鲁宾"));
    let manifest = read_json(&s.path("a/spoken/render.json"));
    let seg = manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["text"].as_str().unwrap().contains("Rubin"))
        .unwrap();
    assert!(seg["spoken"].as_str().unwrap().contains("鲁宾"));

    // One entry changed: only the segment that holds it is sent again.
    let changed =
        "lexicon:\n  - {word: Rubin, say: 鲁宾平台}\n  - {word: Computex, say: 台北电脑展}\n";
    render(&s, &config(&mock.url(), changed), "b");
    let again = &sent(&mock)[first.len()..];
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].contains("鲁宾平台"));
}

#[test]
fn podgen_normalize_prints_what_render_sends_line_for_line() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let lexicon = "lexicon:\n  - {word: Rubin, say: 鲁宾}\n";
    let cfg_text = config(&mock.url(), lexicon);
    render(&s, &cfg_text, "out");
    let sent = sent(&mock);
    let manifest = read_json(&s.path("out/spoken/render.json"));
    let written: Vec<&str> = manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["text"].as_str().unwrap())
        .collect();
    let cfg = s.path("out.podgen.yaml");
    let mut child = std::process::Command::new(bin())
        .args(["normalize", "--language", "zh-CN", "--voice", "host", "-c"])
        .arg(&cfg)
        .current_dir(s.path("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(written.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(printed.len(), written.len());
    let mut sent_sorted = sent.clone();
    sent_sorted.sort();
    let mut printed_sorted = printed.clone();
    printed_sorted.sort();
    assert_eq!(printed_sorted, sent_sorted, "normalize and render disagree");
    let spoken: Vec<&str> = manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["spoken"].as_str().unwrap())
        .collect();
    assert_eq!(printed, spoken);
}

#[test]
fn pause_markup_and_pause_lines_land_on_the_timeline_and_literal_markup_is_spoken() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let script = "show: S\ntitle: Pauses\nepisode: pauses\nvoice: host\nitems:\n  - title: One\n    text: 'First part. [pause 1500ms] Second part. Say \\[pause 2s] aloud.'\n  - title: Two\n    lines:\n      - {voice: host, text: A line.}\n      - pause: 2s\n      - {voice: host, text: Another line.}\n";
    let sc = s.write("p.yaml", script);
    let cfg = s.write("p.podgen.yaml", &config(&mock.url(), ""));
    let out = s.podgen(&[
        "render",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = sent(&mock);
    assert!(sent.iter().all(|t| !t.contains("1500ms")), "{sent:?}");
    assert!(
        sent.iter().any(|t| t.contains("Say [pause 2s] aloud.")),
        "{sent:?}"
    );
    let m = read_json(&s.path("out/pauses/render.json"));
    let rate = m["settings"]["sample_rate"].as_u64().unwrap_or(44_100);
    let pieces = m["timeline"].as_array().unwrap();
    let pauses: Vec<u64> = pieces
        .iter()
        .filter(|p| p["kind"] == "silence")
        .map(|p| p["len"].as_u64().unwrap())
        .collect();
    assert!(
        pauses.contains(&(rate * 3 / 2)),
        "no 1.5 s pause in {pauses:?}"
    );
    assert!(pauses.contains(&(rate * 2)), "no 2 s pause in {pauses:?}");
    let vtt = std::fs::read_to_string(s.path("out/pauses/pauses.vtt")).unwrap();
    assert!(!vtt.contains("1500ms"), "{vtt}");
}

#[test]
fn bad_lexicon_entries_and_pause_lines_are_input_errors_with_their_line() {
    let s = Scratch::new();
    let sc = s.write("issue.yaml", SCRIPT);
    let cfg = s.write(
        "podgen.yaml",
        "lexicon:\n  - {word: Rubin, say: 鲁宾}\n  - {regex: '(unclosed', say: x}\n",
    );
    let out = s.podgen(&[
        "validate",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("podgen.yaml:3") && err.contains("lexicon entry 2"),
        "{err}"
    );
    std::fs::write(s.path("lexicon.yaml"), "- {word: Rubin}\n").unwrap();
    std::fs::write(&cfg, "{}\n").unwrap();
    let out = s.podgen(&[
        "validate",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lexicon.yaml"), "{}", stderr(&out));
    std::fs::remove_file(s.path("lexicon.yaml")).unwrap();
    let bad = s.write(
        "bad.yaml",
        "show: S\ntitle: T\nitems:\n  - title: One\n    lines:\n      - {voice: a, text: Hi.}\n      - pause: soon\n",
    );
    let out = s.podgen(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.yaml:7"), "{}", stderr(&out));
}

#[test]
fn plan_spoken_shows_each_segment_as_sent_with_its_voice() {
    let s = Scratch::new();
    let sc = s.write("issue.yaml", SCRIPT);
    let cfg = s.write(
        "podgen.yaml",
        "voices:\n  host: {backend: builtin}\nlexicon:\n  - {word: Rubin, say: 鲁宾}\n",
    );
    let out = s.podgen(&[
        "plan",
        "--spoken",
        sc.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[host builtin/host] 六月六日，英伟达市值突破三万亿美元，今年股价累计涨幅百分之一百四十七。"),
        "{text}"
    );
    assert!(
        text.contains("written: 6月6日，英伟达市值突破3万亿美元"),
        "{text}"
    );
    assert!(
        text.contains("预计二零二六年推出下一代AI平台鲁宾。"),
        "{text}"
    );
    // A segment that is spoken as written has no "written:" line.
    assert!(
        text.contains("] AMD在Computex大会上介绍了全新Zen 5架构。\n"),
        "{text}"
    );
}
