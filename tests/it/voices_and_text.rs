//! The built-in voice on real text: dialogue voices, length following the
//! text, hostile characters, very long items.

use crate::common;

use common::*;

/// Median fundamental frequency (Hz) of the voiced parts of `x`, by YIN's
/// cumulative mean normalized difference. Good enough to tell voices apart.
fn median_pitch(x: &[f32]) -> f32 {
    let w = (0.03 * RATE as f32) as usize;
    let (min_lag, max_lag) = ((RATE / 500) as usize, (RATE / 60) as usize);
    let mut found = Vec::new();
    let mut start = 0;
    while start + w + max_lag < x.len() {
        let frame = &x[start..start + w + max_lag];
        start += w / 2;
        if rms(&frame[..w]) < 0.05 {
            continue;
        }
        let mut cumulative = 0.0;
        let mut prev = f32::MAX;
        let mut pick = None;
        for lag in 1..max_lag {
            let d: f32 = (0..w)
                .step_by(2)
                .map(|i| (frame[i] - frame[i + lag]).powi(2))
                .sum();
            cumulative += d;
            let cmnd = d * lag as f32 / cumulative.max(1e-9);
            if lag >= min_lag && cmnd < 0.2 && cmnd > prev {
                pick = Some(lag - 1);
                break;
            }
            prev = if lag >= min_lag && cmnd < 0.2 {
                cmnd
            } else {
                f32::MAX
            };
        }
        if let Some(lag) = pick {
            found.push(RATE as f32 / lag as f32);
        }
    }
    found.sort_by(f32::total_cmp);
    found.get(found.len() / 2).copied().unwrap_or(0.0)
}

fn segment_audio<'a>(samples: &'a [f32], seg: &serde_json::Value) -> &'a [f32] {
    &samples[seg["start_sample"].as_u64().unwrap() as usize
        ..seg["end_sample"].as_u64().unwrap() as usize]
}

#[test]
fn dialogue_lines_get_their_own_distinct_voices() {
    let s = Scratch::new();
    let zh = "今天我们来聊一聊人工智能的最新进展，以及它对普通人的影响。";
    let script = s.write(
        "talk.yaml",
        &format!(
            "show: S\ntitle: Talk\nvoice: host\nitems:\n  - title: Talk\n    lines:\n      - {{voice: host, text: {zh}}}\n      - {{voice: guest, text: {zh}}}\n      - {{text: {zh}}}\n"
        ),
    );
    s.render(&script);
    let dir = s.output().join("talk");
    let m = read_json(&dir.join("render.json"));
    let (samples, _) = read_wav(&dir.join("talk.wav"));
    let segs = m["segments"].as_array().unwrap();
    let voices: Vec<&str> = segs.iter().map(|s| s["voice"].as_str().unwrap()).collect();
    // A line without a voice speaks with the item's (here the script's) voice.
    assert_eq!(voices, ["host", "guest", "host"]);
    assert_eq!(segs[0]["pause_after"], "turn");
    let cast = m["voices"].as_array().unwrap();
    assert_eq!(cast.len(), 2);
    assert_ne!(cast[0], cast[1]);

    let host = median_pitch(segment_audio(&samples, &segs[0]));
    let guest = median_pitch(segment_audio(&samples, &segs[1]));
    let host_again = median_pitch(segment_audio(&samples, &segs[2]));
    eprintln!(
        "median pitch: host {host:.0} Hz, guest {guest:.0} Hz, host again {host_again:.0} Hz"
    );
    assert!(host > 60.0 && guest > 60.0, "no voiced speech found");
    // The same voice is the same; the two voices differ by more than a semitone and a half.
    assert!((host - host_again).abs() / host < 0.03);
    assert!(
        (host / guest).log2().abs() * 12.0 > 1.5,
        "host {host} Hz vs guest {guest} Hz"
    );
}

#[test]
fn a_longer_item_gives_longer_audio_and_languages_follow_the_script() {
    let s = Scratch::new();
    let sentence = "Researchers released a new model for weather forecasting this week.";
    let script = s.write(
        "len.yaml",
        &format!(
            "show: S\ntitle: Lengths\nlanguage: en\nitems:\n  - title: Short\n    text: {sentence}\n  - title: Long\n    text: |\n      {sentence}\n      {sentence}\n\n      {sentence}\n  - title: 中文\n    language: zh\n    text: 研究者发布了新的天气预报模型。\n"
        ),
    );
    s.render(&script);
    let m = read_json(&s.output().join("lengths/render.json"));
    let ch = m["chapters"].as_array().unwrap();
    let dur =
        |i: usize| ch[i]["end_sample"].as_u64().unwrap() - ch[i]["start_sample"].as_u64().unwrap();
    assert!(
        dur(1) as f64 > 2.5 * dur(0) as f64,
        "short {} vs long {}",
        dur(0),
        dur(1)
    );
    let segs = m["segments"].as_array().unwrap();
    assert_eq!(segs[0]["language"], "en");
    assert_eq!(segs.last().unwrap()["language"], "zh");
    // Two lines of one paragraph, then a blank line: sentence, then paragraph pause.
    assert_eq!(segs[1]["pause_after"], "sentence");
    assert_eq!(segs[2]["pause_after"], "paragraph");
    assert_eq!(segs[3]["pause_after"], "end");
}

