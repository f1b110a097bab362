//! podgen's audio primitives: decoding, resampling, small DSP, the limiter
//! and the MP3 encoder.
//!
//! Everything inside podgen is 32-bit float; integers appear only at the
//! edges (backend responses, the final WAV). This crate knows nothing of
//! scripts, configs or backends, and being a crate of its own the compiler
//! holds it to that: it takes samples and bytes and returns them.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod decode;
pub mod dsp;
mod error;
pub mod gain;
pub mod limiter;
pub mod meter;
pub mod mp3;
pub mod resample;
pub mod response;
pub mod riff;
pub mod server_text;
pub mod time;

pub use error::{Interrupted, PassError, Progress, no_progress};

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

/// The sample rates podgen accepts from any file or server: below 8 kHz is
/// no audio a podcast carries, above 384 kHz no converter makes; a header
/// outside them is damage (or hostility), and resampling it would ask for
/// absurd memory.
pub const RATES: std::ops::RangeInclusive<u32> = 8_000..=384_000;
/// The most channels podgen accepts (7.1 surround has 8).
pub const MAX_CHANNELS: u16 = 8;
/// The most samples one decoded file or response may hold (256 MB as
/// floats: 25 minutes of 44.1 kHz stereo). Stings and clips are decoded
/// whole; a longer one is refused, not allowed to fill the memory.
pub const MAX_DECODED_SAMPLES: usize = 64 * 1024 * 1024;

/// Why audio that decoded is still not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unusable {
    /// A sample rate outside [`RATES`].
    #[error("its sample rate of {0} Hz is outside 8000 to 384000 Hz")]
    Rate(u32),
    /// No channels, or more than [`MAX_CHANNELS`].
    #[error("it has {0} channels (podgen takes 1 to 8)")]
    Channels(u16),
    /// NaN or infinite samples (a float file gone wrong).
    #[error("it contains {0} samples that are not numbers (NaN or infinite)")]
    NotFinite(usize),
    /// Float samples far beyond full scale: garbage read as audio.
    #[error(
        "it contains {0} samples far beyond full scale (more than {MAX_SAMPLE_MAGNITUDE}×): not audio, or the wrong sample format"
    )]
    OutOfRange(usize),
    /// More than [`MAX_DECODED_SAMPLES`]: how long it is, to say so.
    #[error(
        "it is too long: {} of {} ({} samples), more than the 64 Mi samples podgen decodes in one piece ({} of {})",
        time::clock(*frames, *rate),
        layout(*rate, *channels),
        *frames * u64::from(*channels),
        time::clock(longest_frames(*channels), *rate),
        layout(*rate, *channels)
    )]
    TooLong {
        /// Its length in frames.
        frames: u64,
        /// Its rate.
        rate: u32,
        /// Its channels.
        channels: u16,
    },
}

/// The most frames of `channels` channels one piece may hold.
fn longest_frames(channels: u16) -> u64 {
    (MAX_DECODED_SAMPLES / usize::from(channels.max(1))) as u64
}

/// "44100 Hz stereo": a rate and its channels in words.
fn layout(rate: u32, channels: u16) -> String {
    match channels {
        1 => format!("{rate} Hz mono"),
        2 => format!("{rate} Hz stereo"),
        n => format!("{rate} Hz, {n} channels"),
    }
}

/// The largest sample magnitude accepted, 36 dB over full scale.
pub const MAX_SAMPLE_MAGNITUDE: f32 = 64.0;

impl Pcm {
    /// This audio, if podgen can work with it: a sane rate and channel
    /// count, finite samples. Checked before any DSP touches it.
    pub fn checked(self) -> Result<Pcm, Unusable> {
        check_format(self.rate, self.channels)?;
        let bad = self.samples.iter().filter(|s| !s.is_finite()).count();
        if bad > 0 {
            return Err(Unusable::NotFinite(bad));
        }
        // Finite but huge floats overflow the resampler's FFT (found by
        // tests/it/fuzz/); real audio, overs included, stays far below.
        let wild = self
            .samples
            .iter()
            .filter(|s| s.abs() > MAX_SAMPLE_MAGNITUDE)
            .count();
        if wild > 0 {
            return Err(Unusable::OutOfRange(wild));
        }
        Ok(self)
    }
}

/// A rate and channel count podgen can work with.
pub fn check_format(rate: u32, channels: u16) -> Result<(), Unusable> {
    if !RATES.contains(&rate) {
        return Err(Unusable::Rate(rate));
    }
    if channels == 0 || channels > MAX_CHANNELS {
        return Err(Unusable::Channels(channels));
    }
    Ok(())
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
