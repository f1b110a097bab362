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
