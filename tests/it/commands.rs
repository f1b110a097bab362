//! The commands that look without rendering: `podgen plan` and `podgen
//! voices` run before any API key is set, and say which are missing; the
//! plan's table lines up with Chinese titles and prices per-minute models;
//! the shipped `voices/` profiles load.

use crate::common;

use common::{Scratch, root, stderr};
use unicode_width::UnicodeWidthStr;

const SCRIPT: &str = "show: 测试节目\ntitle: Plan test\nepisode: plan-test\nlanguage: zh-CN\nintro:\n  title: 开场\n  text: 大家好，欢迎收听。\nitems:\n  - title: Stable Audio Open 发布\n    text: Stability AI宣布开源Stable Audio Open。\n  - title: A plain English title\n    text: 研究者发布了新的模型。\n";

fn config(extra: &str) -> String {
    format!(
        "backends:\n  openai:\n    preset: openai\n    base_url: http://127.0.0.1:9/v1\n    api_key: ${{PODGEN_TEST_KEY_NOT_SET}}\n{extra}voices:\n  narrator: {{backend: openai, voice: alloy, model: gpt-4o-mini-tts}}\n"
    )
}

#[test]
fn plan_and_voices_run_without_the_api_key_and_name_it() {
    let s = Scratch::new();
    let script = s.write("issue.yaml", SCRIPT);
    let cfg = s.write("podgen.yaml", &config("    price_per_million_chars: 15\n"));
    let args = |cmd: &str| {
        vec![
            cmd.to_string(),
            script.to_str().unwrap().to_string(),
            "-c".into(),
            cfg.to_str().unwrap().to_string(),
        ]
    };
    let run = |a: Vec<String>| s.podgen(&a.iter().map(String::as_str).collect::<Vec<_>>());

    let plan = run(args("plan"));
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(plan.status.success(), "{}", stderr(&plan));
    assert!(
        text.contains("not set: PODGEN_TEST_KEY_NOT_SET (backend openai)"),
        "{text}"
    );
    assert!(text.contains("3 to synthesize"), "{text}");

    let voices = run(args("voices"));
    let listing = String::from_utf8_lossy(&voices.stdout);
    assert!(voices.status.success(), "{}", stderr(&voices));
    assert!(
        listing.contains("not set: PODGEN_TEST_KEY_NOT_SET"),
        "{listing}"
    );
    assert!(!listing.contains("not usable"), "{listing}");
    assert!(!listing.contains("API key set"), "{listing}");

    // Rendering does need it: an input error naming the variable, before any request.
    let render = run(vec![
        "render".into(),
        script.to_str().unwrap().into(),
        "-c".into(),
        cfg.to_str().unwrap().into(),
        "-o".into(),
        "out".into(),
        "--quiet".into(),
    ]);
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
    let script = s.write("issue.yaml", SCRIPT);
    let out = s.podgen(&["plan", script.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
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
    let script = s.write("issue.yaml", SCRIPT);
    let cfg = s.write("podgen.yaml", &config("    price_per_minute: 0.015\n"));
    let out = s.podgen(&[
        "plan",
        script.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    // The script's Chinese and Latin letters at 5 and 15 a second.
    let (han, latin) = SCRIPT
        .lines()
        .filter_map(|l| l.trim().strip_prefix("text: "))
        .flat_map(str::chars)
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
    s.write("show/podgen.yaml", "output: out\n");
    let lines: String = names
        .iter()
        .map(|n| format!("      - {{voice: {n}, text: I am {n}.}}\n"))
        .collect();
    let script = s.write(
        "show/issue.yaml",
        &format!("show: S\ntitle: T\nitems:\n  - title: all voices\n    lines:\n{lines}"),
    );
    let out = s.podgen(&["voices", script.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
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
