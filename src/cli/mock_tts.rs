//! `podgen mock-tts`: the mock TTS server ([`crate::mock`]) on 127.0.0.1,
//! for the tests and for trying podgen without a vendor account.

use std::time::Duration;

use clap::Args;

use super::Result;
use crate::error::Failure;
use crate::mock::{Fault, MockOptions, MockServer, WavHeader};

/// `podgen mock-tts`'s arguments.
#[derive(Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8099)]
    port: u16,
    /// Delay before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fraction of requests that fail (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    fail_rate: f64,
    /// Which faults to draw from: 429, 500, reset, truncate, empty.
    #[arg(long, value_delimiter = ',', default_value = "429,500,reset,truncate")]
    faults: Vec<Fault>,
    /// The Retry-After that injected 429s ask for, in milliseconds.
    #[arg(long, default_value_t = 200)]
    retry_after_ms: u64,
    /// Seed for which requests fail.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Require the API key held in this environment variable.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Answer 429 "too many concurrent requests" above this many in flight.
    #[arg(long)]
    max_concurrent: Option<usize>,
    /// WAV size fields: valid, zero, ffff, 7fff, list.
    #[arg(long, default_value = "valid")]
    wav_header: WavHeader,
}

/// A fraction from 0 to 1, for `--fail-rate`.
fn fraction(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is not between 0 and 1")),
        Err(_) => Err(format!("{s:?} is not a number between 0 and 1")),
    }
}

/// Serve until killed, after printing where each API's route is.
pub fn run(a: MockArgs) -> Result<()> {
    let port = a.port;
    let options = MockOptions {
        latency: Duration::from_millis(a.latency_ms),
        fail_rate: a.fail_rate,
        faults: a.faults,
        retry_after: Duration::from_millis(a.retry_after_ms),
        seed: a.seed,
        api_key: a.api_key_env.and_then(|v| std::env::var(v).ok()),
        max_concurrent: a.max_concurrent,
        wav_header: a.wav_header,
    };
    let server = MockServer::start(port, options)
        .map_err(|e| Failure::runtime(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let url = server.url();
    println!("podgen mock-tts listening on {url}");
    println!("  OpenAI:     POST {url}/v1/audio/speech");
    println!("  ElevenLabs: POST {url}/v1/text-to-speech/{{voice}}/with-timestamps");
    println!("  Azure:      POST {url}/cognitiveservices/v1");
    println!("  Google:     POST {url}/v1/text:synthesize");
    println!("  piper:      POST {url}/synthesize");
    println!("  generic:    {url}/custom/{{json,form,query,text}}");
    println!("  requests:   GET  {url}/_mock/requests");
    server.wait();
    Ok(())
}
