//! A voice's own pace in this render: how long it takes per Chinese
//! character and per other letter, from its clips. A clip far shorter than
//! that pace predicts for its text was most likely cut off on the way,
//! even when its bytes say nothing of it (a WAV whose sizes are "to the
//! end" placeholders, cut short, is a whole answer by its bytes). Such a
//! clip is asked for again.
//!
//! The bounds in `plausible` are fixed and loose, for any voice at all;
//! these are the voice's own, so they can be tight.

use super::SpeechClip;
use super::plausible::Letters;
use crate::text::plan::Plan;

/// A clip shorter than this share of what its voice's pace predicts is
/// suspect. A voice's pace varies by a tenth or two from sentence to
/// sentence; a cut that loses a third of the words is far outside that.
pub const SUSPECT_SHARE: f64 = 0.75;

/// Clips too short to judge: below this prediction, a breath or a pause
/// inside the sentence is a large share of the whole.
const SHORTEST_JUDGED_S: f64 = 1.5;

/// A class (Chinese, or other letters) needs this many clips of its own
/// before its pace is trusted.
const SAMPLES_NEEDED: usize = 4;

/// A clip counts for a class when this share of its letters are of it.
const CLASS_SHARE: f64 = 0.8;

/// Seconds per letter for each class, where the voice has enough clips of it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pace {
    han: Option<f64>,
    other: Option<f64>,
}

impl Pace {
    /// The pace of a voice from its clips' (letters, seconds).
    fn of(clips: &[(Letters, f64)]) -> Pace {
        let per = |pick: fn(Letters) -> usize| {
            let mut rates: Vec<f64> = clips
                .iter()
                .filter(|(l, _)| {
                    let n = pick(*l);
                    n >= 8 && n as f64 >= CLASS_SHARE * l.total() as f64
                })
                .map(|(l, s)| s / pick(*l) as f64)
                .collect();
            (rates.len() >= SAMPLES_NEEDED).then(|| median(&mut rates))
        };
        Pace {
            han: per(|l| l.han),
            other: per(|l| l.other),
        }
    }

    /// The seconds this pace predicts for `letters`, if it knows every class
    /// they hold.
    fn predict(self, letters: Letters) -> Option<f64> {
        let han = match (letters.han, self.han) {
            (0, _) => 0.0,
            (n, Some(r)) => n as f64 * r,
            (_, None) => return None,
        };
        let other = match (letters.other, self.other) {
            (0, _) => 0.0,
            (n, Some(r)) => n as f64 * r,
            (_, None) => return None,
        };
        Some(han + other)
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A clip made this run that is shorter than its voice's pace predicts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suspect {
    /// The segment.
    pub segment: usize,
    /// Its clip's length.
    pub seconds: f64,
    /// What its voice's pace predicts for its text.
    pub expected: f64,
}

/// The clips made this run (cached ones only count towards the pace: they
/// were judged when they were made) that are shorter than
/// [`SUSPECT_SHARE`] of their voice's pace.
pub fn suspects(plan: &Plan, clips: &[SpeechClip], rate: u32) -> Vec<Suspect> {
    let measured: Vec<(&str, Letters, f64)> = plan
        .segments
        .iter()
        .zip(clips)
        .map(|(seg, c)| {
            let seconds = c.clip.frames as f64 / f64::from(rate);
            (seg.voice.as_str(), Letters::of(&seg.spoken), seconds)
        })
        .collect();
    let mut voices: Vec<&str> = measured.iter().map(|m| m.0).collect();
    voices.sort_unstable();
    voices.dedup();
    let mut out = Vec::new();
    for voice in voices {
        let own: Vec<(usize, Letters, f64)> = measured
            .iter()
            .enumerate()
            .filter(|(_, m)| m.0 == voice)
            .map(|(i, m)| (i, m.1, m.2))
            .collect();
        let pace = Pace::of(&own.iter().map(|o| (o.1, o.2)).collect::<Vec<_>>());
        for (i, letters, seconds) in own {
            let Some(expected) = pace.predict(letters) else {
                continue;
            };
            if !clips[i].cached
                && expected >= SHORTEST_JUDGED_S
                && seconds < SUSPECT_SHARE * expected
            {
                out.push(Suspect {
                    segment: i,
                    seconds,
                    expected,
                });
            }
        }
    }
    out.sort_by_key(|s| s.segment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(han: usize, other: usize) -> Letters {
        Letters { han, other }
    }

    #[test]
    fn a_voice_pace_comes_from_clips_of_one_class() {
        // Chinese at 0.2 s a character, other letters at 0.06 s.
        let clips = [
            (letters(20, 0), 4.0),
            (letters(30, 2), 6.1),
            (letters(10, 0), 2.0),
            (letters(40, 1), 8.0),
            (letters(0, 50), 3.0),
            (letters(0, 100), 6.0),
            (letters(1, 60), 3.7),
            (letters(0, 30), 1.8),
        ];
        let pace = Pace::of(&clips);
        assert!((pace.han.unwrap() - 0.2).abs() < 0.01, "{pace:?}");
        assert!((pace.other.unwrap() - 0.06).abs() < 0.002, "{pace:?}");
        let mixed = pace.predict(letters(10, 20)).unwrap();
        assert!((mixed - 3.2).abs() < 0.1, "{mixed}");
        // Too few clips of a class: nothing predicted for text holding it.
        let few = Pace::of(&clips[4..]);
        assert_eq!(few.han, None);
        assert_eq!(few.predict(letters(5, 10)), None);
        assert!(few.predict(letters(0, 10)).is_some());
    }
}
