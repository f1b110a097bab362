//! Google Cloud `POST /v1/text:synthesize`: JSON with base64 LINEAR16 or
//! MP3, the 5000-byte input limit, RPC-style errors.

use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

use super::audio::{mp3_bytes, speech, wav_bytes};
use super::{Answer, MockOptions, Received, WavHeader, check_key};

fn google_error(status: StatusCode, message: &str, code: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"error": {"code": status.as_u16(), "message": message, "status": code}}),
    )
}

/// Google's answer to `request`.
pub(super) fn answer(o: &MockOptions, request: &Received) -> Answer {
    let key = request
        .header("x-goog-api-key")
        .or(request.query.get("key").map(String::as_str));
    if o.api_key.is_some() && !check_key(o, key) {
        return google_error(
            StatusCode::FORBIDDEN,
            "API key not valid. Please pass a valid API key.",
            "PERMISSION_DENIED",
        );
    }
    let Ok(v) = serde_json::from_slice::<Value>(&request.body) else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "Invalid JSON payload received.",
            "INVALID_ARGUMENT",
        );
    };
    let Some(text) = v.pointer("/input/text").and_then(Value::as_str) else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "input.text or input.ssml is required",
            "INVALID_ARGUMENT",
        );
    };
    if text.len() > 5000 {
        return google_error(
            StatusCode::BAD_REQUEST,
            "Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes.",
            "INVALID_ARGUMENT",
        );
    }
    if !v
        .pointer("/voice/languageCode")
        .is_some_and(Value::is_string)
    {
        return google_error(
            StatusCode::BAD_REQUEST,
            "voice.language_code is required",
            "INVALID_ARGUMENT",
        );
    }
    let rate = v
        .pointer("/audioConfig/sampleRateHertz")
        .and_then(Value::as_u64)
        .unwrap_or(24_000) as u32;
    let audio = match v
        .pointer("/audioConfig/audioEncoding")
        .and_then(Value::as_str)
    {
        Some("LINEAR16") => wav_bytes(&speech(text, rate), rate, WavHeader::Valid),
        Some("MP3") => match mp3_bytes(&speech(text, rate), rate) {
            Ok(b) => b,
            Err(e) => return google_error(StatusCode::INTERNAL_SERVER_ERROR, &e, "INTERNAL"),
        },
        _ => {
            return google_error(
                StatusCode::BAD_REQUEST,
                "audio_config.audio_encoding must be LINEAR16 or MP3 (mock)",
                "INVALID_ARGUMENT",
            );
        }
    };
    let body = json!({"audioContent": base64::engine::general_purpose::STANDARD.encode(audio)});
    Answer::audio(
        body.to_string().into_bytes(),
        "application/json; charset=UTF-8",
        text.to_string(),
        false,
    )
}
