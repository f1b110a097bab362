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
use crate::audio::{Interrupted, PassError};
use crate::cli::ConfigArgs;
pub use crate::cli::prepare::RenderOptions;
use crate::cli::prepare::{Prepared, open_clips, prepare};
use crate::cli::progress::Reporter;
use crate::error::{Failure, Result, chain};
use crate::input::script;
use crate::publish::{self, Episode, Mp3Tap, Staging};
use crate::sound::level;
use crate::sound::master::{self, MasterStats, NoTap, Tap};
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
    let rendering = Rendering {
        script: &opts.script,
        prepared: &prepared,
        run: &run,
        reporter: &reporter,
        cache: &cache,
    };

    // Speech: every segment, from the cache or from its backend. Ctrl-C
    // stops here; finished clips are already in the cache.
    let speech = rendering.synthesize_speech(&store)?;
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
    .map_err(|e| Failure::runtime_because("cannot read a clip back from the cache", &e))?;
    // Write the episode: master, MP3, texts, manifest; moved into place whole.
    let episode = rendering.episode(&speech, &gains, &timeline);
    let voiced = rendering.voiced(&gains);
    let mix = Mix {
        timeline: &timeline,
        channels: prepared.settings.channels,
        speech: &|segment| speech.get(segment).map(|c| c.clip.clone()),
        voiced: &voiced,
        cue_clip: &|source| sounds.clip_of(source),
        ducking: prepared.settings.ducking,
    };
    let (dir, stats) = rendering.write_episode(&episode, &mix)?;
    reporter.finish();
    Ok(rendering.report(&episode, dir, &stats, started))
}

