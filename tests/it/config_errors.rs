//! Mistakes in podgen.yaml: each is an input error (exit 2) at load, in
//! the user's words, naming the config file (and its line where there is
//! one) rather than the script, with a "did you mean" where a name is near
//! a known one; nothing is rendered.

use crate::common::*;

/// `podgen validate` of a good script with `config` written as `name`:
/// exit 2 with every one of `needles`, never blaming the script; the
/// stderr.
fn refused(s: &Scratch, name: &str, config: &str, needles: &[&str]) -> String {
    let sc = Script::one_item("Words.").write(s, "ok.yaml");
    let cfg = s.write(name, config);
    let err = s.cmd("validate").arg(sc).config(&cfg).fails(2, needles);
    assert!(
        !err.contains("issue.yaml"),
        "config error called a script error:\n{err}"
    );
    err
}

#[test]
fn bad_urls_templates_and_limits_of_a_backend_are_caught_at_load() {
    let s = Scratch::new();
    for (setting, needle) in [
        ("base_url: \"http://[::1\"", "base_url"),
        ("base_url: http://127.0.0.1:99999/v1", "base_url"),
        ("base_url: \"http://\"", "base_url"),
        (
            "base_url: http://127.0.0.1:1/v1\n    headers: {X-Text: \"{{text\"}",
            "unclosed",
        ),
        (
            "base_url: http://127.0.0.1:1/v1\n    max_chars: 0",
            "max_chars",
        ),
    ] {
        let config = format!(
            "backends:\n  o:\n    preset: openai\n    {setting}\nvoices:\n  narrator: {{backend: o, voice: alloy}}\n"
        );
        refused(
            &s,
            "bad.podgen.yaml",
            &config,
            &["bad.podgen.yaml:", needle],
        );
    }
}

#[test]
fn a_key_twice_or_a_negative_count_is_a_config_error_in_the_users_words() {
    let s = Scratch::new();
    refused(
        &s,
        "c.podgen.yaml",
        "backends:\n  o:\n    preset: openai\n    preset: piper\n",
        &["c.podgen.yaml", "podgen.yaml config", "appears twice"],
    );
    let err = refused(
        &s,
        "n.podgen.yaml",
        "backends:\n  o:\n    preset: openai\n    max_chars: -1\n",
        &["n.podgen.yaml:", "a whole number"],
    );
    assert!(
        !err.contains("invalid u64") && !err.contains("usize"),
        "{err}"
    );
}

