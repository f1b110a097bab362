//! `podgen feed`: write OUTPUT/feed.xml from every episode rendered into
//! OUTPUT (the feed itself is [`crate::publish::feed`]).

use std::path::{Path, PathBuf};

use clap::Args;

use super::Result;
use crate::input::config::Config;

/// `podgen feed`'s arguments.
#[derive(Args)]
pub struct FeedArgs {
    /// The output folder [default: the config's `output`, else output/].
    output: Option<PathBuf>,
    /// podgen.yaml [default: ./podgen.yaml].
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// The config from `-c` or ./podgen.yaml; the output folder as given, else
/// the config's, else output/.
pub fn run(args: FeedArgs) -> Result<()> {
    let config = crate::input::config::discover(args.config.as_deref(), Path::new("feed"))?;
    let output = args
        .output
        .or_else(|| config.file.output.as_ref().map(|o| PathBuf::from(&o.value)))
        .unwrap_or_else(|| PathBuf::from("output"));
    write(&output, &config, true)
}

/// Write `output`/feed.xml, saying so unless `quiet`.
pub fn write(output: &Path, config: &Config, say: bool) -> Result<()> {
    let report = crate::publish::feed::write(output, config)?;
    for w in &report.warnings {
        eprintln!("podgen: warning: {w}");
    }
    if say {
        eprintln!(
            "podgen: wrote {} ({} episodes)",
            report.path.display(),
            report.episodes
        );
    }
    Ok(())
}
