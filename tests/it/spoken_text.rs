//! What is spoken versus what is written: the lexicon and text
//! normalisation change the requests (as the mock server sees them) and
//! the cache keys, never the transcripts or chapters; `podgen normalize`
//! shows exactly what render sends; pause markup lands on the timeline.

use podgen::mock::{MockOptions, MockServer};
use serde_json::{Value, json};

use crate::common::*;

/// `host` on the openai preset at the mock, WAV only, and `lexicon`, if any.
fn config(url: &str, lexicon: Option<Value>) -> Config {
    let config = Config::host_on(Backend::openai(url)).audio(json!({"formats": ["wav"]}));
    match lexicon {
        Some(lexicon) => config.set("lexicon", lexicon),
        None => config,
    }
}

/// A lexicon: each (word, say) pair.
fn lexicon(entries: &[(&str, &str)]) -> Value {
    entries
        .iter()
        .map(|(word, say)| json!({"word": word, "say": say}))
        .collect()
}

/// A Mandarin digest of two items, with dates, numbers, a percentage and
/// English names.
fn script() -> Script {
    Script::new("AI大模型周报", "测试")
        .episode("spoken")
        .set("date", "2024-06-10")
        .language("zh-CN")
        .voice("host")
        .item(Item::new(
            "英伟达市值突破3万亿美元",
            "6月6日，英伟达市值突破3万亿美元，今年股价累计涨幅147%。\n预计2026年推出下一代AI平台Rubin。\n",
        ))
        .item(Item::new("AMD Zen 5", "AMD在Computex大会上介绍了全新Zen 5架构。"))
}

fn render(s: &Scratch, cfg: &Config, out: &str) -> std::process::Output {
    let cfg = cfg.write(s, &format!("{out}.podgen.yaml"));
    let sc = script().write(s, "issue.yaml");
    let out = s.render_config(&sc, &cfg, out);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// `podgen normalize --language zh-CN --voice VOICE -c CONFIG` of `input`.
fn normalize(s: &Scratch, voice: &str, config: &std::path::Path, input: &str) -> Podgen {
    s.cmd("normalize")
        .args(["--language", "zh-CN", "--voice", voice])
        .config(config)
        .stdin(input)
}

fn sent(mock: &MockServer) -> Vec<String> {
    mock.requests().into_iter().filter_map(|r| r.text).collect()
}

#[test]
fn a_lexicon_entry_changes_requests_not_transcripts_and_one_edit_resends_its_segments() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let entries = lexicon(&[("Rubin", "鲁宾"), ("Computex", "台北电脑展")]);
    render(&s, &config(&mock.url(), Some(entries)), "a");
    let first = sent(&mock);
    assert!(
        first
            .iter()
            .any(|t| t.contains("鲁宾") && !t.contains("Rubin")),
        "{first:?}"
    );
    assert!(first.iter().any(|t| t.contains("台北电脑展")), "{first:?}");
    let ep = s.episode("a", "spoken");
    let vtt = ep.text("vtt");
    assert!(vtt.contains("Rubin") && !vtt.contains("鲁宾"), "{vtt}");
    let srt = ep.text("srt");
    assert!(srt.contains("Rubin") && !srt.contains("鲁宾"), "{srt}");
    let chapters = std::fs::read_to_string(ep.path("chapters.json")).unwrap();
    assert!(!chapters.contains("鲁宾"));
    let manifest = ep.manifest();
    let seg = array(&manifest["segments"])
        .iter()
        .find(|g| g["text"].as_str().unwrap().contains("Rubin"))
        .unwrap();
    assert!(seg["spoken"].as_str().unwrap().contains("鲁宾"));

    // One entry changed: only the segment that holds it is sent again.
    let changed = lexicon(&[("Rubin", "鲁宾平台"), ("Computex", "台北电脑展")]);
    render(&s, &config(&mock.url(), Some(changed)), "b");
    let again = &sent(&mock)[first.len()..];
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].contains("鲁宾平台"));
}

