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
    if let Some(tag) = language
        && !crate::text::lang::is_valid_tag(tag)
    {
        return Err(Failure::input(
            format!("--language {tag:?} is not a BCP 47 language tag"),
            "write a tag like en, en-GB, zh-CN or cmn, or leave it out to guess per line",
        ));
    }
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
    let mut stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let read = stdin
            .read_until(b'\n', &mut bytes)
            .map_err(|e| Failure::input(format!("cannot read stdin: {e}"), "give UTF-8 text"))?;
        if read == 0 {
            break;
        }
        let line = std::str::from_utf8(&bytes).map_err(|e| {
            Failure::input(
                format!(
                    "stdin line {number} is not UTF-8 text (invalid byte at offset {} of the line)",
                    e.valid_up_to()
                ),
                "give UTF-8 text",
            )
        })?;
        let line = line.trim_end_matches(['\n', '\r']);
        let tag = language.map_or_else(|| Language::guess(line).tag().to_string(), str::to_string);
        writeln!(out, "{}", printable(&reading.spoken(line, &tag)))
            .map_err(|e| Failure::runtime(format!("cannot write stdout: {e}")))?;
    }
    Ok(())
}

/// `text` with its control characters (an escape sequence, a bell) shown as
/// `U+001B` rather than sent to the terminal, which would obey them.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
