//! `podgen mock-tts`: a TTS server for tests and for trying podgen without a
//! vendor account.
//!
//! It imitates each preset's request and response shapes and checks requests
//! as strictly as the real API (a wrong shape gets that API's error). Its
//! audio is deterministic and speech-like (a voiced harmonic tone with
//! syllable-rate loudness changes), and its length follows the text:
//! [`speech_seconds`]. It records every request, and injects faults on
//! request: latency, 429 with Retry-After, 5xx, connection resets, truncated
//! or empty bodies, audio labelled as HTML.
//!
//! Routes:
//! - `POST /v1/audio/speech`: OpenAI (and compatible servers)
//! - `POST /v1/text-to-speech/{voice}/with-timestamps`: ElevenLabs
//! - `POST /cognitiveservices/v1`: Azure (SSML)
//! - `POST /v1/text:synthesize`: Google
//! - `POST /synthesize`: piper's HTTP server
//! - `POST /custom/json`, `POST /custom/form`, `GET /custom/query`,
//!   `POST /custom/text`: a generic API whose `format` field picks the
//!   response (wav, wav_zero, wav_ffff, wav_7fff, wav_list, wav_html,
//!   pcm_<rate>, mp3, flac, json)
//! - `GET /_mock/requests`: what was received, as JSON

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Value, json};

/// A fault the mock can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 429 with Retry-After and retry-after-ms.
    RateLimit,
    /// 500 or 503.
    ServerError,
    /// The connection drops in the middle of the body.
    Reset,
    /// A WAV whose header promises more audio than is sent.
    Truncate,
    /// 200 with an empty body.
    Empty,
}

impl std::str::FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim() {
            "429" | "rate_limit" => Fault::RateLimit,
            "500" | "5xx" | "server_error" => Fault::ServerError,
            "reset" => Fault::Reset,
            "truncate" => Fault::Truncate,
            "empty" => Fault::Empty,
            other => {
                return Err(format!(
                    "unknown fault {other:?}: use 429, 500, reset, truncate, empty"
                ));
            }
        })
    }
}

/// How WAV responses write their size fields (real servers differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WavHeader {
    #[default]
    Valid,
    /// RIFF and data sizes 0 (Python `wave` with zero frames, then PCM).
    Zero,
    /// 0xFFFFFFFF (ffmpeg to a pipe: OpenAI, Kokoro-FastAPI, Speaches).
    Ffff,
    /// 0x7FFFFFFF (ElevenLabs streamed WAV).
    SevenFff,
    /// Valid sizes with a LIST chunk before the data (ffmpeg/PyAV).
    List,
}

#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Delay before every answer.
    pub latency: Duration,
    /// Fraction of requests (0..1) that fail with one of `faults`.
    pub fail_rate: f64,
    pub faults: Vec<Fault>,
    /// The Retry-After the 429 fault asks for.
    pub retry_after: Duration,
    pub seed: u64,
    /// When set, requests must carry this key (Bearer / xi-api-key / ...).
    pub api_key: Option<String>,
    /// Answer 429 "too many concurrent requests" above this many in flight.
    pub max_concurrent: Option<usize>,
    pub wav_header: WavHeader,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            latency: Duration::ZERO,
            fail_rate: 0.0,
            faults: vec![
                Fault::RateLimit,
                Fault::ServerError,
                Fault::Reset,
                Fault::Truncate,
            ],
            retry_after: Duration::from_millis(200),
            seed: 1,
            api_key: None,
            max_concurrent: None,
            wav_header: WavHeader::Valid,
        }
    }
}

/// One request as the mock received it.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub route: String,
    pub method: String,
    pub headers: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
    pub body: String,
    /// The text to speak, as the mock parsed it out of the request.
    pub text: Option<String>,
    /// Milliseconds since the server started.
    pub started_ms: u64,
    pub finished_ms: u64,
    pub status: u16,
    pub fault: Option<Fault>,
}

