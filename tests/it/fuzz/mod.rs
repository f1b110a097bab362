//! Fuzz-style tests of every parser that takes bytes from outside: response
//! and sting decoding (then resampling, as the pipeline does), script
//! loading and validation, config loading, template checking and filling,
//! secret masking and server messages. Families of their own, a file
//! each: fields.rs (script and config fields), servers.rs (servers'
//! messages and redirects), data_files.rs (damaged cache clips and level
//! sidecars) and writers.rs (hostile text through the escapers and the
//! transcript writers).
//!
//! Inputs come from a seeded generator: real inputs (the example script and
//! configs, captured server responses, WAV/MP3/FLAC the mock makes) mutated
//! at the byte and the token level, and random ones. Nothing may panic, and
//! no input may make podgen hold more than [`bound`] bytes at once, which a
//! counting allocator checks.
//!
//! The normal suite runs a fixed number of cases per parser
//! (`PODGEN_FUZZ_CASES`, default 3000) so that a failure reproduces; set
//! `PODGEN_FUZZ_SECS=600` for a long run, with seeds going on from there.
//! A failing case prints its seed and is saved under target/fuzz-findings.
//!
//! The generator is written here (SplitMix64 and a dozen mutations) rather
//! than taken from proptest or arbitrary: what is needed is a mutator of
//! real files, which neither provides, and shrinking would not help with
//! inputs this small.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use podgen::audio::response::{self, Declared};
use podgen::audio::{PcmSpec, SampleFormat, decode, dsp, resample};
use podgen::input::config::BackendEntry;
use podgen::input::config::template::{self, Escape, Vars};
use podgen::speech::tts::http::HttpSpec;
use podgen::speech::tts::redact::Secrets;

use crate::common::alloc::measured;
use crate::common::{self, Rng};

mod data_files;
mod fields;
mod servers;
mod writers;

/// The most a parser may hold at once for an input of `len` bytes: 64 MiB
/// of fixed overhead plus 48 bytes per input byte (8-bit PCM decodes to
/// four-byte floats, then resampling from 8 kHz to 44.1 kHz multiplies the
/// samples by 5.5, with the input and output held together). The fixed part
/// is the resampler's FFT plan, which grows with the rates' ratio: the long
/// run found a WAV at 327 683 Hz holding 39 MB; a prime rate (383 987 Hz,
/// the worst below the 384 kHz limit) holds 47 MB, whatever the length.
fn bound(len: usize) -> usize {
    64 * 1024 * 1024 + 48 * len
}

// ------------------------------------------------------------- generator

/// Values that sit on the edges parsers get wrong.
const INTERESTING_U32: &[u32] = &[
    0,
    1,
    2,
    7,
    8_000,
    7_999,
    384_000,
    384_001,
    44_100,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
];

/// Byte-level mutations of `input`, one to eight of them.
fn mutate_bytes(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..=rng.below(8) {
        let len = b.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = *rng.pick(&[0, 0xFF, 0x7F, 0x80, 1]);
            }
            2 if len >= 4 => {
                // A size, rate or count field, most likely in a header.
                let i = rng.below(len.min(128) - 3);
                b[i..i + 4].copy_from_slice(&rng.pick(INTERESTING_U32).to_le_bytes());
            }
            3 if len >= 2 => {
                let i = rng.below(len.min(128) - 1);
                b[i..i + 2]
                    .copy_from_slice(&rng.pick(&[0u16, 1, 3, 8, 9, 0xFFFE, 0xFFFF]).to_le_bytes());
            }
            4 => b.truncate(rng.below(len + 1)),
            5 => {
                let n = rng.below(256);
                let i = rng.below(len + 1);
                let extra: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(i..i, extra);
            }
            6 if len > 0 => {
                let a = rng.below(len);
                let z = (a + rng.below(512)).min(len);
                let copy = b[a..z].to_vec();
                let i = rng.below(len + 1);
                b.splice(i..i, copy);
            }
            7 => {
                let i = rng.below(len + 1);
                let chunk: &[u8] = rng.pick::<&[u8]>(&[
                    b"data", b"fmt ", b"LIST", b"RIFF", b"fLaC", b"OggS", b"ID3\x04",
                ]);
                b.splice(i..i, chunk.iter().copied());
            }
            _ => {
                let a = rng.below(len + 1);
                let z = (a + rng.below(64)).min(len);
                b.drain(a..z);
            }
        }
    }
    b
}

