//! podgen.yaml: backends, voices and settings (the README's "podgen.yaml").
//!
//! Discovery: `-c FILE`, else `podgen.yaml` beside the issue file, else the
//! current directory's, else built-in defaults. Voice profiles may also live
//! in `voices/*.yaml` beside the config, one voice per file, named by the
//! file's stem. `${ENV}` and `${ENV:-default}` in strings are read from the
//! environment when a backend is built; the values are secrets and never
//! printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::audio::PcmSpec;
use crate::error::{Failure, Result, SourceFile, nearest};
use crate::input::script::span;

pub mod backend_check;
pub mod template;
pub use backend_check::{stand_in_placeholders, url_problem};

/// The whole config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `output:` the folder episodes go to.
    pub output: Option<Spanned<String>>,
    /// `audio:` rate, channels, loudness, formats.
    pub audio: Option<AudioConfig>,
    /// `pauses:` pause lengths.
    pub pauses: Option<PausesConfig>,
    /// `backends:` by name.
    #[serde(default)]
    pub backends: BTreeMap<String, Spanned<BackendConfig>>,
    /// `voices:` by name.
    #[serde(default)]
    pub voices: BTreeMap<String, Spanned<VoiceConfig>>,
    /// `lexicon:` pronunciation entries (before those of lexicon.yaml files).
    #[serde(default)]
    pub lexicon: Vec<Spanned<podgen_text::speak::Entry>>,
    /// `show:` what the feed says about the show.
    pub show: Option<Spanned<ShowConfig>>,
}

/// `show:` in podgen.yaml: the show as its feed describes it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowConfig {
    /// The show's title.
    pub title: Option<String>,
    /// What the show is about.
    pub description: Option<String>,
    /// Who makes it (itunes:author).
    pub author: Option<String>,
    /// Who to contact about the feed (itunes:owner).
    pub owner: Option<OwnerConfig>,
    /// BCP-47 tag of the show's language.
    pub language: Option<String>,
    /// Apple Podcasts categories: `Technology`, or `Parent > Child`.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether episodes have explicit content.
    pub explicit: Option<bool>,
    /// The show's artwork, relative to the config file.
    pub image: Option<String>,
    /// The show's web page.
    pub link: Option<String>,
    /// The URL the output folder is served at.
    pub base_url: Option<String>,
    /// The show's podcast:guid (default: derived from the feed's URL, as
    /// the podcast namespace says); pin it to keep GUIDs if `base_url` moves.
    pub guid: Option<String>,
    /// A copyright line.
    pub copyright: Option<String>,
}

/// `show.owner:` in podgen.yaml.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerConfig {
    /// The owner's name.
    pub name: Option<String>,
    /// The owner's e-mail address.
    pub email: Option<String>,
}

/// `normalize:` on a backend or voice: `true`/`false` for every rule
/// family, or the families one by one (`{numbers: false}`; the others stay on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Normalize {
    /// Every family on or off.
    All(bool),
    /// Family by family.
    Families(podgen_text::speak::Rules),
}

impl Normalize {
    /// The rule families this setting turns on.
    pub fn rules(self) -> podgen_text::speak::Rules {
        match self {
            Normalize::All(on) => podgen_text::speak::Rules::all(on),
            Normalize::Families(r) => r,
        }
    }
}

/// `audio:` in podgen.yaml.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioConfig {
    /// The episode's sample rate (default 44100).
    pub sample_rate: Option<u32>,
    /// Channels: 1 (mono, the default) or 2 (stereo).
    pub channels: Option<u16>,
    /// How a mono episode is measured: `single` (default) or `dual`.
    pub mono_loudness: Option<Spanned<String>>,
    /// The MP3's bitrate in kbps (default 96 for mono, 128 for stereo).
    pub mp3_kbps: Option<Spanned<u32>>,
    /// How music beds (and stings that overlap speech) duck under speech.
    pub ducking: Option<DuckingConfig>,
    /// Integrated loudness target (default -16 LUFS).
    pub loudness_lufs: Option<f64>,
    /// True-peak ceiling (default -1 dBTP).
    pub true_peak_dbtp: Option<f64>,
    /// Which files to write (default mp3 and wav).
    pub formats: Option<Vec<String>>,
    /// Bring every speech clip to one level before the master (default true).
    pub levelling: Option<bool>,
    /// Stings' level relative to speech, in dB (default -3), when levelling.
    pub sting_level_db: Option<f32>,
}

