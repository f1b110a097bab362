//! The programs some tests read podgen's output with, found or skipped in
//! the open. Where one is missing the test that needs it is skipped: it
//! says `SKIPPED: <test>: <why>` on the terminal (past the test harness's
//! capture, so a plain `cargo test` shows it) and adds that line to the
//! file `PODGEN_SKIP_LOG` names, which `.ci/run` counts. Where the
//! program's `PODGEN_REQUIRE_*` variable is set (as `.ci/run` sets them
//! all), a missing program fails the test instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's `espeak-ng`, which the built-in voice is compared with.
pub fn espeak_ng() -> Option<()> {
    let found = runs(Path::new("espeak-ng"), &["--version"])
        .then_some(())
        .ok_or("espeak-ng is not installed (apt-get install espeak-ng)");
    available(found, "PODGEN_REQUIRE_ESPEAK")
}

/// Chromium, which opens the episode page: Debian's `/usr/bin/chromium`,
/// or `chromium` on the PATH.
pub fn chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    let found = if fixed.is_file() {
        Some(fixed)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("chromium"))
                .find(|p| p.is_file())
        })
    };
    let found = found.ok_or("Chromium is not installed (apt-get install chromium)");
    available(found, "PODGEN_REQUIRE_BROWSER")
}

/// The folder `scripts/setup-validators.sh` installs into:
/// `$PODGEN_VALIDATORS`, or `~/.cache/podgen-validators`.
fn validators_home() -> PathBuf {
    std::env::var_os("PODGEN_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/podgen-validators")
        })
}

/// The independent loudness meters: ffmpeg, and pyloudnorm in the
/// validators' venv, whose Python is returned.
pub fn meters() -> Option<PathBuf> {
    let python = validators_home().join("bin/python");
    let ffmpeg = runs(Path::new("ffmpeg"), &["-hide_banner", "-version"]);
    let pyloudnorm = runs(&python, &["-c", "import pyloudnorm, soundfile"]);
    let missing = [
        (!ffmpeg).then(|| "ffmpeg".to_string()),
        (!pyloudnorm).then(|| format!("pyloudnorm (for {})", python.display())),
    ];
    let missing: Vec<String> = missing.into_iter().flatten().collect();
    let found = missing.is_empty().then_some(python).ok_or_else(|| {
        format!(
            "{} not installed (bash scripts/setup-validators.sh installs them)",
            missing.join(" and ")
        )
    });
    available(found, "PODGEN_REQUIRE_METERS")
}

/// The feed parsers: podcastparser in the validators' venv and
/// podcast-partytime in its npm folder; the venv's Python and the
/// node_modules folder.
pub fn feed_parsers() -> Option<(PathBuf, PathBuf)> {
    let home = validators_home();
    let python = home.join("bin/python");
    let node_modules = home.join("npm/node_modules");
    let ok = python.is_file() && node_modules.join("podcast-partytime").is_dir();
    let found = ok.then_some((python, node_modules)).ok_or_else(|| {
        format!(
            "{} lacks podcastparser or podcast-partytime (run scripts/setup-validators.sh)",
            home.display()
        )
    });
    available(found, "PODGEN_REQUIRE_VALIDATORS")
}

fn runs(program: &Path, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What was found, or, when it was not, a failure if `required_by` is set
/// and a visible skip if not.
fn available<T>(found: Result<T, impl AsRef<str>>, required_by: &str) -> Option<T> {
    match found {
        Ok(found) => Some(found),
        Err(why) => {
            skip(why.as_ref(), required_by);
            None
        }
    }
}

/// Skip the current test because of `why`, where the environment allows it.
fn skip(why: &str, required_by: &str) {
    assert!(
        std::env::var_os(required_by).is_none(),
        "{why}, and {required_by} says it must be there"
    );
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let line = format!("SKIPPED: {test}: {why}\n");
    // Straight to the terminal: the harness captures eprintln! of a test that passes.
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(log) = std::env::var_os("PODGEN_SKIP_LOG") {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log);
        if let Ok(mut file) = file {
            let _ = file.write_all(line.as_bytes());
        }
    }
}
