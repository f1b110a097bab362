//! Voices: what each voice name in a script resolves to.
//!
//! Without a config file every name maps to the built-in voice, and distinct
//! names get audibly distinct built-in voices in order of first appearance
//! (DESIGN.md section 1).

use serde::Serialize;

/// What one voice name in the script resolves to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceProfile {
    /// The name the script uses (`host`, `guest`, ...).
    pub name: String,
    /// The backend that speaks it.
    pub backend: String,
    /// The built-in engine's acoustic variant (`f3`, `m3`, ...), if any.
    pub variant: Option<String>,
    /// Built-in base pitch, 0 to 100 (50 is the engine's default).
    pub pitch: u32,
    /// Speaking-rate factor, 1.0 is the voice's normal rate.
    pub speed: f32,
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
        .map(|(i, name)| {
            let (variant, pitch) = BUILTIN_PRESETS[i % BUILTIN_PRESETS.len()];
            let round = (i / BUILTIN_PRESETS.len()) as u32;
            VoiceProfile {
                name: name.clone(),
                backend: "builtin".into(),
                variant: variant.map(str::to_string),
                pitch: (pitch + 7 * round) % 101,
                speed,
            }
        })
        .collect()
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
