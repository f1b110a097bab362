//! The languages podgen reads, from BCP-47 tags or guessed from the text.

use serde::Serialize;

/// A language a segment is read in. The built-in voice speaks these two;
/// Mandarin text switches to English for Latin words by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    /// Mandarin Chinese (zh, zh-CN, cmn, zh-Hans, ...).
    Mandarin,
    /// American English (en, en-US and any other English but British).
    EnglishUs,
    /// British English (en-GB).
    EnglishGb,
}

impl Language {
    /// The language of a BCP-47 tag, if podgen can speak it.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = lower.split('-').next().unwrap_or("");
        match primary {
            "zh" | "cmn" => {
                // Cantonese and other non-Mandarin Chinese are not Mandarin.
                let yue = lower.contains("-hk") || lower.contains("-yue") || lower.contains("-mo");
                (!yue).then_some(Language::Mandarin)
            }
            "en" if lower.starts_with("en-gb") => Some(Language::EnglishGb),
            "en" => Some(Language::EnglishUs),
            _ => None,
        }
    }

    /// Guess from the text: any Han character makes it Mandarin.
    pub fn guess(text: &str) -> Language {
        if text.chars().any(is_han) {
            Language::Mandarin
        } else {
            Language::EnglishUs
        }
    }

    /// The BCP-47 tag podgen uses for the language.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Mandarin => "zh-CN",
            Language::EnglishUs => "en-US",
            Language::EnglishGb => "en-GB",
        }
    }

    /// Whether it is a Chinese language.
    pub fn is_chinese(self) -> bool {
        self == Language::Mandarin
    }
}

/// A tag in the shape BCP 47 (RFC 5646) gives, with `_` accepted for `-`:
/// a language of 2 or 3 letters (or 5 to 8), up to three extended language
/// subtags, a script of 4 letters, a region of 2 letters or 3 digits,
/// variants, extensions, and a private part after `x`; or a private tag
/// (`x-…`). The subtags' shapes are checked, not the registry: `zz` passes,
/// `''`, `en--GB` and `zz-<script>` do not. The one checker of language tags.
pub fn is_valid_tag(tag: &str) -> bool {
    let tag = tag.trim().replace('_', "-");
    let parts: Vec<&str> = tag.split('-').collect();
    let alpha = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
    };
    let alnum = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
    };
    let digits = |p: &str| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit());
    let mut rest = &parts[..];
    let private = |rest: &[&str]| !rest.is_empty() && rest.iter().all(|p| alnum(p, 1..=8));
    match rest.split_first() {
        Some((x, more)) if x.eq_ignore_ascii_case("x") => return private(more),
        Some((lang, more)) if alpha(lang, 2..=3) || alpha(lang, 5..=8) => rest = more,
        _ => return false,
    }
    let mut take = |ok: &dyn Fn(&str) -> bool, most: usize| {
        let mut n = 0;
        while n < most && rest.first().is_some_and(|p| ok(p)) {
            rest = &rest[1..];
            n += 1;
        }
    };
    take(&|p| alpha(p, 3..=3), 3);
    take(&|p| alpha(p, 4..=4), 1);
    take(&|p| alpha(p, 2..=2) || digits(p), 1);
    take(
        &|p| {
            alnum(p, 5..=8)
                || (p.len() == 4 && p.starts_with(|c: char| c.is_ascii_digit()) && alnum(p, 4..=4))
        },
        usize::MAX,
    );
    while let Some((single, more)) = rest.split_first() {
        if single.eq_ignore_ascii_case("x") {
            return private(more);
        }
        let count = more.iter().take_while(|p| alnum(p, 2..=8)).count();
        if !alnum(single, 1..=1) || count == 0 {
            return false;
        }
        rest = &more[count..];
    }
    true
}

/// A tag as podgen passes it on: trimmed, `_` written `-`.
pub fn normalize_tag(tag: &str) -> String {
    tag.trim().replace('_', "-")
}

/// The first letter of `text` in a script other than Latin and Han, named:
/// the built-in voice reads Mandarin and English (with Latin words inside
/// Chinese), and says nothing, spells letter names or tries a dictionary it
/// does not have for anything else.
pub fn foreign_script(text: &str) -> Option<(&'static str, char)> {
    text.chars()
        .filter(|c| c.is_alphabetic() && !is_han(*c) && !is_latin(*c))
        .map(|c| (script_name(c), c))
        .next()
}

