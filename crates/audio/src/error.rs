//! How a long pass over audio (the master, an MP3 encode, a measurement)
//! reports its progress, and why it stops: an interrupt is a value of its
//! own, never an I/O error of a special kind.

use crate::decode::DecodeError;

/// A pass stopped by whoever hears its progress (Ctrl-C): not a failure
/// of the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Hears how far a pass got, in frames, and may stop it.
pub type Progress<'a> = &'a dyn Fn(u64) -> Result<(), Interrupted>;

/// A progress listener that never stops anything.
pub fn no_progress(_: u64) -> Result<(), Interrupted> {
    Ok(())
}

/// Why a pass over audio did not finish.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// Whoever hears its progress stopped it.
    #[error("interrupted")]
    Interrupted,
    /// A file could not be read or written.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A WAV file could not be read or written as one.
    #[error(transparent)]
    Wav(hound::Error),
    /// The loudness meter refused the samples.
    #[error("loudness meter")]
    Meter(#[from] ebur128::Error),
    /// LAME refused a setting or the samples (its binding's errors are
    /// codes with a text, and no cause under them).
    #[error("MP3 encoder: {0}")]
    Encoder(String),
    /// The MP3 written does not decode.
    #[error("the MP3 does not decode back")]
    Decode(#[source] DecodeError),
    /// A bitrate LAME does not write at a constant rate.
    #[error("{0} kbps is not an MP3 bitrate")]
    Bitrate(u32),
    /// An MP3 is made from a 16-bit mono or stereo WAV only.
    #[error(
        "the MP3 is made from a 16-bit mono or stereo WAV, not {channels} channels of {bits} bits"
    )]
    WavFormat {
        /// The WAV's channels.
        channels: u16,
        /// Its bits per sample.
        bits: u16,
    },
    /// A thread of the pass stopped unexpectedly, or its bookkeeping did
    /// not add up: a bug, told in words rather than a panic.
    #[error("{0}")]
    Broken(String),
}

impl From<Interrupted> for PassError {
    fn from(_: Interrupted) -> Self {
        PassError::Interrupted
    }
}

impl From<hound::Error> for PassError {
    fn from(e: hound::Error) -> Self {
        match e {
            hound::Error::IoError(e) => PassError::Io(e),
            other => PassError::Wav(other),
        }
    }
}

impl From<DecodeError> for PassError {
    fn from(e: DecodeError) -> Self {
        match e {
            // Reading the file, not decoding it, failed.
            DecodeError::Io(e) => PassError::Io(e),
            other => PassError::Decode(other),
        }
    }
}

impl PassError {
    /// A thread of the pass that stopped unexpectedly.
    pub fn thread(what: &str) -> Self {
        PassError::Broken(format!("{what} stopped unexpectedly"))
    }

    /// LAME's error, in its binding's words.
    pub fn encoder(e: impl std::fmt::Display) -> Self {
        PassError::Encoder(e.to_string())
    }
}
