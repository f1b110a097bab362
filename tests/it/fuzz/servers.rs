//! Generators for what a server sends that is not audio: error messages
//! laced with terminal escapes and controls, in every shape real servers
//! use, and redirects to every kind of Location. A message podgen prints
//! holds no control character and no bidi override; a redirect is followed
//! only within the origin the request went to, and a refusal never repeats
//! a Location's path, query or userinfo.

use podgen::audio::response::{self, BodyError, Declared};
use podgen::audio::server_text;
use podgen::speech::tts::http::{Redirect, Refusal, judge_redirect};
use reqwest::Url;

use super::fuzz;
use crate::common::Rng;

/// Pieces of a hostile message: words, then everything a terminal acts on.
const MESSAGE_PIECES: &[&str] = &[
    "Voice",
    " not found",
    "quota exceeded",
    "你好",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{1b}[2J",
    "\u{1b}[31;1m",
    "\u{1b}[",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}]8;;http://x/\u{1b}\\",
    "\u{1b}]",
    "\u{1b}P1$r\u{1b}\\",
    "\u{1b}",
    "\u{1b}c",
    "\u{7}",
    "\u{8}",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}31m",
    "\u{9d}0;t\u{9c}",
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{2028}",
    "\u{feff}",
    "\"",
    "\\",
    "<",
    "</title>",
    "<title>",
    "&amp;",
];

/// A message of random pieces, sometimes with a long run of one of them.
fn hostile_message(rng: &mut Rng) -> String {
    let mut m = String::new();
    for _ in 0..rng.below(24) {
        let piece = *rng.pick(MESSAGE_PIECES);
        let times = if rng.below(12) == 0 {
            1 + rng.below(2_000)
        } else {
            1
        };
        m.push_str(&piece.repeat(times));
    }
    m
}

/// `message` in one of the shapes servers answer with.
fn body_around(rng: &mut Rng, message: &str) -> Vec<u8> {
    let m = serde_json::Value::String(message.to_string());
    let code = serde_json::Value::String(hostile_message(rng));
    let body = match rng.below(8) {
        0 => serde_json::json!({"error": {"message": m}}).to_string(),
        1 => serde_json::json!({"error": {"message": m, "code": code}}).to_string(),
        2 => serde_json::json!({"error": {"message": m, "status": code}}).to_string(),
        3 => serde_json::json!({"detail": m}).to_string(),
        4 => serde_json::json!({"detail": [{"msg": m}, {"msg": code}]}).to_string(),
        5 => serde_json::json!({"error": m}).to_string(),
        6 => format!("<html><head><title>{message}</title></head><body>x</body></html>"),
        _ => message.to_string(),
    };
    let mut bytes = body.into_bytes();
    if rng.below(10) == 0 {
        // Invalid UTF-8: a stray byte of another encoding.
        let at = rng.below(bytes.len() + 1);
        bytes.insert(at, *rng.pick(&[0x80u8, 0xC3, 0xFF, 0xFE, 0xE2]));
    }
    bytes
}

