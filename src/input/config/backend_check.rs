//! The values of one backend entry, checked when the config is loaded: URLs
//! that parse, templates that close, numbers in range, durations that read.
//! Each of these would otherwise surface only at render, after retries.

use super::template;
use super::{BackendConfig, expand_env, parse_duration_ms};
use serde_json::Value;

/// What is wrong: the key to point at, the message, and the help.
pub type Problem = (&'static str, String, String);

/// The first problem with `b`'s values, in the order the keys are read.
pub fn values(b: &BackendConfig) -> Result<(), Problem> {
    for (key, value) in [("url", &b.url), ("base_url", &b.base_url)] {
        if let Some(v) = value {
            check_template(key, v)?;
            check_url(key, v)?;
        }
    }
    for (key, map) in [("headers", &b.headers), ("query", &b.query)] {
        for v in map.values() {
            check_template(key, v)?;
        }
    }
    if let Some(body) = &b.body {
        let mut strings = Vec::new();
        if let Some(json) = &body.json {
            collect_strings(json, &mut strings);
        }
        if let Some(form) = &body.form {
            strings.extend(form.values().cloned());
        }
        if let Some(text) = &body.text {
            strings.push(text.clone());
        }
        for s in &strings {
            check_template("body", s)?;
        }
    }
    check_numbers(b)?;
    for (key, value) in [
        ("timeout", &b.timeout),
        ("rate_window", &b.rate_window),
        ("segment_timeout", &b.segment_timeout),
    ] {
        if let Some(v) = value
            && parse_duration_ms(v).is_none_or(|ms| ms == 0)
        {
            return Err((
                key,
                format!("{key} {v:?} is not a duration"),
                "write it like 90s, 10m or 1h (more than 0, at most 30 days)".into(),
            ));
        }
    }
    Ok(())
}

fn check_numbers(b: &BackendConfig) -> Result<(), Problem> {
    let at_least = |key: &'static str, value: Option<u64>, min: u64, why: &str| match value {
        Some(v) if v < min => Err((
            key,
            format!("{key} must be at least {min}, not {v}"),
            why.to_string(),
        )),
        _ => Ok(()),
    };
    let n = |v: Option<usize>| v.map(|v| v as u64);
    at_least(
        "max_chars",
        n(b.max_chars),
        1,
        "the longest text one request may carry, in characters",
    )?;
    at_least(
        "max_bytes",
        n(b.max_bytes),
        4,
        "one character can take 4 bytes of UTF-8",
    )?;
    at_least(
        "concurrency",
        n(b.concurrency),
        1,
        "use 1 for servers that take one request at a time",
    )?;
    at_least(
        "requests_per_minute",
        b.requests_per_minute.map(u64::from),
        1,
        "leave it out for no rate limit",
    )?;
    at_least(
        "max_attempts",
        b.max_attempts.map(u64::from),
        1,
        "1 means no retries",
    )?;
    at_least(
        "max_response_mb",
        b.max_response_mb,
        1,
        "the largest response accepted, in MB (default 256)",
    )?;
    if let Some(v) = b.max_attempts
        && v > 50
    {
        return Err((
            "max_attempts",
            format!("max_attempts must be at most 50, not {v}"),
            "segment_timeout bounds the time a segment may take; 6 is the default".into(),
        ));
    }
    for (key, price) in [
        ("price_per_million_chars", b.price_per_million_chars),
        ("price_per_minute", b.price_per_minute),
    ] {
        if let Some(p) = price
            && !(p.is_finite() && p >= 0.0)
        {
            return Err((
                key,
                format!("{key} must be a price of 0 or more, not {p}"),
                "in your currency, like 15.0".into(),
            ));
        }
    }
    Ok(())
}

fn check_template(key: &'static str, value: &str) -> Result<(), Problem> {
    template::check(value).map_err(|e| {
        (
            key,
            e.to_string(),
            "placeholders are written {{name}}, like {{text}} or {{voice}}".into(),
        )
    })
}

/// Whether `value` can become a URL: `${VAR}` and `{{name}}` are replaced by
/// a stand-in first (a value from the environment is checked again when the
/// backend is built). A value that is all one variable is left for then.
fn check_url(key: &'static str, value: &str) -> Result<(), Problem> {
    let v = value.trim();
    if (v.starts_with("${") || v.starts_with("{{")) && !v.contains("://") {
        return Ok(());
    }
    let probe = match expand_env(v, &|_| Some("1".into())) {
        Ok(e) => stand_in_placeholders(&e.text),
        Err(e) => {
            return Err((
                key,
                e.to_string(),
                "write ${NAME} or ${NAME:-default}".into(),
            ));
        }
    };
    url_problem(&probe).map_or(Ok(()), |why| {
        Err((
            key,
            format!("{key} {value:?} is not a usable URL: {why}"),
            "like https://api.example.com/v1 or http://127.0.0.1:8880/v1".into(),
        ))
    })
}

/// Why `url` cannot be requested, or None: it must parse, be http or https,
/// and name a host.
pub fn url_problem(url: &str) -> Option<String> {
    match reqwest::Url::parse(url) {
        Err(e) => Some(e.to_string()),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            Some(format!("the scheme is {:?}; use http or https", u.scheme()))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Some("it names no host".into()),
        Ok(_) => None,
    }
}

/// `s` with each `{{…}}` replaced by `1`, a stand-in valid in a host, a port
/// and a path.
pub fn stand_in_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('1');
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every string leaf of a JSON template, in order.
pub fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(m) => m.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base_url(u: &str) -> BackendConfig {
        BackendConfig {
            base_url: Some(u.into()),
            ..Default::default()
        }
    }

    #[test]
    fn urls_that_cannot_be_requested_are_refused() {
        for bad in [
            "http://[::1",
            "http://localhost:99999/v1",
            "http://",
            "ftp://example.com",
            "localhost:8880",
        ] {
            let err = values(&with_base_url(bad)).expect_err(bad);
            assert_eq!(err.0, "base_url");
            assert!(err.1.contains("not a usable URL"), "{bad}: {}", err.1);
        }
        for good in [
            "http://127.0.0.1:8880/v1",
            "https://${REGION:-eastus}.tts.speech.microsoft.com",
            "http://localhost:${PORT}/v1",
            "${TTS_URL}",
            "https://{{voice}}.example.com/x",
        ] {
            assert!(values(&with_base_url(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn templates_numbers_and_durations_are_checked() {
        let unclosed = BackendConfig {
            url: Some("http://x/{{text".into()),
            ..Default::default()
        };
        assert!(values(&unclosed).unwrap_err().1.contains("unclosed"));
        let zero = BackendConfig {
            max_chars: Some(0),
            ..Default::default()
        };
        assert_eq!(values(&zero).unwrap_err().0, "max_chars");
        let bytes = BackendConfig {
            max_bytes: Some(3),
            ..Default::default()
        };
        assert_eq!(values(&bytes).unwrap_err().0, "max_bytes");
        let time = BackendConfig {
            segment_timeout: Some("forever".into()),
            ..Default::default()
        };
        assert_eq!(values(&time).unwrap_err().0, "segment_timeout");
        let ok = BackendConfig {
            segment_timeout: Some("10m".into()),
            timeout: Some("90s".into()),
            ..Default::default()
        };
        assert!(values(&ok).is_ok());
    }
}
