//! One pass of the MP3 encoder: the WAV, a gain and a linked limiter in
//! front of LAME, and the MP3 decoded back and measured; or the same chain
//! without LAME, to see what it feeds the encoder.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use mp3lame_encoder::{
    Bitrate, Builder, Encoder, FlushGap, InterleavedPcm, Mode as LameMode, MonoPcm, Quality,
};

use crate::decode::{self, DecodeError};
use crate::gain::db_to_linear;
use crate::limiter::Limiter;
use crate::meter::{Meter, Mode};
use crate::{PassError, Progress};

/// Frames read from the WAV at a time.
const BLOCK: usize = 8192;

/// What goes in front of LAME in one pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pass {
    /// The gain, dB.
    pub gain_db: f64,
    /// The limiter's (sample-peak) ceiling, dBFS; no limiter when none.
    pub ceiling_dbfs: Option<f64>,
}

impl Pass {
    /// The master as it is: no gain, no limiter.
    pub const AS_IS: Pass = Pass {
        gain_db: 0.0,
        ceiling_dbfs: None,
    };
}

/// What a pass reads, how it measures, and whom it tells how far it got.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The 16-bit mono or stereo WAV.
    pub wav: &'a Path,
    /// Measure a mono file as dual mono.
    pub dual_mono: bool,
    /// Hears the frame position as a pass goes, and may stop it.
    pub progress: Progress<'a>,
}

/// What the chain fed (or would feed) LAME.
#[derive(Debug, Clone, Copy)]
pub struct Fed {
    /// Integrated loudness, LUFS, measured as the MP3 is.
    pub lufs: Option<f64>,
    /// The largest sample, dBFS; none for silence.
    pub peak_dbfs: Option<f64>,
    /// The WAV's channels.
    pub channels: u16,
}

/// LAME's name for a constant bitrate, kbps. The binding names every
/// MPEG-1 Layer III bitrate but 56, which [`set_kbps`] sets directly.
fn bitrate(kbps: u32) -> Option<Bitrate> {
    Some(match kbps {
        32 => Bitrate::Kbps32,
        40 => Bitrate::Kbps40,
        48 => Bitrate::Kbps48,
        64 => Bitrate::Kbps64,
        80 => Bitrate::Kbps80,
        96 => Bitrate::Kbps96,
        112 => Bitrate::Kbps112,
        128 => Bitrate::Kbps128,
        160 => Bitrate::Kbps160,
        192 => Bitrate::Kbps192,
        224 => Bitrate::Kbps224,
        256 => Bitrate::Kbps256,
        320 => Bitrate::Kbps320,
        _ => return None,
    })
}

/// Set the constant bitrate `kbps` on `b`.
pub(super) fn set_kbps(b: &mut Builder, kbps: u32) -> Result<(), PassError> {
    if let Some(rate) = bitrate(kbps) {
        return b.set_brate(rate).map_err(PassError::encoder);
    }
    if kbps != 56 {
        return Err(PassError::Bitrate(kbps));
    }
    // SAFETY: the pointer is the builder's own LAME handle, valid while the
    // builder lives; lame_set_brate only stores the number in it.
    let status = unsafe { mp3lame_encoder::ffi::lame_set_brate(b.as_ptr(), 56) };
    if status == 0 {
        Ok(())
    } else {
        Err(PassError::encoder("56 kbps was refused"))
    }
}

/// A LAME encoder for `channels` (1: mono, 2: joint stereo) at `rate` and `kbps`.
fn lame(rate: u32, channels: u16, kbps: u32) -> Result<Encoder, PassError> {
    let mut b = Builder::new().ok_or_else(|| PassError::encoder("LAME did not start"))?;
    let mode = if channels == 2 {
        LameMode::JointStereo
    } else {
        LameMode::Mono
    };
    b.set_num_channels(channels as u8)
        .map_err(PassError::encoder)?;
    b.set_mode(mode).map_err(PassError::encoder)?;
    b.set_sample_rate(rate).map_err(PassError::encoder)?;
    set_kbps(&mut b, kbps)?;
    b.set_quality(Quality::Good).map_err(PassError::encoder)?;
    b.set_to_write_vbr_tag(true).map_err(PassError::encoder)?;
    b.build().map_err(PassError::encoder)
}

/// Encode interleaved `pcm` (whole frames), leaving the MP3 bytes in `mp3`.
fn feed(
    encoder: &mut Encoder,
    pcm: &[f32],
    channels: u16,
    mp3: &mut Vec<u8>,
) -> Result<(), PassError> {
    mp3.clear();
    if pcm.is_empty() {
        return Ok(());
    }
    mp3.reserve(mp3lame_encoder::max_required_buffer_size(pcm.len()));
    let written = if channels == 2 {
        encoder.encode_to_vec(InterleavedPcm(pcm), mp3)
    } else {
        encoder.encode_to_vec(MonoPcm(pcm), mp3)
    };
    written.map(|_| ()).map_err(PassError::encoder)
}

