//! The synthesis stage: Plan → clips on disk.
//!
//! For every segment: look up the clip store; on a miss, ask the voice's
//! backend (within its concurrency and rate limits, retrying what is worth
//! retrying), bring the audio to the episode's rate and mono, trim its
//! leading and trailing silence, and store it. Each clip is stored the moment
//! it is done, so a crash loses nothing finished. Stings are decoded and
//! resampled the same way, but not trimmed: the producer made them as they
//! want them.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt, TryStreamExt};
use tokio::sync::{Mutex, Semaphore, SemaphorePermit};

use crate::audio::{Pcm, decode, dsp, resample};
use crate::error::{Failure, Result};
use crate::input::voices::VoiceProfile;
use crate::speech::cache::{self, Clip, ClipStore};
use crate::speech::tts::{Backend, Limits, Request, SynthError};
use crate::text::plan::Plan;

/// Bump when the processing after the backend changes (trim, resampler), so
/// that old clips are not reused for a different result.
const PROCESSING_VERSION: &str = "clip-v2";

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
                span - now.duration_since(*w.front().expect("full window"))
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// One request, within the limits: a permit, a place in the window.
    /// A "too many concurrent requests" answer lowers the concurrency.
    async fn request(
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

/// The voices of a render, in order of first appearance, and the backends
/// that speak them.
pub struct Cast {
    voices: Vec<VoiceProfile>,
    backends: HashMap<String, LimitedBackend>,
}

impl Cast {
    /// `voices` and every backend they name (by name).
    pub fn new(voices: Vec<VoiceProfile>, backends: HashMap<String, LimitedBackend>) -> Self {
        debug_assert!(voices.iter().all(|v| backends.contains_key(&v.backend)));
        Cast { voices, backends }
    }

    /// Every voice, in order of first appearance in the script.
    pub fn voices(&self) -> &[VoiceProfile] {
        &self.voices
    }

    /// The voice the script calls `name`.
    pub fn voice(&self, name: &str) -> &VoiceProfile {
        self.voices
            .iter()
            .find(|v| v.name == name)
            .expect("every voice of the plan is cast")
    }

    /// The backend that speaks voice `name`.
    pub fn backend_of(&self, voice: &str) -> &LimitedBackend {
        &self.backends[&self.voice(voice).backend]
    }

    /// Every backend, by name.
    pub fn backends(&self) -> impl Iterator<Item = &LimitedBackend> {
        self.backends.values()
    }
}

/// The neighbouring text in the same chapter (the end of the previous
/// segment, the start of the next), for backends that use it for continuity.
fn context(plan: &Plan, i: usize, chars: usize) -> (Option<String>, Option<String>) {
    if chars == 0 {
        return (None, None);
    }
    let seg = &plan.segments[i];
    let same_chapter = |j: usize| plan.segments.get(j).filter(|s| s.chapter == seg.chapter);
    let prev = i.checked_sub(1).and_then(same_chapter).map(|s| {
        let n = s.spoken.chars().count();
        s.spoken
            .chars()
            .skip(n.saturating_sub(chars))
            .collect::<String>()
    });
    let next = same_chapter(i + 1).map(|s| s.spoken.chars().take(chars).collect::<String>());
    (prev, next)
}

/// The cache key of a segment: everything that changes its audio.
pub fn speech_key(
    backend: &dyn Backend,
    voice: &VoiceProfile,
    language: &str,
    text: &str,
    context: &str,
    rate: u32,
) -> String {
    let voice_json = serde_json::to_string(&(
        &voice.voice,
        &voice.model,
        voice.speed,
        &voice.instructions,
        &voice.language,
        &voice.variant,
        voice.pitch,
        &voice.extra,
    ))
    .expect("plain data");
    crate::hash::fields(&[
        PROCESSING_VERSION.as_bytes(),
        backend.identity().as_bytes(),
        voice_json.as_bytes(),
        language.as_bytes(),
        text.as_bytes(),
        context.as_bytes(),
        &rate.to_le_bytes(),
    ])
}

/// The cache key of segment `i` of `plan` as `cast` speaks it.
pub fn segment_key(plan: &Plan, i: usize, cast: &Cast, rate: u32) -> String {
    let seg = &plan.segments[i];
    let limited = cast.backend_of(&seg.voice);
    let (prev, next) = context(plan, i, limited.limits().context_chars);
    let context_key = format!(
        "{}\u{0}{}",
        prev.as_deref().unwrap_or(""),
        next.as_deref().unwrap_or("")
    );
    speech_key(
        limited.backend.as_ref(),
        cast.voice(&seg.voice),
        &seg.tag,
        &match &seg.ssml {
            // An IPA edit makes a new clip where the backend hears IPA.
            Some(ssml) if limited.backend.takes_ssml() => format!("{}\u{0}{ssml}", seg.spoken),
            _ => seg.spoken.clone(),
        },
        &context_key,
        rate,
    )
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
    let in_flight: usize = cast.backends().map(|b| b.limits().concurrency).sum();
    let mut done: Vec<(usize, SpeechClip)> = stream::iter(0..plan.segments.len())
        .map(|i| async move {
            let clip = one_segment(plan, i, cast, store, rate, progress).await?;
            progress(Event::Done {
                cached: clip.cached,
            });
            Ok::<_, Failure>((i, clip))
        })
        .buffer_unordered(in_flight.max(1))
        .try_collect()
        .await?;
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}

/// The speech level every clip is brought to before the episode gain: the
/// active RMS (see [`dsp::active_rms`]) of a newsreader's voice at about
/// -16 LUFS. Only the level relative to stings matters; the master sets the
/// episode's loudness.
pub const SPEECH_LEVEL_DBFS: f32 = -20.0;

/// The most a clip is raised or lowered by levelling, in dB: enough for
/// backends 10 dB apart, not enough to lift breath noise into speech.
pub const MAX_LEVEL_DB: f32 = 15.0;

/// A linear gain per plan segment that brings every speech clip to
/// [`SPEECH_LEVEL_DBFS`], so that voices from different backends, and loud
/// and soft sentences of one, sit at one level (English spans inside
/// Mandarin included). All 1 when `levelling` is off.
pub fn level_gains(
    plan: &Plan,
    speech: &[SpeechClip],
    rate: u32,
    levelling: bool,
) -> std::io::Result<Vec<f32>> {
    let mut gains = vec![1.0f32; plan.segments.len()];
    if !levelling {
        return Ok(gains);
    }
    let target = 10f32.powf(SPEECH_LEVEL_DBFS / 20.0);
    let limit = 10f32.powf(MAX_LEVEL_DB / 20.0);
    for (gain, clip) in gains.iter_mut().zip(speech) {
        if let Some(level) = clip_level(&clip.clip, rate)? {
            *gain = (target / level).clamp(1.0 / limit, limit);
        }
    }
    Ok(gains)
}

/// A clip's speech level: measured when the clip was made and kept beside
/// it, or (a clip from an older podgen, a lost sidecar) measured now and kept.
fn clip_level(clip: &Clip, rate: u32) -> std::io::Result<Option<f32>> {
    if let Some(level) = cache::stored_level(clip) {
        return Ok(level);
    }
    let mut r = cache::ClipReader::open(&clip.path)?;
    let mut samples = vec![0.0; r.frames() as usize * r.channels()];
    r.read_frames(&mut samples)?;
    let level = dsp::active_rms(&samples, rate);
    // A sidecar not written (a read-only cache) only costs this read next time.
    let _ = cache::store_level(clip, level);
    Ok(level)
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

async fn one_segment(
    plan: &Plan,
    i: usize,
    cast: &Cast,
    store: &Arc<ClipStore>,
    rate: u32,
    progress: &(dyn Fn(Event) + Sync),
) -> Result<SpeechClip> {
    let seg = &plan.segments[i];
    let key = segment_key(plan, i, cast, rate);
    if let Some(clip) = store.get(&key) {
        return Ok(SpeechClip {
            clip,
            cache_key: key,
            cached: true,
            attempts: 0,
        });
    }
    let voice = cast.voice(&seg.voice);
    let limited = cast.backend_of(&seg.voice);
    let (prev, next) = context(plan, i, limited.limits().context_chars);
    let location = || {
        format!(
            "{} (voice {:?}, backend {:?})",
            plan.describe(i),
            seg.voice,
            voice.backend
        )
    };
    let request = Request {
        text: &seg.spoken,
        ssml: seg.ssml.as_deref(),
        language: seg.language,
        tag: &seg.tag,
        voice,
        previous_text: prev.as_deref(),
        next_text: next.as_deref(),
    };
    let budget = limited.limits().segment_budget;
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let left = budget.saturating_sub(started.elapsed());
        let answer = within(left, limited.request(&request, progress), || {
            progress(still_waiting(location(), &voice.backend, started, budget));
        });
        let outcome = match answer.await {
            Some(Ok(pcm)) => finish(pcm, rate, &seg.spoken, voice.speed, store, &key).await,
            Some(Err(e)) => Err(e),
            None => Err(SynthError::fatal(format!(
                "no answer within segment_timeout ({})",
                seconds(budget)
            ))),
        };
        let e = match outcome {
            Ok(clip) => {
                return Ok(SpeechClip {
                    clip,
                    cache_key: key,
                    cached: false,
                    attempts: attempt,
                });
            }
            Err(e) => e,
        };
        let wait = retry_wait(
            &e,
            attempt,
            &key,
            limited.limits(),
            started,
            &location,
            progress,
        )?;
        tokio::time::sleep(wait).await;
    }
}

/// The event for an answer that is slow to come.
fn still_waiting(segment: String, backend: &str, started: Instant, budget: Duration) -> Event {
    let waited = started.elapsed();
    Event::Waiting {
        segment,
        seconds: waited.as_secs(),
        reason: format!(
            "still waiting for an answer from backend {backend:?}: {} so far, {} left of segment_timeout",
            seconds(waited),
            seconds(budget.saturating_sub(waited))
        ),
    }
}

/// How long to wait before the next attempt after `e`, or the failure to
/// report when the error is final, the attempts are spent, or the wait would
/// run past the segment's time budget. Says a long wait out loud.
fn retry_wait(
    e: &SynthError,
    attempt: u32,
    key: &str,
    limits: &Limits,
    started: Instant,
    location: &dyn Fn() -> String,
    progress: &(dyn Fn(Event) + Sync),
) -> Result<Duration> {
    let tries = if attempt > 1 {
        format!(" after {attempt} attempts")
    } else {
        String::new()
    };
    let fail =
        |why: String| Failure::runtime(format!("{}: synthesis failed{tries}: {why}", location()));
    if !e.is_transient() || attempt >= limits.max_attempts {
        return Err(fail(e.message().to_string()));
    }
    let wait = backoff(attempt, e.retry_after(), key);
    let budget = limits.segment_budget;
    let left = budget.saturating_sub(started.elapsed());
    if wait > left {
        return Err(fail(format!(
            "{} (the next attempt would wait {}, past segment_timeout: {} of {} left)",
            e.message(),
            seconds(wait),
            seconds(left),
            seconds(budget)
        )));
    }
    progress(Event::Retry {
        segment: location(),
        attempt,
        message: e.message().to_string(),
    });
    if wait >= Duration::from_secs(5) {
        progress(Event::Waiting {
            segment: location(),
            seconds: wait.as_secs(),
            reason: format!(
                "waiting {} before attempt {}{}",
                seconds(wait),
                attempt + 1,
                if e.retry_after().is_some() {
                    ", as the server asked (Retry-After)"
                } else {
                    ""
                }
            ),
        });
    }
    Ok(wait)
}

/// `future`, unless it takes longer than `limit` (then None); `waiting` is
/// called every 15 s while it runs, so that a slow answer is not silence.
async fn within<T>(
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
    let base = 250u64 << (attempt - 1).min(7);
    let jitter_seed = u64::from_str_radix(&key[..8], 16).unwrap_or(0) ^ u64::from(attempt);
    let jitter = jitter_seed % (base / 2 + 1);
    Duration::from_millis((base + jitter).min(20_000))
}

/// Resample, trim and store a backend's audio (off the async workers).
async fn finish(
    pcm: Pcm,
    rate: u32,
    text: &str,
    speed: f32,
    store: &Arc<ClipStore>,
    key: &str,
) -> Result<Clip, SynthError> {
    let (text, store, key) = (text.to_string(), store.clone(), key.to_string());
    tokio::task::spawn_blocking(move || {
        let pcm = resample::to_rate(dsp::to_mono(pcm), rate)
            .map_err(|e| SynthError::fatal(e.to_string()))?;
        let mut samples = pcm.samples;
        dsp::trim_silence(&mut samples, rate);
        if samples.is_empty() {
            return Err(SynthError::transient(
                format!("the backend returned only silence for {text:?}"),
                None,
            ));
        }
        plausible_duration(samples.len() as f64 / f64::from(rate), &text, speed)
            .map_err(|m| SynthError::transient(m.to_string(), None))?;
        let clip = store
            .put(&key, &samples, 1)
            .map_err(|e| SynthError::fatal(format!("cannot store the clip: {e}")))?;
        // Measured now, while the samples are here: levelling needs it on
        // every render (and measures it again if this sidecar is lost).
        let _ = cache::store_level(&clip, dsp::active_rms(&samples, rate));
        Ok(clip)
    })
    .await
    .map_err(|e| SynthError::fatal(format!("clip processing stopped: {e}")))?
}

/// Audio whose length does not fit its text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Implausible {
    /// Far shorter than the text needs: cut off on the way.
    #[error(
        "the audio is too short for its text ({seconds:.2} s for {characters} characters, at least {bound:.2} s expected): cut off?"
    )]
    TooShort {
        /// The audio's length.
        seconds: f64,
        /// Letters and digits in the text.
        characters: usize,
        /// The shortest believable length.
        bound: f64,
    },
    /// Far longer than the text needs: a backend gone wrong.
    #[error(
        "the audio is too long for its text ({seconds:.2} s for {characters} characters, at most {bound:.2} s expected)"
    )]
    TooLong {
        /// The audio's length.
        seconds: f64,
        /// Letters and digits in the text.
        characters: usize,
        /// The longest believable length.
        bound: f64,
    },
}