/// `audio.ducking:` in podgen.yaml.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuckingConfig {
    /// How far a bed goes down under speech, in dB (default 15).
    pub depth_db: Option<f32>,
    /// How long before speech the duck starts, reaching full depth as the
    /// first syllable does (default 200ms).
    pub attack: Option<Spanned<String>>,
    /// How long the bed takes to come back after speech (default 500ms).
    pub release: Option<Spanned<String>>,
    /// Gaps in speech shorter than this stay ducked (default 900ms), so the
    /// bed does not pump between sentences.
    pub hold: Option<Spanned<String>>,
}

/// `pauses:` in podgen.yaml: durations like `250ms` or `1.5s`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PausesConfig {
    /// Inside a sentence split for the backend's limit.
    pub chunk: Option<Spanned<String>>,
    /// Between sentences.
    pub sentence: Option<Spanned<String>>,
    /// Between paragraphs.
    pub paragraph: Option<Spanned<String>>,
    /// Between dialogue lines.
    pub turn: Option<Spanned<String>>,
    /// Between items (chapters).
    pub item: Option<Spanned<String>>,
    /// Between a sting and speech.
    pub sting: Option<Spanned<String>>,
}

/// One backend: a preset with overrides, or a full generic template.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    /// openai, elevenlabs, azure, google, piper, builtin; none = generic template.
    pub preset: Option<Spanned<String>>,
    /// The API's base URL; the preset adds its path.
    pub base_url: Option<String>,
    /// The API key, normally `${VAR}` from the environment.
    pub api_key: Option<String>,
    /// The model, unless a voice names one.
    pub model: Option<String>,
    /// The HTTP method (default POST).
    pub method: Option<String>,
    /// The whole URL template (instead of `base_url`).
    pub url: Option<String>,
    /// Header templates.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Query-string templates.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// The request body template.
    pub body: Option<BodyConfig>,
    /// How to read the response.
    pub response: Option<ResponseConfig>,
    /// The longest text per request, in characters.
    pub max_chars: Option<usize>,
    /// The longest text per request, in UTF-8 bytes.
    pub max_bytes: Option<usize>,
    /// Requests in flight at once.
    pub concurrency: Option<usize>,
    /// Requests started per `rate_window`.
    pub requests_per_minute: Option<u32>,
    /// The window `requests_per_minute` counts over (default 60s; shorter for tests).
    pub rate_window: Option<String>,
    /// Requests per segment before a transient failure is final (default 6).
    pub max_attempts: Option<u32>,
    /// Per-request timeout, like `60s`.
    pub timeout: Option<String>,
    /// The largest response body accepted, in MB (default 256).
    pub max_response_mb: Option<u64>,
    /// The most time one segment may take, retries and waits included
    /// (default `10m`).
    pub segment_timeout: Option<String>,
    /// Price per million characters, for `podgen plan`.
    pub price_per_million_chars: Option<f64>,
    /// Price per minute of audio, for `podgen plan`, for models billed by
    /// the minute (OpenAI's gpt-4o-mini-tts).
    pub price_per_minute: Option<f64>,
    /// Text normalisation for this backend's voices (default: all on).
    pub normalize: Option<Normalize>,
}

/// The request body of a generic backend: exactly one of these.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyConfig {
    /// A JSON document whose string leaves are templates.
    pub json: Option<serde_json::Value>,
    /// Form fields (x-www-form-urlencoded), values are templates.
    pub form: Option<BTreeMap<String, String>>,
    /// A text template (SSML, plain text), sent with `content_type`.
    pub text: Option<String>,
    /// The Content-Type of a `text` body.
    pub content_type: Option<String>,
}