#[test]
fn config_mistakes_are_input_errors_with_hints() {
    let s = Scratch::new();
    let script = s.write("issue.yaml", TWO_ITEMS);
    let cases: [(&str, &str); 5] = [
        (
            "backends:\n  b: {preset: opnai}\nvoices:\n  host: {backend: b}\n",
            "did you mean `openai`?",
        ),
        (
            "voices:\n  hots: {backend: builtin}\n",
            "voice \"host\" is not defined",
        ),
        (
            "backends:\n  b: {preset: openai, api_key: '${PODGEN_TEST_UNSET_VAR}'}\nvoices:\n  host: {backend: b, voice: alloy}\n",
            "PODGEN_TEST_UNSET_VAR is not set",
        ),
        (
            "voices:\n  host: {backend: nope}\n",
            "backend \"nope\", which is not defined",
        ),
        (
            "backends:\n  b: {url: 'http://127.0.0.1:1/x', body: {json: {t: '{{txt}}'}}}\nvoices:\n  host: {backend: b}\n",
            "unknown template variable `txt`",
        ),
    ];
    for (config, expected) in cases {
        let cfg = s.write("podgen.yaml", config);
        let out = s
            .cmd("render")
            .arg(&script)
            .config(&cfg)
            .out("out")
            .output();
        assert_eq!(out.status.code(), Some(2), "{config}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{config}: {expected:?} not in {}",
            stderr(&out)
        );
        assert!(!s.output().exists());
    }
    // "did you mean" for a voice name typo, pointing at the script.
    let cfg = s.write("podgen.yaml", "voices:\n  hots: {backend: builtin}\n");
    let out = s.cmd("validate").arg(&script).config(&cfg).output();
    assert!(
        stderr(&out).contains("did you mean `hots`?"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("issue.yaml:4:8"), "{}", stderr(&out));
}

/// (a config, what its message must say): a number out of its range in
/// every numeric setting, at the type limits too.
const NUMBERS_OUT_OF_RANGE: &[(&str, &[&str])] = &[
    (
        "backends:\n  o:\n    preset: openai\n    concurrency: 2305843009213693952\n",
        &["n.podgen.yaml:4:", "concurrency", "1 to 64"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    concurrency: 65\n",
        &["n.podgen.yaml:4:", "concurrency", "1 to 64"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    concurrency: 18446744073709551616\n",
        &["n.podgen.yaml:4:", "concurrency", "1 to 64"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    requests_per_minute: 4294967295\n",
        &["n.podgen.yaml:4:", "requests_per_minute", "1 to"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    max_chars: 9007199254740992\n",
        &["n.podgen.yaml:4:", "max_chars", "1 to"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    max_bytes: 2147483648\n",
        &["n.podgen.yaml:4:", "max_bytes", "4 to"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    max_response_mb: 9007199254740992\n",
        &["n.podgen.yaml:4:", "max_response_mb", "1 to"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    max_attempts: -1\n",
        &["n.podgen.yaml:4:", "max_attempts", "1 to 50"],
    ),
    (
        "backends:\n  o:\n    preset: openai\n    price_per_million_chars: 1e308\n",
        &["n.podgen.yaml:4:", "price_per_million_chars"],
    ),
    (
        "voices:\n  v:\n    backend: builtin\n    pitch: 4294967295\n",
        &["n.podgen.yaml:4:", "pitch", "0 to 100"],
    ),
    (
        "voices:\n  v:\n    backend: builtin\n    pitch: 101\n",
        &["n.podgen.yaml:4:", "pitch", "0 to 100"],
    ),
    (
        "voices:\n  v:\n    backend: builtin\n    speed: 1e308\n",
        &["n.podgen.yaml:4:", "speed"],
    ),
    (
        "voices:\n  v:\n    backend: builtin\n    pan: .nan\n",
        &["n.podgen.yaml:4:", "pan"],
    ),
    (
        "audio:\n  sample_rate: 4294967295\n",
        &["n.podgen.yaml:2:", "sample_rate", "8000 to 192000"],
    ),
    (
        "audio:\n  sample_rate: 4294967296\n",
        &["n.podgen.yaml:2:", "sample_rate", "8000 to 192000"],
    ),
    (
        "audio:\n  channels: 3\n",
        &["n.podgen.yaml:2:", "channels", "1 or 2"],
    ),
    (
        "audio:\n  loudness_lufs: 1e308\n",
        &["n.podgen.yaml:2:", "loudness_lufs", "-40 to -5"],
    ),
    (
        "audio:\n  true_peak_dbtp: .nan\n",
        &["n.podgen.yaml:2:", "true_peak_dbtp", "-12 to 0"],
    ),
    (
        "audio:\n  sting_level_db: 1e39\n",
        &["n.podgen.yaml:2:", "sting_level_db"],
    ),
    (
        "audio:\n  ducking:\n    depth_db: -1\n",
        &["n.podgen.yaml:3:", "depth_db", "0 to 60"],
    ),
    (
        "audio:\n  mp3_kbps: 4294967296\n",
        &["n.podgen.yaml:2:", "mp3_kbps"],
    ),
    (
        "pauses:\n  item: 30d\n",
        &["n.podgen.yaml:2:", "pauses.item", "60s"],
    ),
    (
        "pauses:\n  sentence: 61s\n",
        &["n.podgen.yaml:2:", "pauses.sentence", "60s"],
    ),
];

#[test]
fn every_number_is_bounded_at_load_naming_the_setting_its_range_and_line() {
    let s = Scratch::new();
    for (config, needles) in NUMBERS_OUT_OF_RANGE {
        let err = refused(&s, "n.podgen.yaml", config, needles);
        for internal in ["u32", "u64", "usize", "f32", "write the value as that"] {
            assert!(!err.contains(internal), "{internal:?} in\n{err}");
        }
    }
}

#[test]
fn type_mistakes_are_said_in_the_users_words() {
    let s = Scratch::new();
    let sc = s.write(
        "null.yaml",
        "show: S\ntitle: ~\nitems: [{title: a, text: b}]\n",
    );
    let err = s
        .cmd("validate")
        .arg(&sc)
        .fails(2, &["null.yaml:2:", "title must be text"]);
    assert!(!err.contains("Option<"), "{err}");
    let sc = s.write(
        "list.yaml",
        "show: S\ntitle: T\nitems: [{title: a, text: [b]}]\n",
    );
    let err = s
        .cmd("validate")
        .arg(&sc)
        .fails(2, &["list.yaml:3:", "text must be text"]);
    assert!(!err.contains("a string"), "{err}");
    let sc = s.write(
        "num.yaml",
        "show: S\ntitle: T\nnumber: -3\nitems: [{title: a, text: b}]\n",
    );
    let err = s
        .cmd("validate")
        .arg(&sc)
        .fails(2, &["num.yaml:3:", "number must be a whole number"]);
    assert!(
        !err.contains("u32") && !err.contains("write the value as that"),
        "{err}"
    );
    refused(
        &s,
        "m.podgen.yaml",
        "voices:\n  v: [backend, builtin]\n",
        &["m.podgen.yaml:2:", "v must be a map"],
    );
}

#[test]
fn show_fields_are_checked_at_load_with_the_configs_line() {
    let s = Scratch::new();
    for (show, needles) in [
        (
            "  link: \"javascript:alert(1)\"\n",
            &["s.podgen.yaml:2:", "link", "http"][..],
        ),
        ("  link: \"http://\"\n", &["s.podgen.yaml:2:", "link"]),
        (
            "  base_url: \"file:///srv\"\n",
            &["s.podgen.yaml:2:", "base_url"],
        ),
        (
            "  language: \"not a tag\"\n",
            &["s.podgen.yaml:2:", "language", "BCP 47"],
        ),
        ("  language: \"\"\n", &["s.podgen.yaml:2:", "language"]),
        (
            "  language: zz-Qaaaaaaaaa\n",
            &["s.podgen.yaml:2:", "language"],
        ),
        ("  categories: [\">\"]\n", &["s.podgen.yaml:2:", "categor"]),
        ("  categories: [\"\"]\n", &["s.podgen.yaml:2:", "categor"]),
        (
            "  categories: [Cooking]\n",
            &["s.podgen.yaml:2:", "Cooking", "Apple"],
        ),
        (
            "  categories: [\"Technology > Cooking\"]\n",
            &["s.podgen.yaml:2:", "Cooking"],
        ),
        (
            "  title: \"A\\uFFFEB\"\n",
            &["s.podgen.yaml:2:", "show.title", "U+FFFE"],
        ),
        (
            "  title: \"A\\u2028B\"\n",
            &["s.podgen.yaml:2:", "show.title", "line break"],
        ),
        (
            "  description: \"A\\u0001B\"\n",
            &["s.podgen.yaml:2:", "show.description", "U+0001"],
        ),
        (
            "  owner: {name: \"A\\uFFFF\"}\n",
            &["s.podgen.yaml:2:", "show.owner.name", "U+FFFF"],
        ),
    ] {
        refused(&s, "s.podgen.yaml", &format!("show:\n{show}"), needles);
    }
    // What the feed takes is accepted.
    let sc = Script::one_item("Words.").write(&s, "ok.yaml");
    let cfg = s.write(
        "good.podgen.yaml",
        "show:\n  link: https://example.com/show\n  language: en-GB\n  categories: [Technology, \"Society & Culture > Documentary\"]\n",
    );
    s.cmd("validate").arg(&sc).config(&cfg).ok();
}

#[test]
fn lexicon_readings_with_controls_or_noncharacters_are_refused_naming_the_entry() {
    let s = Scratch::new();
    for entry in [
        "{word: Rubin, say: \"Ru\\0bin\"}",
        "{word: Rubin, say: \"Ru\\ebin\"}",
        "{word: Rubin, say: \"Ru\\uFFFEbin\"}",
        "{word: Rubin, say: \"Ru\\nbin\"}",
        "{word: Rubin, say: Rubin, ipa: \"ˈɹu\\uFFFFbɪn\"}",
    ] {
        refused(
            &s,
            "l.podgen.yaml",
            &format!("lexicon:\n  - {entry}\n"),
            &["l.podgen.yaml:2:", "lexicon entry 1"],
        );
    }
}

#[test]
fn a_config_path_that_is_not_a_file_says_what_it_is() {
    let s = Scratch::new();
    let sc = Script::one_item("Words.").write(&s, "ok.yaml");
    s.cmd("validate")
        .arg(&sc)
        .arg("-c")
        .arg(".")
        .fails(2, &["is a folder"]);
    s.cmd("validate")
        .arg(&sc)
        .arg("-c")
        .arg("/dev/zero")
        .fails(2, &["not a regular file"]);
    s.cmd("validate")
        .arg(&sc)
        .arg("-c")
        .arg("missing.yaml")
        .fails(2, &["config file not found"]);
}

#[test]
fn a_base_url_with_a_query_is_refused_at_load_without_its_query() {
    let s = Scratch::new().with_env("BASE", "http://127.0.0.1:1/v1?key=sk-env-query-77");
    for base in [
        "http://127.0.0.1:1/v1?key=sk-query-1234",
        "http://127.0.0.1:1/v1#frag-55",
        "${BASE}",
    ] {
        let config = format!(
            "backends:\n  o:\n    preset: openai\n    base_url: \"{base}\"\nvoices:\n  narrator: {{backend: o, voice: alloy}}\n"
        );
        let err = refused(
            &s,
            "q.podgen.yaml",
            &config,
            &["q.podgen.yaml", "base_url", "query"],
        );
        // The message never repeats the query (the snippet of the user's
        // own file shows what they wrote there), and a value from the
        // environment appears nowhere.
        let message = err.lines().next().unwrap_or_default();
        for secret in ["sk-query-1234", "frag-55"] {
            assert!(!message.contains(secret), "{secret} in:\n{err}");
        }
        assert!(!err.contains("sk-env-query-77"), "{err}");
    }
    // A whole `url:` may carry its own query: no path goes after it.
    let config = "backends:\n  t:\n    url: \"http://127.0.0.1:1/tts?format=wav\"\nvoices:\n  narrator: {backend: t}\n";
    let sc = Script::one_item("Words.").write(&s, "ok.yaml");
    let cfg = s.write("u.podgen.yaml", config);
    s.cmd("validate").arg(sc).config(&cfg).ok();
}

#[test]
fn a_key_or_header_with_a_line_break_is_refused_at_load_naming_the_variable() {
    const KEY: &str = "sk-line-break-9f3a";
    for value in [
        format!("{KEY}\r\nX-Evil: 1"),
        format!("{KEY}\n"),
        format!("{KEY}\u{7}"),
    ] {
        let s = Scratch::new().with_env("BROKEN_KEY", &value);
        for setting in [
            "api_key: \"${BROKEN_KEY}\"",
            "headers: {X-Key: \"${BROKEN_KEY}\"}",
        ] {
            let config = format!(
                "backends:\n  o:\n    preset: openai\n    base_url: http://127.0.0.1:1/v1\n    {setting}\nvoices:\n  narrator: {{backend: o, voice: alloy}}\n"
            );
            let err = refused(
                &s,
                "k.podgen.yaml",
                &config,
                &["k.podgen.yaml", "BROKEN_KEY", "control character"],
            );
            assert!(
                !err.contains(KEY) && !err.contains("X-Evil"),
                "the value in:\n{err}"
            );
        }
    }
}
