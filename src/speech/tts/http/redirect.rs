//! Which redirects a request follows: only those within the origin it was
//! sent to (scheme, host, port). reqwest drops only `Authorization` on a
//! redirect elsewhere; a key in `xi-api-key`, `Ocp-Apim-Subscription-Key`,
//! `X-Goog-Api-Key` or a template's own header would go with it, so a
//! redirect to another origin is refused whole, before it is sent.

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// As many redirects as reqwest's default follows.
const MAX_REDIRECTS: usize = 10;

/// Why podgen did not follow a redirect. Its words name the origin a
/// redirect pointed to, never its path, query or userinfo, which may hold
/// a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// To another origin (scheme, host or port).
    #[error(
        "the server redirected the request to another origin, {target}; podgen follows redirects only within the backend's own origin (set its URL to where the server sends you)"
    )]
    CrossOrigin {
        /// `scheme://host:port` of where it pointed.
        target: String,
    },
    /// Too many in a row.
    #[error("the server redirected the request more than {MAX_REDIRECTS} times")]
    TooMany,
}

/// What to do with one redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// Send the request on: it stays within the first URL's origin.
    Follow,
    /// Do not send it, and fail the request.
    Refuse(Refusal),
    /// Stop, answering with the redirect itself (there was no request
    /// before it: reqwest never asks so).
    Stop,
}

/// Whether a request sent to `previous` (first the configured URL, then
/// each redirect followed) goes on to `next`.
pub fn judge(previous: &[Url], next: &Url) -> Redirect {
    let Some(first) = previous.first() else {
        return Redirect::Stop;
    };
    if !same_origin(first, next) {
        let target = origin(next);
        return Redirect::Refuse(Refusal::CrossOrigin { target });
    }
    if previous.len() > MAX_REDIRECTS {
        return Redirect::Refuse(Refusal::TooMany);
    }
    Redirect::Follow
}

/// The redirect policy of every HTTP backend's client: [`judge`].
pub(super) fn policy() -> Policy {
    Policy::custom(
        |attempt: Attempt| match judge(attempt.previous(), attempt.url()) {
            Redirect::Follow => attempt.follow(),
            Redirect::Refuse(refusal) => attempt.error(refusal),
            Redirect::Stop => attempt.stop(),
        },
    )
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// `scheme://host:port` of `url`, nothing after it; for a URL that has no
/// origin (`file:`, `data:`, `javascript:`), its scheme alone, rather than
/// the "null" its origin serialises to.
fn origin(url: &Url) -> String {
    let origin = url.origin();
    if origin.is_tuple() {
        origin.ascii_serialization()
    } else {
        format!("a {}: URL", url.scheme())
    }
}

/// The redirect refusal inside `e`, if the request stopped at one.
pub(super) fn refused(e: &reqwest::Error) -> Option<String> {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(r) = cause.downcast_ref::<Refusal>() {
            return Some(r.to_string());
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
        assert_eq!(origin(&u("http://u:k@h/p")), "http://h");
        assert_eq!(origin(&u("javascript://u:k@h/p?k")), "a javascript: URL");
        assert_eq!(origin(&u("file:///etc/passwd")), "a file: URL");
    }
}
