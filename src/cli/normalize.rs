//! `podgen normalize`: stdin as a voice would be sent it, line for line,
//! through the same [`crate::cli::prepare::readings`] that `render` uses.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::{Failure, Result};
use crate::input::config;
use crate::input::voices::VoiceProfile;
use crate::text::lang::Language;
use crate::text::plan::DEFAULT_VOICE;

/// `podgen normalize`'s arguments.
#[derive(Args)]
pub struct NormalizeArgs {
    /// The language the text is in [default: guessed per line].
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
    /// podgen.yaml [default: ./podgen.yaml, else built-in defaults].
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The voice whose rules and lexicon apply [default: narrator].
    #[arg(long, value_name = "NAME")]
    voice: Option<String>,
}

/// Read stdin and print each line as `voice` (default `narrator`) would
/// speak it, in `language` (default: guessed per line). The config is
/// `config`, else `./podgen.yaml`, else the defaults; `lexicon.yaml` in the
/// current directory counts as beside the script.
pub fn run(args: NormalizeArgs) -> Result<()> {
    let (config, voice) = (args.config.as_deref(), args.voice.as_deref());
    let language = args.language.as_deref();
    let config = config::discover(config, &PathBuf::from("stdin"))?;
    let name = voice.unwrap_or(DEFAULT_VOICE);
    let profile = match config.voices().get(name) {
        Some(c) => VoiceProfile::from_config(name, c),
        None if config.is_user_config() && voice.is_some() => {
            return Err(Failure::input(
                format!("voice {name:?} is not defined in the config"),
                "name a voice of podgen.yaml's `voices:` or voices/*.yaml",
            ));
        }
        None => crate::input::voices::builtin_cast(&[name.to_string()], 1.0).remove(0),
    };
    let readings = crate::cli::prepare::readings(&config, &[profile], Some(Path::new(".")))?;
    let reading = &readings[name];
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line =
            line.map_err(|e| Failure::input(format!("cannot read stdin: {e}"), "give UTF-8 text"))?;
        let tag = language.map_or_else(|| Language::guess(&line).tag().to_string(), str::to_string);
        writeln!(out, "{}", reading.spoken(&line, &tag))
            .map_err(|e| Failure::runtime(format!("cannot write stdout: {e}")))?;
    }
    Ok(())
}
