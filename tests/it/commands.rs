//! The commands besides a plain render: `podgen plan` and `podgen voices`
//! run before any API key is set, and say which are missing; the plan's
//! table lines up with Chinese titles, prices per-minute models and counts
//! what is cached; the shipped `voices/` profiles load; `render --json`
//! summarises a render (or its failure) as JSON; `cache info` and `cache
//! prune` count and remove clips; `mock-tts` refuses bad arguments.

use podgen::mock::MockOptions;
use unicode_width::UnicodeWidthStr;

use crate::common::*;

/// What the plan's script says: its intro's and its two items' text.
const TEXTS: [&str; 3] = [
    "大家好，欢迎收听。",
    "Stability AI宣布开源Stable Audio Open。",
    "研究者发布了新的模型。",
];

/// A Mandarin script with a Chinese and a mixed title, written as
/// issue.yaml.
fn script(s: &Scratch) -> std::path::PathBuf {
    Script::new("测试节目", "Plan test")
        .episode("plan-test")
        .language("zh-CN")
        .intro(serde_json::json!({"title": "开场", "text": TEXTS[0]}))
        .item(Item::new("Stable Audio Open 发布", TEXTS[1]))
        .item(Item::new("A plain English title", TEXTS[2]))
        .write(s, "issue.yaml")
}

/// The narrator on an openai backend (priced by `price`, a setting and its
/// value) whose API key is in a variable that is not set, as podgen.yaml.
fn config(s: &Scratch, price: (&str, f64)) -> std::path::PathBuf {
    let backend = Backend::preset("openai", "http://127.0.0.1:9/v1")
        .set("api_key", "${PODGEN_TEST_KEY_NOT_SET}")
        .set(price.0, price.1);
    let narrator = Voice::on("openai")
        .id("alloy")
        .set("model", "gpt-4o-mini-tts");
    Config::new()
        .backend("openai", backend)
        .voice("narrator", narrator)
        .write(s, "podgen.yaml")
}

#[test]
fn plan_and_voices_run_without_the_api_key_and_name_it() {
    let s = Scratch::new();
    let script = script(&s);
    let cfg = config(&s, ("price_per_million_chars", 15.0));
    let run = |command: &str| s.cmd(command).arg(&script).config(&cfg);

    let text = stdout(&run("plan").ok());
    assert!(
        text.contains("not set: PODGEN_TEST_KEY_NOT_SET (backend openai)"),
        "{text}"
    );
    assert!(text.contains("3 to synthesize"), "{text}");

    let listing = stdout(&run("voices").ok());
    assert!(
        listing.contains("not set: PODGEN_TEST_KEY_NOT_SET"),
        "{listing}"
    );
    assert!(!listing.contains("not usable"), "{listing}");
    assert!(!listing.contains("API key set"), "{listing}");

    // Rendering does need it: an input error naming the variable, before any request.
    let render = run("render").out("out").quiet().output();
    assert_eq!(render.status.code(), Some(2), "{}", stderr(&render));
    assert!(
        stderr(&render).contains("environment variable PODGEN_TEST_KEY_NOT_SET is not set"),
        "{}",
        stderr(&render)
    );
    assert!(!s.output().exists() && !s.path("out").exists());
}

#[test]
fn plan_columns_line_up_with_chinese_titles() {
    let s = Scratch::new();
    let text = stdout(&s.cmd("plan").arg(script(&s)).ok());
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    // Where the backend/voice column starts, in terminal columns, is the
    // same on every row, however wide the title's characters are.
    let column_of = |row: &str| {
        let at = row.find("builtin/").unwrap();
        row[..at].width()
    };
    let header = text.lines().nth(1).unwrap();
    let header_at = header[..header.find("backend/voice").unwrap()].width();
    for row in &rows {
        assert_eq!(column_of(row), header_at, "{text}");
    }
    // The built-in voice is free.
    assert!(text.contains("free"), "{text}");
}

