//! Cache keys: what the clip store files a clip under.
//!
//! A key is [`hash::fields`] over a fixed list of fields (each
//! length-prefixed, then SHA-256, in lower-case hex), and every field has
//! an encoding written out here, never a `{:?}`: the keys of clips already
//! on disk depend on these bytes, so a change to any of them makes every
//! clip again. The golden tests in `tests/it/cache_keys.rs` pin them.

use std::fmt::Write as _;

use crate::hash;
use crate::input::voices::VoiceProfile;
use crate::speech::tts::Backend;
use crate::text::plan::Plan;

use super::Cast;

/// Bump when the processing after the backend changes (trim, resampler), so
/// that old clips are not reused for a different result.
pub const PROCESSING_VERSION: &str = "clip-v2";

/// The neighbouring text of a segment in its chapter, for backends that use
/// it for continuity: the end of the previous segment, the start of the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The last characters of the previous segment.
    pub previous: Option<String>,
    /// The first characters of the next segment.
    pub next: Option<String>,
}

impl Context {
    /// Up to `chars` characters either side of segment `i`, within its
    /// chapter (none at all when `chars` is 0).
    pub fn of(plan: &Plan, i: usize, chars: usize) -> Self {
        if chars == 0 {
            return Context::default();
        }
        let Some(seg) = plan.segments.get(i) else {
            return Context::default();
        };
        let same_chapter = |j: usize| plan.segments.get(j).filter(|s| s.chapter == seg.chapter);
        let previous = i.checked_sub(1).and_then(same_chapter).map(|s| {
            let n = s.spoken.chars().count();
            s.spoken.chars().skip(n.saturating_sub(chars)).collect()
        });
        let next = same_chapter(i + 1).map(|s| s.spoken.chars().take(chars).collect());
        Context { previous, next }
    }
}

/// Everything that shapes a speech clip's audio: the material of its key.
pub struct SpeechKey<'a> {
    /// The backend that speaks it ([`Backend::identity`]).
    pub backend: &'a dyn Backend,
    /// The voice.
    pub voice: &'a VoiceProfile,
    /// The BCP-47 tag the backend is sent.
    pub tag: &'a str,
    /// The text sent.
    pub text: &'a str,
    /// The SSML sent with it, for a backend that hears SSML (an IPA edit
    /// then makes a new clip); None otherwise.
    pub ssml: Option<&'a str>,
    /// The neighbouring text sent with it.
    pub context: &'a Context,
    /// The episode's sample rate.
    pub rate: u32,
}

impl SpeechKey<'_> {
    /// The material of segment `i` of `plan` as `cast` speaks it at `rate`,
    /// with `context` its neighbouring text (see [`Context::of`]).
    pub fn of<'a>(
        plan: &'a Plan,
        i: usize,
        cast: &'a Cast,
        context: &'a Context,
        rate: u32,
    ) -> SpeechKey<'a> {
        let seg = &plan.segments[i];
        let backend = cast.backend_of(&seg.voice).backend.as_ref();
        SpeechKey {
            backend,
            voice: cast.voice(&seg.voice),
            tag: &seg.tag,
            text: &seg.spoken,
            ssml: seg.ssml.as_deref().filter(|_| backend.takes_ssml()),
            context,
            rate,
        }
    }

    /// The fields hashed, in order:
    /// 1. [`PROCESSING_VERSION`];
    /// 2. the backend's identity;
    /// 3. the voice's sound, as a JSON array (see `voice_fields`);
    /// 4. the tag;
    /// 5. the text, followed by NUL and the SSML when there is SSML;
    /// 6. the previous context, NUL, the next context (a missing one is
    ///    empty, so no context at all is a lone NUL);
    /// 7. the rate, as 4 little-endian bytes.
    pub fn fields(&self) -> [Vec<u8>; 7] {
        let text = match self.ssml {
            Some(ssml) => format!("{}\u{0}{ssml}", self.text),
            None => self.text.to_string(),
        };
        let context = format!(
            "{}\u{0}{}",
            self.context.previous.as_deref().unwrap_or(""),
            self.context.next.as_deref().unwrap_or("")
        );
        [
            PROCESSING_VERSION.into(),
            self.backend.identity().into_bytes(),
            voice_fields(self.voice).into_bytes(),
            self.tag.into(),
            text.into_bytes(),
            context.into_bytes(),
            self.rate.to_le_bytes().into(),
        ]
    }

    /// The key: [`hash::fields`] of [`SpeechKey::fields`].
    pub fn key(&self) -> String {
        let fields = self.fields();
        hash::fields(&fields.each_ref().map(Vec::as_slice))
    }
}

