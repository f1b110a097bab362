//! The `podgen` command line: a thin layer over the library.

#![warn(clippy::too_many_lines)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use podgen::commands;
use podgen::error::Failure;
use podgen::mock::{Fault, MockOptions, MockServer, WavHeader};
use podgen::render::{self, RenderOptions};

#[derive(Parser)]
#[command(
    name = "podgen",
    version,
    about = "Turn a digest script (issue.yaml) into a finished podcast episode"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the config comes from and which backend speaks.
#[derive(Args, Clone)]
struct ConfigArgs {
    /// Config file [default: podgen.yaml beside the script, else in the current directory, else built-in defaults].
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Speak every voice with this backend for this run (a name from the config, or `builtin`).
    #[arg(long, value_name = "NAME")]
    backend: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Render an episode: audio, chapters and manifest in OUTPUT/<episode>/.
    Render(RenderArgs),
    /// Check a script and its config and print precise errors; exit 2 on error.
    Validate {
        /// The issue script (issue.yaml).
        script: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// What a render would send: segments, characters, cache hits, cost. Sends nothing.
    Plan {
        /// The issue script (issue.yaml).
        script: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
        /// Clip cache folder to look for hits in [default: as for render].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Also print every segment as it will be spoken, with its voice.
        #[arg(long)]
        spoken: bool,
    },
    /// Print stdin as it would be sent to a voice, line for line: the
    /// lexicon and text normalisation applied.
    Normalize {
        /// The language the text is in [default: guessed per line].
        #[arg(long, value_name = "TAG")]
        language: Option<String>,
        /// podgen.yaml [default: ./podgen.yaml, else built-in defaults].
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The voice whose rules and lexicon apply [default: narrator].
        #[arg(long, value_name = "NAME")]
        voice: Option<String>,
    },
    /// List the configured backends and voices and what each resolves to (secrets masked).
    Voices {
        /// Also resolve the voices this script uses.
        script: Option<PathBuf>,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Show or prune the clip cache.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        /// Cache folder [default: $PODGEN_CACHE_DIR, else $XDG_CACHE_HOME/podgen, else ~/.cache/podgen].
        #[arg(long, value_name = "DIR", global = true)]
        cache_dir: Option<PathBuf>,
    },
    /// Write OUTPUT/feed.xml, the show's podcast feed, from every episode
    /// rendered into OUTPUT and the config's `show:`.
    Feed {
        /// The output folder [default: the config's `output`, else output/].
        output: Option<PathBuf>,
        /// podgen.yaml [default: ./podgen.yaml].
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Run the mock TTS server the tests use (on 127.0.0.1).
    MockTts(MockArgs),
}

/// `podgen render`'s arguments.
#[derive(Args)]
struct RenderArgs {
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

/// `podgen mock-tts`'s arguments.
#[derive(Args)]
struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8099)]
    port: u16,
    /// Delay before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fraction of requests that fail (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    fail_rate: f64,
    /// Which faults to draw from: 429, 500, reset, truncate, empty.
    #[arg(long, value_delimiter = ',', default_value = "429,500,reset,truncate")]
    faults: Vec<Fault>,
    /// The Retry-After that injected 429s ask for, in milliseconds.
    #[arg(long, default_value_t = 200)]
    retry_after_ms: u64,
    /// Seed for which requests fail.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Require the API key held in this environment variable.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Answer 429 "too many concurrent requests" above this many in flight.
    #[arg(long)]
    max_concurrent: Option<usize>,
    /// WAV size fields: valid, zero, ffff, 7fff, list.
    #[arg(long, default_value = "valid")]
    wav_header: WavHeader,
}

#[derive(Subcommand)]
enum CacheAction {
    /// Where the cache is and how much it holds.
    Info,
    /// Remove clips not used for a while.
    Prune {
        /// Remove clips unused for this long, like 30d, 12h or 90m [default: 30d]; 0 removes all.
        #[arg(long, default_value = "30d")]
        older_than: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Wrap error text only on a terminal: in logs and pipes, one message is one line.
    let on_terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .wrap_lines(on_terminal)
                .build(),
        )
    }));
    // The last resort, not the fix: a bug anywhere becomes one line that says
    // so, exit 1, instead of a backtrace. Inputs get their own errors.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "podgen: internal error{place}: {what}; nothing was published. Please report this with the command that caused it."
        );
        std::process::exit(1);
    }));
    let result = run(cli.command);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{:?}", failure.report());
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Render(args) => render(args),
        Command::Validate { script, config } => validate(script, config),
        Command::Plan {
            script,
            config,
            cache_dir,
            spoken,
        } => commands::plan::run(
            &RenderOptions {
                script,
                config: config.config,
                backend: config.backend,
                speed: 1.0,
                cache_root: cache_dir,
                ..Default::default()
            },
            spoken,
        ),
        Command::Normalize {
            language,
            config,
            voice,
        } => commands::normalize::run(config.as_deref(), voice.as_deref(), language.as_deref()),
        Command::Cache { action, cache_dir } => {
            let root = cache_dir.unwrap_or_else(podgen::cache::default_root);
            match action {
                CacheAction::Info => {
                    commands::cache::info(&root);
                    Ok(())
                }
                CacheAction::Prune { older_than } => commands::cache::prune(&root, &older_than),
            }
        }
        Command::Voices { script, config } => commands::voices::voices(
            script.as_deref(),
            config.config.as_deref(),
            config.backend.as_deref(),
        ),
        Command::Feed { output, config } => feed(output, config),
        Command::MockTts(args) => mock_tts(args),
    }
}