/// Whether `seconds` of speech is believable for `text` at `speed`: a clip
/// far shorter than the text needs was cut off on the way (a dropped stream,
/// a truncated body); one far longer is a backend gone wrong (looping,
/// reading markup). The bounds are loose on purpose: at speed 1, at most 10
/// Chinese characters or 25 other characters a second, and at least one
/// character every 1.5 seconds (plus 5 s of slack).
pub fn plausible_duration(seconds: f64, text: &str, speed: f32) -> Result<(), Implausible> {
    let speed = f64::from(speed.max(0.1));
    let (mut han, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        if crate::text::lang::is_han(c) {
            han += 1;
        } else {
            other += 1;
        }
    }
    let characters = han + other;
    let shortest = (han as f64 / 10.0 + other as f64 / 25.0) / speed;
    let longest = 5.0 + 1.5 * characters as f64 / speed;
    if seconds < shortest {
        return Err(Implausible::TooShort {
            seconds,
            characters,
            bound: shortest,
        });
    }
    if seconds > longest {
        return Err(Implausible::TooLong {
            seconds,
            characters,
            bound: longest,
        });
    }
    Ok(())
}

/// A sound the script names: a sting or a music bed.
#[derive(Debug, Clone, Copy)]
pub struct Sound<'a> {
    /// Its file.
    pub path: &'a Path,
    /// "sting" or "bed", for messages and the cache key.
    pub what: &'static str,
    /// Its level in dB relative to [`SPEECH_LEVEL_DBFS`] (with levelling),
    /// or its gain in dB on the file as it is (without).
    pub level_db: f32,
    /// Whether `level_db` is against speech (levelling) or a plain gain.
    pub levelled: bool,
}

