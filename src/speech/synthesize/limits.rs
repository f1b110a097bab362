//! A backend within its limits: permits for the requests in flight, a
//! window of request starts, and the attempts allowed per segment.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};

use crate::audio::Pcm;
use crate::speech::tts::{Backend, Limits, Request, SynthError};

use super::Event;

/// A backend with the limits podgen keeps around it: permits for requests
/// in flight, a window of request starts, and the attempts allowed.
pub struct LimitedBackend {
    /// The backend's name in the config.
    pub name: String,
    /// The backend itself.
    pub backend: Arc<dyn Backend>,
    /// What the backend declared.
    limits: Limits,
    permits: Semaphore,
    /// Requests allowed in flight now: the declared concurrency, lowered
    /// when the server says there are too many.
    concurrency: AtomicUsize,
    /// Start times of the requests of the last window, for requests_per_minute.
    window: Mutex<VecDeque<Instant>>,
}

impl LimitedBackend {
    /// Keep `backend`'s declared limits around it.
    pub fn new(name: &str, backend: Arc<dyn Backend>) -> Self {
        let limits = backend.limits();
        let n = limits.concurrency.max(1);
        LimitedBackend {
            name: name.to_string(),
            backend,
            limits,
            permits: Semaphore::new(n),
            concurrency: AtomicUsize::new(n),
            window: Mutex::new(VecDeque::new()),
        }
    }

    /// What the backend declared.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Requests allowed in flight now.
    pub fn concurrency(&self) -> usize {
        self.concurrency.load(Ordering::SeqCst)
    }

    /// The server said "too many concurrent requests": keep one permit out of
    /// circulation for the rest of the run (never below one). Returns the new
    /// concurrency when it changed.
    fn lower_concurrency(&self, permit: SemaphorePermit<'_>) -> Option<usize> {
        let lowered = self
            .concurrency
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n > 1).then(|| n - 1)
            });
        match lowered {
            Ok(before) => {
                permit.forget();
                Some(before - 1)
            }
            Err(_) => None,
        }
    }

    /// Wait until one more request fits in the window's budget: no window of
    /// `rate_window` ever holds more request starts than the limit.
    async fn pace(&self) {
        let Some(limit) = self.limits.requests_per_window else {
            return;
        };
        let span = self.limits.rate_window;
        loop {
            let wait = {
                let mut w = self.window.lock().await;
                let now = Instant::now();
                while w.front().is_some_and(|t| now.duration_since(*t) >= span) {
                    w.pop_front();
                }
                if w.len() < limit as usize {
                    w.push_back(now);
                    return;
                }
                // The oldest start leaves the window first.
                w.front()
                    .map_or(span, |t| span.saturating_sub(now.duration_since(*t)))
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// One request, within the limits: a permit, a place in the window.
    /// A "too many concurrent requests" answer lowers the concurrency.
    pub(super) async fn request(
        &self,
        request: &Request<'_>,
        progress: &(dyn Fn(Event) + Sync),
    ) -> Result<Pcm, SynthError> {
        let permit = self
            .permits
            .acquire()
            .await
            .expect("semaphores are never closed");
        self.pace().await;
        let result = self.backend.synthesize(request).await;
        if let Err(SynthError::TooManyConcurrent { .. }) = &result
            && let Some(now) = self.lower_concurrency(permit)
        {
            progress(Event::ConcurrencyLowered {
                backend: self.name.clone(),
                to: now,
            });
        }
        result
    }
}
