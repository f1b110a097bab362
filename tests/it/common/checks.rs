//! What every failing command must show: its exit code, a message in the
//! user's words, no panic, and nothing left behind.

use std::path::Path;
use std::process::Output;

use super::stderr;

/// Exit `code`, stderr naming every one of `needles`, and no panic; the
/// stderr.
pub fn assert_fails(out: &Output, code: i32, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit status; stderr:\n{err}");
    assert_no_panic(&err);
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    err
}

/// No sign of a panic or an internal error in `err`.
pub fn assert_no_panic(err: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "memory allocation",
        "internal error",
    ] {
        assert!(!err.contains(bad), "{bad:?} in stderr:\n{err}");
    }
}

/// Nothing under `out` but finished episode folders: no staging, no old copy.
pub fn assert_no_leftovers(out: &Path) {
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".podgen-"),
                "left behind in {}: {name}",
                out.display()
            );
        }
    }
}
