//! piper's HTTP server `POST /synthesize`: WAV labelled text/html, and an
//! HTML 500 for every error.

use axum::http::StatusCode;
use serde_json::Value;

use super::audio::{speech, wav_bytes};
use super::{Answer, MockOptions, Received, WavHeader};

/// piper's answer to `request`: every error is an HTML 500 without a reason.
pub(super) fn answer(_: &MockOptions, request: &Received) -> Answer {
    let html500 = || {
        Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("text/html; charset=utf-8"),
            "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n".into(),
        )
    };
    let Ok(v) = serde_json::from_slice::<Value>(&request.body) else {
        return html500();
    };
    let Some(text) = v
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
    else {
        return html500();
    };
    if v.get("length_scale").is_some_and(|l| !l.is_number()) {
        return html500();
    }
    // piper writes WAV with `wave` on BytesIO (valid sizes), and Flask labels it text/html.
    Answer::audio(
        wav_bytes(&speech(text, 22_050), 22_050, WavHeader::Valid),
        "text/html; charset=utf-8",
        text.to_string(),
        true,
    )
}
