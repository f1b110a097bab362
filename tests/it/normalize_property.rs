//! Properties of text normalisation over random mixed Mandarin/English
//! text: no panic, nothing lost or duplicated (every word no rule reads
//! comes out as often as it went in), a second pass changes nothing, and
//! text no rule applies to (the hostile kind included) passes unchanged.

use podgen::text::speak::{Rulebook, Rules, normalize};

use crate::common::Rng;

/// Words no rule reads: they must come out exactly as often as they go in.
const KEPT_HAN: &[&str] = &[
    "模型",
    "发布",
    "英伟达",
    "市值",
    "突破",
    "平台",
    "股价",
    "研究者",
    "芯片",
    "推出",
];
const KEPT_LATIN: &[&str] = &[
    "model",
    "weather",
    "release",
    "Stable",
    "Audio",
    "Open",
    "OpenAI",
    "DeepMind",
    "Blackwell",
];
const KEPT_OTHER: &[&str] = &["🎙", "😀", "<", "&", "\"", "「", "」", "(", ")", "[x]"];
/// Pieces rules do read.
const READ: &[&str] = &[
    "3",
    "47.5%",
    "1,770",
    "2024年",
    "6月6日",
    "10:30",
    "3-5",
    "$5",
    "¥20",
    "€3",
    "-5",
    "1:2",
    "第3期",
    "3万亿美元",
    "13亿",
    "20°C",
    "5 km",
    "2nd",
    "Dr.",
    "e.g.",
    "AI",
    "GPT-4o",
    "Zen 5",
    "Qwen2-72B",
    "https://example.com/a1",
    "1.2",
    "100多万",
    "147%",
    "June 10, 2024",
    "AMD",
];
const GLUE: &[&str] = &[" ", "，", "。", ", ", ". ", "", "、", "\n"];

fn case(rng: &mut Rng) -> (String, Vec<&'static str>) {
    let mut text = String::new();
    let mut kept = Vec::new();
    for _ in 0..(rng.next() % 16) {
        let kind = rng.next() % 4;
        let piece = match kind {
            0 => *rng.pick(KEPT_HAN),
            1 => *rng.pick(KEPT_LATIN),
            2 => *rng.pick(KEPT_OTHER),
            _ => *rng.pick(READ),
        };
        if kind < 3 {
            kept.push(piece);
        }
        // Kept words stand apart, so that a rule next to them cannot take them in.
        text.push_str(piece);
        let glue = if kind < 3 {
            " "
        } else {
            rng.pick::<&str>(GLUE)
        };
        text.push_str(glue);
    }
    (text, kept)
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn no_rule_loses_or_duplicates_text_and_a_second_pass_changes_nothing() {
    let mut rng = Rng(2026);
    for n in 0..4000 {
        let (text, kept) = case(&mut rng);
        for book in [Rulebook::Mandarin, Rulebook::English] {
            let once = normalize(&text, book, Rules::default());
            for word in &kept {
                // A word may also occur inside another kept word ("Open" in "OpenAI").
                assert_eq!(
                    count(&once, word),
                    count(&text, word),
                    "case {n} ({book:?}): {word:?} in {text:?} -> {once:?}"
                );
            }
            let twice = normalize(&once, book, Rules::default());
            assert_eq!(twice, once, "case {n} ({book:?}): not stable for {text:?}");
            assert_eq!(normalize(&text, book, Rules::all(false)), text);
        }
    }
}

#[test]
fn text_no_rule_applies_to_passes_unchanged() {
    let hostile = [
        "\"quoted\" <b>&amp;</b> 'single' `code` \\ back",
        "🎙🎧 emoji 😀 and 中文 mixed",
        "[pause 1s] [[not]] {brace} (paren) 「引号」",
        "Stable Audio Open, 佐治亚理工学院的研究者",
        "tab\tand\nnewline",
    ];
    for t in hostile {
        for book in [Rulebook::Mandarin, Rulebook::English] {
            assert_eq!(normalize(t, book, Rules::default()), t, "{book:?}");
        }
    }
    // The 50 000-character item of the hostile-text tests (its cost is
    // bounded by the step-budget test, not by a clock).
    let long = "这是一个很长的句子，没有数字也没有缩写。".repeat(2_500);
    assert_eq!(long.chars().count(), 50_000);
    assert_eq!(normalize(&long, Rulebook::Mandarin, Rules::default()), long);
}
