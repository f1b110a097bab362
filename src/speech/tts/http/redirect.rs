//! Which redirects a request follows: only those within the origin it was
//! sent to (scheme, host, port). reqwest drops only `Authorization` on a
//! redirect elsewhere; a key in `xi-api-key`, `Ocp-Apim-Subscription-Key`,
//! `X-Goog-Api-Key` or a template's own header would go with it, so a
//! redirect to another origin is refused whole, before it is sent.

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// As many redirects as reqwest's default follows.
const MAX_REDIRECTS: usize = 10;

/// A redirect podgen did not follow, naming the origin it pointed to (never
/// its path or query, which may hold a key).
#[derive(Debug, thiserror::Error)]
#[error(
    "the server redirected the request to another origin, {target}; podgen follows redirects only within the backend's own origin (set its URL to where the server sends you)"
)]
pub struct CrossOrigin {
    target: String,
}

/// Too many redirects in a row.
#[derive(Debug, thiserror::Error)]
#[error("the server redirected the request more than {MAX_REDIRECTS} times")]
pub struct TooMany;

/// The redirect policy of every HTTP backend's client.
pub(super) fn policy() -> Policy {
    Policy::custom(|attempt: Attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        if !same_origin(first, attempt.url()) {
            let target = origin(attempt.url());
            return attempt.error(CrossOrigin { target });
        }
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(TooMany);
        }
        attempt.follow()
    })
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// `scheme://host:port` of `url`, nothing after it.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The redirect error inside `e`, if the request stopped at one.
pub(super) fn refused(e: &reqwest::Error) -> Option<String> {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(c) = cause.downcast_ref::<CrossOrigin>() {
            return Some(c.to_string());
        }
        if let Some(t) = cause.downcast_ref::<TooMany>() {
            return Some(t.to_string());
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_differ_by_scheme_host_or_port_only() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&u("http://h/a?x=1"), &u("http://h:80/b")));
        assert!(!same_origin(&u("http://h/a"), &u("https://h/a")));
        assert!(!same_origin(&u("http://h:1/a"), &u("http://h:2/a")));
        assert!(!same_origin(&u("http://h/a"), &u("http://g/a")));
        assert_eq!(origin(&u("http://h:9/p?key=s")), "http://h:9");
    }
}
