//! Decoding what a TTS server sent back.
//!
//! Real servers mislabel audio (WAV as text/html), send WAV headers whose
//! sizes are placeholders (0, 0xFFFFFFFF, 0x7FFFFFFF), put LIST chunks before
//! the data, send raw PCM whose rate is stated nowhere, and report errors
//! inside a 200 response. So the format is sniffed from the bytes; the
//! Content-Type is never trusted.

pub use super::server_text::{MAX_EXCERPT, json_message, text_message};
use super::{Pcm, PcmSpec, SampleFormat};
use super::{decode, riff};

/// Why a body is not usable audio.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyError {
    /// Nothing came back.
    Empty,
    /// The body is cut short (a WAV whose stated size is more than arrived).
    Truncated(String),
    /// The server sent a message (JSON, HTML or text), not audio.
    Message(String),
    /// Bytes that decode as no audio format podgen knows.
    Undecodable(String),
    /// Audio podgen cannot use: an absurd rate or channel count, NaN samples.
    Unusable(super::Unusable),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Empty => write!(f, "the response body is empty"),
            BodyError::Truncated(m) => write!(f, "the audio is truncated: {m}"),
            BodyError::Message(m) => write!(
                f,
                "the server answered with a message instead of audio: {m}"
            ),
            BodyError::Undecodable(m) => write!(f, "the response is not decodable audio: {m}"),
            BodyError::Unusable(u) => write!(f, "the response is audio podgen cannot use: {u}"),
        }
    }
}

/// What the configuration says the body holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Declared {
    /// Find out from the bytes.
    Sniff,
    /// Headerless PCM with these parameters (sniffed containers still win).
    Pcm(PcmSpec),
}

impl Declared {
    /// A stable text for cache keys, every part spelled out here (no
    /// `Debug` output, which is no contract). It is what an earlier version
    /// wrote through `Debug`, so that clips cached then stay valid.
    pub fn identity(&self) -> String {
        match self {
            Declared::Sniff => "Sniff".into(),
            Declared::Pcm(p) => {
                let format = match p.sample_format {
                    SampleFormat::S16le => "S16le",
                    SampleFormat::S24le => "S24le",
                    SampleFormat::S32le => "S32le",
                    SampleFormat::F32le => "F32le",
                };
                format!(
                    "Pcm(PcmConfig {{ sample_rate: {}, channels: {}, sample_format: {format} }})",
                    p.sample_rate, p.channels
                )
            }
        }
    }
}

/// Decode a response body to PCM.
pub fn decode_body(body: &[u8], declared: Declared) -> Result<Pcm, BodyError> {
    if body.is_empty() {
        return Err(BodyError::Empty);
    }
    if riff::is_wav(body) {
        return decode_wav(body);
    }
    let is_container = body.starts_with(b"fLaC")
        || body.starts_with(b"OggS")
        || body.starts_with(b"ID3")
        || is_mp3_sync(body);
    if is_container {
        return decode::decode_bytes(body.to_vec()).map_err(undecodable);
    }
    if let Some(message) = text_message(body) {
        return Err(BodyError::Message(message));
    }
    match declared {
        Declared::Pcm(p) => raw_pcm(body, p),
        Declared::Sniff => decode::decode_bytes(body.to_vec()).map_err(undecodable),
    }
}

fn undecodable(e: decode::DecodeError) -> BodyError {
    match e {
        decode::DecodeError::Unusable(u) => BodyError::Unusable(u),
        cut @ decode::DecodeError::Truncated { .. } => BodyError::Truncated(cut.to_string()),
        other => BodyError::Undecodable(other.to_string()),
    }
}

fn is_mp3_sync(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0
}