/// Tokens [`mutate_text`] puts in: they change YAML's structure, or are
/// hostile in file names, XML, terminals and JSON.
const TOKENS: &[&str] = &[
    ": ",
    "\n",
    "\n  ",
    "\n    - ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "&a ",
    "*a",
    "&b [*a, *a, *a, *a]",
    "!!binary ",
    "!!str ",
    "|\n  ",
    ">-\n  ",
    "#",
    "---\n",
    "...",
    "~",
    "null",
    "-1",
    "1e400",
    "0x10",
    "nan",
    ".inf",
    "9999999999999999999999",
    "\0",
    "\u{1b}[31m",
    "\r",
    "\t",
    "\u{feff}",
    "\u{202e}",
    "🎙",
    "你好",
    "مرحبا",
    "<",
    "&",
    "%",
    "${X}",
    "${",
    "{{text}}",
    "{{",
    "}}",
    "..",
    "/",
    "CON",
    "http://[::1",
    "999999s",
    "episode: ",
    "cover: /etc/passwd",
    "sting: /dev/zero",
    "voice: ",
    "links: [",
];

/// Text-level mutations of YAML: [`TOKENS`] put in, runs taken out, lines
/// repeated.
fn mutate_text(rng: &mut Rng, input: &str) -> String {
    let mut s: Vec<char> = input.chars().collect();
    for _ in 0..=rng.below(6) {
        let len = s.len();
        match rng.below(4) {
            0 | 1 => {
                let i = rng.below(len + 1);
                s.splice(i..i, rng.pick(TOKENS).chars());
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let z = (a + rng.below(40)).min(len);
                s.drain(a..z);
            }
            _ if len > 0 => {
                // Repeat a line: deep or wide documents.
                let a = rng.below(len);
                let z = (a + rng.below(200)).min(len);
                let copy: Vec<char> = s[a..z].to_vec();
                for _ in 0..rng.below(20) {
                    s.splice(a..a, copy.iter().copied());
                }
            }
            _ => {}
        }
    }
    s.into_iter().collect()
}

// --------------------------------------------------------------- harness

/// How many cases per parser, or for how long.
enum Budget {
    Cases(u64),
    Time(Duration),
}

fn budget() -> Budget {
    if let Some(secs) = std::env::var("PODGEN_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Budget::Time(Duration::from_secs(secs));
    }
    Budget::Cases(
        std::env::var("PODGEN_FUZZ_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3000),
    )
}

/// Run `case` on seeds 0, 1, 2, … within the budget. `case` makes an input
/// from its rng and runs the parser on it, returning the input's size and
/// whether the parser accepted it; it must not panic, and the memory it
/// holds must stay within [`bound`].
fn fuzz(name: &str, case: impl Fn(&mut Rng, &mut Vec<u8>) -> (usize, bool)) {
    let started = Instant::now();
    let limit = budget();
    let mut seed = 0u64;
    let mut worst = (0usize, 0usize, 0u64);
    let mut accepted = 0u64;
    loop {
        match limit {
            Budget::Cases(n) if seed >= n => break,
            Budget::Time(d) if started.elapsed() >= d => break,
            _ => {}
        }
        let mut rng = Rng(seed ^ 0x5EED_0000 ^ fxhash(name));
        let mut input = Vec::new();
        let (outcome, peak) = measured(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&mut rng, &mut input)))
        });
        match outcome {
            Err(_) => {
                let saved = save_finding(name, seed, &input);
                panic!(
                    "{name}: seed {seed} panicked; input saved to {}",
                    saved.display()
                );
            }
            Ok((len, ok)) => {
                accepted += u64::from(ok);
                if peak > bound(len) {
                    let saved = save_finding(name, seed, &input);
                    panic!(
                        "{name}: seed {seed} held {peak} bytes for a {len}-byte input (bound {}); input saved to {}",
                        bound(len),
                        saved.display()
                    );
                }
                if peak > worst.0 {
                    worst = (peak, len, seed);
                }
            }
        }
        seed += 1;
    }
    eprintln!(
        "fuzz {name}: {seed} cases ({accepted} accepted) in {:.1} s, no panic; most memory {} KiB (seed {}, {}-byte input)",
        started.elapsed().as_secs_f64(),
        worst.0 / 1024,
        worst.2,
        worst.1
    );
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn save_finding(name: &str, seed: u64, input: &[u8]) -> PathBuf {
    let dir = common::root().join("target/fuzz-findings");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{seed}.bin"));
    let _ = std::fs::write(&path, input);
    path
}

