//! Where an episode goes and what happens to what is there: `output/` by
//! default, an episode folder replaced as a whole by a rerender (files the
//! user added carried over), and a clear error, touching nothing, where
//! the output folder cannot be written or the episode path is a file or a
//! symbolic link.

use serde_json::json;

use crate::common::*;

/// One item, "Hello.", in the episode `ep`.
fn hello(s: &Scratch) -> std::path::PathBuf {
    Script::named("ep")
        .item(Item::new("A", "Hello."))
        .write(s, "d.yaml")
}

#[test]
fn output_defaults_to_output_in_the_current_directory() {
    let s = Scratch::new();
    let script = Script::new("S", "Default Dir")
        .item(Item::new("A", "Hello."))
        .write(&s, "d.yaml");
    let out = s.cmd("render").arg(script).quiet().ok();
    assert!(s.path("output/default-dir/default-dir.wav").is_file());
    assert!(out.stderr.is_empty(), "--quiet printed: {}", stderr(&out));
}

#[test]
fn an_unwritable_output_is_a_runtime_error_and_touches_nothing() {
    let s = Scratch::new();
    let script = hello(&s);
    let blocker = s.write("out", "a file where the output folder should be\n");
    let err = s.cmd("render").arg(script).out(&blocker).output();
    assert_eq!(err.status.code(), Some(1), "{}", stderr(&err));
    assert!(stderr(&err).contains("cannot write to"), "{}", stderr(&err));
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "a file where the output folder should be\n"
    );
}

#[test]
fn a_rerender_replaces_files_in_an_existing_episode_folder_and_keeps_others() {
    let s = Scratch::new();
    let script = hello(&s);
    s.render(&script);
    let dir = s.output().join("ep");
    std::fs::write(dir.join("my-notes.txt"), "keep me").unwrap();
    std::fs::write(dir.join("chapters.json"), "stale").unwrap();
    s.render(&script);
    assert_eq!(
        std::fs::read_to_string(dir.join("my-notes.txt")).unwrap(),
        "keep me"
    );
    assert!(read_json(&dir.join("chapters.json"))["chapters"].is_array());
    let entries: Vec<_> = std::fs::read_dir(s.output())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["ep"], "staging folders left behind");
}

#[test]
fn a_rerender_replaces_the_episode_folder_as_a_whole() {
    let s = Scratch::new();
    let render = |text: &str, config: Option<&std::path::Path>| {
        let sc = Script::one_item(text).write(&s, "s.yaml");
        let render = s.cmd("render").arg(sc).out("out").quiet();
        match config {
            Some(c) => render.config(c),
            None => render,
        }
        .ok()
    };
    render("First version, short.", None);
    let ep = s.episode("out", "hostile");
    assert!(ep.file("mp3").exists());
    std::fs::write(ep.path("my-notes.txt"), "mine").unwrap();

    let cfg = Config::new()
        .audio(json!({"formats": ["wav"]}))
        .write(&s, "wav.podgen.yaml");
    render(
        "Second version, a little longer than the first one was.",
        Some(&cfg),
    );
    assert!(!ep.file("mp3").exists(), "the old MP3 stayed");
    assert_eq!(
        std::fs::read_to_string(ep.path("my-notes.txt")).unwrap(),
        "mine"
    );
    let (samples, _) = ep.wav();
    assert_eq!(
        ep.manifest()["totals"]["samples"].as_u64(),
        Some(samples.len() as u64),
        "the WAV and render.json come from different renders"
    );
    assert_no_leftovers(&s.path("out"));
}

#[test]
fn a_symlink_or_a_file_at_the_episode_path_is_a_clear_error() {
    let s = Scratch::new();
    let elsewhere = s.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("theirs.txt"), "keep").unwrap();
    std::fs::create_dir_all(s.path("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.path("out/hostile")).unwrap();
    let sc = Script::one_item("Words.").write(&s, "s.yaml");
    let render = || s.cmd("render").arg(&sc).out("out").quiet();
    render().fails(1, &["out/hostile", "symbolic link"]);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    assert_no_leftovers(&s.path("out"));

    std::fs::remove_file(s.path("out/hostile")).unwrap();
    std::fs::write(s.path("out/hostile"), "a file").unwrap();
    render().fails(1, &["out/hostile", "is a file"]);
    assert_eq!(
        std::fs::read_to_string(s.path("out/hostile")).unwrap(),
        "a file"
    );
    assert_no_leftovers(&s.path("out"));
}
