//! Faults the mock injects on request: 429 with Retry-After, 5xx, resets
//! mid-body, truncated and empty bodies; and 429 "too many concurrent
//! requests" above the configured concurrency.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::audio::{MOCK_RATE, speech, wav_bytes};
use super::{Answer, MockOptions, MockState, WavHeader};

/// A fault the mock can inject; the names are `--faults`'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 429 with Retry-After and retry-after-ms.
    #[value(name = "429", alias = "rate_limit")]
    RateLimit,
    /// 500 or 503.
    #[value(name = "500", aliases = ["5xx", "server_error"])]
    ServerError,
    /// The connection drops in the middle of the body.
    Reset,
    /// A WAV whose header promises more audio than is sent.
    Truncate,
    /// 200 with an empty body.
    Empty,
}

/// A deterministic draw for request `n`: the same seed fails the same requests.
fn draw(o: &MockOptions, n: u64, salt: u64) -> u64 {
    let h = crate::hash::fields(&[&o.seed.to_le_bytes(), &n.to_le_bytes(), &salt.to_le_bytes()]);
    u64::from_str_radix(&h[..12], 16).unwrap_or(0)
}

/// Whether request `n` (with `in_flight` requests running) fails, and how.
/// Only answers that would succeed are replaced: a request the API rejects
/// keeps its error. Too many in flight turns into a 429 answer itself.
pub(super) fn choose(
    state: &MockState,
    n: u64,
    in_flight: usize,
    answer: Answer,
) -> (Answer, Option<Fault>) {
    let o = &state.options;
    if answer.status != StatusCode::OK {
        return (answer, None);
    }
    if o.max_concurrent.is_some_and(|m| in_flight > m) {
        let busy = Answer::json_error(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"detail": {"status": "too_many_concurrent_requests", "message": "too many concurrent requests"}}),
        );
        return (busy, None);
    }
    if !o.faults.is_empty() && (draw(o, n, 0) as f64 / (1u64 << 48) as f64) < o.fail_rate {
        // The kinds take turns, so every kind shows up once a few requests failed.
        let k = state
            .faults_injected
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let fault = o.faults[(k % o.faults.len() as u64) as usize];
        return (answer, Some(fault));
    }
    (answer, None)
}

/// The response that `fault` puts in place of `answer`.
pub(super) fn response(fault: Fault, answer: &Answer, o: &MockOptions, n: u64) -> Response {
    match fault {
        Fault::RateLimit => {
            let ms = o.retry_after.as_millis() as u64;
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::CONTENT_TYPE, "application/json")],
                json!({"error": {"message": "Rate limit reached (mock)", "type": "requests", "code": "rate_limit_exceeded"}}).to_string(),
            )
                .into_response();
            r.headers_mut()
                .insert("retry-after-ms", HeaderValue::from(ms));
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(ms.div_ceil(1000)));
            r
        }
        Fault::ServerError => {
            let status = if draw(o, n, 2).is_multiple_of(2) {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            (
                status,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><title>Internal Server Error</title></html>",
            )
                .into_response()
        }
        Fault::Reset => reset(answer),
        Fault::Truncate => truncated(answer),
        Fault::Empty => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "audio/wav")],
            Vec::<u8>::new(),
        )
            .into_response(),
    }
}

/// Half the body, then a failed stream: the connection is cut.
fn reset(answer: &Answer) -> Response {
    let half = answer.body[..answer.body.len() / 2].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "mock reset",
        )),
    ];
    let mut r = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    if let Some(ct) = answer.content_type {
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    r
}

/// A complete HTTP answer whose audio is cut short.
fn truncated(answer: &Answer) -> Response {
    match answer.content_type {
        // Raw audio: a third of it, as a dropped stream would leave.
        Some(ct @ ("audio/pcm" | "audio/mpeg" | "audio/flac")) => {
            let mut body = answer.body.clone();
            body.truncate(body.len() / 3 / 2 * 2);
            (StatusCode::OK, [(header::CONTENT_TYPE, ct)], body).into_response()
        }
        // A WAV whose header promises more than is sent.
        _ => {
            let mut body = if answer.wav {
                answer.body.clone()
            } else {
                wav_bytes(&speech("truncated", MOCK_RATE), MOCK_RATE, WavHeader::Valid)
            };
            body.truncate(body.len() * 2 / 3);
            (StatusCode::OK, [(header::CONTENT_TYPE, "audio/wav")], body).into_response()
        }
    }
}
