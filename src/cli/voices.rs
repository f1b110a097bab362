//! `podgen voices`: the configured backends and voices, and what each
//! resolves to. Secrets are masked: a key shows as "(API key set)", a key
//! that is not set as "(not set: VAR)". Sends nothing.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::ConfigArgs;

use crate::error::Result;
use crate::input::config::{self, Config};
use crate::speech::tts::{self, Keys};

/// `podgen voices`'s arguments.
#[derive(Args)]
pub struct VoicesArgs {
    /// Also resolve the voices this script uses.
    script: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Print the listing.
pub fn run(args: VoicesArgs) -> Result<()> {
    voices(
        args.script.as_deref(),
        args.config.config.as_deref(),
        args.config.backend.as_deref(),
    )
}

/// Print the listing for `config_path` (else the config found for `script`).
pub fn voices(
    script: Option<&Path>,
    config_path: Option<&Path>,
    backend: Option<&str>,
) -> Result<()> {
    let config = match (config_path, script) {
        (Some(c), _) => config::load(c)?,
        (None, Some(s)) => config::discover(None, s)?,
        (None, None) => config::discover(None, Path::new("issue.yaml"))?,
    };
    print!("{}", describe(&config, script, backend)?);
    Ok(())
}

/// The listing as text.
pub fn describe(config: &Config, script: Option<&Path>, backend: Option<&str>) -> Result<String> {
    let mut out = String::new();
    match &config.path {
        Some(p) => out.push_str(&format!("config: {}\n", p.display())),
        None => {
            out.push_str("config: none (built-in defaults: every voice is the built-in voice)\n")
        }
    }
    out.push_str("backends:\n");
    let env = |k: &str| std::env::var(k).ok();
    // Building a backend sends nothing; the built-in voice's data is only
    // extracted when it first speaks.
    let nowhere = Path::new("");
    let names =
        std::iter::once(config::BUILTIN).chain(config.file.backends.keys().map(String::as_str));
    for name in names {
        let entry = config.backend(name).expect("a listed name");
        let line = match tts::build(name, entry, nowhere, &env, Keys::Optional) {
            Ok(built) => built.backend.describe(),
            // Say what is wrong without the value: the message names variables, not secrets.
            Err(e) => format!("not usable: {e}"),
        };
        out.push_str(&format!("  {name}: {line}\n"));
    }
    out.push_str("voices:\n");
    let voices = config.voices();
    if voices.is_empty() {
        out.push_str("  (none defined)\n");
    }
    for (name, v) in &voices {
        out.push_str(&format!(
            "  {name}: backend {}{}{}{}{}\n",
            v.backend_name(),
            v.voice
                .as_ref()
                .map_or(String::new(), |x| format!(", voice {x}")),
            v.model
                .as_ref()
                .map_or(String::new(), |x| format!(", model {x}")),
            v.speed
                .as_ref()
                .map_or(String::new(), |x| format!(", speed {}", x.value)),
            if v.extra.is_empty() {
                String::new()
            } else {
                format!(", extra {}", serde_json::Value::Object(v.extra.clone()))
            },
        ));
    }
    if let Some(script) = script {
        out.push_str(&script_voices(config, script, backend)?);
    }
    Ok(out)
}

/// What each voice of `script` resolves to.
fn script_voices(config: &Config, script: &Path, backend: Option<&str>) -> Result<String> {
    let loaded = crate::input::script::load(script)?;
    crate::input::script::validate(&loaded)?;
    let names =
        crate::text::plan::build(&loaded, &crate::text::plan::Voicing::names_only()).voice_names();
    let cast = crate::input::voices::resolve(config, &loaded, &names, backend, 1.0)?;
    let mut out = format!("{} uses:\n", script.display());
    for v in cast {
        let how = match (&v.voice, &v.variant) {
            (Some(id), _) => format!("voice {id}"),
            (None, Some(variant)) => format!(
                "built-in variant {variant}, pitch {}",
                v.pitch.unwrap_or(50)
            ),
            (None, None) => format!("built-in default, pitch {}", v.pitch.unwrap_or(50)),
        };
        out.push_str(&format!("  {} -> {}: {how}\n", v.name, v.backend));
    }
    Ok(out)
}