#[test]
fn podgen_normalize_prints_what_render_sends_line_for_line() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    render(
        &s,
        &config(&mock.url(), Some(lexicon(&[("Rubin", "鲁宾")]))),
        "out",
    );
    let sent = sent(&mock);
    let manifest = s.episode("out", "spoken").manifest();
    let written: Vec<&str> = array(&manifest["segments"])
        .iter()
        .map(|g| g["text"].as_str().unwrap())
        .collect();
    let cfg = s.path("out.podgen.yaml");
    let out = normalize(&s, "host", &cfg, &written.join("\n")).ok();
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
    let spoken: Vec<&str> = array(&manifest["segments"])
        .iter()
        .map(|g| g["spoken"].as_str().unwrap())
        .collect();
    assert_eq!(printed, spoken);
}

#[test]
fn pause_markup_and_pause_lines_land_on_the_timeline_and_literal_markup_is_spoken() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let sc = Script::new("S", "Pauses")
        .episode("pauses")
        .voice("host")
        .item(Item::new(
            "One",
            "First part. [pause 1500ms] Second part. Say \\[pause 2s] aloud.",
        ))
        .item(Item::dialogue(
            "Two",
            [
                line("host", "A line."),
                json!({"pause": "2s"}),
                line("host", "Another line."),
            ],
        ))
        .write(&s, "p.yaml");
    let cfg = config(&mock.url(), None).write(&s, "p.podgen.yaml");
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = sent(&mock);
    assert!(sent.iter().all(|t| !t.contains("1500ms")), "{sent:?}");
    assert!(
        sent.iter().any(|t| t.contains("Say [pause 2s] aloud.")),
        "{sent:?}"
    );
    let ep = s.episode("out", "pauses");
    let m = ep.manifest();
    let rate = m["settings"]["sample_rate"].as_u64().unwrap_or(44_100);
    let pieces = array(&m["timeline"]);
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
    let vtt = ep.text("vtt");
    assert!(!vtt.contains("1500ms"), "{vtt}");
}

#[test]
fn bad_lexicon_entries_and_pause_lines_are_input_errors_with_their_line() {
    let s = Scratch::new();
    let sc = script().write(&s, "issue.yaml");
    // Literal YAML: the message names the entry's line.
    let cfg = s.write(
        "podgen.yaml",
        "lexicon:\n  - {word: Rubin, say: 鲁宾}\n  - {regex: '(unclosed', say: x}\n",
    );
    let validate = || s.cmd("validate").arg(&sc).config(&cfg).output();
    let out = validate();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("podgen.yaml:3") && err.contains("lexicon entry 2"),
        "{err}"
    );
    std::fs::write(s.path("lexicon.yaml"), "- {word: Rubin}\n").unwrap();
    std::fs::write(&cfg, "{}\n").unwrap();
    let out = validate();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lexicon.yaml"), "{}", stderr(&out));
    std::fs::remove_file(s.path("lexicon.yaml")).unwrap();
    let bad = s.write(
        "bad.yaml",
        "show: S\ntitle: T\nitems:\n  - title: One\n    lines:\n      - {voice: a, text: Hi.}\n      - pause: soon\n",
    );
    let out = s.cmd("validate").arg(bad).output();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.yaml:7"), "{}", stderr(&out));
}

