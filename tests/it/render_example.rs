//! The example episode, rendered with the built-in voice, checked from the
//! files podgen writes: the WAV decoded, the manifest and chapters read back.

use crate::common::*;

#[test]
fn example_episode_is_complete_and_consistent() {
    let dir = &example_episode().dir;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2024-06-2.json",
            "2024-06-2.mp3",
            "2024-06-2.srt",
            "2024-06-2.vtt",
            "2024-06-2.wav",
            "chapters.json",
            "index.html",
            "notes.md",
            "render.json"
        ]
    );
    // No staging folder left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["2024-06-2"]);

    let (samples, spec) = read_wav(&dir.join("2024-06-2.wav"));
    assert_eq!(spec.sample_rate, RATE);
    assert_eq!(spec.channels, 1);
    assert_eq!(spec.bits_per_sample, 16);

    let m = read_json(&dir.join("render.json"));
    let total = m["totals"]["samples"].as_u64().unwrap();
    assert_eq!(samples.len() as u64, total, "WAV length vs manifest");

    check_timeline(&m, total);

    // Segments carry what the contract asks: text hash, voice, start and end sample.
    for seg in array(&m["segments"]) {
        assert_eq!(seg["text_hash"].as_str().unwrap().len(), 64);
        assert_eq!(seg["voice"], "host");
        let speech = span(seg);
        assert!(speech.end > speech.start);
        // Where the manifest says there is speech, the WAV has it.
        assert!(
            dbfs(rms(&samples[speech])) > -40.0,
            "segment {seg} is quiet"
        );
    }
}

/// The manifest's pieces tile the timeline of `total` samples exactly, and
/// add up by kind to the clips and pauses it records; the stings are laid
/// over pauses kept for them (the example's do not overlap speech).
fn check_timeline(m: &serde_json::Value, total: u64) {
    let mut at = 0;
    let (mut speech, mut silences) = (0, Vec::new());
    for p in array(&m["timeline"]) {
        assert_eq!(p["start"].as_u64().unwrap(), at);
        let len = p["len"].as_u64().unwrap();
        match p["kind"].as_str().unwrap() {
            "speech" => speech += len,
            "silence" => silences.push((at, at + len)),
            k => panic!("unknown piece {k}"),
        }
        at += len;
    }
    assert_eq!(at, total);
    let seg_sum: u64 = array(&m["segments"])
        .iter()
        .map(|s| s["samples"].as_u64().unwrap())
        .sum();
    assert_eq!(seg_sum, speech);
    let stings = array(&m["stings"]);
    assert_eq!(
        stings.len(),
        2,
        "the example has an intro and an outro sting"
    );
    for s in stings {
        let (start, end) = (
            s["start_sample"].as_u64().unwrap(),
            s["end_sample"].as_u64().unwrap(),
        );
        assert!(
            silences.iter().any(|&(a, b)| a <= start && end <= b),
            "sting {s} is not over a pause"
        );
        assert_eq!(s["ducked"], false);
    }
    assert_eq!(m["totals"]["speech_samples"].as_u64().unwrap(), speech);
    let pause: u64 = silences.iter().map(|(a, b)| b - a).sum();
    assert_eq!(m["totals"]["pause_samples"].as_u64().unwrap(), pause);
    assert_eq!(seg_sum + pause, total);
}

