//! Decoding audio files and response bodies with symphonia.
//!
//! The container is found from the bytes, never from a file name or a
//! Content-Type: servers mislabel audio.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::{Pcm, riff, time};

/// Why bytes did not decode as audio.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// No container format podgen knows matches the bytes.
    #[error("not a recognised audio format")]
    Unrecognised,
    /// The container holds no audio track.
    #[error("no audio track")]
    NoTrack,
    /// The audio does not say how fast to play it or how many channels it has.
    #[error("the audio states no sample rate or channel count")]
    NoRate,
    /// The track's codec has no decoder here.
    #[error("no decoder for this audio: {0}")]
    NoDecoder(String),
    /// The decoder gave up on the data.
    #[error("{0}")]
    Malformed(String),
    /// It decoded, but podgen cannot use it.
    #[error("{0}")]
    Unusable(#[from] super::Unusable),
    /// The file ends before the audio its header promises (a copy or an
    /// export interrupted): frames at `rate`.
    #[error(
        "it is cut short: its header promises {promised} frames ({:.3} s), the file holds {held} frames ({:.3} s)",
        time::seconds(*promised, *rate),
        time::seconds(*held, *rate)
    )]
    Truncated {
        /// The frames the header promises.
        promised: u64,
        /// The frames the file holds.
        held: u64,
        /// Frames per second.
        rate: u32,
    },
}

/// Decode a whole audio file into memory, as [`decode_bytes`].
pub fn decode_file(path: &Path) -> Result<Pcm, DecodeError> {
    decode_bytes(std::fs::read(path)?)
}

/// Decode audio held in memory, whole: audio that ends before its header
/// says it does is [`DecodeError::Truncated`] (a WAV's data chunk, a FLAC's
/// STREAMINFO, an MP3's LAME tag), not a shorter sound.
pub fn decode_bytes(mut bytes: Vec<u8>) -> Result<Pcm, DecodeError> {
    if let Some(cut) = wav_cut_short(&bytes) {
        return Err(cut);
    }
    riff::fill_placeholder_sizes(&mut bytes);
    decode_source(Box::new(Cursor::new(bytes)))
}

/// A WAV whose data chunk is larger than the bytes after it, in frames
/// (symphonia reads such a file to its end, silently shorter).
fn wav_cut_short(b: &[u8]) -> Option<DecodeError> {
    if !riff::is_wav(b) {
        return None;
    }
    // A WAV without its chunks is symphonia's to refuse, in its words.
    let layout = riff::layout(b).ok()?;
    let (promised, held) = layout.data_len(b).err()?;
    let fmt = layout.fmt;
    let frame = match fmt.block_align {
        0 => u64::from(fmt.channels.max(1)) * u64::from(fmt.bits.div_ceil(8).max(1)),
        n => u64::from(n),
    };
    Some(DecodeError::Truncated {
        promised: promised / frame,
        held: held / frame,
        rate: fmt.rate,
    })
}

struct Opened {
    format: Box<dyn FormatReader>,
    track_id: u32,
    rate: u32,
    channels: u16,
    /// The frames the header promises, where it says so exactly.
    promised: Option<u64>,
}

/// What a stream ended with: the last rate and channel count seen, and the
/// frames its header promised (where it says so exactly).
struct Streamed {
    rate: u32,
    channels: u16,
    promised: Option<u64>,
}

/// The frames a track's header promises, where that count is exact: a
/// FLAC's STREAMINFO, an MP3's Xing count beside a LAME tag (without the
/// tag symphonia guesses it from the bitrate). A WAV's is read from its
/// bytes instead ([`wav_cut_short`]), where placeholder sizes are known.
fn promised_frames(
    format: &dyn FormatReader,
    track: &symphonia::core::formats::Track,
) -> Option<u64> {
    match format.format_info().short_name {
        "flac" => track.num_frames,
        "mp3" if track.delay.is_some() => track.num_frames,
        _ => None,
    }
}

fn malformed(e: SymError) -> DecodeError {
    match e {
        SymError::IoError(e) => DecodeError::Io(e),
        other => DecodeError::Malformed(other.to_string()),
    }
}

fn open(source: Box<dyn MediaSource>, extension: Option<&str>) -> Result<Opened, DecodeError> {
    let mss = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = extension {
        hint.with_extension(ext);
    }
    let format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::Unsupported(_) => DecodeError::Unrecognised,
            other => malformed(other),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or(DecodeError::NoTrack)?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or(DecodeError::NoTrack)?;
    let rate = params.sample_rate.unwrap_or(0);
    let channels = params.channels.as_ref().map_or(0, |c| c.count()) as u16;
    let track_id = track.id;
    let promised = promised_frames(format.as_ref(), track);
    Ok(Opened {
        format,
        track_id,
        rate,
        channels,
        promised,
    })
}

