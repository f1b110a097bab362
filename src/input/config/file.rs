//! podgen.yaml as written: the types serde reads it into, each setting with
//! what it means and its default. Nothing here is checked; [`super`] checks
//! and resolves.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::audio::PcmSpec;

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
    pub sample_rate: Option<Spanned<u32>>,
    /// Channels: 1 (mono, the default) or 2 (stereo).
    pub channels: Option<Spanned<u16>>,
    /// How a mono episode is measured: `single` (default) or `dual`.
    pub mono_loudness: Option<Spanned<String>>,
    /// The MP3's bitrate in kbps (default 96 for mono, 128 for stereo).
    pub mp3_kbps: Option<Spanned<u32>>,
    /// How music beds (and stings that overlap speech) duck under speech.
    pub ducking: Option<DuckingConfig>,
    /// Integrated loudness target (default -16 LUFS).
    pub loudness_lufs: Option<Spanned<f64>>,
    /// True-peak ceiling (default -1 dBTP).
    pub true_peak_dbtp: Option<Spanned<f64>>,
    /// Which files to write (default mp3 and wav).
    pub formats: Option<Vec<String>>,
    /// Bring every speech clip to one level before the master (default true).
    pub levelling: Option<bool>,
    /// Stings' level relative to speech, in dB (default -3), when levelling.
    pub sting_level_db: Option<Spanned<f32>>,
}

/// `audio.ducking:` in podgen.yaml.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuckingConfig {
    /// How far a bed goes down under speech, in dB (default 15).
    pub depth_db: Option<Spanned<f32>>,
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
    /// The backend's name (default `builtin`; [`VoiceConfig::backend_name`]).
    pub backend: Option<Spanned<String>>,
    /// The backend's voice id (`alloy`, `zf_xiaobei`, `zh-CN-XiaoxiaoNeural`).
    pub voice: Option<String>,
    /// The model, overriding the backend's.
    pub model: Option<String>,
    /// Speaking-rate factor, within [`super::voice::SPEED`].
    pub speed: Option<Spanned<f32>>,
    /// Style instructions, for backends that take them.
    pub instructions: Option<String>,
    /// BCP-47 tag sent to backends that take one (default: the text's).
    pub language: Option<String>,
    /// Built-in voice only: acoustic variant (`f3`, `m3`, ...) and pitch 0-100.
    pub variant: Option<String>,
    /// Built-in voice only: base pitch 0-100.
    pub pitch: Option<Spanned<u32>>,
    /// Extra request fields, passed into the body as they are.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Text normalisation for this voice, over its backend's.
    pub normalize: Option<Normalize>,
    /// Another voice that reads the English spans inside this voice's
    /// Mandarin sentences (words, acronyms, model names).
    pub english: Option<String>,
    /// Where the voice sits in a stereo episode: -1 left, 0 centre (the
    /// default), 1 right ([`super::voice::PAN`]).
    pub pan: Option<Spanned<f32>>,
}
