//! The mix: every frame of the episode, block by block, from the timeline's
//! speech layer (clips and pauses, each voice panned) and the cues laid over
//! it (stings and music beds, with their fades, ducked under speech).
//!
//! Only the current block and one open reader per sounding clip are in
//! memory, so memory does not grow with the episode's length.

use crate::audio::{PassError, Progress};
use crate::input::settings::Ducking;
use crate::sound::timeline::{Cue, CueSource, Source, Span, Timeline};
use crate::speech::cache::{Clip, ClipReader};

/// One speech clip's place in the mix: its level gain and its pan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Voiced {
    /// Linear gain (levelling).
    pub gain: f32,
    /// -1 (left) to 1 (right); 0 is centred. Ignored in mono.
    pub pan: f32,
}

/// Everything the mix reads: the timeline, its clips, and how to place them.
pub struct Mix<'a> {
    /// Where everything sits.
    pub timeline: &'a Timeline,
    /// Channels of the episode: 1 or 2.
    pub channels: u16,
    /// Per plan segment: its clip (mono).
    pub speech: &'a dyn Fn(usize) -> Option<Clip>,
    /// Per plan segment: its gain and pan.
    pub voiced: &'a [Voiced],
    /// Per cue source: its clip, in the episode's channels.
    pub cue_clip: &'a dyn Fn(CueSource) -> Option<Clip>,
    /// How cues duck under speech.
    pub ducking: Ducking,
}

/// Frames per block handed on.
const BLOCK: usize = 4096;

impl Mix<'_> {
    /// Feed every frame of the episode, in order, block by block
    /// (interleaved in `channels`), to `f`; `progress` hears the frame
    /// position before each block, and may stop the mix.
    pub fn stream(
        &self,
        progress: Progress,
        f: &mut dyn FnMut(&[f32]) -> Result<(), PassError>,
    ) -> Result<(), PassError> {
        let c = usize::from(self.channels);
        let total = self.timeline.total;
        let mut speech = SpeechLayer::new(self);
        let mut duck = DuckPlan::new(self.timeline, self.ducking);
        let mut active: Vec<CueReader> = Vec::new();
        let mut next_cue = 0;
        let mut block = Vec::with_capacity(BLOCK * c);
        let mut envelope = Vec::with_capacity(BLOCK);
        let mut at = 0u64;
        while at < total {
            progress(at)?;
            let n = (total - at).min(BLOCK as u64) as usize;
            block.clear();
            block.resize(n * c, 0.0);
            speech.fill(&mut block, n)?;
            let cues = &self.timeline.cues;
            while next_cue < cues.len() && cues[next_cue].start < at + n as u64 {
                active.push(CueReader::open(self, cues[next_cue])?);
                next_cue += 1;
            }
            if active.iter().any(|r| r.cue.ducked) {
                envelope.clear();
                envelope.extend((at..at + n as u64).map(|t| duck.gain(t)));
            }
            for r in &mut active {
                r.add(&mut block, at, c, &envelope)?;
            }
            active.retain(|r| r.cue.end() > at + n as u64);
            f(&block)?;
            at += n as u64;
        }
        Ok(speech.finish()?)
    }
}

/// The speech layer as it is read: the current piece and its open clip.
struct SpeechLayer<'m, 'a> {
    mix: &'m Mix<'a>,
    piece: usize,
    /// Frames of the current piece already read.
    done: u64,
    reader: Option<ClipReader>,
    /// (left, right) gains of the current clip.
    gains: (f32, f32),
    /// The samples of the current read.
    scratch: Vec<f32>,
}

impl<'m, 'a> SpeechLayer<'m, 'a> {
    fn new(mix: &'m Mix<'a>) -> Self {
        SpeechLayer {
            mix,
            piece: 0,
            done: 0,
            reader: None,
            gains: (1.0, 1.0),
            scratch: Vec::with_capacity(BLOCK),
        }
    }