#[test]
fn plan_spoken_shows_each_segment_as_sent_with_its_voice() {
    let s = Scratch::new();
    let sc = script().write(&s, "issue.yaml");
    let cfg = Config::new()
        .voice("host", Voice::on("builtin"))
        .set("lexicon", lexicon(&[("Rubin", "鲁宾")]))
        .write(&s, "podgen.yaml");
    let out = s.cmd("plan").arg("--spoken").arg(sc).config(&cfg).ok();
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

/// `host` (Mandarin, on the openai preset) and `host_en`, its English
/// voice, on the mock's generic API at a third of the level; WAV only.
fn english_inside_mandarin(url: &str) -> Config {
    let soft = Backend::custom_json(url)
        .body_field("voice", "{{voice}}")
        .body_field("gain", 0.35);
    Config::new()
        .backend("m", Backend::openai(url))
        .backend("soft", soft)
        .voice(
            "host",
            Voice::on("m")
                .id("zf_xiaobei")
                .set("english", "host_en")
                .set("normalize", false),
        )
        .voice(
            "host_en",
            Voice::on("soft").id("af_heart").set("normalize", false),
        )
        .audio(json!({"formats": ["wav"]}))
}

/// The mock heard the Latin spans in the English voice, the rest in the
/// Mandarin voice.
fn check_heard(mock: &MockServer) {
    let mut heard: Vec<(String, String)> = mock
        .requests()
        .into_iter()
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).unwrap();
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
}

