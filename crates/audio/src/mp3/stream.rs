//! The MP3 encoded while the master is written: the master's samples go, a
//! block at a time, over a bounded channel to LAME on its own thread (the
//! other core), which writes a temporary file beside the MP3's place and
//! then decodes it back and measures it. Memory stays bounded: at most a
//! few blocks wait in the channel, and a slow encoder holds the master back
//! rather than letting blocks pile up.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::pass::{Chain, Format, Lame, Loudness, Pass};
use super::{Encoded, Reading, check_bitrate, temporary_beside};
use crate::decode::{self, DecodeError};
use crate::meter::{Meter, Mode};
use crate::{PassError, Progress};

/// Blocks that may wait for the encoder.
const QUEUE: usize = 4;

/// What to encode: where the MP3 goes, its tag, bitrate and format, and
/// how it is measured.
#[derive(Clone)]
pub struct Job {
    /// Where the MP3 is delivered; passes are written beside it.
    pub dest: PathBuf,
    /// The ID3 tag, written first.
    pub tag: Arc<[u8]>,
    /// Constant bitrate.
    pub kbps: u32,
    /// The master's rate.
    pub rate: u32,
    /// The master's channels: 1 or 2.
    pub channels: u16,
    /// Measure a mono MP3 as dual mono (+3 dB against a single-channel reading).
    pub dual_mono: bool,
}

impl Job {
    fn format(&self) -> Format {
        Format {
            rate: self.rate,
            channels: self.channels,
            kbps: self.kbps,
        }
    }
}

/// An encode under way: the chain in front of LAME runs on the caller's
/// thread, LAME on a second, and the decoder that measures what LAME made
/// on a third, each a block behind the one before.
pub struct Streaming {
    chain: Chain,
    /// Frames handed on so far.
    frames: u64,
    queue: Option<SyncSender<Vec<f32>>>,
    /// Tells the threads to stop early: the pass was abandoned.
    abort: Arc<AtomicBool>,
    worker: Option<JoinHandle<Result<Made, PassError>>>,
}

/// What the encoder thread made: the file, and what it decodes to.
struct Made {
    file: tempfile::NamedTempFile,
    lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
}

impl Streaming {
    /// Start encoding `job` with `pass` in front of LAME.
    pub fn start(job: &Job, pass: Pass) -> Result<Self, PassError> {
        check_bitrate(job.kbps)?;
        let chain = Chain::new(job.rate, job.channels, pass, job.dual_mono)?;
        let (queue, blocks) = sync_channel(QUEUE);
        let abort = Arc::new(AtomicBool::new(false));
        let (job, stop) = (job.clone(), abort.clone());
        let worker = std::thread::Builder::new()
            .name("mp3".into())
            .spawn(move || encode(&job, &blocks, &stop))?;
        Ok(Streaming {
            chain,
            frames: 0,
            queue: Some(queue),
            abort,
            worker: Some(worker),
        })
    }

    /// Hand the encoder interleaved whole frames of the master.
    pub fn push(&mut self, block: &[f32]) -> Result<(), PassError> {
        let fed = self.chain.push(block)?.to_vec();
        self.frames += (block.len() / usize::from(self.chain.channels())) as u64;
        self.send(fed)
    }

