//! A generic API for the templated backend: JSON, form, query and text
//! bodies, with a `format` field that picks the response.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::audio::formatted_at;
use super::{Answer, Incoming, MockState, QueryMap, check_key, header_str, respond};

/// The generic API's answer; `gain` (0 to 1, from a JSON body's `gain`)
/// makes the speech softer, as some backends speak.
fn custom(
    st: &MockState,
    headers: &HeaderMap,
    text: Option<String>,
    format: Option<String>,
    gain: f32,
) -> Answer {
    if st.options.api_key.is_some() {
        let presented = header_str(headers, "authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .or(header_str(headers, "x-api-key"));
        if !check_key(&st.options, presented) {
            return Answer::json_error(
                StatusCode::UNAUTHORIZED,
                json!({"error": "invalid api key"}),
            );
        }
    }
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "text is required"}),
        );
    };
    formatted_at(
        &text,
        format.as_deref().unwrap_or("wav"),
        st.options.wav_header,
        gain,
    )
    .unwrap_or_else(|e| Answer::json_error(StatusCode::BAD_REQUEST, json!({"error": e})))
}

pub(super) async fn json(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): QueryMap,
    body: Bytes,
) -> Response {
    let answer = || match serde_json::from_slice::<Value>(&body) {
        Ok(v) => custom(
            &st,
            &headers,
            v.get("text").and_then(Value::as_str).map(str::to_string),
            v.get("format")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(q.get("format").cloned()),
            v.get("gain")
                .and_then(Value::as_f64)
                .map_or(1.0, |g| g.clamp(0.0, 1.0) as f32),
        ),
        Err(e) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("invalid JSON: {e}")}),
        ),
    };
    respond(
        &st,
        Incoming::new("custom/json", "POST", &headers, &q, &body),
        answer,
    )
    .await
}

pub(super) async fn form(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): QueryMap,
    body: Bytes,
) -> Response {
    let answer = || {
        if !header_str(&headers, "content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
        {
            return Answer::json_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "expected a form"}),
            );
        }
        let fields: BTreeMap<String, String> = url_decode_form(&body);
        custom(
            &st,
            &headers,
            fields.get("text").cloned(),
            fields.get("format").cloned(),
            1.0,
        )
    };
    respond(
        &st,
        Incoming::new("custom/form", "POST", &headers, &q, &body),
        answer,
    )
    .await
}

pub(super) async fn query(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): QueryMap,
) -> Response {
    let answer = || {
        custom(
            &st,
            &headers,
            q.get("text").cloned(),
            q.get("format").cloned(),
            1.0,
        )
    };
    respond(
        &st,
        Incoming::new("custom/query", "GET", &headers, &q, &[]),
        answer,
    )
    .await
}

pub(super) async fn text(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): QueryMap,
    body: Bytes,
) -> Response {
    let answer = || match std::str::from_utf8(&body) {
        Ok(t) => custom(
            &st,
            &headers,
            Some(t.to_string()),
            q.get("format").cloned(),
            1.0,
        ),
        Err(_) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "body is not UTF-8"}),
        ),
    };
    respond(
        &st,
        Incoming::new("custom/text", "POST", &headers, &q, &body),
        answer,
    )
    .await
}

fn url_decode_form(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}
