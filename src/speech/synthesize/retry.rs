//! Retries: after a failed attempt, whether another is worth making, how
//! long to wait for it, and whether that wait still fits the segment's time
//! budget. Long waits are said out loud, so that a slow render is not silence.

use std::fmt;
use std::time::{Duration, Instant};

use crate::audio::resample::ResampleError;
use crate::speech::tts::{Limits, SynthError};

use super::{Event, Implausible};

/// Why one attempt at a segment failed.
#[derive(Debug, thiserror::Error)]
pub enum AttemptError {
    /// The backend failed, or said no.
    #[error(transparent)]
    Backend(#[from] SynthError),
    /// No answer came within the segment's time budget.
    #[error("no answer within segment_timeout ({})", seconds(*.0))]
    NoAnswer(Duration),
    /// The audio was silence from end to end.
    #[error("the backend returned only silence for {0:?}")]
    Silent(String),
    /// The audio's length does not fit its text.
    #[error(transparent)]
    Implausible(#[from] Implausible),
    /// The audio could not be brought to the episode's rate.
    #[error("{0}")]
    Resample(#[source] ResampleError),
    /// The clip could not be written to the store.
    #[error("cannot store the clip: {0}")]
    Store(#[source] std::io::Error),
    /// The clip's processing stopped before it was done.
    #[error("clip processing stopped: {0}")]
    Stopped(#[source] tokio::task::JoinError),
}

impl AttemptError {
    /// Whether another attempt may succeed: a backend's transient failure,
    /// or audio damaged on the way (silent, cut off, too long).
    pub fn is_transient(&self) -> bool {
        match self {
            AttemptError::Backend(e) => e.is_transient(),
            AttemptError::Silent(_) | AttemptError::Implausible(_) => true,
            AttemptError::NoAnswer(_)
            | AttemptError::Resample(_)
            | AttemptError::Store(_)
            | AttemptError::Stopped(_) => false,
        }
    }

    /// How long the server asked us to wait before the next attempt.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            AttemptError::Backend(e) => e.retry_after(),
            _ => None,
        }
    }
}

/// A segment given up on: the synthesis stage's failure.
#[derive(Debug)]
pub struct SynthesisFailed {
    /// The segment, its voice and backend, in words.
    pub location: String,
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's failure.
    pub cause: AttemptError,
    /// Set when another attempt was worth making but its wait would have run
    /// past the segment's budget: (that wait, the time left, the budget).
    pub past_budget: Option<(Duration, Duration, Duration)>,
}

impl fmt::Display for SynthesisFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: synthesis failed", self.location)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        write!(f, ": {}", self.cause)?;
        if let Some((wait, left, budget)) = self.past_budget {
            write!(
                f,
                " (the next attempt would wait {}, past segment_timeout: {} of {} left)",
                seconds(wait),
                seconds(left),
                seconds(budget)
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthesisFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// One segment's attempts: what deciding on a retry needs to know.
pub struct Attempts<'a> {
    /// The segment's cache key (the seed of its jitter).
    pub key: &'a str,
    /// Its backend's limits.
    pub limits: &'a Limits,
    /// When the first attempt started.
    pub started: Instant,
    /// The segment, its voice and backend, in words.
    pub location: &'a str,
    /// The backend's name.
    pub backend: &'a str,
    /// Where events go.
    pub progress: &'a (dyn Fn(Event) + Sync),
    /// When the segment is asked for again because its first clip was
    /// short for its voice: the seconds its voice's pace predicts.
    pub expected: Option<f64>,
}

impl Attempts<'_> {
    /// What is left of the segment's time budget.
    pub fn time_left(&self) -> Duration {
        self.limits
            .segment_budget
            .saturating_sub(self.started.elapsed())
    }

    /// How long to wait before the next attempt after attempt `attempt`
    /// failed with `e`, or the failure to report when the error is final,
    /// the attempts are spent, or the wait would run past the segment's time
    /// budget. Says a long wait out loud.
    pub fn wait_after(
        &self,
        e: AttemptError,
        attempt: u32,
    ) -> Result<Duration, Box<SynthesisFailed>> {
        let mut failed = Box::new(SynthesisFailed {
            location: self.location.to_string(),
            attempts: attempt,
            cause: e,
            past_budget: None,
        });
        if !failed.cause.is_transient() || attempt >= self.limits.max_attempts {
            return Err(failed);
        }
        let retry_after = failed.cause.retry_after();
        let wait = backoff(attempt, retry_after, self.key);
        let left = self.time_left();
        if wait > left {
            failed.past_budget = Some((wait, left, self.limits.segment_budget));
            return Err(failed);
        }
        (self.progress)(Event::Retry {
            segment: self.location.to_string(),
            attempt,
            message: failed.cause.to_string(),
        });
        if wait >= Duration::from_secs(5) {
            (self.progress)(Event::Waiting {
                segment: self.location.to_string(),
                seconds: wait.as_secs(),
                reason: format!(
                    "waiting {} before attempt {}{}",
                    seconds(wait),
                    attempt + 1,
                    if retry_after.is_some() {
                        ", as the server asked (Retry-After)"
                    } else {
                        ""
                    }
                ),
            });
        }
        Ok(wait)
    }

    /// The event for an answer that is slow to come.
    pub fn still_waiting(&self) -> Event {
        let waited = self.started.elapsed();
        Event::Waiting {
            segment: self.location.to_string(),
            seconds: waited.as_secs(),
            reason: format!(
                "still waiting for an answer from backend {:?}: {} so far, {} left of segment_timeout",
                self.backend,
                seconds(waited),
                seconds(self.limits.segment_budget.saturating_sub(waited))
            ),
        }
    }
}

/// `future`, unless it takes longer than `limit` (then None); `waiting` is
/// called every 15 s while it runs, so that a slow answer is not silence.
pub async fn within<T>(
    limit: Duration,
    future: impl std::future::Future<Output = T>,
    waiting: impl Fn(),
) -> Option<T> {
    let deadline = tokio::time::Instant::now() + limit;
    tokio::pin!(future);
    loop {
        let tick = tokio::time::Instant::now() + Duration::from_secs(15);
        tokio::select! {
            out = &mut future => return Some(out),
            _ = tokio::time::sleep_until(deadline) => return None,
            _ = tokio::time::sleep_until(tick), if tick < deadline => waiting(),
        }
    }
}

/// A duration for messages: `45 s`, `12 min`, `3 h`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}

/// How long to wait before attempt `attempt + 1`: what the server asked for,
/// else exponential from 250 ms (capped at 20 s), with jitter so that
/// parallel requests do not return in lockstep. The jitter is derived from
/// the segment's key, so runs are reproducible.
fn backoff(attempt: u32, retry_after: Option<Duration>, key: &str) -> Duration {
    if let Some(d) = retry_after {
        return d;
    }
    let base = 250u64 << attempt.saturating_sub(1).min(7);
    let seed = key
        .get(..8)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    let jitter = (seed ^ u64::from(attempt)) % (base / 2 + 1);
    Duration::from_millis((base + jitter).min(20_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_honours_retry_after_and_is_reproducible() {
        let key = "0123456789abcdef";
        assert_eq!(
            backoff(1, Some(Duration::from_millis(1500)), key),
            Duration::from_millis(1500)
        );
        let (a, b) = (backoff(1, None, key), backoff(3, None, key));
        assert!(
            a >= Duration::from_millis(250) && a < Duration::from_millis(400),
            "{a:?}"
        );
        assert!(
            b >= Duration::from_millis(1000) && b < Duration::from_millis(1600),
            "{b:?}"
        );
        assert_eq!(backoff(3, None, key), b);
        assert!(backoff(30, None, key) <= Duration::from_secs(20));
    }

    #[test]
    fn durations_are_said_in_round_units() {
        let said = |s| seconds(Duration::from_secs(s));
        assert_eq!(
            [said(45), said(120), said(750), said(7200)],
            ["45 s", "2 min", "12 min", "2 h"]
        );
    }

    #[test]
    fn a_failure_says_where_how_often_and_why() {
        let failed = SynthesisFailed {
            location: "item 2".into(),
            attempts: 3,
            cause: AttemptError::NoAnswer(Duration::from_secs(300)),
            past_budget: None,
        };
        assert_eq!(
            failed.to_string(),
            "item 2: synthesis failed after 3 attempts: no answer within segment_timeout (5 min)"
        );
        let past = SynthesisFailed {
            attempts: 1,
            cause: AttemptError::Backend(SynthError::transient("HTTP 503", None)),
            past_budget: Some((
                Duration::from_secs(60),
                Duration::from_secs(10),
                Duration::from_secs(300),
            )),
            ..failed
        };
        assert_eq!(
            past.to_string(),
            "item 2: synthesis failed: HTTP 503 (the next attempt would wait 60 s, past segment_timeout: 10 s of 5 min left)"
        );
        assert!(std::error::Error::source(&past).is_some());
    }
}
