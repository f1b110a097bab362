//! podgen.yaml: backends, voices and settings (the README's "podgen.yaml").
//!
//! Discovery: `-c FILE`, else `podgen.yaml` beside the issue file, else the
//! current directory's, else built-in defaults. Voice profiles may also live
//! in `voices/*.yaml` beside the config, one voice per file, named by the
//! file's stem. Loading checks everything a config can get wrong and
//! resolves each backend's settings over its preset's ([`backend`]); the
//! `${ENV}` references in them ([`mod@env`]) are read when a backend is built,
//! and their values are secrets, never printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::SourceSpan;
use serde_saphyr::Spanned;

use crate::error::{Failure, Result, SourceFile};
use crate::input::yaml::{self, span};

pub mod backend;
pub mod env;
mod file;
pub mod show;
pub mod template;
pub mod voice;

pub use crate::input::durations::{MAX_DURATION_MS, parse_duration_ms};
pub use backend::{BUILTIN, BackendError, HttpSettings, Price, Resolved};
pub use env::{EnvSyntaxError, EnvText, Expanded, expand_env};
pub use file::{
    AudioConfig, BackendConfig, BodyConfig, ConfigFile, DuckingConfig, Normalize, OwnerConfig,
    PausesConfig, ResponseConfig, ShowConfig, VoiceConfig,
};
pub use voice::{SPEED, VoiceError};

/// What a backend name in the config stands for.
#[derive(Debug, Clone, Copy)]
pub enum BackendEntry<'a> {
    /// The built-in voice: the name `builtin`, or an entry with `preset: builtin`.
    Builtin,
    /// An HTTP backend: its settings, resolved and checked.
    Http(&'a HttpSettings),
}

/// A voice profile from `voices/<name>.yaml`.
pub struct VoiceFile {
    /// The voice's name: the file's stem.
    pub name: String,
    /// The profile.
    pub voice: VoiceConfig,
    /// The file, for messages.
    pub source: SourceFile,
}

/// A loaded config, checked, with its source for error messages.
pub struct Config {
    /// The file as written (empty for the defaults).
    pub file: ConfigFile,
    /// The config's source (None for built-in defaults).
    pub source: Option<SourceFile>,
    /// Voices from `voices/*.yaml`, with their sources.
    pub voice_files: Vec<VoiceFile>,
    /// The config file's path (None for the defaults).
    pub path: Option<PathBuf>,
    /// Each backend entry, resolved over its preset.
    backends: BTreeMap<String, Resolved>,
}