fn open_wav(wav: &Path) -> Result<hound::WavReader<BufReader<File>>, PassError> {
    let reader = hound::WavReader::new(BufReader::new(File::open(wav)?))?;
    let spec = reader.spec();
    if !(1..=2).contains(&spec.channels)
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(PassError::WavFormat {
            channels: spec.channels,
            bits: spec.bits_per_sample,
        });
    }
    Ok(reader)
}

/// The chain in front of LAME: the pass's gain and, when it has a
/// ceiling, the front limiter; what it feeds LAME is measured as it goes.
pub struct Chain {
    pass: Pass,
    gain: f32,
    limiter: Option<FrontLimiter>,
    meter: Meter,
    peak: f32,
    channels: u16,
    scaled: Vec<f32>,
    fed: Vec<f32>,
}

impl Chain {
    /// The chain of `pass` for `channels` at `rate`, measuring as the MP3 is
    /// measured (dual mono when `dual_mono`).
    pub fn new(rate: u32, channels: u16, pass: Pass, dual_mono: bool) -> Result<Self, PassError> {
        Ok(Chain {
            pass,
            gain: db_to_linear(pass.gain_db) as f32,
            limiter: pass
                .ceiling_dbfs
                .map(|c| FrontLimiter::new(rate, c, channels)),
            meter: Meter::new(channels, rate, Mode::I, dual_mono)?,
            peak: 0.0,
            channels,
            scaled: Vec::with_capacity(BLOCK * usize::from(channels)),
            fed: Vec::with_capacity(BLOCK * usize::from(channels)),
        })
    }

    /// Interleaved whole frames in; what LAME is to be fed out (the
    /// limiter's delay holds some back until [`Chain::finish`]).
    pub fn push(&mut self, block: &[f32]) -> Result<&[f32], PassError> {
        self.scaled.clear();
        self.scaled.extend(block.iter().map(|x| x * self.gain));
        self.fed.clear();
        match &mut self.limiter {
            Some(l) => l.push(&self.scaled, &mut self.fed),
            None => self.fed.extend_from_slice(&self.scaled),
        }
        self.measure()
    }

    /// What the limiter still holds.
    pub fn finish(&mut self) -> Result<&[f32], PassError> {
        self.fed.clear();
        if let Some(l) = &mut self.limiter {
            l.finish(&mut self.fed);
        }
        self.measure()
    }

    fn measure(&mut self) -> Result<&[f32], PassError> {
        self.peak = self.fed.iter().fold(self.peak, |p, x| p.max(x.abs()));
        self.meter.add(&self.fed)?;
        Ok(&self.fed)
    }

    /// The channels it takes.
    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// The pass this chain is.
    pub fn pass(&self) -> Pass {
        self.pass
    }

    /// What the chain has fed so far, measured.
    pub fn fed(&self) -> Fed {
        Fed {
            lufs: self.meter.loudness(),
            peak_dbfs: (self.peak > 0.0).then(|| 20.0 * f64::from(self.peak).log10()),
            channels: self.channels,
        }
    }
}

/// Run the WAV through the pass's gain and limiter, handing what comes out
/// to `sink` block by block; returns what was fed, measured.
pub fn run_chain(
    input: Input,
    pass: Pass,
    sink: &mut dyn FnMut(&[f32]) -> Result<(), PassError>,
) -> Result<Fed, PassError> {
    let mut reader = open_wav(input.wav)?;
    let spec = reader.spec();
    let channels = spec.channels;
    let mut chain = Chain::new(spec.sample_rate, channels, pass, input.dual_mono)?;
    let per_block = BLOCK * usize::from(channels);
    let mut block = Vec::with_capacity(per_block);
    let mut frames = 0u64;
    let mut samples = reader.samples::<i16>();
    loop {
        (input.progress)(frames)?;
        block.clear();
        for s in samples.by_ref().take(per_block) {
            block.push(f32::from(s?) / 32768.0);
        }
        if block.len() % usize::from(channels) != 0 {
            return Err(PassError::Broken("the WAV ends inside a frame".into()));
        }
        frames += (block.len() / usize::from(channels)) as u64;
        if block.is_empty() {
            sink(chain.finish()?)?;
            break;
        }
        sink(chain.push(&block)?)?;
    }
    Ok(chain.fed())
}

/// LAME writing into a file: the ID3 tag first, the MPEG frames as they
/// come, and the Info/LAME tag filled in at the end.
pub struct Lame<'f> {
    encoder: Encoder,
    out: BufWriter<&'f File>,
    channels: u16,
    audio_start: u64,
    mp3: Vec<u8>,
}

/// The MP3's format: its rate, channels and bitrate.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// Frames per second.
    pub rate: u32,
    /// 1 (mono) or 2 (joint stereo).
    pub channels: u16,
    /// Constant bitrate, kbps.
    pub kbps: u32,
}