/// How the audio comes back.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseConfig {
    /// `raw` (the body is audio) or `json` (base64 audio inside JSON).
    pub audio: Option<String>,
    /// JSON pointer to the base64 audio, for `audio: json`.
    pub pointer: Option<String>,
    /// `sniff` (default), `wav`, `mp3`, `flac`, `ogg`, or `pcm`.
    pub format: Option<String>,
    /// What raw PCM is: needed when `format: pcm`.
    pub pcm: Option<PcmSpec>,
}

/// One voice: which backend speaks it and how.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceConfig {
    /// The backend's name (default `builtin`).
    pub backend: Option<String>,
    /// The backend's voice id (`alloy`, `zf_xiaobei`, `zh-CN-XiaoxiaoNeural`).
    pub voice: Option<String>,
    /// The model, overriding the backend's.
    pub model: Option<String>,
    /// Speaking-rate factor (0.25 to 4).
    pub speed: Option<f32>,
    /// Style instructions, for backends that take them.
    pub instructions: Option<String>,
    /// BCP-47 tag sent to backends that take one (default: the text's).
    pub language: Option<String>,
    /// Built-in voice only: acoustic variant (`f3`, `m3`, ...) and pitch 0-100.
    pub variant: Option<String>,
    /// Built-in voice only: base pitch 0-100.
    pub pitch: Option<u32>,
    /// Extra request fields, passed into the body as they are.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Text normalisation for this voice, over its backend's.
    pub normalize: Option<Normalize>,
    /// Another voice that reads the English spans inside this voice's
    /// Mandarin sentences (words, acronyms, model names).
    pub english: Option<String>,
    /// Where the voice sits in a stereo episode: -1 left, 0 centre (the
    /// default), 1 right.
    pub pan: Option<f32>,
}

/// The name of the built-in voice's backend, always defined.
pub const BUILTIN: &str = "builtin";

/// What a backend name in the config stands for.
#[derive(Debug, Clone, Copy)]
pub enum BackendEntry<'a> {
    /// The built-in voice: the name `builtin`, or an entry with `preset: builtin`.
    Builtin,
    /// An HTTP backend: a preset with overrides, or a generic template.
    Http(&'a Spanned<BackendConfig>),
}

/// A loaded config, with its source for error messages.
pub struct Config {
    /// The file as written (empty for the defaults).
    pub file: ConfigFile,
    /// The config's source (None for built-in defaults).
    pub source: Option<SourceFile>,
    /// Voices from `voices/*.yaml`, with their sources.
    pub voice_files: Vec<(String, VoiceConfig, SourceFile)>,
    /// The config file's path (None for the defaults).
    pub path: Option<PathBuf>,
}

impl Config {
    /// The built-in defaults: no backends but the built-in voice.
    pub fn defaults() -> Self {
        Config {
            file: ConfigFile::default(),
            source: None,
            voice_files: Vec::new(),
            path: None,
        }
    }

    /// Whether the user wrote a config (then voice names must be defined).
    pub fn is_user_config(&self) -> bool {
        self.path.is_some()
    }

