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

/// A tag in the shape BCP-47 gives (`zh`, `zh-CN`, `cmn-Hans-CN`, `en-GB`),
/// with `_` accepted for `-`. Only the shape is checked, not the registry.
pub fn is_valid_tag(tag: &str) -> bool {
    let tag = tag.trim().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A tag as podgen passes it on: trimmed, `_` written `-`.
pub fn normalize_tag(tag: &str) -> String {
    tag.trim().replace('_', "-")
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
        for ok in ["zh", "zh-CN", "cmn-Hans-CN", "en_GB", "fr", "yue-HK"] {
            assert!(is_valid_tag(ok), "{ok}");
        }
        for bad in ["", "x", "zh--CN", "中文", "en-US-toolongsubtag", "en us"] {
            assert!(!is_valid_tag(bad), "{bad}");
        }
    }

    #[test]
    fn guess() {
        assert_eq!(Language::guess("Stability AI宣布"), Language::Mandarin);
        assert_eq!(Language::guess("Thanks for listening"), Language::EnglishUs);
    }
}
