//! `podgen render`: the pipeline from issue.yaml to a published episode.
//!
//! [`render`] is the whole pipeline as a list of named stages, each taking
//! the previous stage's value: prepare (script, config, voices, plan) →
//! synthesize speech → load stings → lay out → write the episode (master,
//! MP3, texts, manifest, moved into place whole) → report.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

use crate::audio::time::{self, clock};
use crate::cli::ConfigArgs;
pub use crate::cli::prepare::RenderOptions;
use crate::cli::prepare::{Prepared, prepare};
use crate::cli::progress::Reporter;
use crate::error::{Failure, Result};
use crate::input::script;
use crate::publish::{self, Episode, Staging};
use crate::sound::level;
use crate::sound::master::{self, MasterStats};
use crate::sound::mix::{Mix, Voiced};
use crate::sound::sounds::Sounds;
use crate::sound::timeline::{self, Lengths, Timeline};
use crate::speech::cache::{Clip, ClipStore};
use crate::speech::synthesize::{self, Event, SpeechClip};
use crate::speech::tts::Keys;

/// `podgen render`'s arguments.
#[derive(Args)]
pub struct RenderArgs {
    /// The issue script (issue.yaml).
    script: PathBuf,
    #[command(flatten)]
    config: ConfigArgs,
    /// Folder for episodes [default: the config's `output`, else output/ in the current directory].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Speaking-rate factor for every voice (1.0 is normal).
    #[arg(long, default_value_t = 1.0)]
    speed: f32,
    /// Clip cache folder [default: $PODGEN_CACHE_DIR, else $XDG_CACHE_HOME/podgen, else ~/.cache/podgen].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Use no cache: synthesize everything and keep nothing.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print a JSON summary on stdout (on failure too), for scripts.
    #[arg(long)]
    json: bool,
    /// Then write the output folder's feed.xml again (as `podgen feed`).
    #[arg(long)]
    feed: bool,
}

/// Render, print the `--json` summary if asked, then write the feed if asked.
pub fn run(a: RenderArgs) -> Result<()> {
    let (script, config) = (a.script.clone(), a.config.config.clone());
    let rendered = render(&RenderOptions {
        script: a.script,
        config: a.config.config,
        backend: a.config.backend,
        output_root: a.output,
        cache_root: if a.no_cache {
            None
        } else {
            Some(
                a.cache_dir
                    .unwrap_or_else(crate::speech::cache::default_root),
            )
        },
        speed: a.speed,
        quiet: a.quiet || a.json,
    });
    if a.json {
        let summary = match &rendered {
            Ok(r) => serde_json::to_string_pretty(r).unwrap_or_default(),
            Err(failure) => serde_json::json!({
                "error": failure.report().to_string(),
                "exit_code": failure.exit_code(),
            })
            .to_string(),
        };
        println!("{summary}");
    }
    let rendered = rendered?;
    if a.feed {
        let config = crate::input::config::discover(config.as_deref(), &script)?;
        let output = rendered.dir.parent().unwrap_or(Path::new("."));
        crate::cli::feed::write(output, &config, !a.quiet && !a.json)?;
    }
    Ok(())
}

/// What a finished render reports (and `--json` prints).
#[derive(Debug, Serialize)]
pub struct Rendered {
    /// The episode folder.
    pub dir: PathBuf,
    /// The episode id.
    pub episode: String,
    /// The files in the episode folder.
    pub files: Vec<String>,
    /// Samples of the master.
    pub samples: u64,
    /// Its sample rate.
    pub rate: u32,
    /// Its length in seconds, to the millisecond.
    pub seconds: f64,
    /// Chapters in the episode.
    pub chapters: usize,
    /// Segments spoken.
    pub segments: usize,
    /// Segments found in the cache.
    pub cache_hits: usize,
    /// Requests sent this run, retries included.
    pub requests: u32,
    /// Requests that were retries.
    pub retries: u64,
    /// Wall-clock time of the render.
    pub elapsed_seconds: f64,
}