    /// What backend `name` is, or None when the config does not define it.
    /// The one place that answers "is this the built-in voice?".
    pub fn backend(&self, name: &str) -> Option<BackendEntry<'_>> {
        if name == BUILTIN {
            return Some(BackendEntry::Builtin);
        }
        let entry = self.file.backends.get(name)?;
        let builtin = entry
            .value
            .preset
            .as_ref()
            .is_some_and(|p| p.value == BUILTIN);
        Some(if builtin {
            BackendEntry::Builtin
        } else {
            BackendEntry::Http(entry)
        })
    }

    /// Whether backend `name` is the built-in voice.
    pub fn is_builtin(&self, name: &str) -> bool {
        matches!(self.backend(name), Some(BackendEntry::Builtin))
    }

    /// Every backend name a voice may use: the config's and `builtin`.
    pub fn backend_names(&self) -> Vec<&str> {
        self.file
            .backends
            .keys()
            .map(String::as_str)
            .chain([BUILTIN])
            .collect()
    }

    /// The config's own `lexicon:` entries, compiled.
    pub fn lexicon(&self) -> Result<podgen_text::speak::Lexicon> {
        match &self.source {
            Some(src) => compile_lexicon(&self.file.lexicon, src),
            None => Ok(podgen_text::speak::Lexicon::default()),
        }
    }

    /// Every voice, from the config and from `voices/*.yaml` (the config wins).
    pub fn voices(&self) -> BTreeMap<String, VoiceConfig> {
        let mut out: BTreeMap<String, VoiceConfig> = self
            .voice_files
            .iter()
            .map(|(n, v, _)| (n.clone(), v.clone()))
            .collect();
        for (name, v) in &self.file.voices {
            out.insert(name.clone(), v.value.clone());
        }
        out
    }

    /// Where this config's file-relative paths start.
    pub fn dir(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The span of the first `key:` at or after `within` (a backend's
    /// entry), so that an error points at the line of the setting; None
    /// when there is no source or no such line.
    pub fn key_span(
        &self,
        within: Option<miette::SourceSpan>,
        key: &str,
    ) -> Option<miette::SourceSpan> {
        let src = self.source.as_ref()?;
        let from = within?.offset();
        let text = src.text.get(from..)?;
        let mut offset = from;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed
                .strip_prefix(key)
                .is_some_and(|r| r.starts_with(':'))
            {
                let start = offset + (line.len() - trimmed.len());
                return Some(miette::SourceSpan::new(start.into(), key.len()));
            }
            offset += line.len();
        }
        None
    }

    /// An input error about this config, pointing at `span` when known.
    pub fn error(
        &self,
        span: Option<miette::SourceSpan>,
        message: String,
        help: String,
    ) -> Failure {
        match &self.source {
            Some(src) => src.error(span, message, "here", Some(help)),
            None => Failure::input(message, help),
        }
    }
}

/// Find the config for `script`: `explicit`, else `podgen.yaml` beside the
/// script, else in the current directory, else built-in defaults.
pub fn discover(explicit: Option<&Path>, script: &Path) -> Result<Config> {
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(Failure::input(
                format!("config file not found: {}", path.display()),
                "give the path of a podgen.yaml, or leave out -c to use the defaults",
            ));
        }
        return load(path);
    }
    let beside = script.parent().map(|d| d.join("podgen.yaml"));
    for candidate in beside.into_iter().chain([PathBuf::from("podgen.yaml")]) {
        if candidate.is_file() {
            return load(&candidate);
        }
    }
    Ok(Config::defaults())
}

/// Load the config at `path` and the voice files beside it.
pub fn load(path: &Path) -> Result<Config> {
    let (file, source) = parse_yaml::<ConfigFile>(path, "podgen.yaml config")?;
    let mut config = Config {
        file,
        source: Some(source),
        voice_files: Vec::new(),
        path: Some(path.to_path_buf()),
    };
    load_voice_files(&mut config)?;
    check(&config)?;
    Ok(config)
}

/// The entries of a lexicon file (`lexicon.yaml`: a list of entries), or an
/// empty lexicon when there is no such file.
pub fn load_lexicon_file(path: &Path) -> Result<podgen_text::speak::Lexicon> {
    if !path.exists() {
        return Ok(podgen_text::speak::Lexicon::default());
    }
    let (entries, source) =
        parse_yaml::<Vec<Spanned<podgen_text::speak::Entry>>>(path, "lexicon file")?;
    compile_lexicon(&entries, &source)
}

/// Compile entries read from `source`, pointing at the entry at fault.
fn compile_lexicon(
    entries: &[Spanned<podgen_text::speak::Entry>],
    source: &SourceFile,
) -> Result<podgen_text::speak::Lexicon> {
    let values: Vec<podgen_text::speak::Entry> = entries.iter().map(|e| e.value.clone()).collect();
    podgen_text::speak::Lexicon::compile(&values).map_err(|(i, e)| {
        source.error(
            span(&entries[i]),
            format!("lexicon entry {}: {e}", i + 1),
            "this entry",
            Some("an entry is like `{word: Rubin, say: 鲁宾}` or `{regex: 'GPT-(\\d)o', say: 'GPT $1 o'}`".into()),
        )
    })
}

