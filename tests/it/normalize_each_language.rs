//! Each language's rules on their own, over random text built from the
//! pieces they read and the pieces around them: they never panic, keep
//! what they do not read, and with every family off change nothing. (The
//! properties of both rulebooks together are in `normalize_property`.)

use crate::common;

use common::Rng;
use podgen::text::speak::{Rules, en, zh};

#[rustfmt::skip]
const ENGLISH_PIECES: &[&str] = &[
    "GPU", "the", "Dr", "June", "Jan", "am", "pm", "a", "m", "km", "bn", "s", "st", "AI",
    "NASA", "Zen", "in", "e", "g", "U", "S", "x", "com", "OpenAI", "k", "B", "May", "No",
    "vs", "etc", "$", "%", ":", "-", ",", ".", " ", " ", " ", "\n", "(", ")", "[", "]", "<",
    ">", "'", "/", "_", "@", "&", "0", "1", "5", "12", "31", "2024", "1990", "3.5", "1,000",
    "00", "99999999999999999999", "中", "文", "数字", "😀", "🚀", "é",
];

#[test]
fn english_never_panics_loses_or_invents_non_ascii() {
    let mut rng = Rng(0x5EED_2024);
    for _ in 0..4000 {
        let n = (rng.next() % 24) as usize;
        let text: String = (0..n).map(|_| *rng.pick(ENGLISH_PIECES)).collect();
        let out = en::normalize(&text, Rules::default());
        assert_eq!(en::normalize(&text, Rules::all(false)), text);
        let mut rest = out.chars();
        for c in text.chars().filter(|c| !c.is_ascii()) {
            assert!(rest.any(|o| o == c), "{c:?} of {text:?} lost in {out:?}");
        }
    }
}

const MANDARIN_PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "5",
    "9",
    "10",
    "2024",
    "169861",
    "00",
    "1,770",
    "3.14",
    "-",
    "−",
    ":",
    "：",
    ".",
    ",",
    "%",
    "％",
    "‰",
    "$",
    "US$",
    "¥",
    "€",
    "£",
    "℃",
    "°",
    "°C",
    "/",
    " ",
    "~",
    "～",
    "第",
    "年",
    "月",
    "日",
    "号",
    "个",
    "万",
    "亿",
    "多",
    "美元",
    "元",
    "后",
    "代",
    "倍",
    "分之",
    "英伟达",
    "市值",
    "突破",
    "，",
    "。",
    "、",
    "Zen",
    "GPT",
    "km",
    "GB",
    "m",
    "W",
    "nm",
    "GHz",
    "h",
    "B",
    "M",
    "bn",
    " billion",
    "https://",
    "x.com",
    "@",
    "_",
    "[",
    "]",
    "<",
    ">",
    "{",
    "}",
    "&",
    "\"",
    "😀",
    "3️⃣",
    "\u{FE0F}",
    "\n",
    "比分",
    "e",
    "a1",
    "Q",
];

// Characters a token may consume; all others must survive in order.
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c.is_whitespace()
        || "+-−－–~～〜:：.,%％‰$¥￥€£℃℉°/²³μ".contains(c)
}

fn is_subsequence(needle: impl Iterator<Item = char>, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle.into_iter().all(|c| hay.any(|h| h == c))
}

/// Some families on, some off.
fn random_rules(rng: &mut Rng) -> Rules {
    let bits = rng.next();
    let b = |k: u32| bits >> k & 1 == 1;
    Rules {
        numbers: b(0),
        dates: b(1),
        times: b(2),
        money: b(3),
        percent: b(4),
        units: b(5),
        ranges: b(6),
        abbreviations: b(7),
        acronyms: b(8),
    }
}

#[test]
fn mandarin_keeps_what_it_does_not_rewrite() {
    let mut rng = Rng(0x5EED_2024_0610);
    for _ in 0..4000 {
        let len = 1 + rng.below(24);
        let s: String = (0..len).map(|_| *rng.pick(MANDARIN_PIECES)).collect();
        assert_eq!(zh::normalize(&s, Rules::all(false)), s);
        let no_digits: String = s.chars().filter(|c| !c.is_ascii_digit()).collect();
        assert_eq!(zh::normalize(&no_digits, Rules::default()), no_digits);
        for rules in [Rules::default(), random_rules(&mut rng)] {
            let out = zh::normalize(&s, rules);
            let han = s.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c));
            assert!(is_subsequence(han, &out), "Han lost: {s:?} → {out:?}");
            let kept = s.chars().filter(|&c| !token_char(c));
            assert!(is_subsequence(kept, &out), "text lost: {s:?} → {out:?}");
        }
    }
}