fn decode_source(source: Box<dyn MediaSource>) -> Result<Pcm, DecodeError> {
    let mut samples: Vec<f32> = Vec::new();
    // Past the limit the rest is counted, not kept: to say how long it is.
    let mut total = 0u64;
    let streamed = stream_source::<DecodeError>(source, None, &mut |block, _, _| {
        total += block.len() as u64;
        if total <= super::MAX_DECODED_SAMPLES as u64 {
            samples.extend_from_slice(block);
        }
        Ok(())
    })?;
    let Streamed {
        rate,
        channels,
        promised,
    } = streamed;
    if rate == 0 || channels == 0 {
        return Err(DecodeError::NoRate);
    }
    let frames = total / u64::from(channels);
    if total > super::MAX_DECODED_SAMPLES as u64 {
        return Err(super::Unusable::TooLong {
            frames,
            rate,
            channels,
        }
        .into());
    }
    if let Some(promised) = promised.filter(|&p| p > frames) {
        return Err(DecodeError::Truncated {
            promised,
            held: frames,
            rate,
        });
    }
    Ok(Pcm {
        samples,
        rate,
        channels,
    }
    .checked()?)
}

/// What [`stream_file`] hands on: a decoded packet's interleaved samples,
/// its rate and its channel count. Its error (`E`, which a decoding error
/// converts into) stops the stream and comes back as it is.
pub type OnBlock<'a, E = DecodeError> = dyn FnMut(&[f32], u32, u16) -> Result<(), E> + 'a;

/// Decode an audio file packet by packet, handing each packet's samples to
/// `on_block`: memory stays bounded however long the file is. Returns the
/// last rate and channel count seen (0 where the file never said).
pub fn stream_file<E: From<DecodeError>>(
    path: &Path,
    on_block: &mut OnBlock<E>,
) -> Result<(u32, u16), E> {
    let file = File::open(path).map_err(DecodeError::Io)?;
    stream_source(Box::new(file), None, on_block).map(|s| (s.rate, s.channels))
}

/// [`stream_file`] for an MP3 whose audio starts `skip` bytes in (after an
/// ID3 tag the caller wrote): the decoder sees only the MPEG stream, so
/// bytes inside the tag (CHAP frames' 0xFFFFFFFF offsets look like a frame
/// header) can never be taken for audio.
pub fn stream_mp3_after<E: From<DecodeError>>(
    path: &Path,
    skip: u64,
    on_block: &mut OnBlock<E>,
) -> Result<(u32, u16), E> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path).map_err(DecodeError::Io)?;
    file.seek(SeekFrom::Start(skip)).map_err(DecodeError::Io)?;
    let source = symphonia::core::io::ReadOnlySource::new(std::io::BufReader::new(file));
    stream_source(Box::new(source), Some("mp3"), on_block).map(|s| (s.rate, s.channels))
}

/// [`stream_mp3_after`] for an MPEG stream read as it is made (the
/// encoder's output, handed over in pieces): no seeking, no ID3 tag.
pub fn stream_mp3_from<E: From<DecodeError>>(
    reader: impl std::io::Read + Send + Sync + 'static,
    on_block: &mut OnBlock<E>,
) -> Result<(u32, u16), E> {
    let source = symphonia::core::io::ReadOnlySource::new(reader);
    stream_source(Box::new(source), Some("mp3"), on_block).map(|s| (s.rate, s.channels))
}

fn stream_source<E: From<DecodeError>>(
    source: Box<dyn MediaSource>,
    extension: Option<&str>,
    on_block: &mut OnBlock<E>,
) -> Result<Streamed, E> {
    let Opened {
        mut format,
        track_id,
        mut rate,
        mut channels,
        promised,
    } = open(source, extension)?;
    // Before decoding anything: a header with an absurd rate or channel
    // count would otherwise size buffers by it.
    if rate != 0 {
        super::check_format(rate, channels.max(1)).map_err(DecodeError::from)?;
    }
    let params = format
        .tracks()
        .iter()
        .find(|t| t.id == track_id)
        .and_then(|t| t.codec_params.as_ref())
        .and_then(|p| p.audio())
        .ok_or(DecodeError::NoTrack)?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| DecodeError::NoDecoder(e.to_string()))?;
    let mut buf: Vec<f32> = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A body cut short ends the stream; what was decoded stands, and
            // the caller judges whether it is long enough.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(malformed(e).into()),
        };
        if packet.track_id != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(audio) => {
                rate = audio.spec().rate();
                channels = audio.spec().channels().count() as u16;
                buf.resize(audio.samples_interleaved(), 0.0);
                audio.copy_to_slice_interleaved(&mut buf);
                on_block(&buf, rate, channels)?;
            }
            // A corrupt packet is skipped, as players do.
            Err(SymError::DecodeError(_)) => continue,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(malformed(e).into()),
        }
    }
    Ok(Streamed {
        rate,
        channels,
        promised,
    })
}