struct MockState {
    options: MockOptions,
    requests: Mutex<Vec<Recorded>>,
    counter: AtomicU64,
    faults_injected: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    started: Instant,
}

/// The sample rate of the mock's default voice (OpenAI's and Kokoro's).
pub const MOCK_RATE: u32 = 24_000;

/// How long the mock speaks `text`: 0.2 s, plus 200 ms per Chinese
/// character (5 a second, as Mandarin newsreaders speak) and 60 ms per other
/// non-space character.
pub fn speech_seconds(text: &str) -> f64 {
    0.2 + text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if crate::lang::is_han(c) { 0.2 } else { 0.06 })
        .sum::<f64>()
}

/// Frames of speech for `text` at `rate`.
pub fn speech_frames(text: &str, rate: u32) -> usize {
    (speech_seconds(text) * f64::from(rate)).round() as usize
}

/// Deterministic speech-like audio for `text`: a voiced tone whose pitch
/// comes from the text's hash, eight harmonics, loudness rising and falling
/// at a syllable rate. It never falls silent, so trimming keeps all of it.
pub fn speech(text: &str, rate: u32) -> Vec<f32> {
    let n = speech_frames(text, rate);
    let h = crate::hash::hex(text.as_bytes());
    let f0 = 100.0 + (u64::from_str_radix(&h[..4], 16).unwrap_or(0) % 80) as f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let syllable = 0.65 + 0.35 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let wobble = 1.0 + 0.03 * (2.0 * std::f64::consts::PI * 0.7 * t).sin();
            let voiced: f64 = (1..=8)
                .map(|k| (2.0 * std::f64::consts::PI * f0 * wobble * k as f64 * t).sin() / k as f64)
                .sum();
            (0.18 * syllable * voiced) as f32
        })
        .collect()
}