/// The cache key of segment `i` of `plan` as `cast` speaks it at `rate`.
pub fn segment_key(plan: &Plan, i: usize, cast: &Cast, rate: u32) -> String {
    let seg = &plan.segments[i];
    let context = Context::of(plan, i, cast.backend_of(&seg.voice).limits().context_chars);
    SpeechKey::of(plan, i, cast, &context, rate).key()
}

/// The part of a voice that shapes its audio (not its name, backend or pan),
/// as a JSON array: `[voice, model, speed, instructions, language, variant,
/// pitch, extra]`. Strings are JSON strings and a missing value is `null`;
/// `speed` is written by `json_f32`, `pitch` as a decimal integer, and
/// `extra` as compact JSON with its keys in byte order: the same text as
/// the request body carries (see `extra_json`).
fn voice_fields(v: &VoiceProfile) -> String {
    let text = |s: &Option<String>| s.as_deref().map_or_else(|| "null".into(), json_string);
    let pitch = v.pitch.map_or_else(|| "null".into(), |p| p.to_string());
    format!(
        "[{},{},{},{},{},{},{},{}]",
        text(&v.voice),
        text(&v.model),
        json_f32(v.speed),
        text(&v.instructions),
        text(&v.language),
        text(&v.variant),
        pitch,
        extra_json(&v.extra),
    )
}

/// `s` as a JSON string: `"` and `\` escaped, the control characters as
/// `\b \f \n \r \t` or `\u00xx`, everything else as it is (UTF-8).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A voice's extra request fields as compact JSON, keys in byte order at
/// every depth (serde_json's map keeps them so; sorting here keeps the key
/// should a dependency ever turn on its insertion order).
fn extra_json(extra: &serde_json::Map<String, serde_json::Value>) -> String {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                serde_json::Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(&serde_json::Value::Object(extra.clone())).to_string()
}