/// Decode a sound file, bring it to the episode's `rate` and `channels`,
/// set its level and store it. The level is measured on the mono mix, as a
/// centred voice's is.
pub fn sound(sound: Sound, store: &ClipStore, rate: u32, channels: u16) -> Result<Clip> {
    let Sound { path, what, .. } = sound;
    let fail =
        |e: &dyn std::fmt::Display| Failure::runtime(format!("{what} {}: {e}", path.display()));
    // Validation checked the file; it may have changed since.
    if let Some(why) =
        crate::error::regular_file_problem(path, crate::input::script::MAX_STING_BYTES)
    {
        return Err(Failure::input(
            format!("{what} {}: {why}", path.display()),
            "give a WAV, FLAC, MP3 or Ogg file",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(&e))?;
    let key = crate::hash::fields(&[
        what.as_bytes(),
        PROCESSING_VERSION.as_bytes(),
        &bytes,
        &rate.to_le_bytes(),
        &channels.to_le_bytes(),
        format!("{} {}", sound.levelled, sound.level_db).as_bytes(),
    ]);
    if let Some(clip) = store.get(&key) {
        return Ok(clip);
    }
    let pcm = decode::decode_bytes(bytes).map_err(|e| fail(&e))?;
    let mut pcm = resample::to_rate(dsp::to_channels(pcm, channels), rate).map_err(|e| fail(&e))?;
    let gain = if sound.levelled {
        let mono = dsp::to_mono(pcm.clone());
        dsp::active_rms(&mono.samples, rate).map_or(1.0, |now| {
            // Within ±20 dB: a sound far off is more likely silence than a choice.
            let target = 10f32.powf((SPEECH_LEVEL_DBFS + sound.level_db) / 20.0);
            (target / now).clamp(0.1, 10.0)
        })
    } else {
        10f32.powf(sound.level_db / 20.0)
    };
    pcm.samples.iter_mut().for_each(|s| *s *= gain);
    store
        .put(&key, &pcm.samples, channels)
        .map_err(|e| fail(&format!("cannot store: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_durations_are_caught() {
        let en = "Researchers released a new model for weather forecasting this week.";
        let zh = "研究者发布了新的天气预报模型。";
        assert!(plausible_duration(4.0, en, 1.0).is_ok());
        assert!(plausible_duration(3.0, zh, 1.0).is_ok());
        assert!(
            plausible_duration(0.8, en, 1.0)
                .unwrap_err()
                .to_string()
                .contains("too short")
        );
        assert!(
            plausible_duration(0.9, zh, 1.0)
                .unwrap_err()
                .to_string()
                .contains("too short")
        );
        // Faster speech is allowed to be shorter.
        assert!(plausible_duration(1.5, en, 2.0).is_ok());
        assert!(
            plausible_duration(120.0, en, 1.0)
                .unwrap_err()
                .to_string()
                .contains("too long")
        );
    }

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
    fn levels_come_from_the_sidecar_and_a_bad_one_is_measured_again() {
        let rate = 16_000;
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), rate).unwrap();
        let samples: Vec<f32> = (0..rate as usize)
            .map(|i| 0.3 * (i as f32 * 0.07).sin() * if i % 4000 < 2500 { 1.0 } else { 0.001 })
            .collect();
        let clip = store.put(&crate::hash::hex(b"level"), &samples, 1).unwrap();
        // What levelling measured before sidecars: the whole clip read back.
        let expected = dsp::active_rms(&cache::read_clip(&clip.path).unwrap(), rate);
        assert!(expected.is_some());
        let sidecar = clip.path.with_extension("level");
        // Missing (a clip from an older podgen): measured, and kept.
        assert_eq!(clip_level(&clip, rate).unwrap(), expected);
        assert_eq!(cache::stored_level(&clip), Some(expected));
        let kept = std::fs::read_to_string(&sidecar).unwrap();
        // A hit believes its sidecar: the clip is not read again.
        let planted = kept.replace(&expected.unwrap().to_string(), "0.5");
        std::fs::write(&sidecar, &planted).unwrap();
        assert_eq!(clip_level(&clip, rate).unwrap(), Some(0.5));
        // Damaged, or tied to another clip's checksum: measured again.
        for bad in [
            "garbage",
            &planted.replacen("podgen-level-1 ", "podgen-level-1 00", 1),
        ] {
            std::fs::write(&sidecar, bad).unwrap();
            assert_eq!(clip_level(&clip, rate).unwrap(), expected);
            assert_eq!(std::fs::read_to_string(&sidecar).unwrap(), kept);
        }
        // A silent clip's "no level" is kept too.
        let silent = store
            .put(&crate::hash::hex(b"silent"), &[0.0; 800], 1)
            .unwrap();
        assert_eq!(clip_level(&silent, rate).unwrap(), None);
        assert_eq!(cache::stored_level(&silent), Some(None));
    }
}
