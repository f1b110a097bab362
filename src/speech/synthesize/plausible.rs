//! Whether a clip's length fits its text: a clip far too short was cut off
//! on the way, one far too long is a backend gone wrong. Either is retried.

use crate::text::lang::is_han;

/// The letters and digits of a text, Chinese characters apart: what
/// reading rates count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Letters {
    /// Chinese characters.
    pub han: usize,
    /// Every other letter or digit.
    pub other: usize,
}

impl Letters {
    /// Count the letters and digits of `text`.
    pub fn of(text: &str) -> Self {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .fold(Letters::default(), |n, c| {
                if is_han(c) {
                    Letters {
                        han: n.han + 1,
                        ..n
                    }
                } else {
                    Letters {
                        other: n.other + 1,
                        ..n
                    }
                }
            })
    }

    /// Both kinds together.
    pub fn total(self) -> usize {
        self.han + self.other
    }
}

/// Audio whose length does not fit its text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Implausible {
    /// Far shorter than the text needs: cut off on the way.
    #[error(
        "the audio is too short for its text ({seconds:.2} s for {characters} characters, at least {bound:.2} s expected): cut off?"
    )]
    TooShort {
        /// The audio's length.
        seconds: f64,
        /// Letters and digits in the text.
        characters: usize,
        /// The shortest believable length.
        bound: f64,
    },
    /// Far shorter than its own voice takes for such a text in this render.
    #[error(
        "the audio is short for its voice ({seconds:.2} s where this voice's pace predicts {expected:.2} s): cut off?"
    )]
    ShortForVoice {
        /// The audio's length.
        seconds: f64,
        /// What the voice's pace predicts.
        expected: f64,
    },
    /// Far longer than the text needs: a backend gone wrong.
    #[error(
        "the audio is too long for its text ({seconds:.2} s for {characters} characters, at most {bound:.2} s expected)"
    )]
    TooLong {
        /// The audio's length.
        seconds: f64,
        /// Letters and digits in the text.
        characters: usize,
        /// The longest believable length.
        bound: f64,
    },
}

/// Whether `seconds` of speech is believable for `text` at `speed`: a clip
/// far shorter than the text needs was cut off on the way (a dropped stream,
/// a truncated body); one far longer is a backend gone wrong (looping,
/// reading markup). The bounds are loose on purpose: at speed 1, at most 10
/// Chinese characters or 25 other characters a second, and at least one
/// character every 1.5 seconds (plus 5 s of slack).
pub fn plausible_duration(seconds: f64, text: &str, speed: f32) -> Result<(), Implausible> {
    let speed = f64::from(speed.max(0.1));
    let letters = Letters::of(text);
    let characters = letters.total();
    let shortest = (letters.han as f64 / 10.0 + letters.other as f64 / 25.0) / speed;
    let longest = 5.0 + 1.5 * characters as f64 / speed;
    if seconds < shortest {
        return Err(Implausible::TooShort {
            seconds,
            characters,
            bound: shortest,
        });
    }
    if seconds > longest {
        return Err(Implausible::TooLong {
            seconds,
            characters,
            bound: longest,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_durations_are_caught() {
        let en = "Researchers released a new model for weather forecasting this week.";
        let zh = "研究者发布了新的天气预报模型。";
        let verdict = |seconds, text, speed| match plausible_duration(seconds, text, speed) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        for (seconds, text, speed, expected) in [
            (4.0, en, 1.0, "ok"),
            (3.0, zh, 1.0, "ok"),
            (0.8, en, 1.0, "too short"),
            (0.9, zh, 1.0, "too short"),
            // Faster speech is allowed to be shorter.
            (1.5, en, 2.0, "ok"),
            (120.0, en, 1.0, "too long"),
        ] {
            let got = verdict(seconds, text, speed);
            let fits = match expected {
                "ok" => got == "ok",
                _ => got.contains(expected),
            };
            assert!(fits, "{seconds} s of {text:?} at {speed}: {got}");
        }
    }

    #[test]
    fn letters_count_chinese_characters_apart() {
        assert_eq!(Letters::of("AI模型, 2024!"), Letters { han: 2, other: 6 });
        assert_eq!(Letters::of(" .,").total(), 0);
    }
}
