//! piper's HTTP server `POST /synthesize`: WAV labelled text/html, and an
//! HTML 500 for every error.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::audio::{speech, wav_bytes};
use super::{Answer, Incoming, MockState, QueryMap, WavHeader, respond};

pub(super) async fn synthesize(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): QueryMap,
    body: Bytes,
) -> Response {
    let answer = || {
        // Every piper error is an HTML 500 without a reason.
        let html500 = || {
            Answer::error(StatusCode::INTERNAL_SERVER_ERROR, Some("text/html; charset=utf-8"), "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n".into())
        };
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
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
    };
    respond(
        &st,
        Incoming::new("piper", "POST", &headers, &q, &body),
        answer,
    )
    .await
}