/// A message as podgen prints it: one line, nothing a terminal acts on.
fn assert_printable(what: &str, message: &str) {
    let bad = message.chars().find(|&c| {
        c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    let excerpt: String = message.chars().take(300).collect();
    assert!(bad.is_none(), "{what}: {bad:?} in the message {excerpt:?}");
}

#[test]
fn control_characters_in_server_messages() {
    fuzz("server-messages", |rng, input| {
        let message = hostile_message(rng);
        *input = body_around(rng, &message);
        let text = response::text_message(input);
        if let Some(m) = &text {
            assert_printable("text_message", m);
            assert!(
                m.chars().count() <= 2 * response::MAX_EXCERPT + 5,
                "{} characters",
                m.chars().count()
            );
        }
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(input)
            && let Some(m) = response::json_message(&json)
        {
            assert_printable("json_message", &m);
        }
        let p = server_text::printable(&message);
        assert_printable("printable", &p.replace(['\n', '\t'], " "));
        match response::decode_body(input, Declared::Sniff) {
            Err(e @ BodyError::Message(_)) => assert_printable("decode_body", &e.to_string()),
            Err(e) => assert_printable("decode_body", &e.to_string()),
            Ok(_) => {}
        }
        (input.len(), text.is_some())
    });
}

/// Where a request was first sent.
const ORIGINS: &[&str] = &[
    "http://127.0.0.1:8880/v1/audio/speech?key=SECRET",
    "https://api.example.com/v1/tts",
    "http://[::1]:9000/tts",
    "http://localhost/synthesize",
];

/// Pieces of a Location header.
const HOSTS: &[&str] = &[
    "127.0.0.1:8880",
    "127.0.0.1:8881",
    "127.0.0.1",
    "api.example.com",
    "API.EXAMPLE.COM",
    "api.example.com:443",
    "api.example.com.",
    "evil.example",
    "[::1]:9000",
    "[0:0::1]:9000",
    "[::1]",
    "[::ffff:127.0.0.1]:8880",
    "localhost",
    "localhost:80",
    "%6c%6fcalhost",
    "0x7f.0.0.1:8880",
    "2130706433:8880",
    "xn--80ak6aa92e.com",
];
const USERINFO: &[&str] = &[
    "",
    "",
    "",
    "SECRET@",
    "user:SECRET@",
    "user:pa%40SECRET@",
    "api.example.com@",
    ":SECRET@",
];
/// Paths: each but the empty one holds `PTH`, which no refusal may repeat.
const PATHS: &[&str] = &[
    "/PTH",
    "/v2/PTH",
    "/a/../PTH",
    "/%2e%2e/PTH",
    "",
    "/PTH%00y",
    "/üPTH",
];
const QUERIES: &[&str] = &[
    "",
    "",
    "?key=SECRET",
    "?token=SECRET&x=1",
    "?k=%53ECRET",
    "#SECRET",
];

/// A Location: absolute, scheme-relative, absolute-path or relative.
fn location(rng: &mut Rng) -> String {
    let host = rng.pick(HOSTS);
    let user = rng.pick(USERINFO);
    let path = rng.pick(PATHS);
    let query = rng.pick(QUERIES);
    match rng.below(6) {
        0 | 1 => {
            let scheme = rng.pick(&["http", "https", "HTTP", "ftp", "file", "javascript", "data"]);
            format!("{scheme}://{user}{host}{path}{query}")
        }
        2 => format!("//{user}{host}{path}{query}"),
        3 => format!("{path}{query}"),
        4 => format!("next{query}"),
        _ => format!(
            "{}{path}{query}",
            rng.pick(&["\\\\", "/\\", " //", "http:", "http:/"])
        ),
    }
}

#[test]
fn redirect_locations() {
    fuzz("redirects", |rng, input| {
        let origin: &str = rng.pick::<&str>(ORIGINS);
        let first = Url::parse(origin).unwrap();
        let hops = 1 + rng.below(3);
        let mut chain = vec![first.clone()];
        let mut raw = String::new();
        for _ in 0..hops {
            raw = location(rng);
            // What reqwest does with a Location: resolved against the URL
            // that answered with it.
            let Ok(next) = chain.last().unwrap().join(&raw) else {
                *input = raw.into_bytes();
                return (input.len(), false);
            };
            chain.push(next);
        }
        *input = raw.clone().into_bytes();
        let next = chain.pop().unwrap();
        let same = next.origin() == first.origin() && next.scheme() == first.scheme();
        match judge_redirect(&chain, &next) {
            Redirect::Follow => {
                assert!(same, "{raw:?} → {next} followed from {first}");
                (input.len(), true)
            }
            Redirect::Stop => panic!("a redirect after a request stopped"),
            Redirect::Refuse(refusal) => {
                let message = refusal.to_string();
                assert!(!same, "{raw:?} → {next} refused from {first}: {message}");
                assert!(!message.contains("SECRET"), "{message}");
                assert!(!message.contains("PTH"), "{message}");
                assert!(!message.contains("null"), "{message}");
                assert!(!message.contains('@'), "{message}");
                assert_printable("redirect refusal", &message);
                (input.len(), false)
            }
        }
    });
}

#[test]
fn redirect_chains_stop() {
    let first = Url::parse(ORIGINS[0]).unwrap();
    let chain: Vec<Url> = (0..11).map(|_| first.clone()).collect();
    assert_eq!(
        judge_redirect(&chain, &first),
        Redirect::Refuse(Refusal::TooMany)
    );
    assert_eq!(judge_redirect(&chain[..10], &first), Redirect::Follow);
}