/// Decode a WAV by walking its chunks ([`riff::layout`]). Written here
/// rather than with hound or symphonia because both reject what streaming
/// servers send: hound fails on 0xFFFFFFFF sizes, symphonia on 0 (see
/// ARCHITECTURE.md, "Written by hand").
pub fn decode_wav(b: &[u8]) -> Result<Pcm, BodyError> {
    let bad = |m: &str| BodyError::Undecodable(format!("WAV: {m}"));
    let layout = riff::layout(b).map_err(bad)?;
    let len = layout.data_len(b).map_err(|(promised, held)| {
        BodyError::Truncated(format!(
            "the WAV header promises {promised} bytes of audio, {held} arrived"
        ))
    })?;
    let riff::Fmt {
        tag,
        channels,
        rate,
        bits,
        ..
    } = layout.fmt;
    let format = match (tag, bits) {
        (1, 16) => SampleFormat::S16le,
        (1, 24) => SampleFormat::S24le,
        (1, 32) => SampleFormat::S32le,
        (3, 32) => SampleFormat::F32le,
        _ => {
            return Err(bad(&format!(
                "unsupported encoding (format {tag}, {bits} bits)"
            )));
        }
    };
    if channels == 0 || rate == 0 {
        return Err(bad("zero channels or sample rate"));
    }
    super::check_format(rate, channels).map_err(BodyError::Unusable)?;
    let start = layout.data_start;
    raw_pcm(
        &b[start..start + len],
        PcmSpec {
            sample_rate: rate,
            channels,
            sample_format: format,
        },
    )
}

