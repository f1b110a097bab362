//! Audio: decoding, resampling, small DSP, the limiter and the MP3 encoder.
//!
//! Everything inside podgen is 32-bit float; integers appear only at the
//! edges (backend responses, the final WAV). This module knows nothing of
//! scripts, configs or backends: it takes samples and bytes and returns them.

pub mod decode;
pub mod dsp;
pub mod limiter;
pub mod mp3;
pub mod resample;
pub mod response;

use serde::{Deserialize, Serialize};

/// Interleaved float samples at a known rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Pcm {
    /// Interleaved samples, nominally within ±1.0.
    pub samples: Vec<f32>,
    /// Frames per second.
    pub rate: u32,
    /// Samples per frame.
    pub channels: u16,
}

impl Pcm {
    /// One channel of `samples` at `rate`.
    pub fn mono(samples: Vec<f32>, rate: u32) -> Self {
        Pcm {
            samples,
            rate,
            channels: 1,
        }
    }

    /// Frames: one sample per channel.
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    /// Mono 16-bit samples as floats.
    pub fn from_i16_mono(samples: &[i16], rate: u32) -> Self {
        Pcm::mono(
            samples.iter().map(|&s| f32::from(s) / 32768.0).collect(),
            rate,
        )
    }
}

/// What headerless PCM is: rate, channels and sample encoding.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PcmSpec {
    /// Frames per second.
    pub sample_rate: u32,
    /// Interleaved channels (default 1).
    #[serde(default = "one")]
    pub channels: u16,
    /// `s16le` (default), `s24le`, `s32le`, `f32le`.
    #[serde(default)]
    pub sample_format: SampleFormat,
}

fn one() -> u16 {
    1
}

/// How one PCM sample is stored.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleFormat {
    /// 16-bit signed little-endian integers.
    #[default]
    S16le,
    /// 24-bit signed little-endian integers, packed in three bytes.
    S24le,
    /// 32-bit signed little-endian integers.
    S32le,
    /// 32-bit little-endian IEEE floats.
    F32le,
}

impl SampleFormat {
    /// Bytes per sample.
    pub fn width(self) -> usize {
        match self {
            SampleFormat::S16le => 2,
            SampleFormat::S24le => 3,
            SampleFormat::S32le | SampleFormat::F32le => 4,
        }
    }
}

/// hound reports I/O failures inside its own error type: give them back as
/// I/O errors, so that callers see one kind of error for files.
pub fn hound_to_io(e: hound::Error) -> std::io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => std::io::Error::other(other.to_string()),
    }
}
