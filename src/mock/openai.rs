//! OpenAI `POST /v1/audio/speech` (and every OpenAI-compatible server):
//! its required fields, limits and error object.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::audio::formatted;
use super::{Answer, MockOptions, Received, check_key};

fn openai_error(status: StatusCode, message: &str, param: Option<&str>, code: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}),
    )
}

fn bad_request(message: &str, param: &str, code: &str) -> Answer {
    openai_error(StatusCode::BAD_REQUEST, message, Some(param), code)
}

/// OpenAI's answer to `request`.
pub(super) fn answer(o: &MockOptions, request: &Received) -> Answer {
    let bearer = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    if o.api_key.is_some() && bearer.is_none() {
        return openai_error(
            StatusCode::UNAUTHORIZED,
            "You didn't provide an API key.",
            None,
            "missing_api_key",
        );
    }
    if !check_key(o, bearer) {
        return openai_error(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
            None,
            "invalid_api_key",
        );
    }
    let Ok(v) = serde_json::from_slice::<Value>(&request.body) else {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "We could not parse the JSON body of your request.",
            None,
            "invalid_json",
        );
    };
    match check(&v) {
        Ok((input, format)) => formatted(input, format, o.wav_header).unwrap_or_else(|e| {
            openai_error(StatusCode::INTERNAL_SERVER_ERROR, &e, None, "server_error")
        }),
        Err(rejected) => rejected,
    }
}

/// The text and the mock's format name, or the API's error.
fn check(v: &Value) -> Result<(&str, &'static str), Answer> {
    for field in ["model", "input", "voice"] {
        if !v.get(field).is_some_and(Value::is_string) {
            return Err(bad_request(
                &format!("'{field}' is a required property"),
                field,
                "missing_required_parameter",
            ));
        }
    }
    let input = v["input"].as_str().unwrap_or_default();
    if input.trim().is_empty() {
        return Err(bad_request(
            "'input' must not be empty",
            "input",
            "invalid_value",
        ));
    }
    if input.chars().count() > 4096 {
        return Err(bad_request(
            "'input' is longer than 4096 characters",
            "input",
            "string_above_max_length",
        ));
    }
    if let Some(speed) = v.get("speed")
        && !speed.as_f64().is_some_and(|s| (0.25..=4.0).contains(&s))
    {
        return Err(bad_request(
            "'speed' must be a number from 0.25 to 4.0",
            "speed",
            "invalid_value",
        ));
    }
    let format = match v
        .get("response_format")
        .and_then(Value::as_str)
        .unwrap_or("mp3")
    {
        "wav" => "wav",
        "pcm" => "pcm_24000",
        "mp3" => "mp3",
        "flac" => "flac",
        "opus" | "aac" => {
            return Err(bad_request(
                "the mock serves wav, pcm, mp3 and flac",
                "response_format",
                "unsupported_value",
            ));
        }
        _ => {
            return Err(bad_request(
                "'response_format' must be one of mp3, opus, aac, flac, wav, pcm",
                "response_format",
                "invalid_value",
            ));
        }
    };
    Ok((input, format))
}
