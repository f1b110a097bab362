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
//!   `pcm_<rate>`, mp3, flac, json)
//! - `GET /_mock/requests`: what was received, as JSON

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod audio;
mod azure;
mod custom;
mod elevenlabs;
mod faults;
mod google;
mod openai;
mod piper;

pub use audio::{
    MOCK_RATE, flac_bytes, mp3_bytes, speech, speech_frames, speech_seconds, wav_bytes,
};
pub use faults::Fault;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use serde::Serialize;
use serde_json::Value;

/// How WAV responses write their size fields (real servers differ); the
/// names are `--wav-header`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum WavHeader {
    /// Correct sizes.
    #[default]
    Valid,
    /// RIFF and data sizes 0 (Python `wave` with zero frames, then PCM).
    Zero,
    /// 0xFFFFFFFF (ffmpeg to a pipe: OpenAI, Kokoro-FastAPI, Speaches).
    Ffff,
    /// 0x7FFFFFFF (ElevenLabs streamed WAV).
    #[value(name = "7fff")]
    SevenFff,
    /// Valid sizes with a LIST chunk before the data (ffmpeg/PyAV).
    List,
}

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Delay before every answer.
    pub latency: Duration,
    /// Fraction of requests (0..1) that fail with one of `faults`.
    pub fail_rate: f64,
    /// The faults drawn from, in turn.
    pub faults: Vec<Fault>,
    /// The Retry-After the 429 fault asks for.
    pub retry_after: Duration,
    /// Which requests fail follows from the seed.
    pub seed: u64,
    /// When set, requests must carry this key (Bearer / xi-api-key / ...).
    pub api_key: Option<String>,
    /// Answer 429 "too many concurrent requests" above this many in flight.
    pub max_concurrent: Option<usize>,
    /// How WAV answers write their size fields.
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

/// One request as the mock received it, and how it answered.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// Which API: openai, elevenlabs, azure, google, piper, custom/...
    pub route: String,
    /// The HTTP method.
    pub method: String,
    /// The text to speak, as the mock parsed it out of the request.
    pub text: Option<String>,
    /// The status sent.
    pub status: u16,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// Milliseconds since the server started.
    pub started_ms: u64,
    /// Milliseconds since the server started, when the answer was sent.
    pub finished_ms: u64,
    /// Request headers (lower-case names).
    pub headers: BTreeMap<String, String>,
    /// The query string.
    pub query: BTreeMap<String, String>,
    /// The body, as text.
    pub body: String,
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
pub struct MockServer {
    /// Where it listens.
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

    /// `http://127.0.0.1:<port>`.
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
        .route("/v1/audio/speech", api(POST, "openai", openai::answer))
        .route(
            "/v1/text-to-speech/{voice}/with-timestamps",
            api(POST, "elevenlabs", elevenlabs::answer),
        )
        .route("/cognitiveservices/v1", api(POST, "azure", azure::answer))
        .route("/v1/text:synthesize", api(POST, "google", google::answer))
        .route("/synthesize", api(POST, "piper", piper::answer))
        .route("/custom/json", api(POST, "custom/json", custom::json))
        .route("/custom/form", api(POST, "custom/form", custom::form))
        .route("/custom/query", api(GET, "custom/query", custom::query))
        .route("/custom/text", api(POST, "custom/text", custom::text))
        .route("/_mock/requests", get(list_requests))
        .with_state(state)
}

const GET: MethodFilter = MethodFilter::GET;
const POST: MethodFilter = MethodFilter::POST;

/// What an API's handler decides from a request.
type Handler = fn(&MockOptions, &Received) -> Answer;

/// The route of one API, recorded as `route`: [`respond`] around its
/// handler.
fn api(
    method: MethodFilter,
    route: &'static str,
    handler: Handler,
) -> MethodRouter<Arc<MockState>> {
    on(
        method,
        move |State(st): State<Arc<MockState>>, request: Received| async move {
            respond(&st, route, &request, || handler(&st.options, &request)).await
        },
    )
}

/// A request as every handler reads it.
struct Received {
    method: Method,
    headers: HeaderMap,
    query: BTreeMap<String, String>,
    /// The route's path parameters (ElevenLabs' voice).
    params: BTreeMap<String, String>,
    body: Bytes,
}

impl Received {
    /// A header's value, when it is text.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<S: Send + Sync> FromRequest<S> for Received {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Query::<BTreeMap<String, String>>::try_from_uri(&parts.uri)
            .map_err(IntoResponse::into_response)?;
        let (method, headers) = (parts.method.clone(), parts.headers.clone());
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Received {
            method,
            headers,
            query,
            params,
            body,
        })
    }
}

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

    /// The answer as the handler gave it.
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body).into_response();
        if let Some(ct) = self.content_type {
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                r.headers_mut().insert(k, v);
            }
        }
        r
    }
}

/// How one request went, for the record.
struct Outcome {
    text: Option<String>,
    started: Duration,
    status: u16,
    fault: Option<Fault>,
}

/// Answer one request: count it in flight, wait the latency, let the
/// handler decide, put a fault in its place when one is due, record it.
async fn respond(
    state: &MockState,
    route: &'static str,
    request: &Received,
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
    let answer = handler();
    let (answer, fault) = faults::choose(state, n, now_in_flight, answer);
    let text = answer.text.clone();
    let mut response = match fault {
        Some(fault) => faults::response(fault, &answer, &state.options, n),
        None => answer.into_response(),
    };
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let outcome = Outcome {
        text,
        started,
        status: response.status().as_u16(),
        fault,
    };
    record(state, route, request, outcome);
    response
        .headers_mut()
        .insert("x-mock-request", HeaderValue::from(n));
    response
}

/// Keep what was received, for tests and `GET /_mock/requests`.
fn record(state: &MockState, route: &str, request: &Received, outcome: Outcome) {
    let finished = state.started.elapsed();
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    state.requests.lock().expect("lock").push(Recorded {
        route: route.to_string(),
        method: request.method.to_string(),
        text: outcome.text,
        status: outcome.status,
        fault: outcome.fault,
        started_ms: outcome.started.as_millis() as u64,
        finished_ms: finished.as_millis() as u64,
        headers,
        query: request.query.clone(),
        body: String::from_utf8_lossy(&request.body).into_owned(),
    });
}

fn check_key(o: &MockOptions, presented: Option<&str>) -> bool {
    match &o.api_key {
        None => true,
        Some(k) => presented == Some(k.as_str()),
    }
}

async fn list_requests(State(st): State<Arc<MockState>>) -> Response {
    let list = st.requests.lock().expect("lock").clone();
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(&list).unwrap_or_default(),
    )
        .into_response()
}