/// Errors of `value` against the JSON Schema in `tests/data/<schema>`.
fn schema_errors(schema: &str, value: &serde_json::Value) -> Vec<String> {
    let schema = read_json(&root().join("tests/data").join(schema));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn chapters_validate_and_sit_on_the_sample_timeline() {
    let dir = &example_episode().dir;
    let chapters = read_json(&dir.join("chapters.json"));
    let errors = schema_errors("podcast-chapters-1.2.schema.json", &chapters);
    assert!(errors.is_empty(), "schema errors: {errors:?}");
    // The schema can fail: a chapter without its start is refused.
    let mut broken = chapters.clone();
    broken["chapters"][0]
        .as_object_mut()
        .unwrap()
        .remove("startTime");
    assert!(!schema_errors("podcast-chapters-1.2.schema.json", &broken).is_empty());

    let m = read_json(&dir.join("render.json"));
    let (samples, _) = read_wav(&dir.join("2024-06-2.wav"));
    let list = array(&chapters["chapters"]);
    let recorded = array(&m["chapters"]);
    // Intro, 18 items, outro.
    let script = std::fs::read_to_string(example()).unwrap();
    let items = script.matches("\n  - title:").count();
    assert_eq!(items, 18);
    assert_eq!(list.len(), items + 2);
    assert_eq!(list[0]["title"], "开场");
    assert_eq!(list[1]["title"], "Stable Audio Open");
    assert_eq!(
        list[1]["url"],
        "https://stability.ai/news/introducing-stable-audio-open"
    );
    assert_eq!(list[items]["title"], "Sam Altman的投资版图");
    assert_eq!(list[items + 1]["title"], "结束");

    let mut last = -1.0;
    for (c, r) in list.iter().zip(recorded) {
        let start = c["startTime"].as_f64().unwrap();
        let first = r["start_sample"].as_u64().unwrap();
        let end = r["end_sample"].as_u64().unwrap();
        assert!((start - first as f64 / RATE as f64).abs() <= 0.001, "{c}");
        assert!(start > last, "chapters ascend");
        last = start;
        // Every chapter holds speech (or a sting) well above silence.
        let level = dbfs(rms(&samples[first as usize..end as usize]));
        assert!(level > -35.0, "chapter {} is {level:.1} dBFS", c["title"]);
    }
    assert_eq!(recorded[0]["start_sample"], 0);
    assert_eq!(
        recorded.last().unwrap()["end_sample"],
        m["totals"]["samples"]
    );
}

#[test]
fn rerender_is_served_from_cache_and_sample_identical() {
    let s = Scratch::new();
    let script = example();
    s.render(&script);
    let wav = s.output().join("2024-06-2/2024-06-2.wav");
    let first = std::fs::read(&wav).unwrap();
    s.render(&script);
    let m = read_json(&s.output().join("2024-06-2/render.json"));
    assert_eq!(m["totals"]["cache_hits"], m["totals"]["segments"]);
    assert_eq!(m["totals"]["requests"], 0);
    assert_eq!(std::fs::read(&wav).unwrap(), first);
}

/// "hh:mm:ss.mmm" or "hh:mm:ss,mmm" in milliseconds.
fn ms(stamp: &str) -> u64 {
    let s = stamp.replace(',', ".");
    let (hms, frac) = s.split_once('.').unwrap();
    let p: Vec<u64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + frac.parse::<u64>().unwrap()
}

#[test]
fn transcripts_and_notes_follow_the_sample_timeline() {
    let ep = example_episode();
    let m = ep.manifest();
    let segs = array(&m["segments"]);
    let vtt = ep.text("vtt");
    let cues = check_vtt(&vtt, segs);
    check_json_transcript(&read_json(&ep.file("json")), &cues);
    let total = m["totals"]["samples"].as_u64().unwrap();
    check_srt(&ep.text("srt"), segs.len(), total);
    check_notes(&std::fs::read_to_string(ep.path("notes.md")).unwrap(), &m);
}

/// Samples as whole milliseconds, rounded.
fn to_ms(samples: u64) -> u64 {
    (samples * 1000 + RATE as u64 / 2) / RATE as u64
}

/// WebVTT: a cue per segment at its sample span, with the speaker; the cues.
fn check_vtt<'a>(vtt: &'a str, segs: &[serde_json::Value]) -> Vec<&'a str> {
    assert!(vtt.starts_with("WEBVTT\n\n"));
    let cues: Vec<&str> = vtt.split("\n\n").filter(|b| b.contains(" --> ")).collect();
    assert_eq!(cues.len(), segs.len());
    for (cue, seg) in cues.iter().zip(segs) {
        let timing = cue.lines().find(|l| l.contains(" --> ")).unwrap();
        let (a, b) = timing.split_once(" --> ").unwrap();
        assert_eq!(ms(a), to_ms(seg["start_sample"].as_u64().unwrap()), "{cue}");
        assert_eq!(ms(b), to_ms(seg["end_sample"].as_u64().unwrap()), "{cue}");
        assert!(cue.contains("<v host>"), "{cue}");
        let text: Vec<&str> = cue
            .lines()
            .skip_while(|l| !l.contains(" --> "))
            .skip(1)
            .collect();
        assert!(
            text.iter()
                .all(|l| l.chars().count() <= 65 + "<v host>".len()),
            "{cue}"
        );
    }
    assert_eq!(vtt.matches("\nNOTE chapter ").count(), 20);
    cues
}