fn to_i16(s: &[f32]) -> Vec<i16> {
    s.iter()
        .map(|x| (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

/// A 16-bit mono WAV with the header style asked for.
pub fn wav_bytes(samples: &[f32], rate: u32, style: WavHeader) -> Vec<u8> {
    let pcm: Vec<u8> = to_i16(samples)
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let list: &[u8] = b"LIST\x1a\0\0\0INFOISFT\x0e\0\0\0Lavf61.7.100\0\0";
    let data_len = pcm.len() as u32;
    let extra = if style == WavHeader::List {
        list.len() as u32
    } else {
        0
    };
    let (riff, data) = match style {
        WavHeader::Valid | WavHeader::List => (36 + extra + data_len, data_len),
        WavHeader::Zero => (36, 0),
        WavHeader::Ffff => (u32::MAX, u32::MAX),
        WavHeader::SevenFff => (0x7FFF_FFFF, 0x7FFF_FFFF),
    };
    let mut b = Vec::with_capacity(pcm.len() + 80);
    b.extend(b"RIFF");
    b.extend(riff.to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(rate.to_le_bytes());
    b.extend((rate * 2).to_le_bytes());
    b.extend(2u16.to_le_bytes());
    b.extend(16u16.to_le_bytes());
    if style == WavHeader::List {
        b.extend(list);
    }
    b.extend(b"data");
    b.extend(data.to_le_bytes());
    b.extend(pcm);
    b
}

pub fn mp3_bytes(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    use mp3lame_encoder::{Bitrate, Builder, FlushNoGap, MonoPcm, Quality};
    let mut b = Builder::new().ok_or("LAME did not start")?;
    b.set_num_channels(1).map_err(|e| e.to_string())?;
    b.set_sample_rate(rate).map_err(|e| e.to_string())?;
    b.set_brate(Bitrate::Kbps64).map_err(|e| e.to_string())?;
    b.set_quality(Quality::Good).map_err(|e| e.to_string())?;
    let mut enc = b.build().map_err(|e| e.to_string())?;
    let mut out =
        Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(samples.len()) + 7200);
    let pcm = to_i16(samples);
    enc.encode_to_vec(MonoPcm(&pcm[..]), &mut out)
        .map_err(|e| e.to_string())?;
    enc.flush_to_vec::<FlushNoGap>(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

pub fn flac_bytes(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let pcm: Vec<i32> = to_i16(samples).into_iter().map(i32::from).collect();
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|e| format!("{e:?}"))?;
    let source = flacenc::source::MemSource::from_samples(&pcm, 1, 16, rate as usize);
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| format!("{e:?}"))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).map_err(|e| format!("{e:?}"))?;
    let mut bytes = sink.as_slice().to_vec();
    // flacenc writes the short last block's size as STREAMINFO's minimum block
    // size; the FLAC format excludes the last block from it (a fixed-size
    // stream has min == max), and symphonia rejects the stream otherwise.
    if bytes.len() > 12 && &bytes[..4] == b"fLaC" {
        let (max_hi, max_lo) = (bytes[10], bytes[11]);
        bytes[8] = max_hi;
        bytes[9] = max_lo;
    }
    Ok(bytes)
}

/// A running mock server.
pub struct MockServer {
    pub addr: SocketAddr,
    state: Arc<MockState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Start on 127.0.0.1:`port` (0 picks a free port) in a thread of its own.
    pub fn start(port: u16, options: MockOptions) -> std::io::Result<Self> {
        let state = Arc::new(MockState {
            options,
            requests: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
            faults_injected: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            started: Instant::now(),
        });
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("mock runtime");
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(std_listener).expect("mock listener");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        Ok(MockServer {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Block until the server stops (for the CLI).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/v1/audio/speech", post(openai))
        .route(
            "/v1/text-to-speech/{voice}/with-timestamps",
            post(elevenlabs),
        )
        .route("/cognitiveservices/v1", post(azure))
        .route("/v1/text:synthesize", post(google))
        .route("/synthesize", post(piper))
        .route("/custom/json", post(custom_json))
        .route("/custom/form", post(custom_form))
        .route("/custom/query", get(custom_query))
        .route("/custom/text", post(custom_text))
        .route("/_mock/requests", get(list_requests))
        .with_state(state)
}

type Q = Query<BTreeMap<String, String>>;

/// What a handler decided, before faults and latency are applied.
struct Answer {
    status: StatusCode,
    content_type: Option<&'static str>,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    text: Option<String>,
    /// Whether the body is audio in a form that can be truncated.
    wav: bool,
}

impl Answer {
    fn audio(body: Vec<u8>, content_type: &'static str, text: String, wav: bool) -> Self {
        Answer {
            status: StatusCode::OK,
            content_type: Some(content_type),
            headers: vec![],
            body,
            text: Some(text),
            wav,
        }
    }

    fn error(status: StatusCode, content_type: Option<&'static str>, body: String) -> Self {
        Answer {
            status,
            content_type,
            headers: vec![],
            body: body.into_bytes(),
            text: None,
            wav: false,
        }
    }

    fn json_error(status: StatusCode, body: Value) -> Self {
        Answer::error(status, Some("application/json"), body.to_string())
    }
}

/// Record the request, apply latency, concurrency limit and faults, answer.
async fn respond(
    state: &MockState,
    route: &str,
    method: &str,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
    body: &[u8],
    handler: impl FnOnce() -> Answer,
) -> Response {
    let started = state.started.elapsed();
    let now_in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state
        .max_in_flight
        .fetch_max(now_in_flight, Ordering::SeqCst);
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    if !state.options.latency.is_zero() {
        tokio::time::sleep(state.options.latency).await;
    }
    let o = &state.options;
    let mut answer = handler();
    // A deterministic draw per request: the same seed fails the same requests.
    let draw = |salt: u64| {
        let h =
            crate::hash::fields(&[&o.seed.to_le_bytes(), &n.to_le_bytes(), &salt.to_le_bytes()]);
        u64::from_str_radix(&h[..12], 16).unwrap_or(0)
    };
    let mut fault = None;
    if answer.status == StatusCode::OK {
        if o.max_concurrent.is_some_and(|m| now_in_flight > m) {
            answer = Answer::json_error(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"detail": {"status": "too_many_concurrent_requests", "message": "too many concurrent requests"}}),
            );
        } else if !o.faults.is_empty() && (draw(0) as f64 / (1u64 << 48) as f64) < o.fail_rate {
            // The kinds take turns, so every kind shows up once a few requests failed.
            let k = state.faults_injected.fetch_add(1, Ordering::SeqCst);
            fault = Some(o.faults[(k % o.faults.len() as u64) as usize]);
        }
    }
    let text = answer.text.clone();
    let mut response = match fault {
        Some(Fault::RateLimit) => {
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
        Some(Fault::ServerError) => {
            let status = if draw(2) % 2 == 0 {
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
        Some(Fault::Reset) => {
            // Send half the body, then fail the stream: the connection is cut.
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
        Some(Fault::Truncate) => {
            // A complete HTTP answer whose audio is cut short.
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
        Some(Fault::Empty) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "audio/wav")],
            Vec::<u8>::new(),
        )
            .into_response(),
        None => {
            let mut r = (answer.status, answer.body).into_response();
            if let Some(ct) = answer.content_type {
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            }
            for (k, v) in answer.headers {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    r.headers_mut().insert(k, v);
                }
            }
            r
        }
    };
    let status = response.status().as_u16();
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let finished = state.started.elapsed();
    state.requests.lock().expect("lock").push(Recorded {
        route: route.to_string(),
        method: method.to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        query: query.clone(),
        body: String::from_utf8_lossy(body).into_owned(),
        text,
        started_ms: started.as_millis() as u64,
        finished_ms: finished.as_millis() as u64,
        status,
        fault,
    });
    response
        .headers_mut()
        .insert("x-mock-request", HeaderValue::from(n));
    response
}

fn header_str<'a>(h: &'a HeaderMap, k: &str) -> Option<&'a str> {
    h.get(k).and_then(|v| v.to_str().ok())
}

/// Audio in a format named by the generic API's `format` field.
fn formatted(text: &str, format: &str, style: WavHeader) -> Result<Answer, String> {
    let text_owned = text.to_string();
    if let Some(rate) = format.strip_prefix("pcm_") {
        let rate: u32 = rate
            .parse()
            .map_err(|_| format!("bad pcm rate in {format:?}"))?;
        let pcm: Vec<u8> = to_i16(&speech(text, rate))
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        return Ok(Answer::audio(pcm, "audio/pcm", text_owned, false));
    }
    let s = speech(text, MOCK_RATE);
    let wav_header = match format {
        "wav" | "wav_html" => Some(style),
        "wav_zero" => Some(WavHeader::Zero),
        "wav_ffff" => Some(WavHeader::Ffff),
        "wav_7fff" => Some(WavHeader::SevenFff),
        "wav_list" => Some(WavHeader::List),
        _ => None,
    };
    if let Some(header) = wav_header {
        // piper-style servers label WAV as HTML.
        let content_type = if format == "wav_html" {
            "text/html; charset=utf-8"
        } else {
            "audio/wav"
        };
        return Ok(Answer::audio(
            wav_bytes(&s, MOCK_RATE, header),
            content_type,
            text_owned,
            true,
        ));
    }
    Ok(match format {
        "mp3" => Answer::audio(mp3_bytes(&s, MOCK_RATE)?, "audio/mpeg", text_owned, false),
        "flac" => Answer::audio(flac_bytes(&s, MOCK_RATE)?, "audio/flac", text_owned, false),
        "json" => {
            let b64 =
                base64::engine::general_purpose::STANDARD.encode(wav_bytes(&s, MOCK_RATE, style));
            let mut a = Answer::audio(
                json!({"audio": b64}).to_string().into_bytes(),
                "application/json",
                text_owned,
                false,
            );
            a.wav = false;
            a
        }
        other => return Err(format!("unknown format {other:?}")),
    })
}

fn check_key(o: &MockOptions, presented: Option<&str>) -> bool {
    match &o.api_key {
        None => true,
        Some(k) => presented == Some(k.as_str()),
    }
}

// ---- OpenAI ---------------------------------------------------------------

fn openai_error(status: StatusCode, message: &str, param: Option<&str>, code: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}),
    )
}

