//! Everything decided before any audio is made: load and validate the
//! script, find the config, resolve the voices, build their backends, and
//! plan the text to the backends' limits.
//!
//! `podgen validate` and `podgen plan` stop here; `podgen render` goes on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{self, AudioConfig, BackendEntry, Config};
use crate::error::{Failure, Result};
use crate::master::Targets;
use crate::mix::Ducking;
use crate::plan::{self, Plan};
use crate::script::{self, LoadedScript};
use crate::speak::{Lexicon, Reading, Rulebook};
use crate::synthesize::{Cast, LimitedBackend};
use crate::timeline::{Pauses, ms_to_samples};
use crate::tts::{self, Keys};
use crate::voices::{self, VoiceProfile};

/// Stings sit this far under the speech level unless the config says
/// otherwise: music as loud as the voice makes the voice after it sound weak.
pub const DEFAULT_STING_LEVEL_DB: f32 = -3.0;

/// The episode sample rate unless the config sets one.
pub const SAMPLE_RATE: u32 = 44_100;

/// What the command line asks of a run.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The issue script.
    pub script: PathBuf,
    /// `-c FILE`; otherwise the config is discovered.
    pub config: Option<PathBuf>,
    /// `--backend NAME`: every voice spoken by this backend for this run.
    pub backend: Option<String>,
    /// Episodes go to `output_root/<episode>/` (`-o`; else the config's `output`, else `output`).
    pub output_root: Option<PathBuf>,
    /// The clip cache; `None` renders without one (a temporary store).
    pub cache_root: Option<PathBuf>,
    /// Speaking-rate factor for every voice.
    pub speed: f32,
    /// Print nothing but errors.
    pub quiet: bool,
}

/// Which audio files an episode gets.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    /// `<episode>.mp3`.
    pub mp3: bool,
    /// `<episode>.wav`.
    pub wav: bool,
}

/// Everything decided before any audio is made.
pub struct Prepared {
    /// The script, with its source for messages.
    pub loaded: LoadedScript,
    /// The config (or the built-in defaults).
    pub config: Config,
    /// Every segment and chapter, cut to the backends' limits.
    pub plan: Plan,
    /// The voices and the backends that speak them.
    pub cast: Cast,
    /// Pause lengths in samples.
    pub pauses: Pauses,
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
    /// Where episode folders go.
    pub output_root: PathBuf,
    /// Settings accepted but not acted on yet, and a cover that podcast
    /// hosts would refuse.
    pub warnings: Vec<String>,
    /// Environment variables backends name that are not set, as
    /// `(backend, variable)` (only with [`Keys::Optional`]).
    pub unset: Vec<(String, String)>,
}

/// Load, validate and plan: the whole of `podgen validate` and `podgen
/// plan`, and the first half of `render`. `cache_root` is where the built-in
/// voice keeps its data; `keys` says whether unset API keys are an error.
pub fn prepare(opts: &RenderOptions, cache_root: &Path, keys: Keys) -> Result<Prepared> {
    let loaded = script::load(&opts.script)?;
    script::validate(&loaded)?;
    if !(opts.speed.is_finite() && (0.25..=4.0).contains(&opts.speed)) {
        return Err(Failure::input(
            format!("speed {} is out of range", opts.speed),
            "use a factor between 0.25 and 4.0",
        ));
    }
    let config = config::discover(opts.config.as_deref(), &opts.script)?;
    let audio = AudioSettings::from_config(&config)?;

    // Voice names come from a first plan; limits depend on the voices' backends.
    let mut names = plan::build(&loaded, &plan::Voicing::names_only()).voice_names();
    // The voices that read English spans inside Mandarin are cast too.
    let defined = config.voices();
    for n in names.clone() {
        if let Some(en) = defined.get(&n).and_then(|v| v.english.clone())
            && !names.contains(&en)
        {
            names.push(en);
        }
    }
    let profiles = voices::resolve(
        &config,
        &loaded,
        &names,
        opts.backend.as_deref(),
        opts.speed,
    )?;
    voices::check_backends(&profiles, &config)?;
    let (backends, unset) = build_backends(&config, &profiles, cache_root, keys)?;
    let readings = readings(&config, &profiles, Some(&loaded.base_dir))?;
    let cast = Cast::new(profiles, backends);
    let speak = |voice: &str, text: &str, tag: &str| match readings.get(voice) {
        Some(r) => r.speak(text, tag),
        None => crate::speak::Spoken {
            text: text.to_string(),
            ssml: None,
        },
    };
    let english = |voice: &str| defined.get(voice).and_then(|v| v.english.clone());
    let plan = plan::build(
        &loaded,
        &plan::Voicing {
            limit: &|voice| cast.backend_of(voice).limits().text,
            speak: &speak,
            english: &english,
        },
    );
    check_languages(&plan, &cast)?;
    let mut warnings = audio.warnings;
    warnings.extend(crate::cover::warnings(&loaded));
    warnings.extend(languages_without_rules(&plan, &readings));

    let output_root = opts
        .output_root
        .clone()
        .or_else(|| config.file.output.as_ref().map(|o| PathBuf::from(&o.value)))
        .unwrap_or_else(|| PathBuf::from("output"));
    Ok(Prepared {
        pauses: pauses_from(&config, audio.rate),
        loaded,
        config,
        plan,
        cast,
        rate: audio.rate,
        targets: audio.targets,
        formats: audio.formats,
        levelling: audio.levelling,
        sting_level_db: audio.sting_level_db,
        channels: audio.channels,
        mp3_kbps: audio.mp3_kbps,
        ducking: audio.ducking,
        output_root,
        warnings,
        unset,
    })
}

