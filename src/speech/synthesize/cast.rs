//! The cast of a render: its voices and the backends that speak them.

use std::collections::HashMap;

use crate::input::voices::VoiceProfile;

use super::LimitedBackend;

/// The voices of a render, in order of first appearance, and the backends
/// that speak them.
pub struct Cast {
    voices: Vec<VoiceProfile>,
    backends: HashMap<String, LimitedBackend>,
}

impl Cast {
    /// `voices` and every backend they name (by name).
    pub fn new(voices: Vec<VoiceProfile>, backends: HashMap<String, LimitedBackend>) -> Self {
        debug_assert!(voices.iter().all(|v| backends.contains_key(&v.backend)));
        Cast { voices, backends }
    }

    /// Every voice, in order of first appearance in the script.
    pub fn voices(&self) -> &[VoiceProfile] {
        &self.voices
    }

    /// The voice the script calls `name`.
    pub fn voice(&self, name: &str) -> &VoiceProfile {
        self.voices
            .iter()
            .find(|v| v.name == name)
            .expect("every voice of the plan is cast")
    }

    /// The backend that speaks voice `name`.
    pub fn backend_of(&self, voice: &str) -> &LimitedBackend {
        &self.backends[&self.voice(voice).backend]
    }

    /// Every backend, by name.
    pub fn backends(&self) -> impl Iterator<Item = &LimitedBackend> {
        self.backends.values()
    }
}
