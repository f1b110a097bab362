//! The settings a render runs by, resolved once from podgen.yaml (its
//! `audio:` and `pauses:`) and checked, with the config's line for every
//! value out of range: the episode's rate and channels, the loudness
//! targets, the formats, levelling, the ducking and the pauses, in samples
//! at the episode rate. The stages after take these values and check
//! nothing again.

use serde::Serialize;

use super::config::{self, AudioConfig, Config};
use super::script;
use crate::audio::time::ms_to_samples;
use crate::error::Result;
use serde_saphyr::Spanned;

/// Stings sit this far under the speech level unless the config says
/// otherwise: music as loud as the voice makes the voice after it sound weak.
pub const DEFAULT_STING_LEVEL_DB: f32 = -3.0;

/// The episode sample rate unless the config sets one.
pub const SAMPLE_RATE: u32 = 44_100;

/// The loudness targets (default -16 LUFS, -1 dBTP, as Apple asks of podcasts).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Targets {
    /// Integrated loudness, LUFS.
    pub loudness_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
    /// Measure a mono episode as dual mono (as heard on two speakers, +3 dB
    /// against a single-channel reading; `audio.mono_loudness: dual`).
    pub dual_mono: bool,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
            dual_mono: false,
        }
    }
}

/// Which audio files an episode gets.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    /// `<episode>.mp3`.
    pub mp3: bool,
    /// `<episode>.wav`.
    pub wav: bool,
}

/// The settings a render runs by: `audio:` and `pauses:`, checked.
pub struct Settings {
    /// The episode sample rate.
    pub rate: u32,
    /// Loudness and true-peak targets.
    pub targets: Targets,
    /// The audio files to write.
    pub formats: Formats,
    /// Whether speech clips are levelled before the master.
    pub levelling: bool,
    /// Stings' level relative to speech, in dB, when levelling.
    pub sting_level_db: f32,
    /// Channels of the episode: 1 or 2.
    pub channels: u16,
    /// The MP3's bitrate in kbps.
    pub mp3_kbps: u32,
    /// How beds and overlapping stings duck under speech.
    pub ducking: Ducking,
    /// Pause lengths in samples.
    pub pauses: Pauses,
    /// Settings accepted but not acted on yet.
    pub warnings: Vec<String>,
}

impl Settings {
    /// The `audio:` and `pauses:` of `config`, with their defaults, checked.
    pub fn from_config(config: &Config) -> Result<Self> {
        let audio = config.file.audio.clone().unwrap_or_default();
        let defaults = Targets::default();
        let rate = bounded(config, "audio.sample_rate", &audio.sample_rate, SAMPLE_RATE)?;
        let channels = bounded(config, "audio.channels", &audio.channels, 1)?;
        let targets = Targets {
            loudness_lufs: bounded(
                config,
                "audio.loudness_lufs",
                &audio.loudness_lufs,
                defaults.loudness_lufs,
            )?,
            true_peak_dbtp: bounded(
                config,
                "audio.true_peak_dbtp",
                &audio.true_peak_dbtp,
                defaults.true_peak_dbtp,
            )?,
            dual_mono: dual_mono(config, &audio)?,
        };
        let out_of_range = |message: String, help: &str| config.error(None, message, help.into());
        // Formats podgen will write later: say so rather than ignore them.
        let names = audio
            .formats
            .clone()
            .unwrap_or_else(|| vec!["mp3".into(), "wav".into()]);
        let other: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|f| !["mp3", "wav"].contains(f))
            .collect();
        let mut warnings = Vec::new();
        if !other.is_empty() {
            warnings.push(format!(
                "audio.formats: podgen writes mp3 and wav so far; {} not yet",
                other.join(", ")
            ));
        }
        let formats = Formats {
            mp3: names.iter().any(|f| f == "mp3"),
            wav: names.iter().any(|f| f == "wav"),
        };
        if !formats.mp3 && !formats.wav {
            return Err(out_of_range(
                "audio.formats names no format podgen writes".into(),
                "use [mp3, wav], [mp3] or [wav]",
            ));
        }
        let sting_level_db = bounded(
            config,
            "audio.sting_level_db",
            &audio.sting_level_db,
            DEFAULT_STING_LEVEL_DB,
        )?;
        Ok(Settings {
            rate,
            targets,
            formats,
            levelling: audio.levelling.unwrap_or(true),
            sting_level_db,
            channels,
            mp3_kbps: mp3_kbps(config, &audio, channels)?,
            ducking: ducking(config, &audio, rate)?,
            pauses: pauses_from(config, rate),
            warnings,
        })
    }
}

/// `audio.mono_loudness`: whether a mono episode is measured as dual mono.
fn dual_mono(config: &Config, audio: &AudioConfig) -> Result<bool> {
    match &audio.mono_loudness {
        None => Ok(false),
        Some(m) if m.value == "single" => Ok(false),
        Some(m) if m.value == "dual" => Ok(true),
        Some(m) => Err(config.error(
            script::span(m),
            format!("audio.mono_loudness {:?} is not a way to measure", m.value),
            "use `single` (the file as meters read it, the default) or `dual` (as heard on two speakers)".into(),
        )),
    }
}

/// The bitrates LAME writes for MPEG-1 Layer III, in kbps: the encoder's table.
pub use crate::audio::mp3::BITRATES as MP3_BITRATES;