/// Parse and check `text` as the config at `path`, as [`load`] does once
/// the file is read (without `voices/*.yaml`).
pub fn parse(path: &Path, text: String) -> Result<Config> {
    let source = SourceFile::new(path, text);
    let file = parse_source::<ConfigFile>(&source, "podgen.yaml config")?;
    let config = Config {
        file,
        source: Some(source),
        voice_files: Vec::new(),
        path: Some(path.to_path_buf()),
    };
    check(&config)?;
    Ok(config)
}

/// Add the voice profiles in `voices/` beside the config.
fn load_voice_files(config: &mut Config) -> Result<()> {
    let voices_dir = config.dir().join("voices");
    if voices_dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&voices_dir)
            .map_err(|e| {
                Failure::input(
                    format!("cannot read {}: {e}", voices_dir.display()),
                    "check permissions",
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        entries.sort();
        for p in entries {
            let (voice, src) = parse_yaml::<VoiceConfig>(&p, "voice profile")?;
            let name = p
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            config.voice_files.push((name, voice, src));
        }
    }
    Ok(())
}

/// Parse a YAML file into `T`, with errors that point into it.
fn parse_yaml<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<(T, SourceFile)> {
    let text = crate::error::read_source(
        path,
        &format!("the {what}"),
        "check the path, and that it is a UTF-8 YAML file",
    )?;
    let source = SourceFile::new(path, text);
    let value = parse_source(&source, what)?;
    Ok((value, source))
}

fn parse_source<T: for<'de> Deserialize<'de>>(source: &SourceFile, what: &str) -> Result<T> {
    let headline = format!("not a valid {what}");
    serde_saphyr::from_str(&source.text)
        .map_err(|e| crate::input::script::yaml_error(source, &e, &headline))
}

/// The presets `preset:` may name.
pub const PRESETS: &[&str] = &["openai", "elevenlabs", "azure", "google", "piper", BUILTIN];

/// What a config must be beyond its shape: known presets, defined
/// backends, sane numbers, durations that parse.
fn check(config: &Config) -> Result<()> {
    check_backends(config)?;
    check_voices(config)?;
    check_pauses(config)
}

fn check_backends(config: &Config) -> Result<()> {
    for (name, b) in &config.file.backends {
        if let Some(p) = &b.value.preset
            && !PRESETS.contains(&p.value.as_str())
        {
            let hint = match nearest(&p.value, PRESETS) {
                Some(k) => format!("did you mean `{k}`? Presets: {}", PRESETS.join(", ")),
                None => format!(
                    "presets: {}; or leave out `preset` and write `url`, `body` and `response`",
                    PRESETS.join(", ")
                ),
            };
            return Err(config.error(
                span(p),
                format!("backend {name:?}: unknown preset {:?}", p.value),
                hint,
            ));
        }
        if b.value.preset.is_none() && b.value.url.is_none() {
            return Err(config.error(
                span(b),
                format!("backend {name:?} has neither `preset` nor `url`"),
                format!("set `preset:` to one of {}, or describe the API with `url`, `body` and `response`", PRESETS.join(", ")),
            ));
        }
        if b.value.price_per_million_chars.is_some() && b.value.price_per_minute.is_some() {
            return Err(config.error(
                span(b),
                format!("backend {name:?} has both price_per_million_chars and price_per_minute"),
                "keep the one the backend bills by: characters sent, or minutes of audio".into(),
            ));
        }
        if let Err((key, message, help)) = backend_check::values(&b.value) {
            let at = config.key_span(span(b), key).or(span(b));
            return Err(config.error(at, format!("backend {name:?}: {message}"), help));
        }
    }
    Ok(())
}

fn check_voices(config: &Config) -> Result<()> {
    let known_backends = config.backend_names();
    for (name, v) in &config.file.voices {
        let backend = v.value.backend.as_deref().unwrap_or(BUILTIN);
        if !known_backends.contains(&backend) {
            let hint = match nearest(backend, &known_backends) {
                Some(k) => format!(
                    "did you mean `{k}`? Backends: {}",
                    known_backends.join(", ")
                ),
                None => format!(
                    "define it under `backends:`; known: {}",
                    known_backends.join(", ")
                ),
            };
            return Err(config.error(
                span(v),
                format!("voice {name:?} uses backend {backend:?}, which is not defined"),
                hint,
            ));
        }
        if let Some(speed) = v.value.speed
            && !(0.25..=4.0).contains(&speed)
        {
            return Err(config.error(
                span(v),
                format!("voice {name:?}: speed {speed} is out of range"),
                "use a factor between 0.25 and 4.0".into(),
            ));
        }
        if let Some(pan) = v.value.pan
            && !(pan.is_finite() && (-1.0..=1.0).contains(&pan))
        {
            return Err(config.error(
                span(v),
                format!("voice {name:?}: pan {pan} is out of range"),
                "use -1 (left) to 1 (right); 0 is centred".into(),
            ));
        }
    }
    for (name, v, src) in &config.voice_files {
        let backend = v.backend.as_deref().unwrap_or(BUILTIN);
        if !known_backends.contains(&backend) {
            return Err(Failure::input(
                format!(
                    "{}: voice {name:?} uses backend {backend:?}, which is not defined",
                    src.name
                ),
                format!(
                    "define it under `backends:` in the config; known: {}",
                    known_backends.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn check_pauses(config: &Config) -> Result<()> {
    if let Some(p) = &config.file.pauses {
        for d in [
            &p.chunk,
            &p.sentence,
            &p.paragraph,
            &p.turn,
            &p.item,
            &p.sting,
        ]
        .into_iter()
        .flatten()
        {
            if parse_duration_ms(&d.value).is_none() {
                return Err(config.error(
                    span(d),
                    format!("{:?} is not a duration", d.value),
                    "write it like 250ms or 1.5s".into(),
                ));
            }
        }
    }
    Ok(())
}

pub use crate::input::script::{MAX_DURATION_MS, parse_duration_ms};

/// A string with its `${VAR}` references expanded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    /// The string with every reference replaced.
    pub text: String,
    /// The values that came from variables: secrets, masked in every message.
    pub secrets: Vec<String>,
    /// Variables that are not set and have no default: expanded to nothing.
    pub unset: Vec<String>,
}

/// A `${...}` reference that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvSyntaxError {
    /// `${` without its `}`.
    #[error("unclosed `${{` in {0:?}")]
    Unclosed(String),
    /// Something other than a variable name between the braces.
    #[error("`${{{0}}}` is not an environment variable reference")]
    NotAName(String),
}

/// Expand `${VAR}` and `${VAR:-default}` from the environment (`lookup`).
/// An unset (or empty) variable without a default expands to nothing and is
/// listed in [`Expanded::unset`]: whether that is an error is the caller's call.
pub fn expand_env(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> std::result::Result<Expanded, EnvSyntaxError> {
    let mut out = Expanded::default();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| EnvSyntaxError::Unclosed(s.to_string()))?;
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(EnvSyntaxError::NotAName(inner.to_string()));
        }
        match lookup(name).filter(|v| !v.is_empty()) {
            Some(v) => {
                out.text.push_str(&v);
                out.secrets.push(v);
            }
            None => match default {
                Some(d) => out.text.push_str(d),
                None => out.unset.push(name.to_string()),
            },
        }
        rest = &after[end + 1..];
    }
    out.text.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_expansion() {
        let env = |k: &str| (k == "KEY").then(|| "s3cret".to_string());
        let expanded = |s: &str| {
            let e = expand_env(s, &env).unwrap();
            (e.text, e.secrets)
        };
        assert_eq!(
            expanded("Bearer ${KEY}"),
            ("Bearer s3cret".into(), vec!["s3cret".into()])
        );
        assert_eq!(expanded("${NOPE:-x}y"), ("xy".into(), vec![]));
        assert_eq!(expand_env("${NOPE}", &env).unwrap().unset, vec!["NOPE"]);
        assert!(expand_env("${bad name}", &env).is_err());
        assert_eq!(expanded("plain"), ("plain".into(), vec![]));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("250ms"), Some(250));
        assert_eq!(parse_duration_ms("1.5s"), Some(1500));
        assert_eq!(parse_duration_ms("600"), Some(600));
        assert_eq!(parse_duration_ms("soon"), None);
        assert_eq!(parse_duration_ms("-1s"), None);
    }
}
