//! The directions data flows in, checked on the source: a stage may use the
//! stages before it, never the ones after, and no two top-level modules
//! use each other. ARCHITECTURE.md draws them. The two lowest layers are
//! crates of their own (`crates/audio`, `crates/text`), so there the
//! compiler holds the line; these tests hold it inside the `podgen` crate.
//! Also: the repository explains itself, so no comment points outside it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common;

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

/// The code of a file without its comments (a doc comment may mention a
/// later stage).
fn code_of(file: &Path) -> String {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

fn skip_space(s: &str, i: usize) -> usize {
    i + (s[i..].len() - s[i..].trim_start().len())
}

/// Reads the use tree at the start of `s` (`a::b`, `a::{b, c::{d, e}}`)
/// under `prefix`, puts each path it names (its first two segments) into
/// `out`, and returns how many bytes it read.
fn use_tree(s: &str, mut path: Vec<String>, out: &mut BTreeSet<Vec<String>>) -> usize {
    let mut i = skip_space(s, 0);
    loop {
        if s[i..].starts_with('{') {
            i += 1;
            loop {
                i = skip_space(s, i);
                if s[i..].starts_with('}') {
                    return i + 1;
                }
                i += use_tree(&s[i..], path.clone(), out);
                i = skip_space(s, i);
                match s[i..].chars().next() {
                    Some(',') => i += 1,
                    Some('}') => return i + 1,
                    _ => return i,
                }
            }
        }
        let name = ident(&s[i..]);
        if name.is_empty() {
            break;
        }
        path.push(name.to_string());
        i += name.len();
        if s[i..].starts_with("::") {
            i += 2;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        path.truncate(2);
        out.insert(path);
    }
    i
}

/// Every `crate::` path a text names, as its first one or two segments.
fn crate_paths(text: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        // Not `podgen_crate::` or `some_crate::`.
        let before = rest[..i].chars().next_back();
        let after = &rest[i + "crate::".len()..];
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            use_tree(after, Vec::new(), &mut found);
        }
        rest = after;
    }
    found
}

/// The top-level modules of `src/` (a folder or a file), without the crate
/// roots.
fn top_level_modules() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "lib" && n != "main")
        .collect();
    names.sort();
    names
}

/// The files of the top-level module `name`.
fn files_of(name: &str) -> Vec<PathBuf> {
    let root = common::root().join("src").join(name);
    if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root.with_extension("rs")]
    }
}

/// Which top-level modules each one uses, with a file that shows it.
fn module_graph() -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let mut graph = BTreeMap::new();
    for m in top_level_modules() {
        let mut uses = BTreeMap::new();
        for f in files_of(&m) {
            for path in crate_paths(&code_of(&f)) {
                if path[0] != m {
                    uses.entry(path[0].clone()).or_insert_with(|| f.clone());
                }
            }
        }
        graph.insert(m, uses);
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle<T>(graph: &BTreeMap<String, BTreeMap<String, T>>) -> Option<Vec<String>> {
    fn visit<T>(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, T>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_top_level_modules_use_each_other() {
    let graph = module_graph();
    if let Some(cycle) = find_cycle(&graph) {
        let shown: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("{} -> {} ({})", w[0], w[1], graph[&w[0]][&w[1]].display()))
            .collect();
        panic!(
            "a cycle between top-level modules: {}\n{}",
            cycle.join(" -> "),
            shown.join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_only_a_cycle() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeMap<String, ()>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string())
                .or_default()
                .insert(b.to_string(), ());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let chain = graph(&[("cli", "sound"), ("sound", "speech"), ("cli", "speech")]);
    assert_eq!(find_cycle(&chain), None);
    let cycle = graph(&[("input", "speech"), ("speech", "text"), ("text", "input")]);
    assert_eq!(
        find_cycle(&cycle).unwrap(),
        ["input", "speech", "text", "input"]
    );
}

/// The stages in order, each with what it may use. `audio` is the
/// `podgen-audio` crate, re-exported; `error` and `hash` are leaves.
const LAYERS: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("hash", &[]),
    ("input", &["audio", "error", "hash"]),
    ("text", &["input", "error", "hash"]),
    ("speech", &["input", "text", "audio", "error", "hash"]),
    (
        "sound",
        &["input", "text", "speech", "audio", "error", "hash"],
    ),
    (
        "publish",
        &["input", "text", "speech", "sound", "audio", "error", "hash"],
    ),
    ("mock", &["text", "audio", "error", "hash"]),
    (
        "cli",
        &[
            "input", "text", "speech", "sound", "publish", "mock", "audio", "error", "hash",
        ],
    ),
];

#[test]
fn each_stage_uses_only_the_stages_before_it() {
    let graph = module_graph();
    let listed: Vec<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    for m in graph.keys() {
        assert!(
            listed.contains(&m.as_str()),
            "src/{m} is a top-level module ARCHITECTURE.md and this test do not place; add it to LAYERS"
        );
    }
    for (module, allowed) in LAYERS {
        for (used, file) in graph.get(*module).into_iter().flatten() {
            assert!(
                allowed.contains(&used.as_str()),
                "{} uses crate::{used}; src/{module} may use only {allowed:?} (see ARCHITECTURE.md)",
                file.display()
            );
        }
    }
}

/// Every `crate::` path used under `src/<dir>` (a folder or a file), with
/// the file that uses it.
fn paths_under(dir: &str) -> Vec<(String, PathBuf)> {
    let root = common::root().join("src").join(dir);
    let files = if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root.with_extension("rs")]
    };
    let mut out = Vec::new();
    for f in files {
        for p in crate_paths(&code_of(&f)) {
            out.push((p.join("::"), f.clone()));
        }
    }
    out
}