/// The significant digits of `e`, a number as `{:e}` writes it
/// (`d.ddde-n`), and its power of ten.
fn scientific(e: &str) -> (String, i32) {
    let (mantissa, exponent) = e.split_once('e').unwrap_or((e, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// How a tie between two shortest candidates is broken.
#[derive(Clone, Copy, PartialEq)]
enum Tie {
    /// The larger (Rust's formatting).
    Up,
    /// The one whose last digit is even (serde_json's).
    Even,
}

/// The shortest decimal digits that read back as `|x|`, and the power of
/// ten of the first one (0.0125 is `("125", -2)`). Where two candidates of
/// that length are equally near `x` (0.126953125 between 0.12695312 and
/// 0.12695313), `tie` picks.
fn shortest_digits(x: f32, tie: Tie) -> (String, i32) {
    // `{:e}` writes the shortest digits, a tie rounded up.
    let (digits, exponent) = scientific(&format!("{:e}", x.abs()));
    if tie == Tie::Up {
        return (digits, exponent);
    }
    // An f32 is a binary fraction: 160 places hold every one exactly.
    let (exact, exact_exponent) = scientific(&format!("{:.160e}", x.abs()));
    let exact = exact.trim_end_matches('0');
    let n = digits.len();
    // A tie: the exact value has one digit more, a 5.
    if exact.len() == n + 1
        && exact.ends_with('5')
        && let Some(lower) = exact.get(..n)
        && lower.ends_with(['0', '2', '4', '6', '8'])
    {
        return (lower.to_string(), exact_exponent);
    }
    (digits, exponent)
}

/// `x` as a JSON number, written as serde_json 1.0 (zmij) writes an `f32`,
/// so that old keys hold: the shortest digits that read back as `x` (a
/// tie to the even digit); in plain notation with at least one digit after
/// the point (`1.0`, `0.95`, `0.00001`) while the point falls within 13
/// places right or 5 places left of the first digit, else in scientific
/// notation (`1e-7`, `1.5e+20`); `null` when not finite.
fn json_f32(x: f32) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, exponent) = shortest_digits(x, Tie::Even);
    let length = digits.len() as i32;
    // The point sits after `point` digits (10^(point-1) <= |x| < 10^point).
    let point = exponent + 1;
    let body = if (length..=13).contains(&point) {
        format!("{digits}{}.0", "0".repeat((point - length) as usize))
    } else if (1..=13).contains(&point) {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    } else if (-5..=0).contains(&point) {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let plus = if exponent > 0 { "+" } else { "" };
        format!("{first}{point}{rest}e{plus}{exponent}")
    };
    format!("{sign}{body}")
}

/// `x` in plain decimal notation, never an exponent: the shortest digits
/// that read back as `x`, no point for a whole number (`-6`, `0.5`,
/// `0.0000001`, `-0` for negative zero); `NaN`, `inf`, `-inf` when not finite.
/// The text Rust's `Display` has always written for an `f32`.
pub fn plain_f32(x: f32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    if x == 0.0 {
        return format!("{sign}0");
    }
    let (digits, exponent) = shortest_digits(x, Tie::Up);
    let point = exponent + 1;
    let length = digits.len() as i32;
    let body = if point >= length {
        format!("{digits}{}", "0".repeat((point - length) as usize))
    } else if point > 0 {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    } else {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::yaml::unplaced;

    /// Finite and non-finite floats spread over every exponent (every
    /// 65521st bit pattern), the first 65536 above 1, the values either side
    /// of the layout's edges, and ties. (Every f32 from 0.0625 to 16, each
    /// speed a voice can have, was checked once: 67 million, none differ.)
    fn floats() -> impl Iterator<Item = f32> {
        let edges = [
            1e-7f32, 1e-6, 1e-5, 1e-4, 0.1, 1.0, 10.0, 1e12, 1e13, 1e14, 1e15, 1e16,
        ]
        .into_iter()
        .flat_map(|e| {
            [
                e,
                -e,
                f32::from_bits(e.to_bits() - 1),
                f32::from_bits(e.to_bits() + 1),
            ]
        });
        // Ties between two shortest candidates: 0.12695312|3, 473.45312|3.
        // Exactly 0.126953125, 473.453125, 1.00390625.
        let ties = [0x3e02_0000, 0x43ec_ba00, 0x3f80_8000].map(f32::from_bits);
        (0..=u32::MAX)
            .step_by(65_521)
            .chain(1f32.to_bits()..1f32.to_bits() + 65_536)
            .map(f32::from_bits)
            .chain(edges)
            .chain(ties)
            .chain([0.0, -0.0, f32::NAN, f32::INFINITY, f32::MIN, f32::MAX])
            .chain([f32::MIN_POSITIVE, 1.1 * 0.9, 0.0625, 16.0, 0.25, 4.0])
    }

    #[test]
    fn speeds_are_written_as_serde_json_writes_an_f32() {
        for x in floats() {
            assert_eq!(
                json_f32(x),
                serde_json::to_string(&x).unwrap(),
                "{x:e} ({:#x})",
                x.to_bits()
            );
        }
        // Every speed a voice can have, 0.25 to 4 times the CLI's 0.25 to 4.
        for centi in 1..=1600 {
            let x = centi as f32 / 100.0;
            assert_eq!(json_f32(x), serde_json::to_string(&x).unwrap());
        }
    }

    #[test]
    fn levels_are_written_as_rust_displays_an_f32() {
        for x in floats() {
            assert_eq!(plain_f32(x), x.to_string(), "{x:e} ({:#x})", x.to_bits());
        }
        assert_eq!(plain_f32(-6.0), "-6");
        assert_eq!(plain_f32(-17.5), "-17.5");
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u32..0x800).filter_map(char::from_u32).collect();
        all.push_str("\"\\/ 新闻 \u{2028} \u{1f600} \u{7f}");
        assert_eq!(json_string(&all), serde_json::to_string(&all).unwrap());
        assert_eq!(json_string(""), "\"\"");
    }

    fn voice(speed: f32) -> VoiceProfile {
        let config = crate::input::config::VoiceConfig {
            backend: Some(unplaced("openai".to_string())),
            speed: Some(unplaced(speed)),
            ..Default::default()
        };
        VoiceProfile::from_config("host", &config)
    }

    #[test]
    fn voices_are_written_as_serde_json_wrote_them() {
        // What the key held before its encoding was written out.
        let before = |v: &VoiceProfile| {
            serde_json::to_string(&(
                &v.voice,
                &v.model,
                v.speed,
                &v.instructions,
                &v.language,
                &v.variant,
                v.pitch,
                &v.extra,
            ))
            .unwrap()
        };
        let extra =
            serde_json::json!({"style": "calm", "n": -2, "r": 0.1, "a": [null, {"y": 1, "b": 2}]});
        let full = VoiceProfile {
            voice: Some("alloy".into()),
            model: Some("tts-1\\hd".into()),
            instructions: Some("Calm, \"warm\"\n新闻\u{1}".into()),
            language: Some("zh-CN".into()),
            variant: Some("f3".into()),
            pitch: Some(100),
            extra: extra.as_object().unwrap().clone(),
            ..voice(1.1 * 0.9)
        };
        for v in [voice(1.0), voice(0.25), voice(16.0), voice(0.0625), full] {
            assert_eq!(voice_fields(&v), before(&v));
        }
        assert_eq!(
            voice_fields(&voice(1.0)),
            "[null,null,1.0,null,null,null,null,{}]"
        );
    }

    #[test]
    fn context_is_the_neighbouring_text_of_the_same_chapter() {
        use crate::text::lang::Language;
        use crate::text::plan::{Pause, Segment};
        let segment = |chapter, spoken: &str| Segment {
            chapter,
            paragraph: 1,
            sentence: 1,
            chunk: 1,
            voice: "host".into(),
            speaker: "host".into(),
            language: Language::Mandarin,
            tag: "zh-CN".into(),
            text: spoken.into(),
            spoken: spoken.into(),
            ssml: None,
            pause_after: Pause::Sentence,
        };
        let plan = Plan {
            chapters: Vec::new(),
            segments: vec![
                segment(0, "你好世界"),
                segment(0, "abcdef"),
                segment(1, "next chapter"),
            ],
            bed: None,
        };
        let context = |i, chars| {
            let c = Context::of(&plan, i, chars);
            (c.previous, c.next)
        };
        let some = |s: &str| Some(s.to_string());
        assert_eq!(context(1, 3), (some("好世界"), None));
        assert_eq!(context(0, 2), (None, some("ab")));
        assert_eq!(context(2, 100), (None, None));
        assert_eq!(context(1, 0), (None, None));
        assert_eq!(context(9, 3), (None, None));
    }

    #[test]
    fn extra_fields_are_written_with_sorted_keys() {
        let extra =
            serde_json::json!({"z": {"y": 1, "b": [2.5, {"d": null, "c": "x"}]}, "a": true});
        let extra = extra.as_object().unwrap();
        assert_eq!(
            extra_json(extra),
            r#"{"a":true,"z":{"b":[2.5,{"c":"x","d":null}],"y":1}}"#
        );
        assert_eq!(extra_json(extra), serde_json::to_string(extra).unwrap());
    }
}