#[test]
fn english_spans_inside_mandarin_go_to_the_english_voice_joined_and_level_matched() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = english_inside_mandarin(&mock.url()).write(&s, "en.podgen.yaml");
    let sentence = "Stability AI宣布推出开放模型Stable Audio Open，能够生成高质量的音频。";
    let sc = Script::new("周报", "测试")
        .episode("spans")
        .language("zh-CN")
        .voice("host")
        .item(Item::new("一", sentence))
        .write(&s, "en.yaml");
    let out = s.render_config(&sc, &cfg, "out");
    assert!(out.status.success(), "{}", stderr(&out));

    check_heard(&mock);
    let ep = s.episode("out", "spans");
    let m = ep.manifest();
    let segments = array(&m["segments"]);
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
    let speech: Vec<&Value> = array(&m["timeline"])
        .iter()
        .filter(|p| p["kind"] == "speech")
        .collect();
    for w in speech.windows(2) {
        let end = w[0]["start"].as_u64().unwrap() + w[0]["len"].as_u64().unwrap();
        assert_eq!(
            end,
            w[1]["start"].as_u64().unwrap(),
            "a gap inside the sentence"
        );
    }

    // One cue for the sentence, in the speaker's name.
    let vtt = ep.text("vtt");
    assert_eq!(vtt.matches(" --> ").count(), 1, "{vtt}");
    assert!(vtt.contains(&format!("<v host>{sentence}")), "{vtt}");

    // The English spans are brought to the Mandarin voice's level.
    let (wav, _) = ep.wav();
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
    let cfg = Config::new()
        .backend("openai", Backend::openai(&mock.url()))
        .backend("azure", Backend::preset("azure", &mock.url()))
        .voice("host", Voice::on("azure").id("en-US-JennyNeural"))
        .voice("guest", Voice::on("openai").id("alloy"))
        .audio(json!({"formats": ["wav"]}))
        .set(
            "lexicon",
            json!([{"word": "Nguyen", "say": "win", "ipa": "ŋwiən"}]),
        )
        .write(&s, "ipa.podgen.yaml");
    let sc = Script::new("S", "IPA")
        .episode("ipa")
        .item(Item::dialogue(
            "One",
            [
                line("host", "Nguyen & Smith <say> hello."),
                line("guest", "Nguyen says hello."),
            ],
        ))
        .write(&s, "ipa.yaml");
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
    let vtt = s.episode("out", "ipa").text("vtt");
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
    let alloy = || Voice::on("cloud").id("alloy");
    let cloud = Backend::preset("openai", "http://127.0.0.1:9/v1")
        .set("normalize", json!({"numbers": false}));
    let cfg = Config::new()
        .backend("cloud", cloud)
        .voice("host", alloy())
        .voice("raw", alloy().set("normalize", false))
        .voice("full", alloy().set("normalize", true))
        .write(&s, "podgen.yaml");
    let line = "参数13亿，涨幅147%。";
    let say = |voice: &str| {
        let out = normalize(&s, voice, &cfg, line).ok();
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

#[test]
fn normalize_refuses_what_is_not_a_language_tag() {
    let s = Scratch::new();
    for tag in ["", "  ", "zz-Qaaaaaaaaa", "en--GB", "e", "english please"] {
        s.cmd("normalize")
            .args(["--language", tag])
            .stdin("Hello.\n")
            .fails(2, &["--language", "BCP 47"]);
    }
    let out = s
        .cmd("normalize")
        .args(["--language", "en-GB"])
        .stdin("Hello.\n")
        .ok();
    assert!(stdout(&out).contains("Hello"));
}

#[test]
fn normalize_names_the_line_and_byte_of_text_that_is_not_utf8() {
    let s = Scratch::new();
    s.cmd("normalize")
        .stdin_bytes(b"fine\nalso fine\ncaf\xe9 au lait\n")
        .fails(2, &["line 3", "offset 3", "UTF-8"]);
}

#[test]
fn normalize_never_prints_a_control_character_raw() {
    let s = Scratch::new();
    let out = s
        .cmd("normalize")
        .stdin("bell\x07 and \x1b[2J escape\n")
        .ok();
    let printed = stdout(&out);
    assert!(
        !printed.chars().any(|c| c.is_control() && c != '\n'),
        "{printed:?}"
    );
    assert!(
        printed.contains("bell") && printed.contains("escape"),
        "{printed:?}"
    );
}

#[test]
fn a_reading_longer_than_the_backends_limit_is_an_error_naming_the_entry() {
    // A `say:` no request can hold would make planning cut its sentence to
    // single characters (one request per letter) and never say it.
    let s = Scratch::with_mock(MockOptions::default());
    let long = "鲁宾".repeat(2_100);
    let cfg = config(
        &s.mock().url(),
        Some(lexicon(&[("Computex", "台北电脑展"), ("Rubin", &long)])),
    )
    .write(&s, "podgen.yaml");
    let sc = script().write(&s, "issue.yaml");
    let err = s.cmd("validate").arg(&sc).config(&cfg).fails(
        2,
        &[
            "podgen.yaml:",
            "lexicon entry 2",
            "4200 characters",
            "4096 characters",
            "`host`",
        ],
    );
    assert!(!err.contains(&long), "the reading is not quoted whole");
    let out = s.cmd("render").arg(&sc).config(&cfg).out("out").output();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(s.mock().requests().is_empty(), "nothing is sent");

    // The same entry kept to a voice that is not in the script is no error.
    let kept = json!([{"word": "Rubin", "say": long, "voices": ["guest"]}]);
    let cfg = config(&s.mock().url(), Some(kept)).write(&s, "kept.yaml");
    s.cmd("validate").arg(&sc).config(&cfg).ok();
}

#[test]
fn markers_in_a_row_take_the_longest_and_a_pause_after_the_last_words_adds_nothing() {
    // As the README says of pause markers.
    let s = Scratch::new();
    let sc = Script::new("S", "Pauses")
        .episode("pauses")
        .item(Item::new("A", "One. [pause 3s] [pause 5s] Two."))
        .item(Item::new("B", "Three. [pause 4s]"))
        .write(&s, "pauses.yaml");
    s.cmd("render").arg(&sc).out("out").quiet().ok();
    let m = s.episode("out", "pauses").manifest();
    let segs = m["segments"].as_array().unwrap();
    assert_eq!(segs[0]["pause_after"], json!({"marked": {"ms": 5000}}));
    let gap = segs[1]["start_sample"].as_u64().unwrap() - segs[0]["end_sample"].as_u64().unwrap();
    assert_eq!(gap, 5 * u64::from(RATE), "the longest marker, not the sum");
    let last = segs.last().unwrap();
    assert_eq!(last["pause_after"], json!("end"));
    assert_eq!(
        m["totals"]["samples"], last["end_sample"],
        "the episode ends with the last words"
    );
}