// ----------------------------------------------------------------- corpus

/// A WAV of `frames` frames of patterned bytes.
fn wav(rate: u32, channels: u16, tag: u16, bits: u16, frames: usize) -> Vec<u8> {
    let block = usize::from(channels * bits / 8);
    let data: Vec<u8> = (0..frames * block).map(|i| (i * 37 % 251) as u8).collect();
    common::wav_file(rate, channels, tag, bits, &data)
}

fn audio_corpus() -> Vec<Vec<u8>> {
    let speech = podgen::mock::speech("A short sentence, 你好。", 24_000);
    let mut corpus = vec![
        wav(24_000, 1, 1, 16, 2_000),
        wav(48_000, 2, 1, 24, 1_000),
        wav(22_050, 1, 3, 32, 1_000),
        wav(8_000, 1, 1, 8, 3_000),
        podgen::mock::wav_bytes(&speech, 24_000, podgen::mock::WavHeader::Ffff),
        podgen::mock::wav_bytes(&speech, 24_000, podgen::mock::WavHeader::List),
        podgen::mock::mp3_bytes(&speech, 24_000).unwrap(),
        podgen::mock::flac_bytes(&speech, 24_000).unwrap(),
    ];
    let real = common::root().join("tests/data/real-responses");
    for e in std::fs::read_dir(&real).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "body") {
            let b = std::fs::read(&p).unwrap();
            corpus.push(b[..b.len().min(64 * 1024)].to_vec());
        }
    }
    corpus
}

