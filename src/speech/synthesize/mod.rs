//! The synthesis stage: Plan → speech clips on disk.
//!
//! For every segment: look up the clip store; on a miss, ask the voice's
//! backend (within its concurrency and rate limits, retrying what is worth
//! retrying), bring the audio to the episode's rate and mono, trim its
//! leading and trailing silence, check that its length fits its text, and
//! store it. Each clip is stored the moment it is done, so a crash loses
//! nothing finished.
//!
//! - `limits`: a backend within its limits ([`LimitedBackend`]);
//! - `cast`: the voices and their backends ([`Cast`]);
//! - `keys`: what a clip's cache key hashes, field by field;
//! - `retry`: whether, and after how long, to try again;
//! - `plausible`: whether a clip's length fits its text.

mod cast;
mod keys;
mod limits;
mod plausible;
mod retry;

use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::{self, StreamExt, TryStreamExt};

pub use cast::Cast;
pub use keys::{Context, PROCESSING_VERSION, SpeechKey, plain_f32, segment_key};
pub use limits::LimitedBackend;
pub use plausible::{Implausible, Letters, plausible_duration};
pub use retry::{AttemptError, SynthesisFailed};

use crate::audio::{Pcm, dsp, resample};
use crate::error::{Failure, Result};
use crate::speech::cache::{self, Clip, ClipStore};
use crate::speech::tts::Request;
use crate::text::plan::Plan;
use retry::{Attempts, within};

/// One synthesized segment.
#[derive(Debug, Clone)]
pub struct SpeechClip {
    /// The trimmed audio at the episode rate, in the clip store.
    pub clip: Clip,
    /// The key it is stored under.
    pub cache_key: String,
    /// Found in the store, no request made.
    pub cached: bool,
    /// Requests made for it this run (0 when cached).
    pub attempts: u32,
}

/// What the synthesis stage reports as it goes.
#[derive(Debug, Clone)]
pub enum Event {
    /// A segment is finished.
    Done {
        /// From the cache.
        cached: bool,
    },
    /// An attempt failed and will be retried.
    Retry {
        /// Which segment.
        segment: String,
        /// The attempt that failed, from 1.
        attempt: u32,
        /// Why.
        message: String,
    },
    /// A wait is starting (or going on) that the user should know of.
    Waiting {
        /// Which segment.
        segment: String,
        /// How long: the wait ahead, or how long it has been waiting.
        seconds: u64,
        /// What is waited for and how long, in words.
        reason: String,
    },
    /// The backend answered "too many concurrent requests".
    ConcurrencyLowered {
        /// The backend's name.
        backend: String,
        /// Requests allowed in flight now.
        to: usize,
    },
}

/// Synthesize every segment of `plan` and return the clips in plan order.
/// `progress` hears of each finished segment and each retry.
pub async fn speech(
    plan: &Plan,
    cast: &Cast,
    store: &Arc<ClipStore>,
    rate: u32,
    progress: &(dyn Fn(Event) + Sync),
) -> Result<Vec<SpeechClip>> {
    let synthesis = Synthesis {
        plan,
        cast,
        store,
        rate,
        progress,
    };
    let in_flight: usize = cast.backends().map(|b| b.limits().concurrency).sum();
    let synthesis = &synthesis;
    let mut done: Vec<(usize, SpeechClip)> = stream::iter(0..plan.segments.len())
        .map(|i| async move {
            let clip = synthesis.segment(i).await?;
            progress(Event::Done {
                cached: clip.cached,
            });
            Ok::<_, Box<SynthesisFailed>>((i, clip))
        })
        .buffer_unordered(in_flight.max(1))
        .try_collect()
        .await
        .map_err(Failure::runtime)?;
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}

/// One render's synthesis: what is spoken, by whom, and where clips go.
struct Synthesis<'a> {
    plan: &'a Plan,
    cast: &'a Cast,
    store: &'a Arc<ClipStore>,
    rate: u32,
    progress: &'a (dyn Fn(Event) + Sync),
}

impl Synthesis<'_> {
    /// Segment `i`'s clip: from the store, or from its backend, retried
    /// until it comes or the segment is given up on.
    async fn segment(&self, i: usize) -> Result<SpeechClip, Box<SynthesisFailed>> {
        let seg = &self.plan.segments[i];
        let limited = self.cast.backend_of(&seg.voice);
        let context = Context::of(self.plan, i, limited.limits().context_chars);
        let key = SpeechKey::of(self.plan, i, self.cast, &context, self.rate).key();
        if let Some(clip) = self.store.get(&key) {
            return Ok(SpeechClip {
                clip,
                cache_key: key,
                cached: true,
                attempts: 0,
            });
        }
        let voice = self.cast.voice(&seg.voice);
        let request = Request {
            text: &seg.spoken,
            ssml: seg.ssml.as_deref(),
            language: seg.language,
            tag: &seg.tag,
            voice,
            previous_text: context.previous.as_deref(),
            next_text: context.next.as_deref(),
        };
        let location = format!(
            "{} (voice {:?}, backend {:?})",
            self.plan.describe(i),
            seg.voice,
            voice.backend
        );
        let attempts = Attempts {
            key: &key,
            limits: limited.limits(),
            started: Instant::now(),
            location: &location,
            backend: &voice.backend,
            progress: self.progress,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(limited, &request, &attempts).await {
                Ok(clip) => {
                    return Ok(SpeechClip {
                        clip,
                        cache_key: key,
                        cached: false,
                        attempts: attempt,
                    });
                }
                Err(e) => tokio::time::sleep(attempts.wait_after(e, attempt)?).await,
            }
        }
    }

    /// One request for `request`, within what is left of the segment's
    /// time budget, and its audio made into a clip.
    async fn attempt(
        &self,
        limited: &LimitedBackend,
        request: &Request<'_>,
        attempts: &Attempts<'_>,
    ) -> Result<Clip, AttemptError> {
        let answer = within(
            attempts.time_left(),
            limited.request(request, self.progress),
            || (self.progress)(attempts.still_waiting()),
        );
        let pcm = answer
            .await
            .ok_or(AttemptError::NoAnswer(attempts.limits.segment_budget))??;
        self.finish(pcm, request, attempts.key).await
    }

    /// Resample, trim, check and store a backend's audio (off the async
    /// workers), with its speech level beside it.
    async fn finish(
        &self,
        pcm: Pcm,
        request: &Request<'_>,
        key: &str,
    ) -> Result<Clip, AttemptError> {
        let (rate, speed, store) = (self.rate, request.voice.speed, self.store.clone());
        let (text, key) = (request.text.to_string(), key.to_string());
        tokio::task::spawn_blocking(move || {
            let pcm = resample::to_rate(dsp::to_mono(pcm), rate).map_err(AttemptError::Resample)?;
            let mut samples = pcm.samples;
            dsp::trim_silence(&mut samples, rate);
            if samples.is_empty() {
                return Err(AttemptError::Silent(text));
            }
            plausible_duration(samples.len() as f64 / f64::from(rate), &text, speed)?;
            let clip = store.put(&key, &samples, 1).map_err(AttemptError::Store)?;
            // Measured now, while the samples are here: levelling needs it on
            // every render (and measures it again if this sidecar is lost).
            let _ = cache::store_level(&clip, dsp::active_rms(&samples, rate));
            Ok(clip)
        })
        .await
        .map_err(AttemptError::Stopped)?
    }
}
