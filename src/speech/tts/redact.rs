//! Masking secrets in anything podgen prints about a backend.
//!
//! A server that rejects a key often echoes it back in some form: the first
//! characters (`Incorrect API key provided: sk-abc1****`), upper-cased, inside
//! a `Basic` header's base64, or percent-encoded from a query string. Masking
//! only the exact secret lets those through, so [`Secrets::redact`] masks any
//! run of [`MIN_RUN`] or more characters taken from the secret or from one of
//! its encoded forms, ignoring ASCII case. Written by hand: no crate masks
//! partial and encoded forms of a value.

use base64::Engine as _;

use crate::input::config::template::percent_encoded;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The shortest piece of a secret that is masked on its own. Shorter secrets
/// (4 or 5 characters) are masked only whole; shorter still, not at all.
pub const MIN_RUN: usize = 6;

/// What replaces a masked run.
pub const MASK: &str = "***";

/// The secrets of one backend, with the forms they may come back in.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Each form, lower-cased bytes, with the shortest run worth masking.
    forms: Vec<(Vec<u8>, usize)>,
}

impl Secrets {
    /// Forms of each secret of 4 characters or more.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut forms = Vec::new();
        for secret in secrets {
            if secret.len() < 4 {
                continue;
            }
            let min = MIN_RUN.min(secret.len());
            let mut push = |form: String| {
                let form = form.to_ascii_lowercase().into_bytes();
                if form.len() >= min && !forms.iter().any(|(f, _)| *f == form) {
                    forms.push((form, min));
                }
            };
            push(secret.to_string());
            push(percent_encoded(secret));
            for core in base64_cores(secret.as_bytes()) {
                push(core);
            }
        }
        Secrets { forms }
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `text` with every run of a secret's characters masked.
    pub fn redact(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_string();
        }
        let lower = text.to_ascii_lowercase().into_bytes();
        let mut masked = vec![false; lower.len()];
        for (form, min) in &self.forms {
            mark_runs(&lower, form, *min, &mut masked);
        }
        let mut out = String::with_capacity(text.len());
        let mut in_mask = false;
        for (i, c) in text.char_indices() {
            // A character is masked if any of its bytes is.
            if masked[i..i + c.len_utf8()].iter().any(|&m| m) {
                if !in_mask {
                    out.push_str(MASK);
                }
                in_mask = true;
            } else {
                out.push(c);
                in_mask = false;
            }
        }
        out
    }
}

/// Mark in `masked` every run of `text` of at least `min` bytes that also
/// occurs in `form`. Quadratic, which is fine: it runs on error messages of a
/// few hundred bytes and on URLs.
fn mark_runs(text: &[u8], form: &[u8], min: usize, masked: &mut [bool]) {
    for i in 0..text.len() {
        let mut longest = 0;
        for j in 0..form.len() {
            let run = text[i..]
                .iter()
                .zip(&form[j..])
                .take_while(|(a, b)| a == b)
                .count();
            longest = longest.max(run);
        }
        if longest >= min {
            masked[i..i + longest].iter_mut().for_each(|m| *m = true);
        }
    }
}

/// The part of the base64 text that depends on the secret alone, for each of
/// the three alignments it can have inside a longer encoded value (as in
/// `Basic base64("user:" + key)`), in standard and URL-safe alphabets.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for shift in 0..3 {
        let mut shifted = vec![0u8; shift];
        shifted.extend_from_slice(secret);
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&shifted);
            // Characters touched by the zero prefix or by the last partial
            // group depend on the neighbours, not on the secret.
            let skip = (shift * 8).div_ceil(6);
            let full = (shifted.len() / 3) * 4;
            if full > skip {
                cores.push(encoded[skip..full].to_string());
            }
        }
    }
    // The whole secret encoded on its own, padded or not.
    for engine in [&STANDARD, &URL_SAFE] {
        cores.push(engine.encode(secret));
    }
    cores
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-live-9f8e7d6c5b4a39281706";

    fn secrets() -> Secrets {
        Secrets::new([KEY])
    }

    fn leaks(text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        (0..=KEY.len() - MIN_RUN).any(|i| lower.contains(&KEY[i..i + MIN_RUN].to_ascii_lowercase()))
    }

    #[test]
    fn exact_prefix_and_case_forms_are_masked() {
        let s = secrets();
        for text in [
            format!("Incorrect API key provided: {KEY}."),
            format!("Incorrect API key provided: {}****7066.", &KEY[..12]),
            format!("key {} rejected", KEY.to_uppercase()),
            format!("bad key ...{}", &KEY[KEY.len() - 8..]),
        ] {
            let out = s.redact(&text);
            assert!(!leaks(&out), "{text:?} -> {out:?}");
            assert!(out.contains(MASK), "{out:?}");
        }
    }

    #[test]
    fn encoded_forms_are_masked() {
        let s = secrets();
        for text in [
            format!(
                "Authorization: Basic {}",
                STANDARD.encode(format!("user:{KEY}"))
            ),
            format!("token {}", URL_SAFE_NO_PAD.encode(format!("ab{KEY}"))),
            format!("token {}", STANDARD.encode(KEY)),
        ] {
            let out = s.redact(&text);
            assert!(out.contains(MASK), "{text:?} -> {out:?}");
        }
        let odd = Secrets::new(["p@ss/w0rd+key=1"]);
        let out = odd.redact("GET /tts?key=p%40ss%2Fw0rd%2Bkey%3D1&x=1");
        assert_eq!(out, "GET /tts?key=***&x=1");
        let b64 = STANDARD.encode(format!("user:{KEY}"));
        let out = s.redact(&b64);
        assert!(out.len() < b64.len() / 2, "{out:?}");
    }

    #[test]
    fn text_without_the_secret_is_unchanged_and_unicode_survives() {
        let s = secrets();
        let text = "HTTP 401: 密钥无效 — invalid key (skipped) 🎙";
        assert_eq!(s.redact(text), text);
        let mixed = format!("密钥 {KEY} 无效");
        assert_eq!(s.redact(&mixed), "密钥 *** 无效");
        assert!(Secrets::new(["abc"]).is_empty());
    }
}