async fn openai(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let answer = || {
        let bearer = header_str(&headers, "authorization").and_then(|v| v.strip_prefix("Bearer "));
        if st.options.api_key.is_some() && bearer.is_none() {
            return openai_error(
                StatusCode::UNAUTHORIZED,
                "You didn't provide an API key.",
                None,
                "missing_api_key",
            );
        }
        if !check_key(&st.options, bearer) {
            return openai_error(
                StatusCode::UNAUTHORIZED,
                "Incorrect API key provided.",
                None,
                "invalid_api_key",
            );
        }
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
            return openai_error(
                StatusCode::BAD_REQUEST,
                "We could not parse the JSON body of your request.",
                None,
                "invalid_json",
            );
        };
        for field in ["model", "input", "voice"] {
            if !v.get(field).is_some_and(Value::is_string) {
                return openai_error(
                    StatusCode::BAD_REQUEST,
                    &format!("'{field}' is a required property"),
                    Some(field),
                    "missing_required_parameter",
                );
            }
        }
        let input = v["input"].as_str().unwrap_or_default();
        if input.trim().is_empty() {
            return openai_error(
                StatusCode::BAD_REQUEST,
                "'input' must not be empty",
                Some("input"),
                "invalid_value",
            );
        }
        if input.chars().count() > 4096 {
            return openai_error(
                StatusCode::BAD_REQUEST,
                "'input' is longer than 4096 characters",
                Some("input"),
                "string_above_max_length",
            );
        }
        if let Some(speed) = v.get("speed")
            && !speed.as_f64().is_some_and(|s| (0.25..=4.0).contains(&s))
        {
            return openai_error(
                StatusCode::BAD_REQUEST,
                "'speed' must be a number from 0.25 to 4.0",
                Some("speed"),
                "invalid_value",
            );
        }
        let format = v
            .get("response_format")
            .and_then(Value::as_str)
            .unwrap_or("mp3");
        let format = match format {
            "wav" => "wav",
            "pcm" => "pcm_24000",
            "mp3" => "mp3",
            "flac" => "flac",
            "opus" | "aac" => {
                return openai_error(
                    StatusCode::BAD_REQUEST,
                    "the mock serves wav, pcm, mp3 and flac",
                    Some("response_format"),
                    "unsupported_value",
                );
            }
            _ => {
                return openai_error(
                    StatusCode::BAD_REQUEST,
                    "'response_format' must be one of mp3, opus, aac, flac, wav, pcm",
                    Some("response_format"),
                    "invalid_value",
                );
            }
        };
        formatted(input, format, st.options.wav_header).unwrap_or_else(|e| {
            openai_error(StatusCode::INTERNAL_SERVER_ERROR, &e, None, "server_error")
        })
    };
    respond(&st, "openai", "POST", &headers, &q, &body, answer).await
}

