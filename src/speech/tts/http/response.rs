//! Reading an answer: the body within its size cap, what a failed status
//! means for retrying, where the audio is, and what it decodes to. Every
//! server's words are kept in the error (masked by the caller), since they
//! are what a user can act on.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::audio::Pcm;
use crate::audio::response::{self, BodyError, Declared};
use crate::speech::tts::SynthError;

/// The body, read up to `cap` bytes: a server that streams without end must
/// not fill the memory.
pub(super) async fn read_body(
    mut resp: reqwest::Response,
    cap: u64,
) -> Result<Vec<u8>, SynthError> {
    let too_big = || {
        SynthError::fatal(format!(
            "the response is larger than {} MB (max_response_mb), far more than any clip: is the server streaming without end?",
            cap / 1_000_000
        ))
    };
    if resp.content_length().is_some_and(|n| n > cap) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > cap {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(SynthError::transient(
                    format!("the response was cut off: {}", error_chain(&e)),
                    None,
                ));
            }
        }
    }
}

/// Why a request that was not answered failed, in words.
pub(super) fn send_failure(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    format!("{what}: {}", error_chain(e))
}

/// What a failed status means: 429, 408 and 5xx are worth retrying (a 429
/// about concurrency also asks for fewer requests at once), the rest are
/// final. `message` is the server's, already masked.
pub(super) fn status_failure(
    status: StatusCode,
    message: String,
    retry_after: Option<Duration>,
) -> SynthError {
    let code = status.as_u16();
    if code == 429 && message.contains("concurren") {
        SynthError::TooManyConcurrent {
            message,
            retry_after,
        }
    } else if code == 429 || code == 408 || status.is_server_error() {
        SynthError::transient(message, retry_after)
    } else {
        SynthError::fatal(message)
    }
}

/// The words of a failed answer: `HTTP 404: <the server's message>`.
pub(super) fn status_message(status: StatusCode, body: &[u8]) -> String {
    let message = response::text_message(body).unwrap_or_else(|| "(no message)".into());
    format!("HTTP {}: {message}", status.as_u16())
}

/// The audio bytes of a successful answer: the body itself, or the base64
/// string at the JSON `pointer`.
pub(super) fn audio_bytes(body: &[u8], pointer: Option<&str>) -> Result<Vec<u8>, SynthError> {
    let Some(ptr) = pointer else {
        return Ok(body.to_vec());
    };
    let json: Value = serde_json::from_slice(body).map_err(|_| {
        let m = response::text_message(body).unwrap_or_else(|| "not JSON".into());
        SynthError::transient(format!("expected JSON with audio at {ptr}: {m}"), None)
    })?;
    let b64 = json.pointer(ptr).and_then(Value::as_str).ok_or_else(|| {
        let m = response::json_message(&json).unwrap_or_else(|| format!("no string at {ptr}"));
        SynthError::transient(format!("no audio in the JSON response: {m}"), None)
    })?;
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| SynthError::transient(format!("the audio at {ptr} is not base64: {e}"), None))
}

/// The audio decoded. A message where audio should be (a 200 with a JSON
/// error) and damage in transit are worth retrying; audio podgen cannot use
/// is not, since the same request would bring it back.
pub(super) fn decoded(audio: &[u8], declared: Declared) -> Result<Pcm, SynthError> {
    response::decode_body(audio, declared).map_err(|e| match e {
        BodyError::Message(m) => {
            SynthError::transient(format!("HTTP 200 but {}", BodyError::Message(m)), None)
        }
        unusable @ BodyError::Unusable(_) => SynthError::fatal(unusable.to_string()),
        other => SynthError::transient(other.to_string(), None),
    })
}

/// An error with its causes, which reqwest keeps apart.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// `retry-after-ms` (OpenAI) first, then `Retry-After` in seconds.
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    if let Some(ms) = get("retry-after-ms").filter(|v| v.is_finite() && *v >= 0.0) {
        return Some(Duration::from_secs_f64((ms / 1000.0).min(30.0 * 86_400.0)));
    }
    get("retry-after")
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(30.0 * 86_400.0)))
}
