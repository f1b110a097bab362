//! Generators for what a user writes in the fields of a script or a
//! config: line breaks, noncharacters and controls in every text field;
//! numbers at the type limits in every numeric field; one-line scripts
//! longer than 65 535 columns with a mistake near their end. Nothing may
//! panic (the report is rendered, as the binary renders it), every refusal
//! names the file (and the field), and nothing forbidden is accepted.

use std::path::Path;

use podgen::input::chars;

use super::fuzz;
use crate::common::Rng;

/// Characters that break something somewhere, and some that do not.
const CHARACTERS: &[char] = &[
    '\n',
    '\r',
    '\t',
    '\u{0}',
    '\u{7}',
    '\u{8}',
    '\u{0B}',
    '\u{0C}',
    '\u{1B}',
    '\u{7F}',
    '\u{85}',
    '\u{9F}',
    '\u{2028}',
    '\u{2029}',
    '\u{FFFE}',
    '\u{FFFF}',
    '\u{FDD0}',
    '\u{1FFFF}',
    '\u{10FFFF}',
    '\u{200B}',
    '\u{200D}',
    '\u{FEFF}',
    '\u{FFFD}',
    'a',
    '中',
    '①',
    ' ',
    '"',
    '\\',
];

/// The text fields of a script: (name, whether it is one line).
const SCRIPT_FIELDS: &[(&str, bool)] = &[
    ("show", true),
    ("title", true),
    ("item title", true),
    ("item text", false),
    ("line text", false),
    ("intro title", true),
    ("intro text", false),
    ("voice", true),
];

/// A value of a few words with characters of [`CHARACTERS`] in it.
fn hostile_value(rng: &mut Rng) -> String {
    let mut value = String::from("Some words");
    for _ in 0..=rng.below(3) {
        let at = value
            .char_indices()
            .nth(rng.below(value.chars().count() + 1))
            .map_or(value.len(), |(i, _)| i);
        value.insert(at, *rng.pick(CHARACTERS));
    }
    value
}

/// `value` where `field` is asked for, else the field's default.
fn picker<'a>(field: &'a str, value: &'a str) -> impl Fn(&str, &str) -> serde_json::Value + 'a {
    move |f, default| serde_json::Value::String(if f == field { value } else { default }.into())
}

/// `refusal` of `value` in `field` (of `file`) is right: it names the file,
/// and comes wherever the value holds a forbidden character or, in a
/// one-line field, a line break.
fn judge_refusal(file: &str, field: &str, one_line: bool, value: &str, refusal: Option<&str>) {
    let must_refuse = value.chars().any(chars::is_forbidden)
        || (one_line && value.trim().chars().any(chars::is_line_break));
    if let Some(message) = refusal {
        assert!(message.contains(file), "{field}: {message}");
    }
    assert!(
        !must_refuse || refusal.is_some(),
        "{field} {value:?} was accepted"
    );
}

/// A script with `value` in `field`, as JSON (which YAML reads).
fn script_with(field: &str, value: &str) -> String {
    let pick = picker(field, value);
    serde_json::json!({
        "show": pick("show", "S"),
        "title": pick("title", "T"),
        "episode": "e",
        "voice": pick("voice", "narrator"),
        "intro": {"title": pick("intro title", "In"), "text": pick("intro text", "Hello.")},
        "items": [
            {"title": pick("item title", "One"), "text": pick("item text", "Words.")},
            {"title": "Two", "lines": [{"voice": "narrator", "text": pick("line text", "Hi.")}]},
        ],
    })
    .to_string()
}

/// The report as the binary prints it, rendered in full (the renderer is
/// where a column past 65 535 used to panic).
fn rendered(failure: &podgen::error::Failure) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, failure.report().as_ref())
        .unwrap();
    out
}

/// Parse and validate `text` as a script; the rendered refusal, if any.
fn validate_script(text: &str) -> Option<String> {
    let path = Path::new("fields.yaml");
    let loaded = match podgen::input::script::parse(path, text.to_string()) {
        Ok(l) => l,
        Err(f) => return Some(rendered(&f)),
    };
    podgen::input::script::validate(&loaded)
        .err()
        .map(|f| rendered(&f))
}

#[test]
fn text_fields_with_line_breaks_and_noncharacters() {
    fuzz("script-fields", |rng, input| {
        let (field, one_line) = *rng.pick(SCRIPT_FIELDS);
        let value = hostile_value(rng);
        let text = script_with(field, &value);
        *input = text.clone().into_bytes();
        let refusal = validate_script(&text);
        judge_refusal("fields.yaml", field, one_line, &value, refusal.as_deref());
        (input.len(), refusal.is_none())
    });
}

/// Numbers at the type limits, and some within range.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "50",
    "64",
    "65",
    "100",
    "101",
    "2147483648",
    "4294967295",
    "4294967296",
    "9007199254740992",
    "2305843009213693952",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1e39",
    ".nan",
    "NaN",
    ".inf",
    "-.inf",
    "0.5",
    "-16",
    "44100",
    "1.5e3",
];