impl<'f> Lame<'f> {
    /// Start an MP3 of `format` in `out`, `tag` first.
    pub fn start(out: &'f File, tag: &[u8], format: Format) -> Result<Self, PassError> {
        let encoder = lame(format.rate, format.channels, format.kbps)?;
        let mut out = BufWriter::new(out);
        out.write_all(tag)?;
        Ok(Lame {
            encoder,
            out,
            channels: format.channels,
            audio_start: tag.len() as u64,
            mp3: Vec::new(),
        })
    }

    /// Encode interleaved whole frames; returns the MPEG bytes they made.
    pub fn encode(&mut self, pcm: &[f32]) -> Result<&[u8], PassError> {
        feed(&mut self.encoder, pcm, self.channels, &mut self.mp3)?;
        self.out.write_all(&self.mp3)?;
        Ok(&self.mp3)
    }

    /// Flush the encoder: the last MPEG bytes.
    pub fn flush(&mut self) -> Result<&[u8], PassError> {
        self.mp3.clear();
        self.mp3.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.mp3)
            .map_err(PassError::encoder)?;
        self.out.write_all(&self.mp3)?;
        Ok(&self.mp3)
    }

    /// Fill in the Info tag (after [`Lame::flush`]).
    pub fn finish(mut self) -> Result<(), PassError> {
        // LAME left room for its Info/LAME tag in the first frame: fill it
        // in now that the frame count, delay and padding are known.
        let mut info = Vec::with_capacity(self.encoder.lame_tag_size().max(1));
        if self.encoder.lame_tag_encode_to_vec(&mut info).is_some() {
            self.out.seek(SeekFrom::Start(self.audio_start))?;
            self.out.write_all(&info)?;
        }
        Ok(self.out.flush()?)
    }
}

/// One encode of `wav` into `out`: `tag`, then the chain into LAME, and the
/// Info tag filled in at the end. Returns what LAME was fed.
pub fn encode(
    input: Input,
    out: &File,
    tag: &[u8],
    kbps: u32,
    pass: Pass,
) -> Result<Fed, PassError> {
    let spec = open_wav(input.wav)?.spec();
    let format = Format {
        rate: spec.sample_rate,
        channels: spec.channels,
        kbps,
    };
    let mut lame = Lame::start(out, tag, format)?;
    let fed = run_chain(input, pass, &mut |pcm| lame.encode(pcm).map(|_| ()))?;
    lame.flush()?;
    lame.finish()?;
    Ok(fed)
}

/// Integrated loudness (LUFS) and true peak (dBTP) of an MP3 as a player
/// decodes it.
pub type Loudness = (Option<f64>, Option<f64>);

/// The loudness of the MP3 at `path` as a player decodes it (LAME's delay
/// and padding trimmed by its Info tag), decoded and measured packet by
/// packet, so memory stays bounded however long the episode. A mono file
/// is measured as dual mono when `dual_mono`; `progress` hears the frames
/// decoded so far. The MPEG stream starts `audio_start` bytes in, after
/// the ID3 tag.
pub fn measure(
    path: &Path,
    audio_start: u64,
    dual_mono: bool,
    progress: Progress,
) -> Result<Loudness, PassError> {
    let mut state: Option<(Meter, u32, u16)> = None;
    let mut frames = 0u64;
    let mut on_block = |block: &[f32], rate: u32, channels: u16| -> Result<(), PassError> {
        progress(frames)?;
        frames += (block.len() / usize::from(channels.max(1))) as u64;
        if state.is_none() {
            let m = Meter::new(channels, rate, Mode::I | Mode::TRUE_PEAK, dual_mono)?;
            state = Some((m, rate, channels));
        }
        if let Some((m, r, c)) = state.as_mut() {
            if (*r, *c) != (rate, channels) {
                return Err(PassError::Decode(DecodeError::Malformed(
                    "its rate or channel count changes midway".into(),
                )));
            }
            m.add(block)?;
        }
        Ok(())
    };
    decode::stream_mp3_after(path, audio_start, &mut on_block)?;
    Ok(match &state {
        Some((m, _, _)) => (m.loudness(), m.true_peak()),
        None => (None, None),
    })
}

/// The limiter in front of LAME: the master's, linked across channels, so
/// a stereo image does not wander when it acts.
pub struct FrontLimiter {
    limiter: Limiter,
    channels: usize,
}

impl FrontLimiter {
    /// The master's limiter, at `ceiling_dbfs`.
    pub fn new(rate: u32, ceiling_dbfs: f64, channels: u16) -> Self {
        let channels = usize::from(channels.max(1));
        FrontLimiter {
            limiter: Limiter::master(rate, ceiling_dbfs, channels),
            channels,
        }
    }

    /// Feed interleaved whole frames; limited frames come out as the delay allows.
    pub fn push(&mut self, frames: &[f32], out: &mut Vec<f32>) {
        let whole = frames.len() - frames.len() % self.channels;
        self.limiter.push_block(&frames[..whole], out);
    }

    /// Flush what is still delayed: as many frames come out as went in.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        self.limiter.finish(out);
    }
}
