//! `podgen render`: the pipeline from issue.yaml to a published episode.
//!
//! load → validate → plan → synthesize → lay out → master → publish, each
//! stage taking the previous stage's value.

use std::collections::HashMap;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::audio::mp3;
use crate::cache::{Clip, ClipStore};
use crate::config::{self, Config};
use crate::error::{Failure, Result};
use crate::master::{self, MasterStats, Targets};
use crate::plan::{self, ChapterKind, Pause, Plan};
use crate::progress::Reporter;
use crate::publish::{self, Staging};
use crate::script::{self, LoadedScript};
use crate::synthesize::{self, Cast, Event, Slot, SlotLimits, SpeechClip};
use crate::timeline::{self, Lengths, Pauses, Piece, Source, Timeline};
use crate::transcript;
use crate::tts::builtin::Builtin;
use crate::tts::http::{HttpBackend, HttpSpec};
use crate::voices::{self, VoiceProfile};
use mp3lame_encoder::Bitrate;

/// The episode sample rate (DESIGN.md section 3 default).
pub const SAMPLE_RATE: u32 = 44_100;

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
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
    pub quiet: bool,
}

/// What a finished render reports (and `--json` prints).
#[derive(Debug, Serialize)]
pub struct Rendered {
    pub dir: PathBuf,
    pub episode: String,
    /// The files in the episode folder.
    pub files: Vec<String>,
    pub samples: u64,
    pub rate: u32,
    pub seconds: f64,
    pub chapters: usize,
    pub segments: usize,
    pub cache_hits: usize,
    /// Requests sent this run, retries included.
    pub requests: u32,
    pub retries: u64,
    pub elapsed_seconds: f64,
}

/// Which audio files an episode gets.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    pub mp3: bool,
    pub wav: bool,
}

/// Everything decided before any audio is made: the script, the config, the
/// plan, the cast and the backends.
pub struct Prepared {
    pub loaded: LoadedScript,
    pub config: Config,
    pub plan: Plan,
    pub cast_list: Vec<VoiceProfile>,
    pub cast: Cast,
    pub pauses: Pauses,
    pub rate: u32,
    pub targets: Targets,
    pub formats: Formats,
    pub output_root: PathBuf,
    /// Settings accepted but not acted on yet.
    pub warnings: Vec<String>,
}