/// Interpret headerless PCM. A trailing partial frame is dropped.
pub fn raw_pcm(b: &[u8], p: PcmSpec) -> Result<Pcm, BodyError> {
    super::check_format(p.sample_rate, p.channels.max(1)).map_err(BodyError::Unusable)?;
    let width = p.sample_format.width();
    let frame = width * usize::from(p.channels.max(1));
    if b.len() / width > super::MAX_DECODED_SAMPLES {
        return Err(BodyError::Unusable(super::Unusable::TooLong {
            frames: (b.len() / frame) as u64,
            rate: p.sample_rate,
            channels: p.channels.max(1),
        }));
    }
    let usable = b.len() / frame * frame;
    let samples = b[..usable]
        .chunks_exact(width)
        .map(|s| match p.sample_format {
            SampleFormat::S16le => f32::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0,
            SampleFormat::S24le => {
                (i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8) as f32 / 8_388_608.0
            }
            SampleFormat::S32le => {
                i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f32 / 2_147_483_648.0
            }
            SampleFormat::F32le => f32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        })
        .collect();
    Pcm {
        samples,
        rate: p.sample_rate,
        channels: p.channels.max(1),
    }
    .checked()
    .map_err(BodyError::Unusable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_the_keys_clips_were_cached_under() {
        assert_eq!(Declared::Sniff.identity(), "Sniff");
        for (sample_rate, channels, sample_format, name) in [
            (24_000, 1, SampleFormat::S16le, "S16le"),
            (16_000, 1, SampleFormat::S24le, "S24le"),
            (8_000, 1, SampleFormat::S32le, "S32le"),
            (48_000, 2, SampleFormat::F32le, "F32le"),
        ] {
            let spec = PcmSpec {
                sample_rate,
                channels,
                sample_format,
            };
            assert_eq!(
                Declared::Pcm(spec).identity(),
                format!(
                    "Pcm(PcmConfig {{ sample_rate: {sample_rate}, channels: {channels}, sample_format: {name} }})"
                )
            );
        }
    }

    fn wav(data_size: u32, samples: &[i16], list_chunk: bool) -> Vec<u8> {
        let mut b = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
        b.extend(b"fmt ");
        b.extend(16u32.to_le_bytes());
        b.extend(1u16.to_le_bytes());
        b.extend(1u16.to_le_bytes());
        b.extend(24_000u32.to_le_bytes());
        b.extend(48_000u32.to_le_bytes());
        b.extend(2u16.to_le_bytes());
        b.extend(16u16.to_le_bytes());
        if list_chunk {
            b.extend(b"LIST");
            b.extend(17u32.to_le_bytes());
            b.extend(b"INFOISFT\x05\0\0\0Lavf\0\0"); // 17 bytes + 1 pad byte
        }
        b.extend(b"data");
        b.extend(data_size.to_le_bytes());
        for s in samples {
            b.extend(s.to_le_bytes());
        }
        b
    }

    #[test]
    fn placeholder_sizes_read_to_the_end() {
        let s = [1000i16; 480];
        for size in [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 960] {
            for list in [false, true] {
                let pcm = decode_body(&wav(size, &s, list), Declared::Sniff).unwrap();
                assert_eq!(
                    (pcm.rate, pcm.frames()),
                    (24_000, 480),
                    "size {size:#x} list {list}"
                );
            }
        }
    }

    #[test]
    fn a_real_size_larger_than_the_body_is_truncation() {
        let e = decode_body(&wav(9600, &[5i16; 480], false), Declared::Sniff).unwrap_err();
        assert!(matches!(e, BodyError::Truncated(_)), "{e:?}");
    }

    #[test]
    fn error_bodies_carry_the_servers_message() {
        let cases: [(&[u8], &str); 5] = [
            (br#"{"error":{"message":"Invalid API key","type":"auth","code":"invalid_api_key"}}"#, "Invalid API key (invalid_api_key)"),
            (br#"{"error": "voice not found"}"#, "voice not found"),
            (br#"{"detail":{"status":"quota","message":"over quota"}}"#, "over quota"),
            (br#"{"detail":[{"loc":["body","speed"],"msg":"too fast"}]}"#, "too fast"),
            (b"<!doctype html><html><head><title>500 Internal Server Error</title>", "500 Internal Server Error"),
        ];
        for (body, msg) in cases {
            assert_eq!(
                decode_body(body, Declared::Sniff).unwrap_err(),
                BodyError::Message(msg.into())
            );
        }
        assert_eq!(
            decode_body(b"", Declared::Sniff).unwrap_err(),
            BodyError::Empty
        );
    }

    #[test]
    fn raw_pcm_uses_the_declared_parameters() {
        let body: Vec<u8> = [100i16, -100, 200]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .chain([7u8])
            .collect();
        let p = PcmSpec {
            sample_rate: 16_000,
            channels: 1,
            sample_format: SampleFormat::S16le,
        };
        let pcm = decode_body(&body, Declared::Pcm(p)).unwrap();
        assert_eq!(pcm.rate, 16_000);
        assert_eq!(pcm.samples.len(), 3);
    }

    #[test]
    fn real_server_fixtures_decode_or_fail_with_their_message() {
        // The captures live with the repository's tests, two folders up.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/real-responses");
        let read = |n: &str| std::fs::read(dir.join(format!("{n}.body"))).unwrap();
        for (name, rate, seconds) in [
            ("kokoro-zh", 24_000, 9.152),
            ("kokoro-en", 24_000, 6.187),
            ("piper-en", 22_050, 5.515),
            ("studio-en", 22_050, 5.573),
        ] {
            let pcm = decode_body(&read(name), Declared::Sniff).unwrap();
            assert_eq!(pcm.rate, rate, "{name}");
            assert!(
                (pcm.frames() as f64 / f64::from(rate) - seconds).abs() < 0.01,
                "{name}"
            );
        }
        let mp3 = decode_body(&read("kokoro-noformat"), Declared::Sniff).unwrap();
        assert_eq!(mp3.rate, 24_000);
        // "Hello there.": ffprobe says 1.008 s; decoders differ by the encoder delay.
        assert!(
            (mp3.frames() as f64 / 24_000.0 - 1.008).abs() < 0.06,
            "{}",
            mp3.frames()
        );
        for name in [
            "kokoro-empty",
            "kokoro-badvoice",
            "piper-empty",
            "studio-missing",
            "studio-wrong-auth",
        ] {
            let e = decode_body(&read(name), Declared::Sniff).unwrap_err();
            assert!(matches!(e, BodyError::Message(_)), "{name}: {e:?}");
        }
    }
}