/// Render the episode `opts` names.
pub fn render(opts: &RenderOptions) -> Result<Rendered> {
    let started = Instant::now();
    let cache = CacheFolder::for_run(opts)?;
    let prepared = prepare(opts, cache.root(), Keys::Required)?;
    let store = cache.store(prepared.settings.rate)?;
    let reporter = Reporter::new(opts.quiet);
    announce(&prepared, &reporter);
    let run = Run::start()?;

    // Speech: every segment, from the cache or from its backend. Ctrl-C
    // stops here; finished clips are already in the cache.
    let speech = synthesize_speech(&prepared, &store, &run, &reporter, &cache)?;
    // Stings and beds: decoded, resampled and levelled once, kept in the
    // store like speech.
    let sounds = Sounds::load(&prepared.plan, &prepared.settings, &store)?;
    // Lay out: where every clip, pause, sting and bed sits, in samples.
    let timeline = lay_out(&prepared, &speech, &sounds);
    master::check_length(&timeline, prepared.settings.channels).map_err(Failure::runtime)?;
    // Level: every clip to one speech level, before the episode gain.
    let gains = level::level_gains(
        &prepared.plan,
        &speech,
        prepared.settings.rate,
        prepared.settings.levelling,
    )
    .map_err(|e| Failure::runtime(format!("cannot read a clip back from the cache: {e}")))?;
    // Write the episode: master, MP3, texts, manifest; moved into place whole.
    let id = script::episode_id(&prepared.loaded.script);
    let episode = Episode {
        id: &id,
        script_path: &opts.script,
        loaded: &prepared.loaded,
        plan: &prepared.plan,
        cast: &prepared.cast,
        speech: &speech,
        gains: &gains,
        sting_level_db: prepared
            .settings
            .levelling
            .then_some(prepared.settings.sting_level_db),
        timeline: &timeline,
        pauses: prepared.settings.pauses,
        channels: prepared.settings.channels,
        ducking: prepared.settings.ducking,
        cache_dir: cache.describe(),
        formats: prepared.settings.formats,
    };
    let voiced: Vec<Voiced> = prepared
        .plan
        .segments
        .iter()
        .zip(&gains)
        .map(|(seg, &gain)| Voiced {
            gain,
            pan: prepared.cast.voice(&seg.voice).pan,
        })
        .collect();
    let mix = Mix {
        timeline: &timeline,
        channels: prepared.settings.channels,
        speech: &|segment| speech.get(segment).map(|c| c.clip.clone()),
        voiced: &voiced,
        cue_clip: &|source| sounds.clip_of(source),
        ducking: prepared.settings.ducking,
    };
    let (dir, stats) = write_episode(&prepared, &episode, &mix, &run, &reporter, &cache)?;
    reporter.finish();
    Ok(report(&episode, dir, &stats, &reporter, started))
}

/// The cache a run uses: the clip cache, or a temporary one for --no-cache.
struct CacheFolder {
    root: PathBuf,
    /// Removed when the run ends (only for --no-cache).
    _temporary: Option<tempfile::TempDir>,
}

impl CacheFolder {
    fn for_run(opts: &RenderOptions) -> Result<Self> {
        Ok(match &opts.cache_root {
            Some(root) => CacheFolder {
                root: root.clone(),
                _temporary: None,
            },
            None => {
                let temp = tempfile::tempdir().map_err(|e| {
                    Failure::runtime(format!("cannot make a temporary folder: {e}"))
                })?;
                CacheFolder {
                    root: temp.path().to_path_buf(),
                    _temporary: Some(temp),
                }
            }
        })
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn is_kept(&self) -> bool {
        self._temporary.is_none()
    }

    fn store(&self, rate: u32) -> Result<Arc<ClipStore>> {
        let store = ClipStore::open(&self.root, rate).map_err(|e| {
            Failure::runtime(format!(
                "cannot open the cache at {}: {e}",
                self.root.display()
            ))
        })?;
        Ok(Arc::new(store))
    }

    /// For render.json.
    fn describe(&self) -> String {
        if self.is_kept() {
            self.root.display().to_string()
        } else {
            "(none: --no-cache)".into()
        }
    }

    /// The failure a signal makes: how much is done, and whether it is kept.
    fn interrupted(&self, run: &Run, done: usize, total: usize) -> Failure {
        let kept = if self.is_kept() {
            format!(
                "{done} of {total} segments are finished and kept in the cache ({}); run the same command again to go on from there",
                self.root.display()
            )
        } else {
            format!("{done} of {total} segments were finished (--no-cache: not kept)")
        };
        let (name, code) = run.signal();
        Failure::Interrupted(
            miette::Report::msg(format!("interrupted: stopped by {name}; {kept}")),
            code,
        )
    }
}

/// The async runtime of a render, and the signal that stopped it, if one
/// did: Ctrl-C (SIGINT), SIGTERM (a service manager, `kill`) and SIGHUP (a
/// closed terminal) all stop a render the same way, cleanly.
struct Run {
    runtime: tokio::runtime::Runtime,
    /// The number of the signal received, or 0.
    signal: Arc<AtomicU8>,
}

impl Run {
    fn start() -> Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
        let received = Arc::new(AtomicU8::new(0));
        for (kind, number) in [
            (SignalKind::interrupt(), 2),
            (SignalKind::terminate(), 15),
            (SignalKind::hangup(), 1),
        ] {
            let flag = received.clone();
            let mut stream = runtime
                .block_on(async { signal(kind) })
                .map_err(|e| Failure::runtime(format!("cannot listen for signals: {e}")))?;
            runtime.spawn(async move {
                if stream.recv().await.is_some() {
                    let _ = flag.compare_exchange(0, number, Ordering::SeqCst, Ordering::SeqCst);
                }
            });
        }
        Ok(Run {
            runtime,
            signal: received,
        })
    }