/// Load, validate and plan: the whole of `podgen validate`, and the first
/// half of `render`. `cache_root` is where the built-in voice keeps its data.
pub fn prepare(opts: &RenderOptions, cache_root: &Path) -> Result<Prepared> {
    let loaded = script::load(&opts.script)?;
    script::validate(&loaded)?;
    if !(opts.speed.is_finite() && (0.25..=4.0).contains(&opts.speed)) {
        return Err(Failure::input(
            format!("speed {} is out of range", opts.speed),
            "use a factor between 0.25 and 4.0",
        ));
    }
    let config = config::discover(opts.config.as_deref(), &opts.script)?;
    let audio = config.file.audio.clone().unwrap_or_default();
    let rate = audio.sample_rate.unwrap_or(SAMPLE_RATE);
    if !(8_000..=192_000).contains(&rate) {
        return Err(config.error(
            None,
            format!("sample rate {rate} Hz is out of range"),
            "use 44100 or 48000".into(),
        ));
    }
    if audio.channels.is_some_and(|c| c != 1) {
        return Err(config.error(
            None,
            "only mono episodes are supported so far".into(),
            "set `channels: 1` or leave it out".into(),
        ));
    }
    let pauses = pauses_from(&config, rate);
    let defaults = Targets::default();
    let targets = Targets {
        loudness_lufs: audio.loudness_lufs.unwrap_or(defaults.loudness_lufs),
        true_peak_dbtp: audio.true_peak_dbtp.unwrap_or(defaults.true_peak_dbtp),
    };
    if !(-40.0..=-5.0).contains(&targets.loudness_lufs)
        || !(-12.0..=0.0).contains(&targets.true_peak_dbtp)
    {
        return Err(config.error(
            None,
            format!(
                "audio: loudness {} LUFS / true peak {} dBTP are out of range",
                targets.loudness_lufs, targets.true_peak_dbtp
            ),
            "podcasts use loudness_lufs -16 (Apple) to -19 and true_peak_dbtp -1 or -2".into(),
        ));
    }
    // Settings of DESIGN.md section 3 that later stages will honour: say so
    // rather than ignore them silently.
    let mut warnings = Vec::new();
    let formats: Vec<String> = audio
        .formats
        .clone()
        .unwrap_or_else(|| vec!["mp3".into(), "wav".into()]);
    let other: Vec<&str> = formats
        .iter()
        .map(String::as_str)
        .filter(|f| !["mp3", "wav"].contains(f))
        .collect();
    if !other.is_empty() {
        warnings.push(format!(
            "audio.formats: podgen writes mp3 and wav so far; {} not yet",
            other.join(", ")
        ));
    }
    let formats = Formats {
        mp3: formats.iter().any(|f| f == "mp3"),
        wav: formats.iter().any(|f| f == "wav"),
    };
    if !formats.mp3 && !formats.wav {
        return Err(config.error(
            None,
            "audio.formats names no format podgen writes".into(),
            "use [mp3, wav], [mp3] or [wav]".into(),
        ));
    }

    // Voice names come from a first plan; limits depend on the voices' backends.
    let names = plan::build(&loaded, &|_| plan::Limit::chars(usize::MAX)).voice_names();
    let cast_list = voices::resolve(
        &config,
        &loaded,
        &names,
        opts.backend.as_deref(),
        opts.speed,
    )?;
    voices::check_backends(&cast_list, &config)?;
    let slots = build_slots(&config, &cast_list, cache_root)?;
    let limits: HashMap<&str, plan::Limit> = cast_list
        .iter()
        .map(|v| (v.name.as_str(), slots[&v.backend].backend.limit()))
        .collect();
    let plan = plan::build(&loaded, &|voice| limits[voice]);
    check_builtin_languages(&plan, &cast_list, &config)?;
    let output_root = opts
        .output_root
        .clone()
        .or_else(|| config.file.output.as_ref().map(|o| PathBuf::from(&o.value)))
        .unwrap_or_else(|| PathBuf::from("output"));
    let cast = Cast {
        voices: cast_list
            .iter()
            .map(|v| (v.name.clone(), v.clone()))
            .collect(),
        slots,
    };
    Ok(Prepared {
        loaded,
        config,
        plan,
        cast_list,
        cast,
        pauses,
        rate,
        targets,
        formats,
        output_root,
        warnings,
    })
}