// ---- ElevenLabs -----------------------------------------------------------

fn eleven_error(status: StatusCode, code: &str, message: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"detail": {"status": code, "message": message}}),
    )
}

async fn elevenlabs(
    State(st): State<Arc<MockState>>,
    Path(voice): Path<String>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let answer = || {
        let key = header_str(&headers, "xi-api-key");
        if st.options.api_key.is_some() && !check_key(&st.options, key) {
            return eleven_error(
                StatusCode::UNAUTHORIZED,
                "invalid_api_key",
                "Invalid API key",
            );
        }
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
            return Answer::json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"detail": [{"loc": ["body"], "msg": "invalid JSON", "type": "value_error.jsondecode"}]}),
            );
        };
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            return Answer::json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"detail": [{"loc": ["body", "text"], "msg": "field required", "type": "value_error.missing"}]}),
            );
        };
        for f in ["model_id", "previous_text", "next_text"] {
            if v.get(f).is_some_and(|x| !x.is_string()) {
                return Answer::json_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"detail": [{"loc": ["body", f], "msg": "str type expected", "type": "type_error.str"}]}),
                );
            }
        }
        if voice.is_empty() {
            return eleven_error(
                StatusCode::BAD_REQUEST,
                "voice_not_found",
                "A voice with that id was not found",
            );
        }
        let output = q
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
    };
    respond(&st, "elevenlabs", "POST", &headers, &q, &body, answer).await
}