    fn send(&mut self, fed: Vec<f32>) -> Result<(), PassError> {
        let sent = match &self.queue {
            Some(q) => q.send(fed).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The encoder stopped early: its error says why.
        self.queue = None;
        match self.join() {
            Err(e) => Err(e),
            Ok(_) => Err(PassError::Broken("the MP3 encoder stopped early".into())),
        }
    }

    /// No more samples: the encoder finishes in the background.
    pub fn close(&mut self) -> Result<(), PassError> {
        if self.queue.is_some() {
            let rest = self.chain.finish()?.to_vec();
            self.send(rest)?;
            self.queue = None;
        }
        Ok(())
    }

    /// Wait for the encode and its measurement; `progress` is asked now
    /// and then, and an interrupt from it abandons the encode.
    pub fn finish(mut self, progress: Progress) -> Result<Encoded, PassError> {
        self.close()?;
        while self.worker.as_ref().is_some_and(|w| !w.is_finished()) {
            progress(self.frames)?;
            std::thread::sleep(Duration::from_millis(20));
        }
        let made = self.join()?;
        Ok(Encoded {
            file: made.file,
            pass: self.chain.pass(),
            reading: Reading {
                lufs: made.lufs,
                true_peak_dbtp: made.true_peak_dbtp,
                fed: self.chain.fed(),
            },
        })
    }

    fn join(&mut self) -> Result<Made, PassError> {
        let worker = self
            .worker
            .take()
            .ok_or_else(|| PassError::Broken("the MP3 encode was already collected".into()))?;
        worker
            .join()
            .map_err(|_| PassError::thread("the MP3 encoder"))?
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        // An encode nobody collects is abandoned: its temporary file goes
        // with it, and the threads stop at their next block.
        self.abort.store(true, Ordering::SeqCst);
        self.queue = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// The encoder thread: the blocks into LAME and the file, and each piece
/// of MPEG stream on to the decoder thread; then the Info tag. An encode
/// its owner abandoned stops as if interrupted (nobody reads its result).
fn encode(job: &Job, blocks: &Receiver<Vec<f32>>, abort: &AtomicBool) -> Result<Made, PassError> {
    let file = temporary_beside(&job.dest)?;
    let (pieces, stream) = sync_channel::<Vec<u8>>(QUEUE);
    let (dual_mono, channels) = (job.dual_mono, job.channels);
    let frames = std::thread::scope(|scope| -> Result<_, PassError> {
        let decoder = std::thread::Builder::new()
            .name("mp3 decode".into())
            .spawn_scoped(scope, move || measure(stream, dual_mono, channels))?;
        let mut lame = Lame::start(file.as_file(), &job.tag, job.format())?;
        let mut frames = 0u64;
        for block in blocks {
            if abort.load(Ordering::SeqCst) {
                return Err(PassError::Interrupted);
            }
            frames += (block.len() / usize::from(channels)) as u64;
            // A decoder that stopped has its error to tell at the join.
            let _ = pieces.send(lame.encode(&block)?.to_vec());
        }
        if abort.load(Ordering::SeqCst) {
            return Err(PassError::Interrupted);
        }
        let _ = pieces.send(lame.flush()?.to_vec());
        drop(pieces);
        lame.finish()?;
        let measured = decoder
            .join()
            .map_err(|_| PassError::thread("the MP3 decoder"))??;
        Ok((frames, measured))
    })?;
    let (frames, measured) = frames;
    // Nothing decoded (an empty master): nothing to read.
    let (lufs, true_peak_dbtp) = match measured {
        Some(m) => m.readings(frames)?,
        None => (None, None),
    };
    Ok(Made {
        file,
        lufs,
        true_peak_dbtp,
    })
}

/// Decoded frames before the first sample of the master: the frame LAME
/// keeps for its Info tag (zeros until the end, so it decodes as 1152
/// frames of silence here), LAME's encoder delay (576) and the decoder's
/// (529), as the Info tag tells a gapless player once it is filled in.
const LEAD: u64 = 1152 + 576 + 529;
/// Decoded frames held back from the meter until the length is known:
/// more than LAME's end padding can be.
const HOLD: usize = 4 * 1152;

/// The MPEG stream as it arrives from the encoder thread, read in order.
struct Pieces {
    stream: std::sync::Mutex<Receiver<Vec<u8>>>,
    piece: Vec<u8>,
    at: usize,
}

impl std::io::Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.piece.len() {
            let next = self.stream.lock().ok().and_then(|r| r.recv().ok());
            match next {
                Some(piece) => (self.piece, self.at) = (piece, 0),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The decoder's meter, and the decoded frames not yet given to it.
struct Measured {
    meter: Meter,
    channels: usize,
    /// Frames given to the meter.
    metered: u64,
    held: std::collections::VecDeque<f32>,
}

impl Measured {
    /// The loudness and true peak of the first `frames` frames.
    fn readings(mut self, frames: u64) -> Result<Loudness, PassError> {
        let rest = frames.saturating_sub(self.metered) as usize * self.channels;
        let tail: Vec<f32> = self.held.drain(..).take(rest).collect();
        self.meter.add(&tail)?;
        Ok((self.meter.loudness(), self.meter.true_peak()))
    }
}

/// Decode the MPEG stream as it comes and meter it as a gapless player
/// plays it: from the master's first sample, up to its last (which the
/// caller, knowing the length, tells [`Measured::readings`]).
fn measure(
    stream: Receiver<Vec<u8>>,
    dual_mono: bool,
    channels: u16,
) -> Result<Option<Measured>, PassError> {
    let c = usize::from(channels);
    let mut state: Option<Measured> = None;
    let mut decoded = 0u64;
    let mut on_block = |block: &[f32], rate: u32, got: u16| -> Result<(), PassError> {
        if got != channels {
            return Err(PassError::Decode(DecodeError::Malformed(format!(
                "the MP3 decodes to {got} channels, not {channels}"
            ))));
        }
        let m = match &mut state {
            Some(m) => m,
            None => state.insert(Measured {
                meter: Meter::new(channels, rate, Mode::I | Mode::TRUE_PEAK, dual_mono)?,
                channels: c,
                metered: 0,
                held: std::collections::VecDeque::with_capacity((HOLD + 1152) * c),
            }),
        };
        let frames = (block.len() / c) as u64;
        let skip = LEAD.saturating_sub(decoded).min(frames) as usize;
        decoded += frames;
        m.held.extend(&block[skip * c..]);
        let over = (m.held.len() / c).saturating_sub(HOLD);
        if over > 0 {
            let (a, b) = m.held.as_slices();
            let n = over * c;
            let front: Vec<f32> = a.iter().chain(b).take(n).copied().collect();
            m.meter.add(&front)?;
            m.held.drain(..n);
            m.metered += over as u64;
        }
        Ok(())
    };
    let pieces = Pieces {
        stream: std::sync::Mutex::new(stream),
        piece: Vec::new(),
        at: 0,
    };
    decode::stream_mp3_from(pieces, &mut on_block)?;
    Ok(state)
}