/// The built-in voice speaks Mandarin and English only: a segment in another
/// language on it is an input error, before anything is synthesized.
fn check_builtin_languages(plan: &Plan, cast: &[VoiceProfile], config: &Config) -> Result<()> {
    for (i, seg) in plan.segments.iter().enumerate() {
        let voice = cast
            .iter()
            .find(|v| v.name == seg.voice)
            .expect("every voice is cast");
        let builtin = voice.backend == "builtin"
            || config
                .file
                .backends
                .get(&voice.backend)
                .and_then(|b| b.value.preset.as_ref())
                .is_some_and(|p| p.value == "builtin");
        if builtin && crate::lang::Language::from_tag(&seg.tag).is_none() {
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

fn pauses_from(config: &Config, rate: u32) -> Pauses {
    let mut p = Pauses::default_at(rate);
    if let Some(c) = &config.file.pauses {
        let samples = |v: &Option<serde_saphyr::Spanned<String>>, d: u64| {
            v.as_ref()
                .and_then(|v| config::parse_duration_ms(&v.value))
                .map_or(d, |ms| ms * u64::from(rate) / 1000)
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

/// Build the backends the cast uses (and only those: an unused backend's
/// missing API key is no error).
fn build_slots(
    config: &Config,
    cast: &[VoiceProfile],
    cache_root: &Path,
) -> Result<HashMap<String, Slot>> {
    let mut slots = HashMap::new();
    let env = |k: &str| std::env::var(k).ok();
    for v in cast {
        if slots.contains_key(&v.backend) {
            continue;
        }
        let entry = config.file.backends.get(&v.backend);
        let is_builtin = v.backend == "builtin"
            || entry
                .and_then(|b| b.value.preset.as_ref())
                .is_some_and(|p| p.value == "builtin");
        let slot = if is_builtin {
            let b = Builtin::new(cache_root).map_err(Failure::runtime)?;
            Slot::new(&v.backend, Arc::new(b), SlotLimits::default())
        } else {
            let entry = entry.expect("backends were checked");
            let spec = HttpSpec::build(&v.backend, &entry.value, &env).map_err(|e| {
                config.error(
                    script::span(entry),
                    e,
                    "fix the backend's settings in the config, or set the environment variable"
                        .into(),
                )
            })?;
            let limits = SlotLimits {
                requests_per_window: spec.requests_per_minute,
                rate_window: spec.rate_window,
                max_attempts: spec.max_attempts,
            };
            let b = HttpBackend::new(spec).map_err(Failure::runtime)?;
            Slot::new(&v.backend, Arc::new(b), limits)
        };
        slots.insert(v.backend.clone(), slot);
    }
    Ok(slots)
}

/// `podgen validate`: everything short of making audio.
/// The built-in voice's data is extracted into the cache, where renders find
/// it again, rather than into a temporary folder every time.
pub fn check(opts: &RenderOptions) -> Result<Prepared> {
    let root = opts.cache_root.clone().unwrap_or_else(crate::cache::default_root);
    prepare(opts, &root)
}

pub fn render(opts: &RenderOptions) -> Result<Rendered> {
    let started = Instant::now();
    // The clip store: the cache, or a temporary one for --no-cache.
    let temp_cache;
    let cache_root = match &opts.cache_root {
        Some(root) => root.clone(),
        None => {
            temp_cache = tempfile::tempdir()
                .map_err(|e| Failure::runtime(format!("cannot make a temporary folder: {e}")))?;
            temp_cache.path().to_path_buf()
        }
    };
    let prepared = prepare(opts, &cache_root)?;
    let Prepared {
        loaded,
        plan,
        cast_list,
        cast,
        pauses,
        rate,
        output_root,
        ..
    } = &prepared;
    let (rate, pauses) = (*rate, *pauses);
    let s = &loaded.script;
    let episode = script::episode_id(s);
    let store = Arc::new(ClipStore::open(&cache_root, rate).map_err(|e| {
        Failure::runtime(format!(
            "cannot open the cache at {}: {e}",
            cache_root.display()
        ))
    })?);

    // Synthesize. Ctrl-C stops it: finished clips are already in the cache.
    let total = plan.segments.len();
    let reporter = Reporter::new(opts.quiet);
    for w in &prepared.warnings {
        reporter.say(&format!("warning: {w}"));
    }
    let voice_names = plan.voice_names();
    reporter.say(&format!(
        "{} chapters, {} segments, {} voice(s): {}",
        plan.chapters.len(),
        total,
        voice_names.len(),
        voice_names.join(", ")
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let done = AtomicUsize::new(0);
    let progress = |event: Event| {
        if matches!(event, Event::Done { .. }) {
            done.fetch_add(1, Ordering::Relaxed);
        }
        reporter.event(event);
    };
    reporter.start_synthesis(total as u64);
    let speech = runtime.block_on(async {
        tokio::select! {
            result = synthesize::speech(plan, cast, &store, rate, &progress) => result.map(Some),
            _ = wait_for(&interrupted) => Ok(None),
        }
    });
    let speech = match speech {
        Ok(Some(speech)) => speech,
        Ok(None) => {
            reporter.finish();
            return Err(interrupted_failure(
                done.load(Ordering::Relaxed),
                total,
                &cache_root,
                opts.cache_root.is_some(),
            ));
        }
        Err(f) => {
            reporter.finish();
            return Err(f);
        }
    };
    let mut lead = vec![None; plan.chapters.len()];
    let mut tail = vec![None; plan.chapters.len()];
    for (ci, c) in plan.chapters.iter().enumerate() {
        if let Some(p) = &c.lead_sting {
            lead[ci] = Some(synthesize::sting(p, &store, rate)?);
        }
        if let Some(p) = &c.tail_sting {
            tail[ci] = Some(synthesize::sting(p, &store, rate)?);
        }
    }

    // Lay out.
    let speech_len: Vec<u64> = speech.iter().map(|c| c.clip.frames).collect();
    let frames = |v: &[Option<Clip>]| {
        v.iter()
            .map(|c| c.as_ref().map(|c| c.frames))
            .collect::<Vec<_>>()
    };
    let (lead_len, tail_len) = (frames(&lead), frames(&tail));
    let timeline = timeline::lay_out(
        plan,
        &Lengths {
            speech: &speech_len,
            lead_sting: &lead_len,
            tail_sting: &tail_len,
        },
        &pauses,
        rate,
    );

    // Master and publish, in a staging folder.
    let io = |what: &str, e: std::io::Error| Failure::runtime(format!("{what}: {e}"));
    let staging = Staging::new(output_root, &episode)
        .map_err(|e| io(&format!("cannot write to {}", output_root.display()), e))?;
    let result = (|| {
        let clip_of = |source: Source| match source {
            Source::Speech { segment } => Some(speech[segment].clip.clone()),
            Source::LeadSting { chapter } => lead[chapter].clone(),
            Source::TailSting { chapter } => tail[chapter].clone(),
            Source::Silence => None,
        };
        let wav_name = format!("{episode}.wav");
        reporter.start_master(timeline.total);
        let on_progress = |samples: u64| {
            if interrupted.load(Ordering::SeqCst) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "interrupted",
                ));
            }
            reporter.master_progress(samples);
            Ok(())
        };
        let stats = master::write_wav(
            &timeline,
            &clip_of,
            &staging.path(&wav_name),
            prepared.targets,
            &on_progress,
        )
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::Interrupted {
                interrupted_failure(total, total, &cache_root, opts.cache_root.is_some())
            } else {
                io("cannot write the episode audio", e)
            }
        })?;
        if prepared.formats.mp3 {
            let mp3_name = format!("{episode}.mp3");
            let ms = |sample: u64| {
                ((u128::from(sample) * 1000 + u128::from(rate) / 2) / u128::from(rate)) as u32
            };
            let cover = s.cover.as_ref().map(|c| loaded.base_dir.join(&c.value));
            let info = mp3::TagInfo {
                title: &s.title.value,
                show: &s.show.value,
                year: s
                    .date
                    .as_ref()
                    .and_then(|d| script::parse_iso_date(&d.value))
                    .map(|(y, _, _)| y as i32),
                cover: cover.as_deref(),
                chapters: plan
                    .chapters
                    .iter()
                    .zip(&timeline.chapters)
                    .map(|(c, span)| mp3::TagChapter {
                        title: c.title.clone(),
                        start_ms: ms(span.start),
                        end_ms: ms(span.end),
                        url: c.links.first().cloned(),
                        image: c.image.clone(),
                    })
                    .collect(),
            };
            let tag = mp3::id3_tag(&info).map_err(|e| io("cannot build the ID3 tag", e))?;
            mp3::encode(
                &staging.path(&wav_name),
                &staging.path(&mp3_name),
                &tag,
                Bitrate::Kbps96,
            )
            .map_err(|e| io("cannot write the MP3", e))?;
        }
        if !prepared.formats.wav {
            std::fs::remove_file(staging.path(&wav_name))
                .map_err(|e| io("cannot remove the WAV", e))?;
        }
        let chapters = publish::chapters_file(&s.show.value, &s.title.value, plan, &timeline);
        staging
            .write_json("chapters.json", &chapters)
            .map_err(|e| io("cannot write chapters.json", e))?;
        let texts = [
            (format!("{episode}.vtt"), transcript::vtt(plan, &timeline)),
            (format!("{episode}.srt"), transcript::srt(plan, &timeline)),
            (
                "notes.md".to_string(),
                transcript::notes(
                    &s.show.value,
                    &s.title.value,
                    s.date.as_ref().map(|d| d.value.as_str()),
                    plan,
                    &timeline,
                ),
            ),
        ];
        for (name, text) in texts {
            staging
                .write_text(&name, &text)
                .map_err(|e| io(&format!("cannot write {name}"), e))?;
        }
        let manifest = manifest(
            opts,
            loaded,
            &episode,
            plan,
            cast_list,
            &speech,
            &timeline,
            &pauses,
            &stats,
            &cache_root,
            backend_records(cast),
        );
        staging
            .write_json("render.json", &manifest)
            .map_err(|e| io("cannot write render.json", e))?;
        Ok(stats)
    })();
    let stats = match result {
        Ok(stats) => stats,
        Err(f) => {
            staging.abandon();
            return Err(f);
        }
    };
    let dir = staging
        .commit()
        .map_err(|e| io("cannot move the finished episode into place", e))?;
    reporter.finish();
    let cache_hits = speech.iter().filter(|c| c.cached).count();
    let requests: u32 = speech.iter().map(|c| c.attempts).sum();
    let elapsed = started.elapsed().as_secs_f64();
    reporter.say(&format!(
        "wrote {} ({} of audio, {} chapters, {}/{} segments from cache, {} requests) in {:.1} s",
        dir.display(),
        clock(timeline.total, rate),
        plan.chapters.len(),
        cache_hits,
        total,
        requests,
        elapsed
    ));
    if let Some(l) = stats.output_lufs {
        reporter.say(&format!(
            "loudness {l:.1} LUFS (target {}), true peak {:.1} dBTP",
            stats.target_lufs,
            stats.output_true_peak_dbtp.unwrap_or(f64::NEG_INFINITY)
        ));
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    Ok(Rendered {
        dir,
        episode,
        files,
        samples: timeline.total,
        rate,
        seconds: timeline::seconds(timeline.total, rate),
        chapters: plan.chapters.len(),
        segments: total,
        cache_hits,
        requests,
        retries: reporter.retries(),
        elapsed_seconds: (elapsed * 1000.0).round() / 1000.0,
    })
}

fn backend_records(cast: &Cast) -> Vec<BackendRecord> {
    let mut out: Vec<BackendRecord> = cast
        .slots
        .values()
        .map(|slot| BackendRecord {
            name: slot.name.clone(),
            concurrency_configured: slot.backend.concurrency().max(1),
            concurrency_final: slot.concurrency(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Resolves once Ctrl-C was pressed.
async fn wait_for(flag: &AtomicBool) {
    while !flag.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn interrupted_failure(done: usize, total: usize, cache_root: &Path, kept: bool) -> Failure {
    let kept = if kept {
        format!(
            "{done} of {total} segments are finished and kept in the cache ({}); run the same command again to go on from there",
            cache_root.display()
        )
    } else {
        format!("{done} of {total} segments were finished (--no-cache: not kept)")
    };
    Failure::Interrupted(miette::Report::msg(format!("interrupted: {kept}")))
}

/// `h:mm:ss` of a sample count.
pub fn clock(samples: u64, rate: u32) -> String {
    let s = samples / u64::from(rate);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[derive(Serialize)]
struct Manifest<'a> {
    podgen_version: &'static str,
    script: String,
    show: &'a str,
    title: &'a str,
    episode: &'a str,
    date: Option<&'a str>,
    settings: Settings,
    voices: &'a [VoiceProfile],
    backends: Vec<BackendRecord>,
    chapters: Vec<ChapterRecord>,
    segments: Vec<SegmentRecord<'a>>,
    stings: Vec<StingRecord>,
    timeline: &'a [Piece],
    totals: Totals,
    master: MasterStats,
}

/// A backend as this run used it.
#[derive(Serialize)]
struct BackendRecord {
    name: String,
    concurrency_configured: usize,
    /// Lower than configured when the server said "too many concurrent requests".
    concurrency_final: usize,
}

#[derive(Serialize)]
struct Settings {
    sample_rate: u32,
    channels: u16,
    sample_format: &'static str,
    pauses_samples: Pauses,
    cache_dir: String,
}

#[derive(Serialize)]
struct ChapterRecord {
    index: usize,
    #[serde(flatten)]
    kind: ChapterKind,
    title: String,
    links: Vec<String>,
    start_sample: u64,
    end_sample: u64,
    first_segment: usize,
    segment_count: usize,
}

#[derive(Serialize)]
struct SegmentRecord<'a> {
    index: usize,
    chapter: usize,
    location: String,
    voice: &'a str,
    backend: &'a str,
    language: &'a str,
    text: &'a str,
    text_hash: String,
    characters: usize,
    cache_key: &'a str,
    cached: bool,
    attempts: u32,
    start_sample: u64,
    end_sample: u64,
    samples: u64,
    pause_after: Pause,
}

#[derive(Serialize)]
struct StingRecord {
    chapter: usize,
    role: &'static str,
    file: String,
    start_sample: u64,
    end_sample: u64,
    samples: u64,
}

#[derive(Serialize)]
struct Totals {
    samples: u64,
    duration: String,
    seconds: f64,
    speech_samples: u64,
    pause_samples: u64,
    sting_samples: u64,
    segments: usize,
    characters: usize,
    cache_hits: usize,
    requests: u32,
}

#[allow(clippy::too_many_arguments)]
fn manifest<'a>(
    opts: &RenderOptions,
    loaded: &'a LoadedScript,
    episode: &'a str,
    plan: &'a Plan,
    cast: &'a [VoiceProfile],
    speech: &'a [SpeechClip],
    timeline: &'a Timeline,
    pauses: &Pauses,
    stats: &MasterStats,
    cache_root: &Path,
    backends: Vec<BackendRecord>,
) -> Manifest<'a> {
    let s = &loaded.script;
    let by_name: HashMap<&str, &VoiceProfile> = cast.iter().map(|v| (v.name.as_str(), v)).collect();
    let segments: Vec<SegmentRecord> = plan
        .segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let span = timeline.segments[i];
            SegmentRecord {
                index: i,
                chapter: seg.chapter,
                location: plan.describe(i),
                voice: &seg.voice,
                backend: &by_name[seg.voice.as_str()].backend,
                language: &seg.tag,
                text: &seg.text,
                text_hash: crate::hash::hex(seg.text.as_bytes()),
                characters: seg.text.chars().count(),
                cache_key: &speech[i].cache_key,
                cached: speech[i].cached,
                attempts: speech[i].attempts,
                start_sample: span.start,
                end_sample: span.end,
                samples: span.end - span.start,
                pause_after: seg.pause_after,
            }
        })
        .collect();
    let mut stings = Vec::new();
    let (mut speech_samples, mut pause_samples, mut sting_samples) = (0, 0, 0);
    for p in &timeline.pieces {
        match p.source {
            Source::Speech { .. } => speech_samples += p.len,
            Source::Silence => pause_samples += p.len,
            Source::LeadSting { chapter } | Source::TailSting { chapter } => {
                sting_samples += p.len;
                let (role, path) = match p.source {
                    Source::LeadSting { .. } => ("lead", &plan.chapters[chapter].lead_sting),
                    _ => ("tail", &plan.chapters[chapter].tail_sting),
                };
                stings.push(StingRecord {
                    chapter,
                    role,
                    file: path
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    start_sample: p.start,
                    end_sample: p.start + p.len,
                    samples: p.len,
                });
            }
        }
    }
    let chapters = plan
        .chapters
        .iter()
        .zip(&timeline.chapters)
        .enumerate()
        .map(|(i, (c, span))| ChapterRecord {
            index: i,
            kind: c.kind,
            title: c.title.clone(),
            links: c.links.clone(),
            start_sample: span.start,
            end_sample: span.end,
            first_segment: c.segments.start,
            segment_count: c.segments.len(),
        })
        .collect();
    Manifest {
        podgen_version: env!("CARGO_PKG_VERSION"),
        script: opts.script.display().to_string(),
        show: &s.show.value,
        title: &s.title.value,
        episode,
        date: s.date.as_ref().map(|d| d.value.as_str()),
        settings: Settings {
            sample_rate: timeline.rate,
            channels: 1,
            sample_format: "s16le",
            pauses_samples: *pauses,
            cache_dir: if opts.cache_root.is_some() {
                cache_root.display().to_string()
            } else {
                "(none: --no-cache)".into()
            },
        },
        voices: cast,
        backends,
        chapters,
        totals: Totals {
            samples: timeline.total,
            duration: clock(timeline.total, timeline.rate),
            seconds: timeline::seconds(timeline.total, timeline.rate),
            speech_samples,
            pause_samples,
            sting_samples,
            segments: segments.len(),
            characters: segments.iter().map(|s| s.characters).sum(),
            cache_hits: speech.iter().filter(|c| c.cached).count(),
            requests: speech.iter().map(|c| c.attempts).sum(),
        },
        segments,
        stings,
        timeline: &timeline.pieces,
        master: *stats,
    }
}