/// `audio.mp3_kbps`, or the hosts' recommendation: 96 kbps mono, 128 stereo.
fn mp3_kbps(config: &Config, audio: &AudioConfig, channels: u16) -> Result<u32> {
    match &audio.mp3_kbps {
        None => Ok(if channels == 2 { 128 } else { 96 }),
        Some(k) if MP3_BITRATES.contains(&k.value) => Ok(k.value),
        Some(k) => Err(config.error(
            script::span(k),
            format!("audio.mp3_kbps {} is not an MP3 bitrate", k.value),
            format!(
                "use one of {}",
                MP3_BITRATES.map(|b| b.to_string()).join(", ")
            ),
        )),
    }
}

/// `audio.ducking`, checked, in samples at `rate`.
fn ducking(config: &Config, audio: &AudioConfig, rate: u32) -> Result<Ducking> {
    let d = audio.ducking.clone().unwrap_or_default();
    let depth_db = bounded(
        config,
        "audio.ducking.depth_db",
        &d.depth_db,
        Ducking::DEPTH_DB,
    )?;
    let time = |v: &Option<serde_saphyr::Spanned<String>>, what: &str, default_ms: u64| {
        let Some(v) = v else {
            return Ok(ms_to_samples(default_ms, rate));
        };
        match config::parse_duration_ms(&v.value).filter(|&ms| ms <= 10_000) {
            Some(ms) => Ok(ms_to_samples(ms, rate)),
            None => Err(config.error(
                script::span(v),
                format!(
                    "audio.ducking.{what} {:?} is not a duration up to 10s",
                    v.value
                ),
                "write it like 200ms or 1.5s".into(),
            )),
        }
    };
    Ok(Ducking {
        depth_db,
        attack: time(&d.attack, "attack", 200)?,
        release: time(&d.release, "release", 500)?,
        hold: time(&d.hold, "hold", 900)?,
    })
}

/// How beds (and stings that overlap speech) go down under speech, in
/// samples. The duck is planned from the timeline, which knows where every
/// clip of speech sits before a sample is mixed: it starts `attack` before
/// the first syllable and is at full depth when the voice starts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ducking {
    /// How far down, in dB.
    pub depth_db: f32,
    /// The ramp down, ending where speech starts.
    pub attack: u64,
    /// The ramp back up, starting where speech ends.
    pub release: u64,
    /// Gaps in speech shorter than this stay ducked.
    pub hold: u64,
}

impl Ducking {
    /// The default depth: 15 dB, enough for a bed to sit under a voice
    /// without masking it.
    pub const DEPTH_DB: f32 = 15.0;
}

/// Pause lengths in samples at the episode rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pauses {
    /// Between the parts of a sentence too long for one request.
    pub chunk: u64,
    /// Between sentences.
    pub sentence: u64,
    /// Between paragraphs.
    pub paragraph: u64,
    /// Between two lines of a dialogue.
    pub turn: u64,
    /// Between two chapters.
    pub item: u64,
    /// Between a sting and the speech next to it.
    pub sting: u64,
}

impl Pauses {
    /// The defaults: sentence 250 ms, paragraph 600 ms, item 1000 ms, 120 ms
    /// inside a split sentence, 400 ms between dialogue turns and 500 ms
    /// between a sting and speech.
    pub fn default_at(rate: u32) -> Self {
        let ms = |m: u64| ms_to_samples(m, rate);
        Pauses {
            chunk: ms(120),
            sentence: ms(250),
            paragraph: ms(600),
            turn: ms(400),
            item: ms(1000),
            sting: ms(500),
        }
    }
}

/// The value of the number setting `key` (like `audio.sample_rate`; its
/// last part is its key in [`crate::input::bounds`]), checked against its
/// bound at its line, else `default`.
fn bounded<T: Copy + Into<f64>>(
    config: &Config,
    key: &str,
    value: &Option<Spanned<T>>,
    default: T,
) -> Result<T> {
    let Some(v) = value else {
        return Ok(default);
    };
    let bare = key.rsplit('.').next().unwrap_or(key);
    let section = &key[..key.len() - bare.len()];
    match crate::input::bounds::problem(bare, v.value.into()) {
        None => Ok(v.value),
        Some(message) => Err(config.error(
            script::span(v),
            format!("{section}{message}"),
            "set it within that range, or leave it out for the default".into(),
        )),
    }
}

/// Pause lengths: the config's `pauses:` (checked at load, each at most a
/// minute), else the defaults.
fn pauses_from(config: &Config, rate: u32) -> Pauses {
    let mut p = Pauses::default_at(rate);
    if let Some(c) = &config.file.pauses {
        let samples = |v: &Option<Spanned<String>>, d: u64| {
            v.as_ref()
                .and_then(|v| script::marker_ms(&v.value))
                .map_or(d, |ms| ms_to_samples(ms, rate))
        };
        p = Pauses {
            chunk: samples(&c.chunk, p.chunk),
            sentence: samples(&c.sentence, p.sentence),
            paragraph: samples(&c.paragraph, p.paragraph),
            turn: samples(&c.turn, p.turn),
            item: samples(&c.item, p.item),
            sting: samples(&c.sting, p.sting),
        };
    }
    p
}
