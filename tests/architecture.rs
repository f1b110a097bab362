//! The directions data flows in, checked on the source: a stage may use the
//! stages before it, never the ones after. ARCHITECTURE.md draws them.
//! Also: the repository explains itself, so no comment points outside it.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The top-level modules a file names as `crate::<module>`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            // `use crate::{a, b}`: every name in the braces.
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for part in group[..end].split(',') {
                    let n: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !n.is_empty() {
                        found.insert(n);
                    }
                }
            }
        } else {
            found.insert(name);
        }
        rest = after;
    }
    found
}

/// Every `crate::` module used under `src/<dir>`, with the file that uses it.
fn uses_under(dir: &str) -> Vec<(String, PathBuf)> {
    let root = common::root().join("src").join(dir);
    let files = if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root.with_extension("rs")]
    };
    let mut out = Vec::new();
    for f in files {
        // Code only: a doc comment may mention a later stage.
        let code: String = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        for m in crate_modules(&code) {
            out.push((m, f.clone()));
        }
    }
    out
}

fn assert_uses_only(dir: &str, allowed: &[&str]) {
    for (module, file) in uses_under(dir) {
        assert!(
            allowed.contains(&module.as_str()),
            "{} uses crate::{module}; src/{dir} may use only {allowed:?} (see ARCHITECTURE.md)",
            file.display()
        );
    }
}

#[test]
fn audio_knows_nothing_of_scripts_configs_or_backends() {
    // audio is the bottom layer: samples and bytes in, samples and bytes out.
    assert_uses_only("audio", &["audio"]);
}

#[test]
fn backends_know_nothing_of_the_stages_that_use_them() {
    // tts may read its config entry and the text it is asked to speak, but
    // not synthesize (which keeps its limits), render, or anything later.
    assert_uses_only(
        "tts",
        &[
            "tts", "audio", "config", "lang", "plan", "voices", "error", "hash", "speak",
        ],
    );
}

#[test]
fn text_planning_and_the_timeline_are_pure() {
    assert_uses_only("plan", &["lang", "script", "speak"]);
    assert_uses_only("speak", &["speak", "lang"]);
    assert_uses_only("timeline", &["plan", "lang"]);
    // The mix reads clips where the timeline puts them; it knows no text.
    assert_uses_only("mix", &["timeline", "cache", "audio"]);
}

#[test]
fn earlier_stages_never_reach_for_later_ones() {
    let later = ["render", "publish", "commands", "master"];
    for stage in ["script", "config", "plan", "voices", "synthesize", "cache"] {
        for (module, file) in uses_under(stage) {
            assert!(
                !later.contains(&module.as_str()),
                "{} (the {stage} stage) uses crate::{module}, a later stage",
                file.display()
            );
        }
    }
}

/// Every text file of the repository podgen's own people write.
fn own_text_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') && name != ".ci"
                || ["target", "output"].contains(&name.as_str())
            {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if ["rs", "md", "sh", "py", "yaml", "toml"]
                .iter()
                .any(|x| p.extension().is_some_and(|e| e == *x))
                || name == "run"
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&common::root(), &mut out);
    out
}

#[test]
fn no_comment_points_outside_the_repository() {
    let outside = ["DESIGN.md", "reference/", "../shared", "shared/"];
    for f in own_text_files() {
        if f.ends_with("architecture.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for o in outside {
                assert!(
                    !line.contains(o),
                    "{}:{}: points outside the repository ({o}): {line}",
                    f.display(),
                    n + 1
                );
            }
        }
    }
}

#[test]
fn the_scanner_sees_grouped_and_plain_uses() {
    let found = crate_modules("use crate::{audio::Pcm, config};\nlet x = crate::hash::hex(b);");
    assert_eq!(
        found,
        BTreeSet::from(["audio".into(), "config".into(), "hash".into()])
    );
}
