//! Voices: what each voice name in a script resolves to.
//!
//! Without a config file every name maps to the built-in voice, and distinct
//! names get audibly distinct built-in voices in order of first appearance.
//! With a config that defines voices, every name must be defined there (or
//! in `voices/*.yaml`), unless `--backend` points every voice at one
//! backend; a config that defines none (only settings) keeps the built-in
//! voices.

use serde::Serialize;

use crate::error::{Failure, Result, nearest};
use crate::input::config::{BUILTIN, Config, VoiceConfig};
use crate::input::script::LoadedScript;

/// What one voice name in the script resolves to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceProfile {
    /// The name the script uses (`host`, `guest`, ...).
    pub name: String,
    /// The backend that speaks it.
    pub backend: String,
    /// The backend's voice id (`alloy`, `zf_xiaobei`, ...).
    pub voice: Option<String>,
    /// The model, for backends that have several.
    pub model: Option<String>,
    /// Speaking-rate factor, 1.0 is the voice's normal rate.
    pub speed: f32,
    /// Style instructions, for backends that take them.
    pub instructions: Option<String>,
    /// BCP-47 tag for backends that take one; default: the text's language.
    pub language: Option<String>,
    /// Built-in voice: acoustic variant (`f3`, `m3`, ...) and base pitch 0-100.
    pub variant: Option<String>,
    /// Built-in voice: base pitch 0-100.
    pub pitch: Option<u32>,
    /// Extra request fields passed into the body.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Stereo position, -1 (left) to 1 (right).
    pub pan: f32,
}

impl VoiceProfile {
    fn builtin(name: &str, preset_index: usize) -> Self {
        let (variant, pitch) = BUILTIN_PRESETS[preset_index % BUILTIN_PRESETS.len()];
        let round = (preset_index / BUILTIN_PRESETS.len()) as u32;
        VoiceProfile {
            name: name.to_string(),
            backend: BUILTIN.into(),
            voice: None,
            model: None,
            speed: 1.0,
            instructions: None,
            language: None,
            variant: variant.map(str::to_string),
            pitch: Some((pitch + 7 * round) % 101),
            extra: Default::default(),
            pan: 0.0,
        }
    }

    /// The profile a voice entry of the config describes.
    pub fn from_config(name: &str, c: &VoiceConfig) -> Self {
        VoiceProfile {
            name: name.to_string(),
            backend: c.backend_name().to_string(),
            voice: c.voice.clone(),
            model: c.model.clone(),
            speed: c.speed.as_ref().map_or(1.0, |s| s.value),
            instructions: c.instructions.clone(),
            language: c.language.clone(),
            variant: c.variant.clone(),
            pitch: c.pitch.as_ref().map(|p| p.value),
            extra: c.extra.clone(),
            pan: c.pan.as_ref().map_or(0.0, |p| p.value),
        }
    }
}

/// Built-in voice presets, in the order voice names are given them: a male
/// and a female voice first, then more variety. Each differs from the others
/// in formants (the variant) or pitch, so that two hosts never sound alike.
const BUILTIN_PRESETS: &[(Option<&str>, u32)] = &[
    (None, 50),
    (Some("f3"), 60),
    (Some("m3"), 35),
    (Some("f2"), 45),
    (Some("m7"), 60),
    (Some("f4"), 70),
    (Some("m2"), 25),
    (Some("f1"), 55),
];

/// The built-in cast for a script without a config: one preset per name, in
/// order of first appearance. Past the presets, pitches keep them apart.
pub fn builtin_cast(names: &[String], speed: f32) -> Vec<VoiceProfile> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| VoiceProfile {
            speed,
            ..VoiceProfile::builtin(name, i)
        })
        .collect()
}

/// Resolve every voice name of a script (in order of first appearance)
/// against the config. `backend_override` is `--backend`; `speed` scales
/// every voice's speed.
pub fn resolve(
    config: &Config,
    loaded: &LoadedScript,
    names: &[String],
    backend_override: Option<&str>,
    speed: f32,
) -> Result<Vec<VoiceProfile>> {
    let defined = config.voices();
    let mut cast = Vec::with_capacity(names.len());
    let mut builtin_seen = 0;
    for name in names {
        let mut profile = match defined.get(name) {
            Some(c) => VoiceProfile::from_config(name, c),
            None if !config.is_user_config()
                || defined.is_empty()
                || backend_override.is_some() =>
            {
                VoiceProfile::builtin(name, builtin_seen)
            }
            None => {
                let known: Vec<&str> = defined.keys().map(String::as_str).collect();
                let hint = match nearest(name, &known) {
                    Some(k) => format!(
                        "did you mean `{k}`? Or define `{name}` under `voices:` in the config"
                    ),
                    None if known.is_empty() => format!(
                        "define `{name}` under `voices:` in the config, e.g. `{name}: {{backend: openai, voice: alloy}}`"
                    ),
                    None => format!(
                        "define `{name}` under `voices:` in the config; defined: {}",
                        known.join(", ")
                    ),
                };
                let span = crate::input::script::voice_span(&loaded.script, name);
                return Err(loaded.source.error(
                    span,
                    format!(
                        "voice {name:?} is not defined in {}",
                        config
                            .path
                            .as_ref()
                            .map_or("the config".into(), |p| p.display().to_string())
                    ),
                    "this voice",
                    Some(hint),
                ));
            }
        };
        if let Some(b) = backend_override {
            profile.backend = b.to_string();
        }
        if config.is_builtin(&profile.backend) {
            // Built-in voices without a variant of their own get the next preset.
            if profile.variant.is_none() && profile.pitch.is_none() {
                let preset = VoiceProfile::builtin(name, builtin_seen);
                profile.variant = preset.variant;
                profile.pitch = preset.pitch;
            }
            builtin_seen += 1;
        } else if profile.voice.is_none() && !defined.contains_key(name) {
            // Pointed at another backend for one run: the name is the voice id.
            profile.voice = Some(name.clone());
        }
        profile.speed *= speed;
        cast.push(profile);
    }
    Ok(cast)
}

/// Fail with a hint when a voice names a backend that does not exist.
pub fn check_backends(cast: &[VoiceProfile], config: &Config) -> Result<()> {
    let known = config.backend_names();
    for v in cast {
        if !known.contains(&v.backend.as_str()) {
            let hint = match nearest(&v.backend, &known) {
                Some(k) => format!("did you mean `{k}`? Backends: {}", known.join(", ")),
                None => format!(
                    "backends: {} (define more under `backends:` in podgen.yaml)",
                    known.join(", ")
                ),
            };
            return Err(Failure::input(
                format!(
                    "backend {:?} (for voice {:?}) is not defined",
                    v.backend, v.name
                ),
                hint,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_gets_a_distinct_voice() {
        let names: Vec<String> = (0..20).map(|i| format!("v{i}")).collect();
        let cast = builtin_cast(&names, 1.0);
        for (i, a) in cast.iter().enumerate() {
            for b in &cast[i + 1..] {
                assert!(
                    a.variant != b.variant || a.pitch != b.pitch,
                    "{} and {} sound alike",
                    a.name,
                    b.name
                );
            }
        }
    }
}