#[test]
fn hostile_text_renders_and_reaches_the_manifest_intact() {
    let s = Scratch::new();
    let hostile = r#"He said "quotes" & <tags> &amp; back\slash, tab	here; emoji 🎉 ok. 引号“中文”和<b>标签</b>！"#;
    let yaml = format!(
        "show: \"S & <Co>\"\ntitle: Hostile\nitems:\n  - title: \"<Title> & 'quotes' 🎉\"\n    text: '{}'\n",
        hostile.replace('\'', "''")
    );
    let script = s.write("hostile.yaml", &yaml);
    s.render(&script);
    let dir = s.output().join("hostile");
    let m = read_json(&dir.join("render.json"));
    let texts: String = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    for piece in [
        "\"quotes\"",
        "<tags>",
        "&amp;",
        "back\\slash",
        "🎉",
        "<b>标签</b>",
    ] {
        assert!(texts.contains(piece), "{piece:?} lost: {texts}");
    }
    let chapters = read_json(&dir.join("chapters.json"));
    assert_eq!(chapters["chapters"][0]["title"], "<Title> & 'quotes' 🎉");
    assert_eq!(chapters["podcastName"], "S & <Co>");
    // Markup in the text stays text in the transcript and the notes.
    let vtt = std::fs::read_to_string(dir.join("hostile.vtt")).unwrap();
    assert!(
        vtt.contains("&lt;tags&gt; &amp;amp;") && !vtt.contains("<tags>"),
        "{vtt}"
    );
    let notes = std::fs::read_to_string(dir.join("notes.md")).unwrap();
    assert!(notes.contains("\\<Title\\> & 'quotes' 🎉"), "{notes}");
    let (samples, _) = read_wav(&dir.join("hostile.wav"));
    assert!(dbfs(rms(&samples)) > -35.0);
}

#[test]
fn a_50000_character_item_validates_and_plans_into_bounded_segments() {
    let s = Scratch::new();
    // One paragraph, no sentence ends: the planner must chunk it.
    let unit = "研究者推出Instructions Per Clock指标，";
    let long: String = unit.repeat(50_000 / unit.chars().count() + 1);
    assert!(long.chars().count() >= 50_000);
    let script = s.write(
        "long.yaml",
        &format!("show: S\ntitle: Long\nitems:\n  - title: Long\n    text: {long}\n"),
    );
    let out = s.podgen(&["validate", script.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let segments: usize = stdout
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(segments >= 50_000 / 400, "{stdout}");
}

#[test]
fn output_defaults_to_output_in_the_current_directory() {
    let s = Scratch::new();
    let script = s.write(
        "d.yaml",
        "show: S\ntitle: Default Dir\nitems:\n  - title: A\n    text: Hello.\n",
    );
    let out = s.podgen(&["render", script.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.path("output/default-dir/default-dir.wav").is_file());
    assert!(out.stderr.is_empty(), "--quiet printed: {}", stderr(&out));
}

#[test]
fn an_unwritable_output_is_a_runtime_error_and_touches_nothing() {
    let s = Scratch::new();
    let script = s.write(
        "d.yaml",
        "show: S\ntitle: T\nepisode: ep\nitems:\n  - title: A\n    text: Hello.\n",
    );
    let blocker = s.write("out", "a file where the output folder should be\n");
    let out = s.podgen(&[
        "render",
        script.to_str().unwrap(),
        "-o",
        blocker.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write to"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "a file where the output folder should be\n"
    );
}

#[test]
fn a_rerender_replaces_files_in_an_existing_episode_folder_and_keeps_others() {
    let s = Scratch::new();
    let script = s.write(
        "d.yaml",
        "show: S\ntitle: T\nepisode: ep\nitems:\n  - title: A\n    text: Hello.\n",
    );
    s.render(&script);
    let dir = s.output().join("ep");
    std::fs::write(dir.join("my-notes.txt"), "keep me").unwrap();
    std::fs::write(dir.join("chapters.json"), "stale").unwrap();
    s.render(&script);
    assert_eq!(
        std::fs::read_to_string(dir.join("my-notes.txt")).unwrap(),
        "keep me"
    );
    assert!(read_json(&dir.join("chapters.json"))["chapters"].is_array());
    let entries: Vec<_> = std::fs::read_dir(s.output())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["ep"], "staging folders left behind");
}
