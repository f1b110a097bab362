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

use super::Pcm;

/// Decode a whole audio file into memory.
pub fn decode_file(path: &Path) -> Result<Pcm, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    decode_source(Box::new(file))
}

/// Decode audio held in memory.
pub fn decode_bytes(bytes: Vec<u8>) -> Result<Pcm, String> {
    decode_source(Box::new(Cursor::new(bytes)))
}

/// Check that a file opens as audio with a known rate, without decoding it all.
pub fn probe_file(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let (format, _, rate, _) = open(Box::new(file))?;
    drop(format);
    if rate == 0 {
        return Err("the file states no sample rate".into());
    }
    Ok(())
}

type Opened = (Box<dyn FormatReader>, u32, u32, u16);

fn open(source: Box<dyn MediaSource>) -> Result<Opened, String> {
    let mss = MediaSourceStream::new(source, Default::default());
    let format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::Unsupported(_) => "not a recognised audio format".to_string(),
            other => other.to_string(),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or("no audio track")?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or("no audio codec parameters")?;
    let rate = params.sample_rate.unwrap_or(0);
    let channels = params.channels.as_ref().map_or(0, |c| c.count()) as u16;
    let id = track.id;
    Ok((format, id, rate, channels))
}

fn decode_source(source: Box<dyn MediaSource>) -> Result<Pcm, String> {
    let (mut format, track_id, mut rate, mut channels) = open(source)?;
    let params = format
        .tracks()
        .iter()
        .find(|t| t.id == track_id)
        .and_then(|t| t.codec_params.as_ref())
        .and_then(|p| p.audio())
        .ok_or("no audio codec parameters")?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| format!("no decoder for this audio: {e}"))?;
    let mut samples: Vec<f32> = Vec::new();
    let mut buf: Vec<f32> = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A body cut short ends the stream; what was decoded stands, and
            // the caller judges whether it is long enough.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.to_string()),
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
                samples.extend_from_slice(&buf);
            }
            // A corrupt packet is skipped, as players do.
            Err(SymError::DecodeError(_)) => continue,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    if rate == 0 || channels == 0 {
        return Err("the audio states no sample rate or channel count".into());
    }
    Ok(Pcm {
        samples,
        rate,
        channels,
    })
}
