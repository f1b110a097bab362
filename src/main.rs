//! The `podgen` command line: a thin layer over the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use podgen::error::Failure;
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

#[derive(Subcommand)]
enum Command {
    /// Render an episode: audio, chapters and manifest in OUTPUT/<episode>/.
    Render {
        /// The issue script (issue.yaml).
        script: PathBuf,
        /// Folder for episodes [default: output, in the current directory].
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
    },
    /// Check a script and print precise errors; exit 2 on error.
    Validate {
        /// The issue script (issue.yaml).
        script: PathBuf,
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
    let result = match cli.command {
        Command::Render {
            script,
            output,
            speed,
            cache_dir,
            no_cache,
            quiet,
        } => render::render(&RenderOptions {
            script,
            output_root: output.unwrap_or_else(|| PathBuf::from("output")),
            cache_root: if no_cache {
                None
            } else {
                Some(cache_dir.unwrap_or_else(render::default_cache_root))
            },
            speed,
            quiet,
        })
        .map(|_| ()),
        Command::Validate { script } => render::check(&script).map(|(loaded, plan)| {
            println!(
                "{}: ok: {} chapters, {} segments, {} characters",
                loaded.source.name,
                plan.chapters.len(),
                plan.segments.len(),
                plan.segments
                    .iter()
                    .map(|s| s.text.chars().count())
                    .sum::<usize>()
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{:?}", failure.report());
            report_exit(&failure)
        }
    }
}

fn report_exit(failure: &Failure) -> ExitCode {
    ExitCode::from(failure.exit_code())
}
