//! The built-in voice on real text: a voice per dialogue line, length
//! following the text, each item in its language.

use crate::common::*;

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

#[test]
fn dialogue_lines_get_their_own_distinct_voices() {
    let s = Scratch::new();
    let zh = "今天我们来聊一聊人工智能的最新进展，以及它对普通人的影响。";
    let lines = [
        line("host", zh),
        line("guest", zh),
        serde_json::json!({"text": zh}),
    ];
    let script = Script::new("S", "Talk")
        .voice("host")
        .item(Item::dialogue("Talk", lines))
        .write(&s, "talk.yaml");
    s.render(&script);
    let ep = s.episode("out", "talk");
    let m = ep.manifest();
    let (samples, _) = ep.wav();
    let segs = array(&m["segments"]);
    let voices: Vec<&str> = segs.iter().map(|s| s["voice"].as_str().unwrap()).collect();
    // A line without a voice speaks with the item's (here the script's) voice.
    assert_eq!(voices, ["host", "guest", "host"]);
    assert_eq!(segs[0]["pause_after"], "turn");
    let cast = array(&m["voices"]);
    assert_eq!(cast.len(), 2);
    assert_ne!(cast[0], cast[1]);

    let host = median_pitch(&samples[span(&segs[0])]);
    let guest = median_pitch(&samples[span(&segs[1])]);
    let host_again = median_pitch(&samples[span(&segs[2])]);
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
    let script = Script::new("S", "Lengths")
        .language("en")
        .item(Item::new("Short", sentence))
        .item(Item::new(
            "Long",
            format!("{sentence}\n{sentence}\n\n{sentence}\n"),
        ))
        .item(Item::new("中文", "研究者发布了新的天气预报模型。").language("zh"))
        .write(&s, "len.yaml");
    s.render(&script);
    let m = s.episode("out", "lengths").manifest();
    let ch = array(&m["chapters"]);
    let dur = |i: usize| span(&ch[i]).len();
    assert!(
        dur(1) as f64 > 2.5 * dur(0) as f64,
        "short {} vs long {}",
        dur(0),
        dur(1)
    );
    let segs = array(&m["segments"]);
    assert_eq!(segs[0]["language"], "en");
    assert_eq!(segs.last().unwrap()["language"], "zh");
    // Two lines of one paragraph, then a blank line: sentence, then paragraph pause.
    assert_eq!(segs[1]["pause_after"], "sentence");
    assert_eq!(segs[2]["pause_after"], "paragraph");
    assert_eq!(segs[3]["pause_after"], "end");
}
