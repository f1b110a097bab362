//! `podgen cache info` and `podgen cache prune`: what the clip cache holds,
//! and removing clips not used for a while.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::error::{Failure, Result};

/// `podgen cache`'s arguments.
#[derive(Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    action: CacheAction,
    /// Cache folder [default: $PODGEN_CACHE_DIR, else $XDG_CACHE_HOME/podgen, else ~/.cache/podgen].
    #[arg(long, value_name = "DIR", global = true)]
    cache_dir: Option<PathBuf>,
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

/// Show or prune the cache.
pub fn run(args: CacheArgs) -> Result<()> {
    let root = args
        .cache_dir
        .unwrap_or_else(crate::speech::cache::default_root);
    match args.action {
        CacheAction::Info => {
            info(&root);
            Ok(())
        }
        CacheAction::Prune { older_than } => prune(&root, &older_than),
    }
}

/// Print where the cache is and how much it holds.
pub fn info(root: &Path) {
    let (n, bytes) = crate::speech::cache::usage(root);
    println!(
        "cache: {}\nclips: {n}, {:.1} MB",
        root.display(),
        bytes as f64 / 1e6
    );
}

/// Remove clips unused for `older_than` (`30d`, `12h`, `90m`, `45s`, or `0` for all).
pub fn prune(root: &Path, older_than: &str) -> Result<()> {
    let age = parse_age(older_than).ok_or_else(|| {
        Failure::input(
            format!("{older_than:?} is not an age"),
            "write it like 30d, 12h, 90m or 0",
        )
    })?;
    let (n, bytes) = crate::speech::cache::prune(root, age)
        .map_err(|e| Failure::runtime(format!("cannot prune {}: {e}", root.display())))?;
    println!(
        "removed {n} clips ({:.1} MB) from {}",
        bytes as f64 / 1e6,
        root.display()
    );
    Ok(())
}

/// `30d`, `12h`, `90m`, `45s` or `0`.
fn parse_age(s: &str) -> Option<Duration> {
    // A bare number would be milliseconds, which nobody means here.
    let has_unit = s.trim().ends_with(|c: char| c.is_ascii_alphabetic());
    podgen_text::duration::parse_ms(s)
        .filter(|&ms| has_unit || ms == 0)
        .map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("0"), Some(Duration::ZERO));
        assert_eq!(parse_age("30d"), Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_age("90m"), Some(Duration::from_secs(5_400)));
        assert_eq!(parse_age("soon"), None);
        assert_eq!(parse_age("d"), None);
        assert_eq!(parse_age("99999999999999999d"), None);
        assert_eq!(parse_age("30"), None);
        assert_eq!(parse_age("1.5h"), Some(Duration::from_secs(5_400)));
    }
}