/// `src/<dir>` uses only paths that start with one of `allowed` (`text`
/// allows all of text, `text::plan` only the planner).
fn assert_uses_only(dir: &str, allowed: &[&str]) {
    for (path, file) in paths_under(dir) {
        assert!(
            allowed
                .iter()
                .any(|a| path == *a || path.starts_with(&format!("{a}::"))),
            "{} uses crate::{path}; src/{dir} may use only {allowed:?} (see ARCHITECTURE.md)",
            file.display()
        );
    }
}

#[test]
fn backends_know_nothing_of_the_stages_that_use_them() {
    // tts may read its config entry and the text it is asked to speak, but
    // not synthesize (which keeps its limits), the sound or anything later.
    assert_uses_only(
        "speech/tts",
        &["speech::tts", "audio", "input", "text", "error", "hash"],
    );
}

#[test]
fn text_planning_and_the_timeline_are_pure() {
    assert_uses_only("text", &["text", "input::script"]);
    // The timeline sees lengths and settings, not audio.
    assert_uses_only(
        "sound/timeline",
        &["text::plan", "text::lang", "input::settings", "audio::time"],
    );
    // The mix reads clips where the timeline puts them; it knows no text.
    assert_uses_only(
        "sound/mix",
        &[
            "sound::timeline",
            "speech::cache",
            "input::settings",
            "audio",
        ],
    );
}

#[test]
fn one_convention_for_module_files() {
    // A module with children is `name/mod.rs`, never `name.rs` beside `name/`.
    let mut roots = vec![common::root().join("src")];
    for c in std::fs::read_dir(common::root().join("crates")).unwrap() {
        roots.push(c.unwrap().path().join("src"));
    }
    for root in roots {
        for f in rust_files(&root) {
            let beside = f.with_extension("");
            assert!(
                !beside.is_dir(),
                "{} sits beside the folder {}: write it as {}/mod.rs",
                f.display(),
                beside.display(),
                beside.display()
            );
        }
    }
}

/// Every Rust file of the library, its crates and the tests.
fn all_rust_files() -> Vec<PathBuf> {
    let mut files = rust_files(&common::root().join("src"));
    for c in std::fs::read_dir(common::root().join("crates")).unwrap() {
        files.extend(rust_files(&c.unwrap().path().join("src")));
    }
    files.extend(rust_files(&common::root().join("tests")));
    files
}

/// The lines of `text` before its `#[cfg(test)]` module.
fn lines_before_tests(text: &str) -> usize {
    text.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .count()
}

#[test]
fn no_file_holds_more_than_700_lines_of_code() {
    // A file past this is more than one concept: split it by concept (as
    // speak/en/ and speak/zh/ are), and keep tables as data files.
    const MOST: usize = 700;
    for f in all_rust_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let n = lines_before_tests(&text);
        assert!(
            n <= MOST,
            "{} has {n} lines before its tests (at most {MOST})",
            f.display()
        );
        // The 80-line cap on functions (clippy.toml) holds everywhere:
        // no function opts out of it.
        assert!(
            !text.contains(&format!("allow(clippy::{})", "too_many_lines")),
            "{} lets a function past clippy's 80-line cap",
            f.display()
        );
    }
}

#[test]
fn the_line_counter_stops_at_the_tests() {
    assert_eq!(
        lines_before_tests("fn a() {}\n\n#[cfg(test)]\nmod tests {\n}\n"),
        2
    );
    assert_eq!(lines_before_tests("a\nb\nc"), 3);
}

/// Every text file of the repository podgen's own people write.
fn own_text_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') && name != ".ci"
                || ["target", "output", "vendor"].contains(&name.as_str())
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
fn the_scanner_sees_grouped_nested_and_plain_uses() {
    let found = crate_paths(
        "use crate::{audio::Pcm, input::{config, script::Item}, error};\n\
         let x = crate::hash::hex(b);\nuse podgen_crate::nothing;",
    );
    let found: Vec<String> = found.into_iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "audio::Pcm",
            "error",
            "hash::hex",
            "input::config",
            "input::script"
        ]
    );
}
