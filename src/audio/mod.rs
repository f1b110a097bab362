//! Audio: decoding, resampling, small DSP and the clip files podgen keeps.
//!
//! Everything inside podgen is 32-bit float; 16-bit integers appear only at
//! the edges (backend responses, the final WAV).

pub mod decode;
pub mod dsp;
pub mod limiter;
pub mod mp3;
pub mod resample;
pub mod response;

/// Interleaved float samples at a known rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Pcm {
    pub samples: Vec<f32>,
    pub rate: u32,
    pub channels: u16,
}

impl Pcm {
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

    pub fn from_i16_mono(samples: &[i16], rate: u32) -> Self {
        Pcm::mono(
            samples.iter().map(|&s| f32::from(s) / 32768.0).collect(),
            rate,
        )
    }
}
