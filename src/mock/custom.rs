//! A generic API for the templated backend: JSON, form, query and text
//! bodies, with a `format` field that picks the response.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::audio::formatted_at;
use super::{Answer, MockOptions, Received, check_key};

/// What a request asks the generic API for.
struct Asked {
    text: Option<String>,
    format: Option<String>,
    /// 0 to 1 (a JSON body's `gain`): softer speech, as some backends speak.
    gain: f32,
}

impl Asked {
    fn at_full_level(text: Option<String>, format: Option<String>) -> Self {
        Asked {
            text,
            format,
            gain: 1.0,
        }
    }
}

/// The generic API's answer to what was asked.
fn custom(o: &MockOptions, request: &Received, asked: Asked) -> Answer {
    if o.api_key.is_some() {
        let presented = request
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .or(request.header("x-api-key"));
        if !check_key(o, presented) {
            return Answer::json_error(
                StatusCode::UNAUTHORIZED,
                json!({"error": "invalid api key"}),
            );
        }
    }
    let Some(text) = asked.text.filter(|t| !t.trim().is_empty()) else {
        return Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "text is required"}),
        );
    };
    formatted_at(
        &text,
        asked.format.as_deref().unwrap_or("wav"),
        o.wav_header,
        asked.gain,
    )
    .unwrap_or_else(|e| Answer::json_error(StatusCode::BAD_REQUEST, json!({"error": e})))
}

/// `POST /custom/json`: `text`, `format` (or `?format=`) and `gain`.
pub(super) fn json(o: &MockOptions, request: &Received) -> Answer {
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(v) => {
            let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
            let asked = Asked {
                text: field("text"),
                format: field("format").or(request.query.get("format").cloned()),
                gain: v
                    .get("gain")
                    .and_then(Value::as_f64)
                    .map_or(1.0, |g| g.clamp(0.0, 1.0) as f32),
            };
            custom(o, request, asked)
        }
        Err(e) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("invalid JSON: {e}")}),
        ),
    }
}

/// `POST /custom/form`: a form with `text` and `format`.
pub(super) fn form(o: &MockOptions, request: &Received) -> Answer {
    if !request
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        return Answer::json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!({"error": "expected a form"}),
        );
    }
    let mut fields: BTreeMap<String, String> =
        serde_urlencoded::from_bytes(&request.body).unwrap_or_default();
    let asked = Asked::at_full_level(fields.remove("text"), fields.remove("format"));
    custom(o, request, asked)
}

/// `GET /custom/query?text=…&format=…`.
pub(super) fn query(o: &MockOptions, request: &Received) -> Answer {
    let q = &request.query;
    let asked = Asked::at_full_level(q.get("text").cloned(), q.get("format").cloned());
    custom(o, request, asked)
}

/// `POST /custom/text?format=…`: the body is the text.
pub(super) fn text(o: &MockOptions, request: &Received) -> Answer {
    match std::str::from_utf8(&request.body) {
        Ok(t) => {
            let format = request.query.get("format").cloned();
            custom(
                o,
                request,
                Asked::at_full_level(Some(t.to_string()), format),
            )
        }
        Err(_) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "body is not UTF-8"}),
        ),
    }
}