#[test]
fn models_billed_by_the_minute_are_priced_by_estimated_minutes() {
    let s = Scratch::new();
    let cfg = config(&s, ("price_per_minute", 0.015));
    let text = stdout(&s.cmd("plan").arg(script(&s)).config(&cfg).ok());
    // The script's Chinese and Latin letters at 5 and 15 a second.
    let (han, latin) = TEXTS
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| c.is_alphanumeric())
        .fold((0, 0), |(h, l), c| {
            if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                (h + 1, l)
            } else {
                (h, l + 1)
            }
        });
    let minutes = (f64::from(han) / 5.0 + f64::from(latin) / 15.0) / 60.0;
    assert!(
        text.contains(&format!(
            "about {minutes:.1} minutes of audio at $0.015/min"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("estimated cost ${:.4}", minutes * 0.015)),
        "{text}"
    );
}

#[test]
fn the_shipped_voice_profiles_load_beside_a_config() {
    let s = Scratch::new();
    let shipped = root().join("voices");
    let mut names = Vec::new();
    for e in std::fs::read_dir(&shipped).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            s.write(
                &format!("show/voices/{name}.yaml"),
                &std::fs::read_to_string(&p).unwrap(),
            );
            names.push(name);
        }
    }
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    Config::new()
        .set("output", "out")
        .write(&s, "show/podgen.yaml");
    let lines = names.iter().map(|n| line(n, format!("I am {n}.")));
    let script = Script::new("S", "T")
        .item(Item::dialogue("all voices", lines))
        .write(&s, "show/issue.yaml");
    let text = stdout(&s.cmd("voices").arg(&script).ok());
    for n in &names {
        assert!(text.contains(&format!("  {n} -> builtin:")), "{n}: {text}");
    }
    // Each sounds different from the others.
    let how: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" -> builtin:"))
        .map(|l| l.split(": ").nth(1).unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<_> = how.iter().collect();
    assert_eq!(distinct.len(), how.len(), "{text}");
}

#[test]
fn plan_shows_cost_and_cache_hits_without_sending_anything() {
    let s = Scratch::with_mock(MockOptions::default());
    let server = s.mock();
    let backend = Backend::openai(&server.url()).set("price_per_million_chars", 15);
    let cfg = Config::host_on(backend).write(&s, "p.podgen.yaml");
    let sc = Script::digest(3, "plan").write(&s, "p.yaml");
    let plan = || stdout(&s.cmd("plan").arg(&sc).config(&cfg).ok());
    let text = plan();
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
    let text = plan();
    assert!(text.contains("6 cached, 0 to synthesize"), "{text}");
    assert!(text.contains("$0.0000"), "{text}");
    assert_eq!(server.requests().len(), sent);
}

#[test]
fn json_summary_and_cache_commands() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = Config::host_on(Backend::openai(&s.mock().url())).write(&s, "j.podgen.yaml");
    let sc = Script::digest(2, "json").write(&s, "j.yaml");
    let out = s
        .cmd("render")
        .arg(sc)
        .config(&cfg)
        .out("out")
        .arg("--json")
        .ok();
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

    let info = stdout(&s.podgen(&["cache", "info"]));
    assert!(info.contains("clips: 4"), "{info}");
    let kept = stdout(&s.podgen(&["cache", "prune", "--older-than", "30d"]));
    assert!(kept.contains("removed 0 clips"));
    let all = stdout(&s.podgen(&["cache", "prune", "--older-than", "0"]));
    assert!(all.contains("removed 4 clips"), "{all}");

    // A failure is JSON too.
    let bad = s.write("bad.yaml", "show: S\n");
    let out = s.cmd("render").arg(bad).arg("--json").output();
    assert_eq!(out.status.code(), Some(2));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["exit_code"], 2);
}

#[test]
fn mock_tts_refuses_bad_arguments() {
    let s = Scratch::new();
    for args in [
        &["mock-tts", "--fail-rate", "2"][..],
        &["mock-tts", "--fail-rate", "NaN"],
        &["mock-tts", "--wav-header", "bogus"],
    ] {
        let out = s.podgen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("invalid value"), "{}", stderr(&out));
    }
}
