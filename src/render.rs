//! `podgen render`: the pipeline from issue.yaml to a published episode.
//!
//! load → validate → plan → synthesize → lay out → master → publish, each
//! stage taking the previous stage's value.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::cache::{self, Clip, ClipStore};
use crate::error::{Failure, Result};
use crate::master::{self, MasterStats};
use crate::plan::{self, ChapterKind, Pause, Plan};
use crate::publish::{self, Staging};
use crate::script::{self, LoadedScript};
use crate::synthesize::{self, Cast, SpeechClip};
use crate::timeline::{self, Lengths, Pauses, Piece, Source, Timeline};
use crate::tts::Backend;
use crate::tts::builtin::Builtin;
use crate::voices::{self, VoiceProfile};

/// The episode sample rate (DESIGN.md section 3 default).
pub const SAMPLE_RATE: u32 = 44_100;

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub script: PathBuf,
    /// Episodes go to `output_root/<episode>/`.
    pub output_root: PathBuf,
    /// The clip cache; `None` renders without one (a temporary store).
    pub cache_root: Option<PathBuf>,
    /// Speaking-rate factor for every voice.
    pub speed: f32,
    pub quiet: bool,
}

/// What a finished render reports.
#[derive(Debug)]
pub struct Rendered {
    pub dir: PathBuf,
    pub episode: String,
    pub samples: u64,
    pub rate: u32,
    pub chapters: usize,
    pub segments: usize,
    pub cache_hits: usize,
}

/// Load and check a script: the whole of `podgen validate`.
pub fn check(path: &Path) -> Result<(LoadedScript, Plan)> {
    let loaded = script::load(path)?;
    script::validate(&loaded)?;
    let limit = plan::Limit::chars(400);
    let plan = plan::build(&loaded, &|_| limit);
    Ok((loaded, plan))
}

pub fn render(opts: &RenderOptions) -> Result<Rendered> {
    let started = Instant::now();
    let loaded = script::load(&opts.script)?;
    script::validate(&loaded)?;
    if !(opts.speed.is_finite() && (0.25..=4.0).contains(&opts.speed)) {
        return Err(Failure::input(
            format!("speed {} is out of range", opts.speed),
            "use a factor between 0.25 and 4.0",
        ));
    }
    let s = &loaded.script;
    let episode = script::episode_id(s);

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
    let store = ClipStore::open(&cache_root, SAMPLE_RATE).map_err(|e| {
        Failure::runtime(format!(
            "cannot open the cache at {}: {e}",
            cache_root.display()
        ))
    })?;
    let builtin = Builtin::new(&cache_root).map_err(Failure::runtime)?;

    let plan = plan::build(&loaded, &|_| builtin.limit());
    let voice_names = plan.voice_names();
    let cast_list = voices::builtin_cast(&voice_names, opts.speed);
    let cast = Cast {
        voices: cast_list
            .iter()
            .map(|v| (v.name.clone(), v.clone()))
            .collect(),
        backends: HashMap::from([("builtin".to_string(), &builtin as &dyn Backend)]),
    };

    // Synthesize.
    let total = plan.segments.len();
    let done = AtomicUsize::new(0);
    let show_progress = !opts.quiet && std::io::stderr().is_terminal();
    if !opts.quiet {
        eprintln!(
            "podgen: {} chapters, {} segments, {} voice(s): {}",
            plan.chapters.len(),
            total,
            voice_names.len(),
            voice_names.join(", ")
        );
    }
    let progress = |_: usize, _: &SpeechClip| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if show_progress {
            eprint!("\rpodgen: synthesizing {n}/{total}");
            let _ = std::io::stderr().flush();
        }
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let speech = synthesize::speech(&plan, &cast, &store, SAMPLE_RATE, workers, &progress)?;
    if show_progress {
        eprintln!();
    }
    let mut lead = vec![None; plan.chapters.len()];
    let mut tail = vec![None; plan.chapters.len()];
    for (ci, c) in plan.chapters.iter().enumerate() {
        if let Some(p) = &c.lead_sting {
            lead[ci] = Some(synthesize::sting(p, &store, SAMPLE_RATE)?);
        }
        if let Some(p) = &c.tail_sting {
            tail[ci] = Some(synthesize::sting(p, &store, SAMPLE_RATE)?);
        }
    }

    // Lay out.
    let pauses = Pauses::default_at(SAMPLE_RATE);
    let speech_len: Vec<u64> = speech.iter().map(|c| c.clip.frames).collect();
    let frames = |v: &[Option<Clip>]| {
        v.iter()
            .map(|c| c.as_ref().map(|c| c.frames))
            .collect::<Vec<_>>()
    };
    let (lead_len, tail_len) = (frames(&lead), frames(&tail));
    let timeline = timeline::lay_out(
        &plan,
        &Lengths {
            speech: &speech_len,
            lead_sting: &lead_len,
            tail_sting: &tail_len,
        },
        &pauses,
        SAMPLE_RATE,
    );

    // Master and publish, in a staging folder.
    let io = |what: &str, e: std::io::Error| Failure::runtime(format!("{what}: {e}"));
    let staging = Staging::new(&opts.output_root, &episode).map_err(|e| {
        io(
            &format!("cannot write to {}", opts.output_root.display()),
            e,
        )
    })?;
    let result = (|| {
        let clip_of = |source: Source| match source {
            Source::Speech { segment } => Some(speech[segment].clip.clone()),
            Source::LeadSting { chapter } => lead[chapter].clone(),
            Source::TailSting { chapter } => tail[chapter].clone(),
            Source::Silence => None,
        };
        let wav_name = format!("{episode}.wav");
        let stats = master::write_wav(&timeline, &clip_of, &staging.path(&wav_name))
            .map_err(|e| io("cannot write the episode audio", e))?;
        let chapters = publish::chapters_file(&s.show.value, &s.title.value, &plan, &timeline);
        staging
            .write_json("chapters.json", &chapters)
            .map_err(|e| io("cannot write chapters.json", e))?;
        let manifest = manifest(
            opts,
            &loaded,
            &episode,
            &plan,
            &cast_list,
            &speech,
            &timeline,
            &pauses,
            &stats,
            &cache_root,
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
    let cache_hits = speech.iter().filter(|c| c.cached).count();
    if !opts.quiet {
        eprintln!(
            "podgen: wrote {} ({} of audio, {} chapters, {}/{} segments from cache) in {:.1} s",
            dir.display(),
            clock(timeline.total, SAMPLE_RATE),
            plan.chapters.len(),
            cache_hits,
            total,
            started.elapsed().as_secs_f64()
        );
        if stats.clipped_samples > 0 {
            eprintln!("podgen: warning: {} samples clipped", stats.clipped_samples);
        }
    }
    Ok(Rendered {
        dir,
        episode,
        samples: timeline.total,
        rate: SAMPLE_RATE,
        chapters: plan.chapters.len(),
        segments: total,
        cache_hits,
    })
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
    chapters: Vec<ChapterRecord>,
    segments: Vec<SegmentRecord<'a>>,
    stings: Vec<StingRecord>,
    timeline: &'a [Piece],
    totals: Totals,
    master: MasterStats,
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
    language: &'static str,
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
                language: seg.language.tag(),
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

/// The default cache root, for the CLI.
pub fn default_cache_root() -> PathBuf {
    cache::default_root()
}