/// `podgen feed`: the config from `-c` or ./podgen.yaml, the output folder
/// as given, else the config's, else output/.
fn feed(output: Option<PathBuf>, config: Option<PathBuf>) -> Result<(), Failure> {
    let config = podgen::config::discover(config.as_deref(), std::path::Path::new("feed"))?;
    let output = output
        .or_else(|| config.file.output.as_ref().map(|o| PathBuf::from(&o.value)))
        .unwrap_or_else(|| PathBuf::from("output"));
    let report = podgen::feed::write(&output, &config)?;
    eprintln!(
        "podgen: wrote {} ({} episodes)",
        report.path.display(),
        report.episodes
    );
    Ok(())
}

fn render(a: RenderArgs) -> Result<(), Failure> {
    let (script, config) = (a.script.clone(), a.config.config.clone());
    let rendered = render::render(&RenderOptions {
        script: a.script,
        config: a.config.config,
        backend: a.config.backend,
        output_root: a.output,
        cache_root: if a.no_cache {
            None
        } else {
            Some(a.cache_dir.unwrap_or_else(podgen::cache::default_root))
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
        let config = podgen::config::discover(config.as_deref(), &script)?;
        let output = rendered.dir.parent().unwrap_or(std::path::Path::new("."));
        let report = podgen::feed::write(output, &config)?;
        if !a.quiet && !a.json {
            eprintln!(
                "podgen: wrote {} ({} episodes)",
                report.path.display(),
                report.episodes
            );
        }
    }
    Ok(())
}

fn validate(script: PathBuf, config: ConfigArgs) -> Result<(), Failure> {
    let p = render::validate(&RenderOptions {
        script,
        config: config.config,
        backend: config.backend,
        speed: 1.0,
        ..Default::default()
    })?;
    for w in &p.warnings {
        eprintln!("podgen: warning: {w}");
    }
    let characters: usize = p.plan.segments.iter().map(|s| s.text.chars().count()).sum();
    println!(
        "{}: ok: {} chapters, {} segments, {characters} characters",
        p.loaded.source.name,
        p.plan.chapters.len(),
        p.plan.segments.len(),
    );
    Ok(())
}

/// A fraction from 0 to 1, for `--fail-rate`.
fn fraction(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is not between 0 and 1")),
        Err(_) => Err(format!("{s:?} is not a number between 0 and 1")),
    }
}

fn mock_tts(a: MockArgs) -> Result<(), Failure> {
    let port = a.port;
    let options = MockOptions {
        latency: Duration::from_millis(a.latency_ms),
        fail_rate: a.fail_rate,
        faults: a.faults,
        retry_after: Duration::from_millis(a.retry_after_ms),
        seed: a.seed,
        api_key: a.api_key_env.and_then(|v| std::env::var(v).ok()),
        max_concurrent: a.max_concurrent,
        wav_header: a.wav_header,
    };
    let server = MockServer::start(port, options)
        .map_err(|e| Failure::runtime(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    println!("podgen mock-tts listening on {}", server.url());
    println!("  OpenAI:     POST {}/v1/audio/speech", server.url());
    println!(
        "  ElevenLabs: POST {}/v1/text-to-speech/{{voice}}/with-timestamps",
        server.url()
    );
    println!("  Azure:      POST {}/cognitiveservices/v1", server.url());
    println!("  Google:     POST {}/v1/text:synthesize", server.url());
    println!("  piper:      POST {}/synthesize", server.url());
    println!(
        "  generic:    {}/custom/{{json,form,query,text}}",
        server.url()
    );
    println!("  requests:   GET  {}/_mock/requests", server.url());
    server.wait();
    Ok(())
}