    fn interrupted(&self) -> bool {
        self.signal.load(Ordering::SeqCst) != 0
    }

    /// The signal's name and the exit code it gives.
    fn signal(&self) -> (&'static str, u8) {
        match self.signal.load(Ordering::SeqCst) {
            15 => ("SIGTERM", 143),
            1 => ("SIGHUP", 129),
            _ => ("Ctrl-C", 130),
        }
    }

    /// Resolves once Ctrl-C was pressed.
    async fn until_interrupted(&self) {
        while !self.interrupted() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Warnings and a one-line summary of what is about to be rendered.
fn announce(p: &Prepared, reporter: &Reporter) {
    for w in &p.warnings {
        reporter.say(&format!("warning: {w}"));
    }
    let names = p.plan.voice_names();
    reporter.say(&format!(
        "{} chapters, {} segments, {} voice(s): {}",
        p.plan.chapters.len(),
        p.plan.segments.len(),
        names.len(),
        names.join(", ")
    ));
}

/// Every segment's clip, in plan order, or the failure that stopped it.
fn synthesize_speech(
    p: &Prepared,
    store: &Arc<ClipStore>,
    run: &Run,
    reporter: &Reporter,
    cache: &CacheFolder,
) -> Result<Vec<SpeechClip>> {
    let total = p.plan.segments.len();
    let done = AtomicUsize::new(0);
    let progress = |event: Event| {
        if matches!(event, Event::Done { .. }) {
            done.fetch_add(1, Ordering::Relaxed);
        }
        reporter.event(event);
    };
    reporter.start_synthesis(total as u64);
    let speech = run.runtime.block_on(async {
        tokio::select! {
            result = synthesize::speech(&p.plan, &p.cast, store, p.settings.rate, &progress) => result.map(Some),
            _ = run.until_interrupted() => Ok(None),
        }
    });
    match speech {
        Ok(Some(speech)) => Ok(speech),
        Ok(None) => {
            reporter.finish();
            Err(cache.interrupted(run, done.load(Ordering::Relaxed), total))
        }
        Err(f) => {
            reporter.finish();
            Err(f)
        }
    }
}

/// Place every clip, pause, sting and bed on the sample timeline.
fn lay_out(p: &Prepared, speech: &[SpeechClip], sounds: &Sounds) -> Timeline {
    let frames = |v: &[Option<Clip>]| -> Vec<Option<u64>> {
        v.iter().map(|c| c.as_ref().map(|c| c.frames)).collect()
    };
    let speech: Vec<u64> = speech.iter().map(|c| c.clip.frames).collect();
    let (lead, tail, beds) = (
        frames(&sounds.lead),
        frames(&sounds.tail),
        frames(&sounds.chapter_bed),
    );
    let lengths = Lengths {
        speech: &speech,
        lead_sting: &lead,
        tail_sting: &tail,
        chapter_bed: &beds,
        episode_bed: sounds.episode_bed.as_ref().map(|c| c.frames),
    };
    timeline::lay_out(&p.plan, &lengths, &p.settings.pauses, p.settings.rate)
}

/// Master, encode and write every file of the episode into a staging
/// folder, then move it into place. On failure nothing reaches the output.
fn write_episode(
    p: &Prepared,
    episode: &Episode,
    mix: &Mix,
    run: &Run,
    reporter: &Reporter,
    cache: &CacheFolder,
) -> Result<(PathBuf, MasterStats)> {
    let staging = Staging::new(&p.output_root, episode.id)
        .map_err(|e| io(&format!("cannot write to {}", p.output_root.display()), e))?;
    let filled = fill_staging(&staging, p, episode, mix, run, reporter, cache);
    // A signal during the last writes still stops the render before the move.
    let filled = match filled {
        Ok(_) if run.interrupted() => {
            let total = p.plan.segments.len();
            Err(cache.interrupted(run, total, total))
        }
        other => other,
    };
    match filled {
        Ok(stats) => {
            let dir = staging
                .commit()
                .map_err(|e| io("cannot move the finished episode into place", e))?;
            Ok((dir, stats))
        }
        Err(f) => {
            staging.abandon();
            Err(f)
        }
    }
}

/// A runtime failure about a file operation.
fn io(what: &str, e: std::io::Error) -> Failure {
    Failure::runtime(format!("{what}: {e}"))
}

fn fill_staging(
    staging: &Staging,
    p: &Prepared,
    episode: &Episode,
    mix: &Mix,
    run: &Run,
    reporter: &Reporter,
    cache: &CacheFolder,
) -> Result<MasterStats> {
    let wav_name = format!("{}.wav", episode.id);
    reporter.start_master(episode.timeline.total);
    let on_progress = |samples: u64| {
        if run.interrupted() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted",
            ));
        }
        reporter.master_progress(samples);
        Ok(())
    };
    // The MP3 is encoded on another thread while the master writes the WAV.
    let mut mp3 = match p.settings.formats.mp3 {
        true => {
            let tag = publish::mp3_tag(episode).map_err(|e| io("cannot build the ID3 tag", e))?;
            Some(publish::Mp3Tap::new(
                staging,
                episode,
                tag,
                p.settings.targets,
                p.settings.mp3_kbps,
                p.settings.rate,
            ))
        }
        false => None,
    };
    let tap: &mut dyn master::Tap = match &mut mp3 {
        Some(t) => t,
        None => &mut master::NoTap,
    };
    let interrupted_or = |what: &'static str| {
        move |e: std::io::Error| {
            if e.kind() == std::io::ErrorKind::Interrupted {
                let total = p.plan.segments.len();
                cache.interrupted(run, total, total)
            } else {
                io(what, e)
            }
        }
    };
    let wav = staging.path(&wav_name);
    let stats = master::write_wav(mix, &wav, p.settings.targets, &on_progress, tap)
        .map_err(interrupted_or("cannot write the episode audio"))?;
    let mp3 = mp3
        .map(|t| t.deliver(&wav, &on_progress))
        .transpose()
        .map_err(interrupted_or("cannot write the MP3"))?;
    if !p.settings.formats.wav {
        std::fs::remove_file(staging.path(&wav_name))
            .map_err(|e| io("cannot remove the WAV", e))?;
    }
    publish::write_texts(staging, episode, &stats, mp3.as_ref())
        .map_err(|(name, e)| io(&format!("cannot write {name}"), e))?;
    Ok(stats)
}

/// Say what was written, and gather the summary `--json` prints.
fn report(
    episode: &Episode,
    dir: PathBuf,
    stats: &MasterStats,
    reporter: &Reporter,
    started: Instant,
) -> Rendered {
    let (timeline, speech) = (episode.timeline, episode.speech);
    let cache_hits = speech.iter().filter(|c| c.cached).count();
    let requests: u32 = speech.iter().map(|c| c.attempts).sum();
    let elapsed = started.elapsed().as_secs_f64();
    reporter.say(&format!(
        "wrote {} ({} of audio, {} chapters, {}/{} segments from cache, {} requests) in {:.1} s",
        dir.display(),
        clock(timeline.total, timeline.rate),
        episode.plan.chapters.len(),
        cache_hits,
        speech.len(),
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
    Rendered {
        dir,
        episode: episode.id.to_string(),
        files,
        samples: timeline.total,
        rate: timeline.rate,
        seconds: time::seconds(timeline.total, timeline.rate),
        chapters: episode.plan.chapters.len(),
        segments: speech.len(),
        cache_hits,
        requests,
        retries: reporter.retries(),
        elapsed_seconds: (elapsed * 1000.0).round() / 1000.0,
    }
}