// ---- Azure ----------------------------------------------------------------

/// The text inside `<voice>` of an SSML document, and the voice's name.
fn ssml_text(body: &[u8]) -> Result<(String, String), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let (mut in_voice, mut text, mut voice, mut root) = (0, String::new(), None, None);
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("malformed SSML: {e}"))?
        {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if root.is_none() {
                    root = Some(name.clone());
                }
                if name == "voice" {
                    in_voice += 1;
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == b"name" {
                            voice =
                                Some(a.unescape_value().map_err(|e| e.to_string())?.into_owned());
                        }
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"voice" => in_voice -= 1,
            Event::Text(t) if in_voice > 0 => {
                text.push_str(
                    &t.xml_content()
                        .map_err(|e| format!("malformed SSML text: {e}"))?,
                );
            }
            Event::GeneralRef(r) if in_voice > 0 => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let ch = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c.to_string(),
                        None => return Err(format!("unknown entity &{other};")),
                    },
                };
                text.push_str(&ch);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if root.as_deref() != Some("speak") {
        return Err("the root element must be <speak>".into());
    }
    let voice = voice.ok_or("no <voice name=...> element")?;
    Ok((text, voice))
}

async fn azure(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let answer = || {
        // Azure answers errors with a bare status and an empty body.
        let bare = |s: StatusCode| Answer::error(s, None, String::new());
        if st.options.api_key.is_some()
            && !check_key(
                &st.options,
                header_str(&headers, "ocp-apim-subscription-key"),
            )
        {
            return bare(StatusCode::UNAUTHORIZED);
        }
        if !header_str(&headers, "content-type")
            .is_some_and(|c| c.starts_with("application/ssml+xml"))
        {
            return bare(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        }
        let rate = match header_str(&headers, "x-microsoft-outputformat") {
            Some("riff-16khz-16bit-mono-pcm") => 16_000,
            Some("riff-24khz-16bit-mono-pcm") => 24_000,
            Some("riff-48khz-16bit-mono-pcm") => 48_000,
            _ => return bare(StatusCode::BAD_REQUEST),
        };
        if header_str(&headers, "user-agent").is_none() {
            return bare(StatusCode::BAD_REQUEST);
        }
        match ssml_text(&body) {
            Ok((text, _voice)) if !text.trim().is_empty() => Answer::audio(
                wav_bytes(&speech(&text, rate), rate, WavHeader::Valid),
                "audio/x-wav",
                text,
                true,
            ),
            _ => bare(StatusCode::BAD_REQUEST),
        }
    };
    respond(&st, "azure", "POST", &headers, &q, &body, answer).await
}

// ---- Google ---------------------------------------------------------------

fn google_error(status: StatusCode, message: &str, code: &str) -> Answer {
    Answer::json_error(
        status,
        json!({"error": {"code": status.as_u16(), "message": message, "status": code}}),
    )
}

async fn google(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let answer = || {
        let key = header_str(&headers, "x-goog-api-key").or(q.get("key").map(String::as_str));
        if st.options.api_key.is_some() && !check_key(&st.options, key) {
            return google_error(
                StatusCode::FORBIDDEN,
                "API key not valid. Please pass a valid API key.",
                "PERMISSION_DENIED",
            );
        }
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
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
    };
    respond(&st, "google", "POST", &headers, &q, &body, answer).await
}

// ---- piper ----------------------------------------------------------------

async fn piper(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
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
    respond(&st, "piper", "POST", &headers, &q, &body, answer).await
}

// ---- generic --------------------------------------------------------------

fn custom(
    st: &MockState,
    headers: &HeaderMap,
    text: Option<String>,
    format: Option<String>,
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
    formatted(
        &text,
        format.as_deref().unwrap_or("wav"),
        st.options.wav_header,
    )
    .unwrap_or_else(|e| Answer::json_error(StatusCode::BAD_REQUEST, json!({"error": e})))
}

async fn custom_json(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
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
        ),
        Err(e) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("invalid JSON: {e}")}),
        ),
    };
    respond(&st, "custom/json", "POST", &headers, &q, &body, answer).await
}