/// The `audio:` settings, checked.
struct AudioSettings {
    rate: u32,
    targets: Targets,
    formats: Formats,
    levelling: bool,
    sting_level_db: f32,
    channels: u16,
    mp3_kbps: u32,
    ducking: Ducking,
    warnings: Vec<String>,
}

impl AudioSettings {
    fn from_config(config: &Config) -> Result<Self> {
        let audio = config.file.audio.clone().unwrap_or_default();
        let rate = audio.sample_rate.unwrap_or(SAMPLE_RATE);
        let out_of_range = |message: String, help: &str| config.error(None, message, help.into());
        if !(8_000..=192_000).contains(&rate) {
            return Err(out_of_range(
                format!("sample rate {rate} Hz is out of range"),
                "use 44100 or 48000",
            ));
        }
        let channels = audio.channels.unwrap_or(1);
        if !(1..=2).contains(&channels) {
            return Err(out_of_range(
                format!("audio.channels {channels}: podgen writes mono or stereo"),
                "set `channels: 1` (mono) or `channels: 2` (stereo)",
            ));
        }
        let defaults = Targets::default();
        let targets = Targets {
            loudness_lufs: audio.loudness_lufs.unwrap_or(defaults.loudness_lufs),
            true_peak_dbtp: audio.true_peak_dbtp.unwrap_or(defaults.true_peak_dbtp),
            dual_mono: dual_mono(config, &audio)?,
        };
        if !(-40.0..=-5.0).contains(&targets.loudness_lufs)
            || !(-12.0..=0.0).contains(&targets.true_peak_dbtp)
        {
            return Err(out_of_range(
                format!(
                    "audio: loudness {} LUFS / true peak {} dBTP are out of range",
                    targets.loudness_lufs, targets.true_peak_dbtp
                ),
                "podcasts use loudness_lufs -16 (Apple) to -19 and true_peak_dbtp -1 or -2",
            ));
        }
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
        let sting_level_db = audio.sting_level_db.unwrap_or(DEFAULT_STING_LEVEL_DB);
        if !(sting_level_db.is_finite() && (-30.0..=10.0).contains(&sting_level_db)) {
            return Err(out_of_range(
                format!("audio.sting_level_db {sting_level_db} is out of range"),
                "a level relative to speech in dB, from -30 to 10 (default -3)",
            ));
        }
        Ok(AudioSettings {
            rate,
            targets,
            formats,
            levelling: audio.levelling.unwrap_or(true),
            sting_level_db,
            channels,
            mp3_kbps: mp3_kbps(config, &audio, channels)?,
            ducking: ducking(config, &audio, rate)?,
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

/// The bitrates LAME writes for MPEG-1 Layer III, in kbps.
pub const MP3_BITRATES: [u32; 14] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];

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
    let depth_db = d.depth_db.unwrap_or(Ducking::DEPTH_DB);
    if !(depth_db.is_finite() && (0.0..=60.0).contains(&depth_db)) {
        return Err(config.error(
            None,
            format!("audio.ducking.depth_db {depth_db} is out of range"),
            "how far beds go down under speech, in dB, from 0 to 60 (default 15)".into(),
        ));
    }
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

type Backends = (HashMap<String, LimitedBackend>, Vec<(String, String)>);

/// Build the backends the voices use (and only those: an unused backend's
/// missing API key is no error). Also returns the unset variables, with
/// [`Keys::Optional`].
fn build_backends(
    config: &Config,
    profiles: &[VoiceProfile],
    cache_root: &Path,
    keys: Keys,
) -> Result<Backends> {
    let mut backends = HashMap::new();
    let mut unset = Vec::new();
    let env = |k: &str| std::env::var(k).ok();
    for v in profiles {
        if backends.contains_key(&v.backend) {
            continue;
        }
        let entry = config.backend(&v.backend).expect("backends were checked");
        let built = tts::build(&v.backend, entry, cache_root, &env, keys).map_err(|e| {
            let span = match entry {
                BackendEntry::Http(b) => script::span(b),
                BackendEntry::Builtin => None,
            };
            config.error(
                span,
                e.to_string(),
                "fix the backend's settings in the config, or set the environment variable".into(),
            )
        })?;
        unset.extend(built.unset.into_iter().map(|var| (v.backend.clone(), var)));
        let limited = LimitedBackend::new(&v.backend, built.backend);
        backends.insert(v.backend.clone(), limited);
    }
    Ok((backends, unset))
}

/// A segment in a language its voice's backend cannot speak (the built-in
/// voice speaks Mandarin and English only) is an input error, before
/// anything is synthesized.
fn check_languages(plan: &Plan, cast: &Cast) -> Result<()> {
    for (i, seg) in plan.segments.iter().enumerate() {
        let backend = &cast.backend_of(&seg.voice).backend;
        if let Some(script) = backend.cannot_read(&seg.spoken) {
            return Err(Failure::input(
                format!(
                    "{}: voice {:?} is the built-in voice, which cannot read {script}: it speaks only Mandarin and English",
                    plan.describe(i),
                    seg.voice
                ),
                "give this voice a backend that reads this language in podgen.yaml, or write the text in Mandarin or English",
            ));
        }
        if !backend.speaks(&seg.tag) {
            return Err(Failure::input(
                format!(
                    "{}: language {:?} is read by voice {:?} on the built-in voice, which speaks only Mandarin and English",
                    plan.describe(i),
                    seg.tag,
                    seg.voice
                ),
                "give this voice a backend that speaks the language in podgen.yaml, or use zh/en",
            ));
        }
    }
    Ok(())
}

/// How each voice reads: its rule families (the voice's `normalize:`, else
/// its backend's, else all on) and the lexicon entries for it. The lexicon
/// is `lexicon.yaml` beside the script (`script_dir`), then the config's
/// `lexicon:`, then `lexicon.yaml` beside the config: earlier entries win.
pub fn readings(
    config: &Config,
    profiles: &[VoiceProfile],
    script_dir: Option<&Path>,
) -> Result<HashMap<String, Reading>> {
    let config_dir = config.dir();
    let mut lexicon = Lexicon::default();
    if let Some(dir) = script_dir
        && !same_dir(dir, &config_dir)
    {
        lexicon = lexicon.then(config::load_lexicon_file(&dir.join(LEXICON_FILE))?);
    }
    lexicon = lexicon.then(config.lexicon()?);
    lexicon = lexicon.then(config::load_lexicon_file(&config_dir.join(LEXICON_FILE))?);
    let voice_configs = config.voices();
    Ok(profiles
        .iter()
        .map(|p| {
            let own = voice_configs.get(&p.name).and_then(|v| v.normalize);
            let backend = config
                .file
                .backends
                .get(&p.backend)
                .and_then(|b| b.value.normalize);
            let rules = own
                .or(backend)
                .map(config::Normalize::rules)
                .unwrap_or_default();
            let reading = Reading {
                rules,
                lexicon: lexicon.for_voice(&p.name, &p.backend),
            };
            (p.name.clone(), reading)
        })
        .collect())
}

/// The lexicon file podgen reads beside the script and beside the config.
pub const LEXICON_FILE: &str = "lexicon.yaml";

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// A warning, once per language, for text whose language has no
/// normalisation rules (it is sent as written).
fn languages_without_rules(plan: &Plan, readings: &HashMap<String, Reading>) -> Vec<String> {
    let mut tags: Vec<&str> = plan
        .segments
        .iter()
        .filter(|s| readings.get(&s.voice).is_some_and(|r| r.rules.any()))
        .filter(|s| Rulebook::for_tag(&s.tag) == Rulebook::None)
        .map(|s| s.tag.as_str())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter()
        .map(|t| format!("language {t:?}: podgen has no rules to read numbers and dates in it; its text is sent as written"))
        .collect()
}

/// Pause lengths: the config's `pauses:`, else the defaults.
fn pauses_from(config: &Config, rate: u32) -> Pauses {
    let mut p = Pauses::default_at(rate);
    if let Some(c) = &config.file.pauses {
        let samples = |v: &Option<serde_saphyr::Spanned<String>>, d: u64| {
            v.as_ref()
                .and_then(|v| config::parse_duration_ms(&v.value))
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
