//! The command line: a file per subcommand, each with the arguments clap
//! reads for it and the function that runs it.
//!
//! `main.rs` only calls [`main`]. The arguments stay in the subcommand's
//! file; what the library resolves from them ([`prepare::RenderOptions`],
//! then the checked settings of [`crate::input::settings`]) is kept apart,
//! as ripgrep keeps its raw flags apart from its resolved ones.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::Failure;

pub mod cache;
pub mod feed;
pub mod mock_tts;
pub mod normalize;
pub mod plan;
pub mod prepare;
pub mod progress;
pub mod render;
pub mod validate;
pub mod voices;

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

#[derive(Subcommand)]
enum Command {
    /// Render an episode: audio, chapters and manifest in OUTPUT/<episode>/.
    Render(render::RenderArgs),
    /// Check a script and its config and print precise errors; exit 2 on error.
    Validate(validate::ValidateArgs),
    /// What a render would send: segments, characters, cache hits, cost. Sends nothing.
    Plan(plan::PlanArgs),
    /// Print stdin as it would be sent to a voice, line for line: the
    /// lexicon and text normalisation applied.
    Normalize(normalize::NormalizeArgs),
    /// List the configured backends and voices and what each resolves to (secrets masked).
    Voices(voices::VoicesArgs),
    /// Show or prune the clip cache.
    Cache(cache::CacheArgs),
    /// Write OUTPUT/feed.xml, the show's podcast feed, from every episode
    /// rendered into OUTPUT and the config's `show:`.
    Feed(feed::FeedArgs),
    /// Run the mock TTS server the tests use (on 127.0.0.1).
    MockTts(mock_tts::MockArgs),
}

/// Where the config comes from and which backend speaks: the arguments
/// `render`, `validate`, `plan` and `voices` share.
#[derive(Args, Clone)]
pub struct ConfigArgs {
    /// Config file [default: podgen.yaml beside the script, else in the current directory, else built-in defaults].
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Speak every voice with this backend for this run (a name from the config, or `builtin`).
    #[arg(long, value_name = "NAME")]
    pub backend: Option<String>,
}

/// Parse the command line, run it, and turn a failure into its report and
/// exit code.
pub fn main() -> ExitCode {
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
    let result = match cli.command {
        Command::Render(args) => render::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Normalize(args) => normalize::run(args),
        Command::Voices(args) => voices::run(args),
        Command::Cache(args) => cache::run(args),
        Command::Feed(args) => feed::run(args),
        Command::MockTts(args) => mock_tts::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{:?}", failure.report());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// What `validate`, `plan` and `voices` run with: the script and the
/// config, at normal speed.
fn options(script: PathBuf, config: ConfigArgs) -> prepare::RenderOptions {
    prepare::RenderOptions {
        script,
        config: config.config,
        backend: config.backend,
        speed: 1.0,
        ..Default::default()
    }
}

/// A failure of this run, for the subcommands' `run`.
type Result<T> = std::result::Result<T, Failure>;
