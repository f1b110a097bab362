//! What is spoken versus what is written: the lexicon and text
//! normalisation change the requests (as the mock server sees them) and
//! the cache keys, never the transcripts or chapters; `podgen normalize`
//! shows exactly what render sends; pause markup lands on the timeline.

use crate::common;

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
    let out = s.render_config(&sc, &cfg, out);
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
    let srt = std::fs::read_to_string(s.path("a/spoken/spoken.srt")).unwrap();
    assert!(srt.contains("Rubin") && !srt.contains("鲁宾"), "{srt}");
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
    let out = s.render_config(&sc, &cfg, "out");
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

#[test]
fn english_spans_inside_mandarin_go_to_the_english_voice_joined_and_level_matched() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "en.podgen.yaml",
        &format!(
            "backends:\n  m:\n    preset: openai\n    base_url: {u}/v1\n  soft:\n    url: {u}/custom/json\n    body: {{json: {{text: \"{{{{text}}}}\", voice: \"{{{{voice}}}}\", gain: 0.35}}}}\n    response: {{audio: raw}}\nvoices:\n  host: {{backend: m, voice: zf_xiaobei, english: host_en, normalize: false}}\n  host_en: {{backend: soft, voice: af_heart, normalize: false}}\naudio:\n  formats: [wav]\n",
            u = mock.url()
        ),
    );
    let sentence = "Stability AI宣布推出开放模型Stable Audio Open，能够生成高质量的音频。";
    let sc = s.write(
        "en.yaml",
        &format!(
            "show: 周报\ntitle: 测试\nepisode: spans\nlanguage: zh-CN\nvoice: host\nitems:\n  - title: 一\n    text: {sentence}\n"
        ),
    );
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));

    // The mock heard the Latin spans in the English voice, the rest in the
    // Mandarin voice.
    let mut heard: Vec<(String, String)> = mock
        .requests()
        .into_iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            (body["voice"].as_str().unwrap().to_string(), r.text.unwrap())
        })
        .collect();
    heard.sort();
    let pair = |v: &str, t: &str| (v.to_string(), t.to_string());
    assert_eq!(
        heard,
        [
            pair("af_heart", "Stability AI"),
            pair("af_heart", "Stable Audio Open"),
            pair("zf_xiaobei", "宣布推出开放模型"),
            pair("zf_xiaobei", "，能够生成高质量的音频。"),
        ]
    );
    let m = read_json(&s.path("out/spans/render.json"));
    let segments = m["segments"].as_array().unwrap();
    let spans: Vec<(&str, &str, &str)> = segments
        .iter()
        .map(|g| {
            (
                g["voice"].as_str().unwrap(),
                g["speaker"].as_str().unwrap(),
                g["spoken"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("host_en", "host", "Stability AI"),
            ("host", "host", "宣布推出开放模型"),
            ("host_en", "host", "Stable Audio Open"),
            ("host", "host", "，能够生成高质量的音频。"),
        ]
    );
    // Every character sent exactly once.
    let all: String = spans.iter().map(|(_, _, t)| *t).collect();
    assert_eq!(all.replace(' ', ""), sentence.replace(' ', ""));

    // No pause inside the sentence: its four clips follow each other.
    let pieces = m["timeline"].as_array().unwrap();
    let speech: Vec<&serde_json::Value> = pieces.iter().filter(|p| p["kind"] == "speech").collect();
    for w in speech.windows(2) {
        let end = w[0]["start"].as_u64().unwrap() + w[0]["len"].as_u64().unwrap();
        assert_eq!(
            end,
            w[1]["start"].as_u64().unwrap(),
            "a gap inside the sentence"
        );
    }

    // One cue for the sentence, in the speaker's name.
    let vtt = std::fs::read_to_string(s.path("out/spans/spans.vtt")).unwrap();
    assert_eq!(vtt.matches(" --> ").count(), 1, "{vtt}");
    assert!(vtt.contains(&format!("<v host>{sentence}")), "{vtt}");

    // The English spans are brought to the Mandarin voice's level.
    let (wav, _) = read_wav(&s.path("out/spans/spans.wav"));
    let level = |i: usize| {
        let p = speech[i];
        let a = p["start"].as_u64().unwrap() as usize;
        let b = a + p["len"].as_u64().unwrap() as usize;
        active_dbfs(&wav[a..b], RATE)
    };
    let (en, zh) = ((level(0) + level(2)) / 2.0, (level(1) + level(3)) / 2.0);
    assert!(
        (en - zh).abs() < 1.5,
        "English spans at {en:.1} dB, Mandarin at {zh:.1} dB"
    );
    assert!(
        segments[0]["gain_db"].as_f64().unwrap().abs() > 0.5,
        "no level matching needed?"
    );
}

#[test]
fn an_ipa_entry_reaches_azure_as_a_phoneme_and_other_backends_as_its_alias() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = s.write(
        "ipa.podgen.yaml",
        &format!(
            "backends:\n  openai: {{preset: openai, base_url: '{u}/v1'}}\n  azure: {{preset: azure, base_url: '{u}'}}\nvoices:\n  host: {{backend: azure, voice: en-US-JennyNeural}}\n  guest: {{backend: openai, voice: alloy}}\naudio:\n  formats: [wav]\nlexicon:\n  - {{word: Nguyen, say: win, ipa: 'ŋwiən'}}\n",
            u = mock.url()
        ),
    );
    let sc = s.write(
        "ipa.yaml",
        "show: S\ntitle: IPA\nepisode: ipa\nitems:\n  - title: One\n    lines:\n      - {voice: host, text: Nguyen & Smith <say> hello.}\n      - {voice: guest, text: Nguyen says hello.}\n",
    );
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let reqs = mock.requests();
    let azure = reqs.iter().find(|r| r.route == "azure").unwrap();
    assert!(
        azure.body.contains(
            "<phoneme alphabet=\"ipa\" ph=\"ŋwiən\">win</phoneme> &amp; Smith &lt;say&gt; hello."
        ),
        "{}",
        azure.body
    );
    let openai = reqs.iter().find(|r| r.route == "openai").unwrap();
    assert_eq!(openai.text.as_deref(), Some("win says hello."));
    let vtt = std::fs::read_to_string(s.path("out/ipa/ipa.vtt")).unwrap();
    assert!(
        vtt.contains("Nguyen") && !vtt.contains("win") && !vtt.contains("phoneme"),
        "{vtt}"
    );

    // An IPA edit re-sends what Azure read, not what OpenAI read (it heard
    // only the alias, which is unchanged).
    let before = reqs.len();
    let edited = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("ŋwiən", "ŋwin");
    std::fs::write(&cfg, edited).unwrap();
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let again: Vec<String> = mock.requests()[before..]
        .iter()
        .map(|r| r.route.clone())
        .collect();
    assert_eq!(again, ["azure"]);
}

#[test]
fn normalize_families_switch_off_per_backend_and_the_voice_wins() {
    let s = Scratch::new();
    let cfg = s.write(
        "podgen.yaml",
        "backends:\n  cloud: {preset: openai, base_url: 'http://127.0.0.1:9/v1', normalize: {numbers: false}}\nvoices:\n  host: {backend: cloud, voice: alloy}\n  raw: {backend: cloud, voice: alloy, normalize: false}\n  full: {backend: cloud, voice: alloy, normalize: true}\n",
    );
    let line = "参数13亿，涨幅147%。";
    let say = |voice: &str| {
        let mut child = std::process::Command::new(bin())
            .args(["normalize", "--language", "zh-CN", "--voice", voice, "-c"])
            .arg(&cfg)
            .current_dir(s.path("."))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(line.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .trim_end()
            .to_string()
    };
    // The backend turned numbers off; percentages stay on.
    assert_eq!(say("host"), "参数13亿，涨幅百分之一百四十七。");
    assert_eq!(say("raw"), line);
    assert_eq!(say("full"), "参数十三亿，涨幅百分之一百四十七。");
}
