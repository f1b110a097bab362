//! `podgen validate`: everything short of making audio, and a line that
//! says what the script holds.

use std::path::PathBuf;

use clap::Args;

use super::{ConfigArgs, Result};
use crate::cli::prepare::{Prepared, RenderOptions, prepare};
use crate::speech::tts::Keys;

/// `podgen validate`'s arguments.
#[derive(Args)]
pub struct ValidateArgs {
    /// The issue script (issue.yaml).
    script: PathBuf,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Check the script and its config; print the warnings and a summary.
pub fn run(args: ValidateArgs) -> Result<()> {
    let p = validate(&super::options(args.script, args.config))?;
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

/// Everything a render does before its first request, with API keys
/// required (the built-in voice's data goes to the default cache).
pub fn validate(opts: &RenderOptions) -> Result<Prepared> {
    let root = opts
        .cache_root
        .clone()
        .unwrap_or_else(crate::speech::cache::default_root);
    prepare(opts, &root, Keys::Required)
}