    /// Open the clip of the current piece, if it is speech.
    fn open(&mut self) -> std::io::Result<()> {
        let Some(&piece) = self.mix.timeline.pieces.get(self.piece) else {
            return Ok(());
        };
        self.reader = None;
        let Source::Speech { segment } = piece.source else {
            return Ok(());
        };
        let clip = (self.mix.speech)(segment)
            .ok_or_else(|| std::io::Error::other(format!("no clip for segment {segment}")))?;
        if clip.frames != piece.len || clip.channels != 1 {
            return Err(std::io::Error::other(format!(
                "clip {} has {} frames in {} channels, the timeline expects {} in 1",
                clip.path.display(),
                clip.frames,
                clip.channels,
                piece.len
            )));
        }
        let v = self.mix.voiced.get(segment).copied().unwrap_or(Voiced {
            gain: 1.0,
            pan: 0.0,
        });
        self.gains = if self.mix.channels == 1 {
            (v.gain, 0.0)
        } else {
            let (l, r) = pan_gains(v.pan);
            (v.gain * l, v.gain * r)
        };
        self.reader = Some(ClipReader::open(&clip.path)?);
        Ok(())
    }

    /// Add the next `n` frames of speech into `block`.
    fn fill(&mut self, block: &mut [f32], n: usize) -> std::io::Result<()> {
        let c = usize::from(self.mix.channels);
        let pieces = &self.mix.timeline.pieces;
        let mut filled = 0;
        while filled < n {
            let Some(piece) = pieces.get(self.piece) else {
                return Err(std::io::Error::other("the speech layer ended early"));
            };
            if self.done == 0 {
                self.open()?;
            }
            let k = ((piece.len - self.done) as usize).min(n - filled);
            if let Some(r) = &mut self.reader {
                let out = &mut block[filled * c..(filled + k) * c];
                self.scratch.resize(k, 0.0);
                let read = r.read_frames(&mut self.scratch)?;
                for (frame, &s) in out.chunks_exact_mut(c).zip(&self.scratch[..read]) {
                    frame[0] += s * self.gains.0;
                    if c == 2 {
                        frame[1] += s * self.gains.1;
                    }
                }
                if read != k {
                    return Err(std::io::Error::other(format!(
                        "a speech clip ended {} frames early",
                        k - read
                    )));
                }
            }
            filled += k;
            self.done += k as u64;
            if self.done == piece.len {
                self.piece += 1;
                self.done = 0;
            }
        }
        Ok(())
    }

    fn finish(&self) -> std::io::Result<()> {
        if self.piece == self.mix.timeline.pieces.len() {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the speech layer has pieces left over",
            ))
        }
    }
}

/// Constant-power pan, unity in both channels at the centre (so a centred
/// voice reads as it does in mono, and a voice panned hard is 3 dB up on
/// its side).
pub fn pan_gains(pan: f32) -> (f32, f32) {
    let angle = (pan.clamp(-1.0, 1.0) + 1.0) * std::f32::consts::FRAC_PI_4;
    (
        std::f32::consts::SQRT_2 * angle.cos(),
        std::f32::consts::SQRT_2 * angle.sin(),
    )
}

/// A sounding cue: its open clip and where it is in it.
struct CueReader {
    cue: Cue,
    reader: ClipReader,
    /// Frames in the clip, and the frame the reader is at.
    frames: u64,
    position: u64,
    /// The samples of the current read.
    scratch: Vec<f32>,
}

impl CueReader {
    fn open(mix: &Mix, cue: Cue) -> std::io::Result<Self> {
        let clip = (mix.cue_clip)(cue.source)
            .ok_or_else(|| std::io::Error::other(format!("no clip for {:?}", cue.source)))?;
        let fits = if cue.looped {
            clip.frames > 0 && cue.offset < clip.frames
        } else {
            cue.offset + cue.len <= clip.frames
        };
        if clip.channels != mix.channels || !fits {
            return Err(std::io::Error::other(format!(
                "clip {} ({} frames in {} channels) does not fit its cue {cue:?}",
                clip.path.display(),
                clip.frames,
                clip.channels
            )));
        }
        let mut reader = ClipReader::open(&clip.path)?;
        reader.seek_frame(cue.offset)?;
        Ok(CueReader {
            cue,
            reader,
            frames: clip.frames,
            position: cue.offset,
            scratch: Vec::new(),
        })
    }

