//! Everything decided before any audio is made: load and validate the
//! script, find the config, resolve the voices, build their backends, and
//! plan the text to the backends' limits.
//!
//! `podgen validate` and `podgen plan` stop here; `podgen render` goes on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Failure, Result};
use crate::input::config::{self, Config};
use crate::input::script::{self, LoadedScript};
use crate::input::settings::Settings;
use crate::input::voices::{self, VoiceProfile};
use crate::speech::cache::ClipStore;
use crate::speech::synthesize::{Cast, LimitedBackend};
use crate::speech::tts::{self, Keys};
use crate::text::plan::{self, Plan};
use crate::text::speak::{Lexicon, Reading, Rulebook};

/// The clip cache under `root` for clips at `rate`, or a runtime failure
/// naming the folder and every cause.
pub fn open_clips(root: &Path, rate: u32) -> Result<ClipStore> {
    ClipStore::open(root, rate).map_err(|e| {
        let what = format!("cannot open the cache at {}", root.display());
        Failure::runtime_because(what, &e)
    })
}

/// What the command line asks of a run.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The issue script.
    pub script: PathBuf,
    /// `-c FILE`; otherwise the config is discovered.
    pub config: Option<PathBuf>,
    /// Speaking-rate factor for every voice.
    pub speed: f32,
    /// `--backend NAME`: every voice spoken by this backend for this run.
    pub backend: Option<String>,
    /// Episodes go to `output_root/<episode>/`: `-o`, else the config's
    /// `output:`, else `output`.
    pub output_root: Option<PathBuf>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// The clip cache; `None` renders without one (a temporary store).
    pub cache_root: Option<PathBuf>,
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
    /// The audio settings and pauses, resolved and checked.
    pub settings: Settings,
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
    if !config::voice::is_speed(opts.speed) {
        return Err(Failure::input(
            format!("speed {} is out of range", opts.speed),
            config::voice::speed_help(),
        ));
    }
    let config = config::discover(opts.config.as_deref(), &opts.script)?;
    let mut settings = Settings::from_config(&config)?;

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
    check_readings_fit(&readings, &cast)?;
    let speak = |voice: &str, text: &str, tag: &str| match readings.get(voice) {
        Some(r) => r.speak(text, tag),
        None => crate::text::speak::Spoken {
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
    let mut warnings = std::mem::take(&mut settings.warnings);
    if let Some(cover) = &loaded.script.cover {
        let path = loaded.base_dir.join(&cover.value);
        warnings.extend(crate::input::cover::warnings(&path, &cover.value));
    }
    warnings.extend(languages_without_rules(&plan, &readings));

    let output_root = opts
        .output_root
        .clone()
        .or_else(|| config.file.output.as_ref().map(|o| PathBuf::from(&o.value)))
        .unwrap_or_else(|| PathBuf::from("output"));
    Ok(Prepared {
        loaded,
        config,
        plan,
        cast,
        settings,
        output_root,
        warnings,
        unset,
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
            config.error(
                config.backend_span(&v.backend),
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

/// Every lexicon reading a voice may say fits its backend's request limit:
/// a longer one could never be sent whole (planning would cut the sentence
/// around it to single characters, and the reading would never be said).
fn check_readings_fit(readings: &HashMap<String, Reading>, cast: &Cast) -> Result<()> {
    let mut voices: Vec<&String> = readings.keys().collect();
    voices.sort();
    for voice in voices {
        let backend = cast.backend_of(voice);
        let limit = backend.limits().text;
        for (origin, say) in readings[voice].lexicon.readings() {
            if limit.fits(say) {
                continue;
            }
            let (size, most) = match limit.max_bytes {
                Some(bytes) if say.len() > bytes => {
                    (format!("{} bytes", say.len()), format!("{bytes} bytes"))
                }
                _ => (
                    format!("{} characters", say.chars().count()),
                    format!("{} characters", limit.max_chars),
                ),
            };
            return Err(Failure::input(
                format!(
                    "{origin}: this reading is {size}, more than voice `{voice}`'s backend takes in one request ({most})"
                ),
                "shorten `say:`, or limit the entry to other voices with `voices:` or `backends:`",
            ));
        }
    }
    Ok(())
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