async fn custom_form(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
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
        )
    };
    respond(&st, "custom/form", "POST", &headers, &q, &body, answer).await
}

async fn custom_query(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
) -> Response {
    let answer = || {
        custom(
            &st,
            &headers,
            q.get("text").cloned(),
            q.get("format").cloned(),
        )
    };
    respond(&st, "custom/query", "GET", &headers, &q, &[], answer).await
}

async fn custom_text(
    State(st): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let answer = || match std::str::from_utf8(&body) {
        Ok(t) => custom(&st, &headers, Some(t.to_string()), q.get("format").cloned()),
        Err(_) => Answer::json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "body is not UTF-8"}),
        ),
    };
    respond(&st, "custom/text", "POST", &headers, &q, &body, answer).await
}

fn url_decode_form(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

async fn list_requests(State(st): State<Arc<MockState>>) -> Response {
    let list = st.requests.lock().expect("lock").clone();
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(&list).unwrap_or_default(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_is_deterministic_loud_and_as_long_as_promised() {
        let a = speech("你好 world", 24_000);
        assert_eq!(a, speech("你好 world", 24_000));
        assert_eq!(a.len(), speech_frames("你好 world", 24_000));
        // 0.2 s + two Chinese characters at 0.2 s + five Latin at 0.06 s.
        assert_eq!(a.len(), 21_600);
        let edge = &a[..240];
        assert!(
            edge.iter().any(|s| s.abs() > 0.01),
            "the start is not silent"
        );
        assert!(
            a[a.len() - 240..].iter().any(|s| s.abs() > 0.01),
            "the end is not silent"
        );
    }

    #[test]
    fn flac_and_mp3_decode_back_to_the_same_length() {
        let s = speech("The flac format carries this sentence", 24_000);
        let flac = crate::audio::decode::decode_bytes(flac_bytes(&s, 24_000).unwrap()).unwrap();
        assert_eq!(flac.frames(), s.len());
        let mp3 = crate::audio::decode::decode_bytes(mp3_bytes(&s, 24_000).unwrap()).unwrap();
        // MP3 moves the edges by up to a frame (encoder delay, padding).
        assert!(
            mp3.frames().abs_diff(s.len()) < 1_152 * 2,
            "{} vs {}",
            mp3.frames(),
            s.len()
        );
    }

    #[test]
    fn ssml_text_unescapes_entities() {
        let (t, v) = ssml_text(b"<speak version='1.0' xml:lang='en'><voice name='v1'><prosody rate='+0%'>a &amp; &lt;b&gt; &quot;c&quot; &#x1F389;</prosody></voice></speak>").unwrap();
        assert_eq!((t.as_str(), v.as_str()), ("a & <b> \"c\" 🎉", "v1"));
        assert!(ssml_text(b"<speak><voice name='v'>a & b</voice></speak>").is_err());
    }
}
