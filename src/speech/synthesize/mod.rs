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
//! - `plausible`: whether a clip's length fits its text;
//! - `pace`: whether it fits its voice's pace in this render (a clip far
//!   shorter is asked for again once every segment has a clip).

mod cast;
mod keys;
mod limits;
mod pace;
mod plausible;
mod retry;

use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::{self, StreamExt, TryStreamExt};

pub use cast::Cast;
pub use keys::{Context, PROCESSING_VERSION, SpeechKey, plain_f32, segment_key};
pub use limits::LimitedBackend;
pub use pace::{SUSPECT_SHARE, Suspect, suspects};
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
    /// A clip stays short for its voice after it was asked for again.
    StillShort {
        /// Which segment.
        segment: String,
        /// Why it was asked for again, and what came.
        message: String,
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
    let in_flight = cast
        .backends()
        .map(|b| b.limits().concurrency)
        .sum::<usize>()
        .max(1);
    let synthesis = &synthesis;
    let mut done: Vec<(usize, SpeechClip)> = stream::iter(0..plan.segments.len())
        .map(|i| async move {
            let clip = synthesis.segment(i, None).await?;
            progress(Event::Done {
                cached: clip.cached,
            });
            Ok::<_, Box<SynthesisFailed>>((i, clip))
        })
        .buffer_unordered(in_flight)
        .try_collect()
        .await
        .map_err(Failure::runtime)?;
    done.sort_by_key(|(i, _)| *i);
    let mut clips: Vec<SpeechClip> = done.into_iter().map(|(_, c)| c).collect();
    synthesis.again_if_short(&mut clips, in_flight).await;
    Ok(clips)
}

/// Requests at most for a clip asked for again (its first answer included
/// in none of them): enough that a backend cutting one answer in four
/// almost never cuts them all.
const AGAIN_ATTEMPTS: u32 = 3;

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
    ///
    /// With `expected` (seconds its voice's pace predicts), the stored clip
    /// is not used and only a clip of at least [`SUSPECT_SHARE`] of that is
    /// believed (see [`Synthesis::again_if_short`]).
    async fn segment(
        &self,
        i: usize,
        expected: Option<f64>,
    ) -> Result<SpeechClip, Box<SynthesisFailed>> {
        let seg = &self.plan.segments[i];
        let limited = self.cast.backend_of(&seg.voice);
        let context = Context::of(self.plan, i, limited.limits().context_chars);
        let key = SpeechKey::of(self.plan, i, self.cast, &context, self.rate).key();
        if expected.is_none()
            && let Some(clip) = self.store.get(&key)
        {
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
        let mut limits = *limited.limits();
        if expected.is_some() {
            limits.max_attempts = limits.max_attempts.min(AGAIN_ATTEMPTS);
        }
        let attempts = Attempts {
            key: &key,
            limits: &limits,
            started: Instant::now(),
            location: &location,
            backend: &voice.backend,
            progress: self.progress,
            expected,
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
        self.finish(pcm, request, attempts).await
    }

    /// Resample, trim, check and store a backend's audio (off the async
    /// workers), with its speech level beside it.
    async fn finish(
        &self,
        pcm: Pcm,
        request: &Request<'_>,
        attempts: &Attempts<'_>,
    ) -> Result<Clip, AttemptError> {
        let (rate, speed, store) = (self.rate, request.voice.speed, self.store.clone());
        let (text, key) = (request.text.to_string(), attempts.key.to_string());
        let expected = attempts.expected;
        tokio::task::spawn_blocking(move || {
            let pcm = resample::to_rate(dsp::to_mono(pcm), rate).map_err(AttemptError::Resample)?;
            let mut samples = pcm.samples;
            dsp::trim_silence(&mut samples, rate);
            if samples.is_empty() {
                return Err(AttemptError::Silent(text));
            }
            let seconds = samples.len() as f64 / f64::from(rate);
            plausible_duration(seconds, &text, speed)?;
            if let Some(expected) = expected
                && seconds < SUSPECT_SHARE * expected
            {
                return Err(Implausible::ShortForVoice { seconds, expected }.into());
            }
            let clip = store.put(&key, &samples, 1).map_err(AttemptError::Store)?;
            // Measured now, while the samples are here: levelling needs it on
            // every render (and measures it again if this sidecar is lost).
            let _ = cache::store_level(&clip, dsp::active_rms(&samples, rate));
            Ok(clip)
        })
        .await
        .map_err(AttemptError::Stopped)?
    }

    /// Ask again for every clip made this run that is far shorter than its
    /// voice's pace predicts ([`suspects`]): a clip at least
    /// [`SUSPECT_SHARE`] of the prediction replaces it (in the store too).
    /// When none comes, the first clip stays and the user is told which
    /// segment to listen to: a voice may truly read a sentence that fast.
    async fn again_if_short(&self, clips: &mut [SpeechClip], in_flight: usize) {
        let suspects = suspects(self.plan, clips, self.rate);
        let answers: Vec<(
            Suspect,
            std::result::Result<SpeechClip, Box<SynthesisFailed>>,
        )> = stream::iter(suspects)
            .map(|s| async move { (s, self.segment(s.segment, Some(s.expected)).await) })
            .buffer_unordered(in_flight)
            .collect()
            .await;
        for (suspect, answer) in answers {
            let i = suspect.segment;
            match answer {
                Ok(mut clip) => {
                    clip.attempts += clips[i].attempts;
                    clips[i] = clip;
                }
                Err(failed) => (self.progress)(Event::StillShort {
                    segment: self.plan.describe(i),
                    message: format!(
                        "{:.2} s where its voice's pace predicts {:.2} s, and asked again: {}; kept as it is: listen to it",
                        suspect.seconds, suspect.expected, failed.cause
                    ),
                }),
            }
        }
    }
}
