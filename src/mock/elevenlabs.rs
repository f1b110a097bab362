//! ElevenLabs `POST /v1/text-to-speech/{voice}/with-timestamps`: base64
//! PCM inside JSON with character alignments, its 422 detail lists.

use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

use super::audio::{speech, speech_seconds, to_i16};
use super::{Answer, MockOptions, Received, check_key};

fn eleven_error(status: StatusCode, code: &str, message: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"detail": {"status": code, "message": message}}),
    )
}

/// A 422 in FastAPI's shape: a list of what is wrong where.
fn unprocessable(loc: &[&str], msg: &str, kind: &str) -> Answer {
    Answer::json_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"detail": [{"loc": loc, "msg": msg, "type": kind}]}),
    )
}

/// ElevenLabs' answer to `request`.
pub(super) fn answer(o: &MockOptions, request: &Received) -> Answer {
    if o.api_key.is_some() && !check_key(o, request.header("xi-api-key")) {
        return eleven_error(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Invalid API key",
        );
    }
    let Ok(v) = serde_json::from_slice::<Value>(&request.body) else {
        return unprocessable(&["body"], "invalid JSON", "value_error.jsondecode");
    };
    let Some(text) = v.get("text").and_then(Value::as_str) else {
        return unprocessable(&["body", "text"], "field required", "value_error.missing");
    };
    for f in ["model_id", "previous_text", "next_text"] {
        if v.get(f).is_some_and(|x| !x.is_string()) {
            return unprocessable(&["body", f], "str type expected", "type_error.str");
        }
    }
    if request.params.get("voice").is_none_or(String::is_empty) {
        return eleven_error(
            StatusCode::BAD_REQUEST,
            "voice_not_found",
            "A voice with that id was not found",
        );
    }
    let output = request
        .query
        .get("output_format")
        .map_or("mp3_44100_128", String::as_str);
    let Some(rate) = output
        .strip_prefix("pcm_")
        .and_then(|r| r.parse::<u32>().ok())
    else {
        return eleven_error(
            StatusCode::BAD_REQUEST,
            "invalid_output_format",
            "the mock serves pcm_<rate> output formats",
        );
    };
    with_alignment(text, rate)
}

/// Base64 PCM of `text` with evenly spread character timings.
fn with_alignment(text: &str, rate: u32) -> Answer {
    let audio: Vec<u8> = to_i16(&speech(text, rate))
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let secs = speech_seconds(text);
    let chars: Vec<String> = text.chars().map(String::from).collect();
    let step = secs / chars.len().max(1) as f64;
    let starts: Vec<f64> = (0..chars.len()).map(|i| i as f64 * step).collect();
    let ends: Vec<f64> = (1..=chars.len()).map(|i| i as f64 * step).collect();
    let alignment = json!({"characters": chars, "character_start_times_seconds": starts, "character_end_times_seconds": ends});
    let body = json!({"audio_base64": base64::engine::general_purpose::STANDARD.encode(audio), "alignment": alignment, "normalized_alignment": alignment});
    let mut a = Answer::audio(
        body.to_string().into_bytes(),
        "application/json",
        text.to_string(),
        false,
    );
    a.headers.push((
        "request-id",
        format!(
            "mock-{}",
            crate::hash::hex(text.as_bytes()).get(..12).unwrap_or("")
        ),
    ));
    a
}