/// Latin letters, with their accented and full-width forms.
fn is_latin(c: char) -> bool {
    matches!(c as u32,
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA | 0xC0..=0x24F | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
        // Letter-like symbols (℃, ℓ) and small modifier letters are read as symbols.
        || matches!(c as u32, 0x2070..=0x209F | 0x2100..=0x214F | 0x02B0..=0x02FF)
}

/// The name of the script of letter `c`, for messages.
fn script_name(c: char) -> &'static str {
    match c as u32 {
        0x0370..=0x03FF | 0x1F00..=0x1FFF => "Greek",
        0x0400..=0x052F => "Cyrillic",
        0x0530..=0x058F => "Armenian",
        0x0590..=0x05FF => "Hebrew",
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            "Arabic"
        }
        0x0900..=0x0DFF => "Indic",
        0x0E00..=0x0E7F => "Thai",
        0x0E80..=0x0EFF => "Lao",
        0x10A0..=0x10FF => "Georgian",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => "Korean (Hangul)",
        0x1200..=0x139F => "Ethiopic",
        0x3040..=0x309F => "Japanese (Hiragana)",
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => "Japanese (Katakana)",
        0x3100..=0x312F | 0x31A0..=0x31BF => "Bopomofo",
        _ => "a script it does not know",
    }
}

/// A CJK ideograph (Han character), the script of Chinese text.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// CJK text in the wide sense: Han, CJK punctuation, full-width forms.
/// Between two such characters no space is needed when joining lines.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2E80..=0x2FDF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(Language::from_tag("zh-CN"), Some(Language::Mandarin));
        assert_eq!(Language::from_tag("cmn"), Some(Language::Mandarin));
        assert_eq!(Language::from_tag("zh-Hans"), Some(Language::Mandarin));
        assert_eq!(Language::from_tag("zh-HK"), None);
        assert_eq!(Language::from_tag("en"), Some(Language::EnglishUs));
        assert_eq!(Language::from_tag("en_GB"), Some(Language::EnglishGb));
        assert_eq!(Language::from_tag("fr"), None);
    }

    #[test]
    fn tag_shapes() {
        for ok in [
            "zh",
            "zh-CN",
            "cmn-Hans-CN",
            "en_GB",
            "fr",
            "yue-HK",
            "zh-yue",
            "es-419",
            "de-CH-1901",
            "sl-rozaj-biske",
            "en-a-bbb-x-a-ccc",
            "x-whatever",
            "sr-Latn-RS",
        ] {
            assert!(is_valid_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "x",
            "zh--CN",
            "中文",
            "en-US-toolongsubtag",
            "en us",
            "zz-<script>",
            "zz-Qaaaaaaaaa",
            "e",
            "en-",
            "en-a",
            "en-GB-x",
            "abcd",
            "en-US-US",
        ] {
            assert!(!is_valid_tag(bad), "{bad}");
        }
    }

    #[test]
    fn foreign_scripts_are_named_and_latin_and_han_pass() {
        assert_eq!(
            foreign_script("Stability AI宣布 café Zürich 3.5% 🎉 ℃"),
            None
        );
        assert_eq!(foreign_script("hello مرحبا").map(|f| f.0), Some("Arabic"));
        assert_eq!(
            foreign_script("안녕하세요").map(|f| f.0),
            Some("Korean (Hangul)")
        );
        assert_eq!(
            foreign_script("こんにちは").map(|f| f.0),
            Some("Japanese (Hiragana)")
        );
        assert_eq!(foreign_script("สวัสดี").map(|f| f.0), Some("Thai"));
        assert_eq!(foreign_script("שלום").map(|f| f.0), Some("Hebrew"));
        assert_eq!(
            foreign_script("привет").map(|f| (f.0, f.1)),
            Some(("Cyrillic", 'п'))
        );
    }

    #[test]
    fn guess() {
        assert_eq!(Language::guess("Stability AI宣布"), Language::Mandarin);
        assert_eq!(Language::guess("Thanks for listening"), Language::EnglishUs);
    }
}