impl Config {
    /// The built-in defaults: no backends but the built-in voice.
    pub fn defaults() -> Self {
        Config {
            file: ConfigFile::default(),
            source: None,
            voice_files: Vec::new(),
            path: None,
            backends: BTreeMap::new(),
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
        Some(match self.backends.get(name)? {
            Resolved::Builtin => BackendEntry::Builtin,
            Resolved::Http(settings) => BackendEntry::Http(settings),
        })
    }

    /// Where backend `name`'s entry is written, for messages.
    pub fn backend_span(&self, name: &str) -> Option<SourceSpan> {
        self.file.backends.get(name).and_then(span)
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
            .map(|f| (f.name.clone(), f.voice.clone()))
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

    /// An input error about this config, pointing at `span` when known.
    pub fn error(&self, span: Option<SourceSpan>, message: String, help: String) -> Failure {
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
        let hint = "give the path of a podgen.yaml, or leave out -c to use the defaults";
        if !path.exists() {
            return Err(Failure::input(
                format!("config file not found: {}", path.display()),
                hint,
            ));
        }
        // A folder or a device says what it is, not "not found".
        if let Some(why) = crate::error::regular_file_problem(path, crate::error::MAX_SOURCE_BYTES)
        {
            return Err(Failure::input(
                format!("cannot read the config {}: {why}", path.display()),
                hint,
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

/// Load the config at `path` and the voice files beside it, and check them.
pub fn load(path: &Path) -> Result<Config> {
    let (file, source) = yaml::read::<ConfigFile>(path, "podgen.yaml config")?;
    let voice_files = load_voice_files(&dir_of(path))?;
    checked(file, source, voice_files, path)
}

/// Parse and check `text` as the config at `path`, as [`load`] does once
/// the file is read (without `voices/*.yaml`).
pub fn parse(path: &Path, text: String) -> Result<Config> {
    let source = SourceFile::new(path, text);
    let file = yaml::parse::<ConfigFile>(&source, "podgen.yaml config")?;
    checked(file, source, Vec::new(), path)
}

/// The folder a config's relative paths start in.
fn dir_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The config, once everything it says is checked: backends resolved over
/// their presets, voices (inline and from files) held to the same rules,
/// pauses that read.
fn checked(
    file: ConfigFile,
    source: SourceFile,
    voice_files: Vec<VoiceFile>,
    path: &Path,
) -> Result<Config> {
    let mut config = Config {
        file,
        source: Some(source),
        voice_files,
        path: Some(path.to_path_buf()),
        backends: BTreeMap::new(),
    };
    config.backends = resolve_backends(&config)?;
    check_voices(&config)?;
    check_pauses(&config)?;
    show::check_show(&config)?;
    Ok(config)
}

/// The entries of a lexicon file (`lexicon.yaml`: a list of entries), or an
/// empty lexicon when there is no such file.
pub fn load_lexicon_file(path: &Path) -> Result<podgen_text::speak::Lexicon> {
    if !path.exists() {
        return Ok(podgen_text::speak::Lexicon::default());
    }
    let (entries, source) =
        yaml::read::<Vec<Spanned<podgen_text::speak::Entry>>>(path, "lexicon file")?;
    compile_lexicon(&entries, &source)
}

/// Compile entries read from `source`, pointing at the entry at fault.
fn compile_lexicon(
    entries: &[Spanned<podgen_text::speak::Entry>],
    source: &SourceFile,
) -> Result<podgen_text::speak::Lexicon> {
    for (i, e) in entries.iter().enumerate() {
        if let Some((field, problem)) = lexicon_characters(&e.value) {
            return Err(source.error(
                span(e),
                format!(
                    "lexicon entry {}: its {field} {}",
                    i + 1,
                    problem.describe()
                ),
                "this entry",
                Some("a reading is one line of text: remove the character".into()),
            ));
        }
    }
    let values: Vec<podgen_text::speak::Entry> = entries.iter().map(|e| e.value.clone()).collect();
    let origin = |i: usize| {
        let at = entries.get(i).and_then(span).map_or(0, |s| s.offset());
        format!("{} (lexicon entry {})", source.position(at), i + 1)
    };
    podgen_text::speak::Lexicon::compile_from(&values, origin).map_err(|(i, e)| {
        source.error(
            entries.get(i).and_then(span),
            format!("lexicon entry {}: {e}", i + 1),
            "this entry",
            Some("an entry is like `{word: Rubin, say: 鲁宾}` or `{regex: 'GPT-(\\d)o', say: 'GPT $1 o'}`".into()),
        )
    })
}

/// The first field of a lexicon entry holding a character a reading may
/// not: a line break or control character (a NUL or an escape sent to a
/// backend, printed raw by `podgen normalize`), or a noncharacter.
fn lexicon_characters(
    e: &podgen_text::speak::Entry,
) -> Option<(&'static str, crate::input::chars::CharProblem)> {
    [
        ("word", e.word.as_deref()),
        ("say", Some(e.say.as_str())),
        ("ipa", e.ipa.as_deref()),
    ]
    .into_iter()
    .find_map(|(k, v)| Some((k, crate::input::chars::line_problem(v?)?)))
}

/// The voice profiles in `voices/` under `dir`, in name order.
fn load_voice_files(dir: &Path) -> Result<Vec<VoiceFile>> {
    let voices_dir = dir.join("voices");
    if !voices_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&voices_dir)
        .map_err(|e| {
            Failure::input(
                format!("cannot read {}: {e}", voices_dir.display()),
                "check permissions",
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let (voice, source) = yaml::read::<VoiceConfig>(&p, "voice profile")?;
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            Ok(VoiceFile {
                name: name.to_string(),
                voice,
                source,
            })
        })
        .collect()
}

/// Each backend entry resolved over its preset; the first mistake is an
/// error at the line of its key.
fn resolve_backends(config: &Config) -> Result<BTreeMap<String, Resolved>> {
    let presets = backend::presets::names();
    let mut out = BTreeMap::new();
    for (name, b) in &config.file.backends {
        let resolved = backend::resolve(&b.value).map_err(|e| {
            let within = span(b);
            let at = e
                .key()
                .and_then(|key| {
                    config
                        .source
                        .as_ref()
                        .and_then(|s| yaml::key_span(s, within, key))
                })
                .or(within);
            config.error(at, format!("backend {name:?}: {e}"), e.help(&presets))
        })?;
        out.insert(name.clone(), resolved);
    }
    Ok(out)
}

/// Every voice, written in podgen.yaml or in a file of its own, by the one
/// check [`VoiceConfig::check`].
fn check_voices(config: &Config) -> Result<()> {
    let backends = config.backend_names();
    if let Some(src) = &config.source {
        for (name, v) in &config.file.voices {
            v.value
                .check(&backends)
                .map_err(|(e, at)| voice_error(src, name, at.or(span(v)), &e, &backends))?;
        }
    }
    for f in &config.voice_files {
        f.voice
            .check(&backends)
            .map_err(|(e, at)| voice_error(&f.source, &f.name, at, &e, &backends))?;
    }
    Ok(())
}

/// Voice `name`'s mistake `e`, at `at` in `src`.
fn voice_error(
    src: &SourceFile,
    name: &str,
    at: Option<SourceSpan>,
    e: &VoiceError,
    backends: &[&str],
) -> Failure {
    src.error(
        at,
        format!("voice {name:?}: {e}"),
        "here",
        Some(e.help(backends)),
    )
}

/// Each pause of `pauses:` reads as a duration of at most a minute, as a
/// pause marker's does (longer is a break in the show, not a pause).
fn check_pauses(config: &Config) -> Result<()> {
    let Some(p) = &config.file.pauses else {
        return Ok(());
    };
    let pauses = [
        ("chunk", &p.chunk),
        ("sentence", &p.sentence),
        ("paragraph", &p.paragraph),
        ("turn", &p.turn),
        ("item", &p.item),
        ("sting", &p.sting),
    ];
    for (name, d) in pauses {
        if let Some(d) = d
            && crate::input::durations::marker_ms(&d.value).is_none()
        {
            return Err(config.error(
                span(d),
                format!("pauses.{name} {:?} is not a pause of at most 60s", d.value),
                "write it like 250ms or 1.5s".into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `file:line:column` an error in config `yaml` points at.
    fn position(yaml: &str) -> String {
        let e = match parse(Path::new("podgen.yaml"), yaml.to_string()) {
            Ok(_) => panic!("{yaml} loaded"),
            Err(e) => e,
        };
        let text = format!("{}", e.report());
        text.split(": ").next().unwrap_or_default().to_string()
    }

    /// (config, where its error points): a backend's key in flow and block
    /// style, never a later entry's key; a voice's value.
    const CASES: &[(&str, &str)] = &[
        (
            "backends:\n  a: {url: 'http://x.example/a', max_chars: 0}\n  b: {url: 'http://x.example/b', max_chars: 9}\n",
            "podgen.yaml:2:34",
        ),
        (
            "backends:\n  a:\n    url: 'http://x.example/a'\n    response: {format: aac}\n  b:\n    url: 'http://x.example/b'\n    response: {format: wav}\n",
            "podgen.yaml:4:5",
        ),
        (
            "backends:\n  a: {url: 'http://x.example/a', body: {json: {}, text: x}}\n  b:\n    url: 'http://x.example/b'\n    body: {json: {}}\n",
            "podgen.yaml:2:34",
        ),
        (
            "voices:\n  host: {backend: builtin, speed: 10}\n",
            "podgen.yaml:2:35",
        ),
        ("voices:\n  host:\n    backend: nope\n", "podgen.yaml:3:14"),
    ];

    #[test]
    fn errors_point_at_the_setting_at_fault() {
        for (yaml, expected) in CASES {
            assert_eq!(position(yaml), *expected, "{yaml}");
        }
    }
}