/// The numeric fields of a config: (key, where it is written).
const CONFIG_NUMBERS: &[(&str, &str)] = &[
    ("concurrency", "backend"),
    ("max_chars", "backend"),
    ("max_bytes", "backend"),
    ("requests_per_minute", "backend"),
    ("max_attempts", "backend"),
    ("max_response_mb", "backend"),
    ("price_per_million_chars", "backend"),
    ("price_per_minute", "backend"),
    ("pitch", "voice"),
    ("speed", "voice"),
    ("pan", "voice"),
    ("sample_rate", "audio"),
    ("channels", "audio"),
    ("loudness_lufs", "audio"),
    ("true_peak_dbtp", "audio"),
    ("sting_level_db", "audio"),
    ("mp3_kbps", "audio"),
    ("depth_db", "ducking"),
];

fn config_with(key: &str, place: &str, number: &str) -> String {
    let setting = format!("{key}: {number}");
    let (backend, voice, audio, ducking) = match place {
        "backend" => (setting.as_str(), "", "", ""),
        "voice" => ("", setting.as_str(), "", ""),
        "audio" => ("", "", setting.as_str(), ""),
        _ => ("", "", "", setting.as_str()),
    };
    format!(
        "backends:\n  o:\n    preset: openai\n    {backend}\nvoices:\n  v:\n    backend: builtin\n    {voice}\naudio:\n  levelling: true\n  {audio}\n  ducking:\n    hold: 900ms\n    {ducking}\n"
    )
}

#[test]
fn numbers_at_the_type_limits() {
    fuzz("config-numbers", |rng, input| {
        let (key, place) = *rng.pick(CONFIG_NUMBERS);
        let number = *rng.pick(NUMBERS);
        let text = config_with(key, place, number);
        *input = text.clone().into_bytes();
        let outcome = podgen::input::config::parse(Path::new("fields.podgen.yaml"), text)
            .and_then(|c| podgen::input::settings::Settings::from_config(&c).map(|_| ()));
        let value: Option<f64> = match number {
            ".nan" | "NaN" => Some(f64::NAN),
            ".inf" => Some(f64::INFINITY),
            "-.inf" => Some(f64::NEG_INFINITY),
            n => n.parse().ok(),
        };
        let bound = podgen::input::bounds::bound(key);
        match &outcome {
            Err(f) => {
                let message = rendered(f);
                assert!(
                    message.contains("fields.podgen.yaml:") && message.contains(key),
                    "{key}: {number}: {message}"
                );
                for internal in ["u32", "u64", "usize", "f32", "f64", "Option<"] {
                    assert!(!message.contains(internal), "{key}: {number}: {message}");
                }
            }
            Ok(()) => {
                if let (Some(b), Some(v)) = (bound, value) {
                    assert!(
                        b.holds(v),
                        "{key}: {number} accepted outside {}",
                        b.describe()
                    );
                }
            }
        }
        (input.len(), outcome.is_ok())
    });
}

/// Mistakes for the end of a long line.
const LATE_MISTAKES: &[&str] = &[
    ", bogus: 1",
    ", voice: [x]",
    ", links: [\"ftp://x\"]",
    ", language: \"not a tag\"",
    ", image: 3",
    ", text: again",
];

#[test]
fn one_line_scripts_past_65535_columns() {
    fuzz("long-lines", |rng, input| {
        let words = "word ".repeat(13_108 + rng.below(3_000));
        let late = rng.pick(LATE_MISTAKES);
        let text = format!(
            "{{show: S, title: T, items: [{{title: a, text: \"{}\"{late}}}]}}\n",
            words.trim_end()
        );
        *input = text.clone().into_bytes();
        let message = validate_script(&text).expect("a mistake near the end is refused");
        assert!(message.contains("fields.yaml:1:"), "{message}");
        assert!(message.len() < 6_000, "{} bytes of message", message.len());
        (input.len(), false)
    });
}

/// The text fields of a config: (name, whether it is one line).
const CONFIG_FIELDS: &[(&str, bool)] = &[
    ("show title", true),
    ("show author", true),
    ("show description", false),
    ("lexicon word", true),
    ("lexicon say", true),
];

/// A config with `value` in `field`, as JSON (which YAML reads).
fn config_text_with(field: &str, value: &str) -> String {
    let pick = picker(field, value);
    serde_json::json!({
        "show": {
            "title": pick("show title", "Show"),
            "author": pick("show author", "Someone"),
            "description": pick("show description", "What it is about."),
        },
        "lexicon": [{"word": pick("lexicon word", "Rubin"), "say": pick("lexicon say", "Ruby")}],
    })
    .to_string()
}

#[test]
fn config_text_fields_with_line_breaks_and_noncharacters() {
    fuzz("config-fields", |rng, input| {
        let (field, one_line) = *rng.pick(CONFIG_FIELDS);
        let value = hostile_value(rng);
        let text = config_text_with(field, &value);
        *input = text.clone().into_bytes();
        let path = Path::new("fields.podgen.yaml");
        let refusal = podgen::input::config::parse(path, text)
            .and_then(|config| config.lexicon().map(|_| ()))
            .err()
            .map(|f| rendered(&f));
        judge_refusal(
            "fields.podgen.yaml",
            field,
            one_line,
            &value,
            refusal.as_deref(),
        );
        (input.len(), refusal.is_none())
    });
}