fn text_corpus(dir: &str, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(common::root().join(dir)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == ext) {
            out.push(std::fs::read_to_string(&p).unwrap());
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------------ tests

/// The pipeline's path for a clip: decode, down-mix, resample to 44.1 kHz.
fn decode_like_the_pipeline(body: &[u8], declared: Declared) -> bool {
    let Ok(pcm) = response::decode_body(body, declared) else {
        return false;
    };
    assert!(
        pcm.samples.iter().all(|s| s.is_finite()),
        "non-finite samples passed"
    );
    resample::to_rate(dsp::to_mono(pcm), 44_100).is_ok()
}

/// Run one saved input through the decoders and say what it held:
/// `PODGEN_FUZZ_REPLAY=target/fuzz-findings/sting-1.bin cargo test --release
/// --test it fuzz::replay_a_finding -- --ignored --nocapture`.
#[test]
#[ignore = "replays the finding PODGEN_FUZZ_REPLAY names: run with --ignored"]
fn replay_a_finding() {
    let path = std::env::var_os("PODGEN_FUZZ_REPLAY")
        .expect("PODGEN_FUZZ_REPLAY names the saved input to replay");
    let input = std::fs::read(&path).unwrap();
    let (decoded, peak) = measured(|| decode::decode_bytes(input.clone()));
    match &decoded {
        Ok(p) => eprintln!(
            "decoded: {} Hz, {} channels, {} samples; peak {} KiB",
            p.rate,
            p.channels,
            p.samples.len(),
            peak / 1024
        ),
        Err(e) => eprintln!("not decoded ({e}); peak {} KiB", peak / 1024),
    }
    if let Ok(pcm) = decoded {
        let (_, peak) = measured(|| resample::to_rate(dsp::to_mono(pcm), 44_100));
        eprintln!("resampled: peak {} KiB", peak / 1024);
    }
}

#[test]
fn the_counting_allocator_sees_what_a_parser_holds() {
    let (v, peak) = measured(|| vec![1u8; 10 << 20]);
    assert!(peak >= 10 << 20, "{peak}");
    drop(v);
    let (_, small) = measured(|| 1 + 1);
    assert!(small < 1024, "{small}");
}

#[test]
fn response_bodies() {
    let corpus = audio_corpus();
    fuzz("response", |rng, input| {
        *input = if rng.below(10) == 0 {
            (0..rng.below(4096)).map(|_| rng.next() as u8).collect()
        } else {
            let seed = rng.pick(&corpus).clone();
            mutate_bytes(rng, &seed)
        };
        let declared = if rng.below(3) == 0 {
            Declared::Pcm(PcmSpec {
                sample_rate: *rng.pick(INTERESTING_U32),
                channels: *rng.pick(&[0u16, 1, 2, 9, 0xFFFF]),
                sample_format: *rng.pick(&[
                    SampleFormat::S16le,
                    SampleFormat::S24le,
                    SampleFormat::S32le,
                    SampleFormat::F32le,
                ]),
            })
        } else {
            Declared::Sniff
        };
        let ok = decode_like_the_pipeline(input, declared);
        (input.len(), ok)
    });
}

#[test]
fn sting_files() {
    let corpus = audio_corpus();
    fuzz("sting", |rng, input| {
        let seed = rng.pick(&corpus).clone();
        *input = mutate_bytes(rng, &seed);
        let Ok(pcm) = decode::decode_bytes(input.clone()) else {
            return (input.len(), false);
        };
        assert!(pcm.samples.iter().all(|s| s.is_finite()));
        let ok = resample::to_rate(dsp::to_mono(pcm), 44_100).is_ok();
        (input.len(), ok)
    });
}

#[test]
fn scripts() {
    let corpus = text_corpus("examples", "yaml");
    // Named as if beside the examples, so that their stings are found.
    let path = common::root().join("examples/fuzzed.yaml");
    fuzz("script", |rng, input| {
        let seed = rng.pick(&corpus).clone();
        let text = mutate_text(rng, &seed);
        *input = text.clone().into_bytes();
        let Ok(loaded) = podgen::input::script::parse(&path, text) else {
            return (input.len(), false);
        };
        let _ = podgen::input::script::episode_id(&loaded.script);
        (
            input.len(),
            podgen::input::script::validate(&loaded).is_ok(),
        )
    });
}

#[test]
fn configs() {
    let corpus = text_corpus("examples/configs", "yaml");
    let path = Path::new("podgen.yaml");
    fuzz("config", |rng, input| {
        let seed = rng.pick(&corpus).clone();
        let text = mutate_text(rng, &seed);
        *input = text.clone().into_bytes();
        let Ok(config) = podgen::input::config::parse(path, text) else {
            return (input.len(), false);
        };
        // Building every backend is what `render` does next.
        for name in config.backend_names() {
            if let Some(BackendEntry::Http(entry)) = config.backend(name) {
                let _ = HttpSpec::build(name, entry, &|_| Some("x1".into()));
            }
        }
        (input.len(), true)
    });
}

#[test]
fn templates_and_messages() {
    const PIECES: &[&str] = &[
        "{{",
        "}}",
        "{{text}}",
        "{{ text | xml }}",
        "{{next_text?}}",
        "{{voice|url}}",
        "{{speed}}",
        "{{bogus}}",
        "|",
        "?",
        "{",
        "}",
        "<speak>",
        "&",
        "\"",
        "\\",
        "你好",
        "\u{1b}[0m",
        "\0",
        " ",
        "x",
        "{{text|nope}}",
        "{{ }}",
        "{{|}}",
    ];
    let mut vars = Vars::new();
    vars.insert("text", serde_json::json!("a \"b\" <c> & 'd' 你好\n\u{1b}"));
    vars.insert("voice", serde_json::json!("alloy"));
    vars.insert("speed", serde_json::json!(1.25));
    let secrets = Secrets::new(["sk-proj-Zq81x0Lm44TtUv93kWqa", "p@ss"]);
    fuzz("template", |rng, input| {
        let t: String = (0..rng.below(24)).map(|_| *rng.pick(PIECES)).collect();
        *input = t.clone().into_bytes();
        let checked = template::check(&t);
        for escape in [Escape::Xml, Escape::Json, Escape::Url, Escape::Raw] {
            let filled = template::fill(&t, &vars, escape);
            // What check accepts, fill can fill.
            assert!(checked.is_err() || filled.is_ok(), "{t:?}: {filled:?}");
        }
        let _ = template::fill_json(&serde_json::json!({"a": t, "b": [t]}), &vars);
        let _ = secrets.redact(&t);
        let _ = response::text_message(t.as_bytes());
        if let Some(m) = response::text_message(input) {
            assert!(m.chars().count() <= response::MAX_EXCERPT + 1);
        }
        (input.len(), checked.is_ok())
    });
}