/// One render under way: what every stage after preparing reads.
struct Rendering<'a> {
    /// The script as given on the command line.
    script: &'a Path,
    prepared: &'a Prepared,
    run: &'a Run,
    reporter: &'a Reporter,
    cache: &'a CacheFolder,
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
                let temp = tempfile::tempdir()
                    .map_err(|e| Failure::runtime_because("cannot make a temporary folder", &e))?;
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
        Ok(Arc::new(open_clips(&self.root, rate)?))
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
            .map_err(|e| Failure::runtime_because("cannot start the async runtime", &e))?;
        let received = Arc::new(AtomicU8::new(0));
        for (kind, number) in [
            (SignalKind::interrupt(), 2),
            (SignalKind::terminate(), 15),
            (SignalKind::hangup(), 1),
        ] {
            let flag = received.clone();
            let mut stream = runtime
                .block_on(async { signal(kind) })
                .map_err(|e| Failure::runtime_because("cannot listen for signals", &e))?;
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

impl Rendering<'_> {
    /// Every segment's clip, in plan order, or the failure that stopped it.
    fn synthesize_speech(&self, store: &Arc<ClipStore>) -> Result<Vec<SpeechClip>> {
        let (p, reporter) = (self.prepared, self.reporter);
        let total = p.plan.segments.len();
        let done = AtomicUsize::new(0);
        let progress = |event: Event| {
            if matches!(event, Event::Done { .. }) {
                done.fetch_add(1, Ordering::Relaxed);
            }
            reporter.event(event);
        };
        reporter.start_synthesis(total as u64);
        let speech = self.run.runtime.block_on(async {
            tokio::select! {
                result = synthesize::speech(&p.plan, &p.cast, store, p.settings.rate, &progress) => result.map(Some),
                _ = self.run.until_interrupted() => Ok(None),
            }
        });
        match speech {
            Ok(Some(speech)) => Ok(speech),
            Ok(None) => {
                reporter.finish();
                Err(self.interrupted(done.load(Ordering::Relaxed)))
            }
            Err(f) => {
                reporter.finish();
                Err(f)
            }
        }
    }

    /// The failure a signal makes once `done` segments are finished.
    fn interrupted(&self, done: usize) -> Failure {
        let total = self.prepared.plan.segments.len();
        self.cache.interrupted(self.run, done, total)
    }

    /// What every file about the episode describes: the plan, the speech
    /// and its `gains`, and the `timeline` with the chapters on it.
    fn episode<'a>(
        &'a self,
        speech: &'a [SpeechClip],
        gains: &'a [f32],
        timeline: &'a Timeline,
    ) -> Episode<'a> {
        let p = self.prepared;
        Episode {
            id: script::episode_id(&p.loaded.script),
            script_path: self.script,
            loaded: &p.loaded,
            plan: &p.plan,
            cast: &p.cast,
            speech,
            gains,
            sting_level_db: p.settings.levelling.then_some(p.settings.sting_level_db),
            timeline,
            chapters: publish::chapters::markers(&p.plan, timeline),
            pauses: p.settings.pauses,
            channels: p.settings.channels,
            ducking: p.settings.ducking,
            cache_dir: self.cache.describe(),
            formats: p.settings.formats,
        }
    }

    /// Each segment's place in the mix: its levelling gain, its voice's pan.
    fn voiced(&self, gains: &[f32]) -> Vec<Voiced> {
        let p = self.prepared;
        p.plan
            .segments
            .iter()
            .zip(gains)
            .map(|(seg, &gain)| Voiced {
                gain,
                pan: p.cast.voice(&seg.voice).pan,
            })
            .collect()
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

impl Rendering<'_> {
    /// Master, encode and write every file of the episode into a staging
    /// folder, then move it into place. On failure nothing reaches the output.
    fn write_episode(&self, episode: &Episode, mix: &Mix) -> Result<(PathBuf, MasterStats)> {
        let root = &self.prepared.output_root;
        let staging = Staging::new(root, &episode.id).map_err(|e| {
            Failure::runtime_because(format!("cannot write to {}", root.display()), &e)
        })?;
        let filled = self.fill_staging(&staging, episode, mix);
        // A signal during the last writes still stops the render before the move.
        let filled = match filled {
            Ok(_) if self.run.interrupted() => Err(self.interrupted_at_the_end()),
            other => other,
        };
        match filled {
            Ok(stats) => {
                let dir = staging.commit().map_err(|e| {
                    Failure::runtime_because("cannot move the finished episode into place", &e)
                })?;
                Ok((dir, stats))
            }
            Err(f) => {
                staging.abandon();
                Err(f)
            }
        }
    }

    /// The failure a signal makes once every segment is finished.
    fn interrupted_at_the_end(&self) -> Failure {
        self.interrupted(self.prepared.plan.segments.len())
    }

    /// `what` failed because of `e`: an interrupt, or a runtime failure.
    fn pass_failure(&self, what: &str, e: PassError) -> Failure {
        match e {
            PassError::Interrupted => self.interrupted_at_the_end(),
            other => Failure::runtime_because(what, &other),
        }
    }

    /// Master the mix into the WAV, the MP3 beside it, then the texts.
    fn fill_staging(&self, staging: &Staging, episode: &Episode, mix: &Mix) -> Result<MasterStats> {
        let settings = &self.prepared.settings;
        let wav = staging.path(&format!("{}.wav", episode.id));
        self.reporter.start_master(episode.timeline.total);
        let progress = |samples: u64| {
            if self.run.interrupted() {
                return Err(Interrupted);
            }
            self.reporter.master_progress(samples);
            Ok(())
        };
        // The MP3 is encoded on another thread while the master writes the WAV.
        let mut mp3 = match settings.formats.mp3 {
            true => Some(
                Mp3Tap::new(staging, episode, settings)
                    .map_err(|e| Failure::runtime_because("cannot build the ID3 tag", &e))?,
            ),
            false => None,
        };
        let tap: &mut dyn Tap = match &mut mp3 {
            Some(t) => t,
            None => &mut NoTap,
        };
        let stats = master::write_wav(mix, &wav, settings.targets, &progress, tap)
            .map_err(|e| self.pass_failure("cannot write the episode audio", e))?;
        let mp3 = mp3
            .map(|t| t.deliver(&wav, &progress))
            .transpose()
            .map_err(|e| self.pass_failure("cannot write the MP3", e))?;
        if !settings.formats.wav {
            std::fs::remove_file(&wav)
                .map_err(|e| Failure::runtime_because("cannot remove the WAV", &e))?;
        }
        publish::write_texts(staging, episode, &stats, mp3.as_ref())
            .map_err(|e| Failure::runtime(chain(&e)))?;
        Ok(stats)
    }

    /// Say what was written, and gather the summary `--json` prints.
    fn report(
        &self,
        episode: &Episode,
        dir: PathBuf,
        stats: &MasterStats,
        started: Instant,
    ) -> Rendered {
        let reporter = self.reporter;
        let (timeline, speech) = (episode.timeline, episode.speech);
        let cache_hits = speech.iter().filter(|c| c.cached).count();
        let requests: u32 = speech.iter().map(|c| c.attempts).sum();
        let elapsed = started.elapsed().as_secs_f64();
        reporter.say(&format!(
            "wrote {} ({} of audio, {} chapters, {cache_hits}/{} segments from cache, {requests} requests) in {elapsed:.1} s",
            dir.display(),
            clock(timeline.total, timeline.rate),
            episode.plan.chapters.len(),
            speech.len(),
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
            episode: episode.id.clone(),
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
}
