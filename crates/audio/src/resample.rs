//! Sample-rate conversion with rubato's FFT resampler.
//!
//! The output length is exact and known in advance: ceil(frames * out / in).
//! Chapter times depend on it.

use rubato::audioadapter::Adapter;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::Pcm;

/// Why a conversion could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    /// The resampler refused the pair of rates.
    #[error("cannot resample {from} Hz to {to} Hz: {detail}")]
    Rates {
        /// The input rate.
        from: u32,
        /// The rate asked for.
        to: u32,
        /// rubato's reason.
        detail: String,
    },
    /// The conversion itself failed.
    #[error("resampling failed: {0}")]
    Failed(String),
}

/// Resample `pcm` to `rate`. Returns the input unchanged at the same rate.
pub fn to_rate(pcm: Pcm, rate: u32) -> Result<Pcm, ResampleError> {
    if pcm.rate == rate || pcm.samples.is_empty() {
        return Ok(Pcm { rate, ..pcm });
    }
    let channels = usize::from(pcm.channels.max(1));
    let frames = pcm.samples.len() / channels;
    let mut resampler = Fft::<f32>::new(
        pcm.rate as usize,
        rate as usize,
        1024,
        channels,
        FixedSync::Both,
    )
    .map_err(|e| ResampleError::Rates {
        from: pcm.rate,
        to: rate,
        detail: e.to_string(),
    })?;
    let input = InterleavedSlice::new(&pcm.samples, channels, frames)
        .map_err(|e| ResampleError::Failed(e.to_string()))?;
    let out = resampler
        .process_all(&input, frames, None)
        .map_err(|e| ResampleError::Failed(e.to_string()))?;
    debug_assert_eq!(out.frames(), expected_frames(frames, pcm.rate, rate));
    Ok(Pcm {
        samples: out.take_data(),
        rate,
        channels: pcm.channels,
    })
}

/// The number of frames `to_rate` produces from `frames` at `from` Hz.
pub fn expected_frames(frames: usize, from: u32, to: u32) -> usize {
    (frames as u128 * u128::from(to)).div_ceil(u128::from(from)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_exact_and_a_tone_survives() {
        let rate_in = 22_050;
        let n = 22_050 + 123;
        let tone: Vec<f32> = (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate_in as f32).sin() * 0.5)
            .collect();
        let out = to_rate(Pcm::mono(tone, rate_in), 44_100).unwrap();
        assert_eq!(out.samples.len(), expected_frames(n, rate_in, 44_100));
        let mid = &out.samples[10_000..30_000];
        let rms = super::super::dsp::rms(mid);
        assert!((rms - 0.5 / 2f32.sqrt()).abs() < 0.01, "rms {rms}");
    }
}
