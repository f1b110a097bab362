//! One check for a voice, wherever it is written: under `voices:` in
//! podgen.yaml or alone in `voices/<name>.yaml`. Both are a
//! [`VoiceConfig`], so both are held to the same ranges, with the line of
//! the value at fault.

use std::ops::RangeInclusive;

use miette::SourceSpan;

use super::{BUILTIN, VoiceConfig};
use crate::input::yaml::span;

/// The speaking-rate factors podgen accepts, for a voice's `speed:` and for
/// `--speed`.
pub const SPEED: RangeInclusive<f32> = 0.25..=4.0;

/// Where a voice may sit in a stereo episode: -1 left, 1 right.
pub const PAN: RangeInclusive<f32> = -1.0..=1.0;

/// Whether `speed` is a speaking-rate factor podgen accepts.
pub fn is_speed(speed: f32) -> bool {
    speed.is_finite() && SPEED.contains(&speed)
}

/// What to write instead of a speed out of range.
pub fn speed_help() -> String {
    format!(
        "use a factor between {:?} and {:?}",
        SPEED.start(),
        SPEED.end()
    )
}

/// What is wrong with a voice.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VoiceError {
    /// `backend:` names no backend of the config.
    #[error("it uses backend {0:?}, which is not defined")]
    UnknownBackend(String),
    /// `speed:` outside [`SPEED`].
    #[error("speed {0} is out of range")]
    Speed(f32),
    /// `pan:` outside [`PAN`].
    #[error("pan {0} is out of range")]
    Pan(f32),
    /// `pitch:` outside 0 to 100.
    #[error("{0}")]
    Pitch(String),
}

impl VoiceError {
    /// What to do about it; `backends` are the names a voice may use.
    pub fn help(&self, backends: &[&str]) -> String {
        match self {
            VoiceError::UnknownBackend(b) => match crate::error::nearest(b, backends) {
                Some(k) => format!("did you mean `{k}`? Backends: {}", backends.join(", ")),
                None => format!(
                    "define it under `backends:` in podgen.yaml; known: {}",
                    backends.join(", ")
                ),
            },
            VoiceError::Speed(_) => speed_help(),
            VoiceError::Pan(_) => "use -1 (left) to 1 (right); 0 is centred".into(),
            VoiceError::Pitch(_) => "the built-in voice's base pitch: 0 (low) to 100 (high)".into(),
        }
    }
}

impl VoiceConfig {
    /// The backend that speaks the voice (default `builtin`).
    pub fn backend_name(&self) -> &str {
        self.backend.as_ref().map_or(BUILTIN, |b| b.value.as_str())
    }

    /// The first thing wrong with the voice, and where it is written (None
    /// where the parser kept no position); `backends` are the names a voice
    /// may use.
    pub fn check(&self, backends: &[&str]) -> Result<(), (VoiceError, Option<SourceSpan>)> {
        if !backends.contains(&self.backend_name()) {
            let at = self.backend.as_ref().and_then(span);
            return Err((VoiceError::UnknownBackend(self.backend_name().into()), at));
        }
        if let Some(s) = &self.speed
            && !is_speed(s.value)
        {
            return Err((VoiceError::Speed(s.value), span(s)));
        }
        if let Some(p) = &self.pan
            && !(p.value.is_finite() && PAN.contains(&p.value))
        {
            return Err((VoiceError::Pan(p.value), span(p)));
        }
        if let Some(p) = &self.pitch
            && let Some(message) = crate::input::bounds::problem("pitch", f64::from(p.value))
        {
            return Err((VoiceError::Pitch(message), span(p)));
        }
        Ok(())
    }
}
