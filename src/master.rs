//! The master stage: streams the timeline, clip by clip, into the episode's
//! PCM WAV. Only one block of samples is in memory at a time, so memory does
//! not grow with the episode's length.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use serde::Serialize;

use crate::cache::{Clip, to_io};
use crate::timeline::{Source, Timeline};

/// What the master pass measured.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MasterStats {
    pub samples: u64,
    /// Largest absolute sample, in dBFS (before 16-bit conversion).
    pub peak_dbfs: f64,
    /// Samples that had to be clipped to fit 16 bits.
    pub clipped_samples: u64,
}

const BLOCK: usize = 8192;

/// Write `timeline` as a 16-bit PCM mono WAV at `dest`. `clip_of` gives the
/// clip for every non-silent source. `on_progress` hears the samples written
/// so far after every piece; an error from it (an interrupt) stops the write.
pub fn write_wav(
    timeline: &Timeline,
    clip_of: &dyn Fn(Source) -> Option<Clip>,
    dest: &Path,
    on_progress: &dyn Fn(u64) -> std::io::Result<()>,
) -> std::io::Result<MasterStats> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: timeline.rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let file = File::create(dest)?;
    let mut w = hound::WavWriter::new(BufWriter::new(file), spec).map_err(to_io)?;
    let mut peak = 0f32;
    let mut clipped = 0u64;
    let mut written = 0u64;
    let mut put = |w: &mut hound::WavWriter<BufWriter<File>>, s: f32| -> std::io::Result<()> {
        peak = peak.max(s.abs());
        let scaled = (s * 32768.0).round();
        if !(-32768.0..=32767.0).contains(&scaled) {
            clipped += 1;
        }
        w.write_sample(scaled.clamp(-32768.0, 32767.0) as i16)
            .map_err(to_io)?;
        written += 1;
        Ok(())
    };
    for piece in &timeline.pieces {
        on_progress(piece.start)?;
        match piece.source {
            Source::Silence => {
                for _ in 0..piece.len {
                    put(&mut w, 0.0)?;
                }
            }
            source => {
                let clip = clip_of(source)
                    .ok_or_else(|| std::io::Error::other(format!("no clip for {source:?}")))?;
                if clip.frames != piece.len {
                    return Err(std::io::Error::other(format!(
                        "clip {} has {} samples, the timeline expects {}",
                        clip.path.display(),
                        clip.frames,
                        piece.len
                    )));
                }
                let mut r = hound::WavReader::open(&clip.path).map_err(to_io)?;
                let mut n = 0u64;
                let mut block = Vec::with_capacity(BLOCK);
                let mut samples = r.samples::<f32>();
                loop {
                    block.clear();
                    for s in samples.by_ref().take(BLOCK) {
                        block.push(s.map_err(to_io)?);
                    }
                    if block.is_empty() {
                        break;
                    }
                    for &s in &block {
                        put(&mut w, s)?;
                    }
                    n += block.len() as u64;
                }
                if n != piece.len {
                    return Err(std::io::Error::other(format!(
                        "clip {} ended after {n} of {} samples",
                        clip.path.display(),
                        piece.len
                    )));
                }
            }
        }
    }
    w.finalize().map_err(to_io)?;
    Ok(MasterStats {
        samples: written,
        peak_dbfs: if peak > 0.0 {
            20.0 * f64::from(peak).log10()
        } else {
            f64::NEG_INFINITY
        },
        clipped_samples: clipped,
    })
}