/// The JSON transcript: valid, a segment per cue at exactly the cue's
/// times (milliseconds as seconds), with its speaker and sentence.
fn check_json_transcript(json: &serde_json::Value, cues: &[&str]) {
    let schema = "podcast-transcript-json-1.0.schema.json";
    let errors = schema_errors(schema, json);
    assert!(errors.is_empty(), "schema errors: {errors:?}");
    let mut broken = json.clone();
    broken["segments"][0]["startTime"] = serde_json::json!("0:00");
    assert!(!schema_errors(schema, &broken).is_empty());
    assert_eq!(json["version"], "1.0.0");
    let segments = array(&json["segments"]);
    assert_eq!(segments.len(), cues.len());
    for (cue, seg) in cues.iter().zip(segments) {
        let timing = cue.lines().find(|l| l.contains(" --> ")).unwrap();
        let (a, b) = timing.split_once(" --> ").unwrap();
        assert_eq!(
            seg["startTime"].as_f64().unwrap(),
            ms(a) as f64 / 1000.0,
            "{cue}"
        );
        assert_eq!(
            seg["endTime"].as_f64().unwrap(),
            ms(b) as f64 / 1000.0,
            "{cue}"
        );
        assert_eq!(seg["speaker"], "host");
        // The VTT wraps the sentence (and escapes it); the body is whole.
        let text: String = cue
            .lines()
            .skip_while(|l| !l.contains(" --> "))
            .skip(1)
            .collect::<Vec<_>>()
            .join("")
            .replace("<v host>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let squeeze = |t: &str| t.split_whitespace().collect::<String>();
        assert_eq!(
            squeeze(seg["body"].as_str().unwrap()),
            squeeze(&text),
            "{cue}"
        );
    }
}

/// SRT: numbered cards of at most 2 lines of 32 characters, in order,
/// inside the episode's `total` samples, at least one a segment.
fn check_srt(srt: &str, segments: usize, total: u64) {
    let mut last_end = 0;
    let cards: Vec<&str> = srt.split("\n\n").filter(|c| !c.trim().is_empty()).collect();
    assert!(cards.len() >= segments);
    for (i, card) in cards.iter().enumerate() {
        let lines: Vec<&str> = card.lines().collect();
        assert_eq!(lines[0], (i + 1).to_string());
        let (a, b) = lines[1].split_once(" --> ").unwrap();
        let (a, b) = (ms(a), ms(b));
        assert!(a >= last_end && b > a, "card {card}");
        last_end = b;
        assert!((1..=2).contains(&(lines.len() - 2)), "{card}");
        assert!(lines[2..].iter().all(|l| l.chars().count() <= 32), "{card}");
    }
    assert!(cards[0].contains("host: "));
    assert!(last_end <= to_ms(total));
}

/// Show notes: every chapter with its time and title, links written out.
fn check_notes(notes: &str, m: &serde_json::Value) {
    assert!(notes.starts_with("# 2024年6月第二期\n"));
    // The first item starts where the timeline says (m:ss of its first sample).
    let start = m["chapters"][1]["start_sample"].as_u64().unwrap() / RATE as u64;
    assert!(
        notes.contains(&format!(
            "- {}:{:02} [Stable Audio Open](<https://stability.ai/news/introducing-stable-audio-open>)",
            start / 60,
            start % 60
        )),
        "{notes}"
    );
    assert_eq!(
        notes
            .lines()
            .filter(|l| l.starts_with("- ") && l.contains(':'))
            .count(),
        20 + 1
    );
}