    /// Add this cue's frames within the `block` of `c` channels starting
    /// at frame `at` into it, faded and, when it ducks, times `envelope`
    /// (the duck gain per frame of the block).
    fn add(
        &mut self,
        block: &mut [f32],
        at: u64,
        c: usize,
        envelope: &[f32],
    ) -> std::io::Result<()> {
        let n = block.len() / c;
        let from = self.cue.start.max(at);
        let to = self.cue.end().min(at + n as u64);
        let mut t = from;
        while t < to {
            if self.position == self.frames {
                // Only a looped cue gets here: `open` checked the others fit.
                self.reader.seek_frame(0)?;
                self.position = 0;
            }
            let k = (to - t).min(self.frames - self.position);
            self.scratch.resize(k as usize * c, 0.0);
            if self.reader.read_frames(&mut self.scratch)? < k as usize {
                return Err(std::io::Error::other("a sting or bed clip ended early"));
            }
            let frames = self.scratch.chunks_exact(c);
            for (i, samples) in (t..t + k).zip(frames) {
                let mut g = fade(&self.cue, i);
                if self.cue.ducked {
                    g *= envelope[(i - at) as usize];
                }
                let frame = &mut block[(i - at) as usize * c..][..c];
                for (x, s) in frame.iter_mut().zip(samples) {
                    *x += s * g;
                }
            }
            self.position += k;
            t += k;
        }
        Ok(())
    }
}

/// A raised-cosine ramp from 0 to 1 over `x` in [0, 1]: it leaves and
/// arrives flat, so neither end of a fade or a duck clicks.
fn ramp(x: f64) -> f32 {
    (0.5 - 0.5 * (std::f64::consts::PI * x.clamp(0.0, 1.0)).cos()) as f32
}

/// The fade gain of `cue` at frame `t` of the master.
fn fade(cue: &Cue, t: u64) -> f32 {
    let from_start = t - cue.start;
    let to_end = cue.end() - t - 1;
    let mut g = 1.0;
    if from_start < cue.fade_in {
        g *= ramp((from_start as f64 + 0.5) / cue.fade_in as f64);
    }
    if to_end < cue.fade_out {
        g *= ramp((to_end as f64 + 0.5) / cue.fade_out as f64);
    }
    g
}

/// Where speech is, as spans merged across gaps shorter than the hold, and
/// the duck gain at any frame, asked in order.
struct DuckPlan {
    spans: Vec<Span>,
    ducking: Ducking,
    /// The first span whose release may not have ended yet.
    next: usize,
}

impl DuckPlan {
    fn new(timeline: &Timeline, ducking: Ducking) -> Self {
        let mut spans: Vec<Span> = Vec::new();
        for s in timeline.segments.iter().filter(|s| s.end > s.start) {
            match spans.last_mut() {
                Some(last) if s.start < last.end + ducking.hold => last.end = last.end.max(s.end),
                _ => spans.push(*s),
            }
        }
        DuckPlan {
            spans,
            ducking,
            next: 0,
        }
    }

    /// How far ducked at frame `t`, 0 (not) to 1 (full depth); `t` must not
    /// go backwards between calls.
    fn amount(&mut self, t: u64) -> f32 {
        let Ducking {
            attack, release, ..
        } = self.ducking;
        while self
            .spans
            .get(self.next)
            .is_some_and(|s| s.end + release <= t)
        {
            self.next += 1;
        }
        let mut d = 0.0f32;
        for s in &self.spans[self.next..] {
            if s.start > t + attack {
                break;
            }
            let here = if t >= s.end {
                1.0 - ramp((t - s.end) as f64 / release.max(1) as f64)
            } else if t >= s.start {
                1.0
            } else {
                ramp(1.0 - (s.start - t) as f64 / attack.max(1) as f64)
            };
            d = d.max(here);
        }
        d
    }

    /// The duck's gain at frame `t` (linear).
    fn gain(&mut self, t: u64) -> f32 {
        let d = self.amount(t);
        if d == 0.0 {
            1.0
        } else {
            10f32.powf(-self.ducking.depth_db * d / 20.0)
        }
    }
}
