//! A sting or bed file decoded whole, and each way it can fail told in the
//! user's words with what to do about it: one home for `validate` (which
//! decodes every sound the script names) and for render (which decodes it
//! again, since it may have changed since).

use crate::audio::decode::{self, DecodeError};
use crate::audio::{Pcm, Unusable};

/// Why a sound file is not a sting or bed podgen can play.
#[derive(Debug, thiserror::Error)]
pub enum SoundFileError {
    /// It does not decode, or decodes to audio podgen cannot use.
    #[error("{}", words(.0))]
    Decode(#[source] DecodeError),
    /// It decodes to nothing at all: a failed export, not a choice (a bed
    /// of no samples cannot loop, a sting of none is no sting).
    #[error("it holds no audio (not a single sample)")]
    Empty,
}

impl SoundFileError {
    /// What to do about it; `bed` for a bed, which loops.
    pub fn help(&self, bed: bool) -> String {
        let e = match self {
            SoundFileError::Empty => return "export it again, or take it out of the script".into(),
            SoundFileError::Decode(e) => e,
        };
        let formats = "WAV, FLAC, MP3 or Ogg Vorbis";
        match e {
            DecodeError::Unrecognised | DecodeError::NoTrack => format!("use a {formats} file"),
            DecodeError::NoDecoder(_) => format!("convert it to {formats}"),
            DecodeError::Io(_) => "check that the file can be read".into(),
            DecodeError::Truncated { .. } => {
                "the copy or export was interrupted: make the file again".into()
            }
            DecodeError::NoRate | DecodeError::Malformed(_) => "export it again".into(),
            DecodeError::Unusable(u) => match u {
                Unusable::Rate(_) => "resample it (44100 or 48000 Hz)".into(),
                Unusable::Channels(_) => "mix it down to mono or stereo".into(),
                Unusable::NotFinite(_) | Unusable::OutOfRange(_) => {
                    "export it again, as 16- or 24-bit PCM".into()
                }
                Unusable::TooLong { .. } if bed => {
                    "shorten it: a bed loops, so a minute or two of it plays under any length"
                        .into()
                }
                Unusable::TooLong { .. } => "shorten it: a sting is a few seconds".into(),
            },
        }
    }
}

/// The problem in the user's words, each decoder error in its own.
fn words(e: &DecodeError) -> String {
    match e {
        DecodeError::Unrecognised => "it is not audio podgen reads".into(),
        DecodeError::NoTrack => "it holds no audio track".into(),
        DecodeError::NoRate => "it states no sample rate or channel count".into(),
        DecodeError::NoDecoder(codec) => {
            format!("it is in an encoding podgen cannot decode ({codec})")
        }
        DecodeError::Malformed(why) => format!("it is damaged: {why}"),
        DecodeError::Io(why) => format!("it cannot be read: {why}"),
        // Already a sentence about the file ("it has 9 channels …").
        DecodeError::Unusable(_) | DecodeError::Truncated { .. } => e.to_string(),
    }
}

/// The sound in `bytes`, decoded whole: audio of at least one sample that
/// holds all its header promises.
pub fn decode_sound(bytes: Vec<u8>) -> Result<Pcm, SoundFileError> {
    let pcm = decode::decode_bytes(bytes).map_err(SoundFileError::Decode)?;
    if pcm.samples.is_empty() {
        return Err(SoundFileError::Empty);
    }
    Ok(pcm)
}
