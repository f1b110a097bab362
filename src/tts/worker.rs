//! The built-in voice in worker processes, so that it speaks on every core.
//!
//! The C engine keeps its state in globals: one process, one engine. To run
//! more than one synthesis at once, podgen starts copies of itself with the
//! hidden argument [`SUBCOMMAND`]; each loads the engine once and answers
//! requests on stdin/stdout until stdin closes. A [`Pool`] hands requests to
//! the in-process engine or to a worker, whichever is free.
//!
//! The protocol is one frame each way per request: a little-endian `u32`
//! length, then the body. A request is rate, pitch and range (`u32` each),
//! then the voice name, the data folder and the text, each a `u32` length and
//! its bytes. An answer is `0`, the rate (`u32`) and the samples (`i16`), or
//! `1` and an error message. Both sides cap what they read.

use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::espeak::{ENGINE, Voice};

/// The hidden first argument that makes podgen a worker (not in `--help`).
pub const SUBCOMMAND: &str = "__builtin-worker";

/// The largest request a worker reads: texts are a few hundred characters.
const MAX_REQUEST: usize = 16 << 20;
/// The largest answer read from a worker: 64 MiB is 25 minutes at the
/// engine's 22 050 Hz, far past the longest audio a segment may have.
const MAX_ANSWER: usize = 64 << 20;
/// How long a worker may take over one answer before it is killed: the
/// engine speaks hundreds of times faster than real time, so a sentence
/// takes well under a second even on a loaded machine.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// One synthesis, as the in-process engine would be asked for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// An eSpeak voice name with an optional `+variant`.
    pub name: String,
    /// Words per minute.
    pub rate: u32,
    /// Base pitch, 0 to 100.
    pub pitch: u32,
    /// Pitch range, 0 to 100.
    pub range: u32,
    /// The engine's data folder.
    pub data_dir: PathBuf,
    /// What to say.
    pub text: String,
}

impl Job {
    /// Speak the job with this process's engine: 16-bit mono samples and
    /// their rate.
    pub fn run_here(&self) -> Result<(Vec<i16>, u32), String> {
        let voice = Voice {
            name: &self.name,
            rate: self.rate,
            pitch: self.pitch,
            range: self.range,
        };
        // A poisoned lock only means another synthesis panicked; the engine
        // itself holds no Rust state that could be broken.
        let mut engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
        engine.synthesize(&self.data_dir, &voice, &self.text)
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 64);
        for n in [self.rate, self.pitch, self.range] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for field in [
            self.name.as_bytes(),
            self.data_dir.as_os_str().as_bytes(),
            self.text.as_bytes(),
        ] {
            out.extend_from_slice(&(field.len() as u32).to_le_bytes());
            out.extend_from_slice(field);
        }
        out
    }

    fn decode(body: &[u8]) -> Option<Job> {
        let mut r = Fields(body);
        let (rate, pitch, range) = (r.u32()?, r.u32()?, r.u32()?);
        let name = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        let data_dir = PathBuf::from(OsString::from_vec(r.bytes()?.to_vec()));
        let text = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        r.0.is_empty().then_some(Job {
            name,
            rate,
            pitch,
            range,
            data_dir,
            text,
        })
    }
}

/// A reader of the protocol's fields.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn u32(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_le_bytes(*head))
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        let n = self.u32()? as usize;
        let (field, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(field)
    }
}

/// One frame, or None at a clean end of input (before its first byte).
fn read_frame(r: &mut impl Read, cap: usize) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > cap {
        return Err(io::Error::other(format!(
            "a frame of {len} bytes, over the cap of {cap}"
        )));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

fn write_frame(w: &mut impl Write, body: &[u8]) -> io::Result<()> {
    w.write_all(&(body.len() as u32).to_le_bytes())?;
    w.write_all(body)?;
    w.flush()
}

fn encode_answer(answer: &Result<(Vec<i16>, u32), String>) -> Vec<u8> {
    match answer {
        Ok((samples, rate)) => {
            let mut out = Vec::with_capacity(5 + samples.len() * 2);
            out.push(0);
            out.extend_from_slice(&rate.to_le_bytes());
            out.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
            out
        }
        Err(message) => {
            let mut out = vec![1];
            out.extend_from_slice(message.as_bytes());
            out
        }
    }
}

/// An answer's body: the engine's result, or None when it is malformed.
fn decode_answer(body: &[u8]) -> Option<Result<(Vec<i16>, u32), String>> {
    match body.split_first()? {
        (0, rest) => {
            let (rate, samples) = rest.split_first_chunk::<4>()?;
            if !samples.len().is_multiple_of(2) {
                return None;
            }
            let samples = samples
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
            Some(Ok((samples, u32::from_le_bytes(*rate))))
        }
        (1, message) => Some(Err(String::from_utf8_lossy(message).into_owned())),
        _ => None,
    }
}

/// Be a worker: answer requests from `input` on `output` until `input`
/// closes (the parent is gone or done).
pub fn serve(input: impl Read, output: impl Write) -> io::Result<()> {
    let (mut input, mut output) = (BufReader::new(input), BufWriter::new(output));
    while let Some(body) = read_frame(&mut input, MAX_REQUEST)? {
        let job = Job::decode(&body)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "a malformed request"))?;
        write_frame(&mut output, &encode_answer(&job.run_here()))?;
    }
    Ok(())
}

/// How the pool starts a worker: a program and its arguments.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The program (podgen itself).
    pub program: PathBuf,
    /// Its arguments ([`SUBCOMMAND`]).
    pub args: Vec<OsString>,
    /// Worker processes at most, besides the in-process engine.
    pub workers: usize,
    /// How long one answer may take.
    pub timeout: Duration,
}

impl Launch {
    /// `workers` copies of `program` (podgen) as workers.
    pub fn podgen(program: &Path, workers: usize) -> Self {
        Launch {
            program: program.to_path_buf(),
            args: vec![SUBCOMMAND.into()],
            workers,
            timeout: ANSWER_TIMEOUT,
        }
    }
}

static LAUNCH: OnceLock<Launch> = OnceLock::new();

/// Let built-in voices of this process use worker processes, started as
/// `launch` says. The podgen binary calls this; a library user that is not
/// podgen does not, and keeps the in-process engine alone.
pub fn enable(launch: Launch) {
    let _ = LAUNCH.set(launch);
}

/// What [`enable`] set, if anything.
pub fn enabled() -> Option<&'static Launch> {
    LAUNCH.get().filter(|l| l.workers > 0)
}

/// A worker's process, and whether a request is waiting for its answer
/// (only then may a [`Killer`] kill it: idle, it may already serve another).
struct Proc {
    child: Child,
    asking: bool,
}

/// A running worker process.
pub struct Worker {
    child: Arc<Mutex<Proc>>,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    live: Arc<AtomicUsize>,
}

impl Worker {
    fn spawn(launch: &Launch, live: &Arc<AtomicUsize>) -> io::Result<Worker> {
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(&launch.program)
            .args(&launch.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // Its own process group: Ctrl-C reaches the render, which stops
            // cleanly; the worker then ends when its stdin closes.
            .process_group(0)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the worker's pipes are missing"));
        };
        live.fetch_add(1, Ordering::SeqCst);
        Ok(Worker {
            child: Arc::new(Mutex::new(Proc {
                child,
                asking: false,
            })),
            stdin,
            stdout: BufReader::new(stdout),
            live: live.clone(),
        })
    }

    /// A handle that kills the worker, for a request given up on.
    fn killer(&self) -> Killer {
        Killer(Some(self.child.clone()))
    }

    /// Ask for one synthesis. An `Err` means the worker is broken (it is
    /// dropped, and so killed); the engine's own errors are in the `Ok`.
    fn ask(&mut self, job: &Job) -> Result<Result<(Vec<i16>, u32), String>, String> {
        let body = job.encode();
        if body.len() > MAX_REQUEST {
            return Ok(Err(format!(
                "a text of {} bytes is too long",
                job.text.len()
            )));
        }
        self.lock().asking = true;
        let answer = write_frame(&mut self.stdin, &body)
            .and_then(|()| read_frame(&mut self.stdout, MAX_ANSWER));
        self.lock().asking = false;
        match answer {
            Ok(Some(body)) => {
                decode_answer(&body).ok_or_else(|| self.died("answered with a malformed frame"))
            }
            Ok(None) => Err(self.died("closed its output")),
            Err(e) => Err(self.died(&e.to_string())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Proc> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Why the worker is no use, with how it ended.
    fn died(&self, what: &str) -> String {
        let child = &mut self.lock().child;
        let pid = child.id();
        // A worker that crashed has exited or is about to; give it a moment
        // to say how, then make sure it is gone.
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() < Duration::from_millis(200) => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => break None,
            }
        };
        let ended = match status {
            Some(s) => format!(" ({s})"),
            None => {
                let _ = child.kill();
                String::from(" (still running: killed)")
            }
        };
        format!("the built-in voice's worker process {pid} failed: {what}{ended}")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let child = &mut self.lock().child;
        let _ = child.kill();
        let _ = child.wait();
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Kills a worker when dropped armed: a request given up on (timed out,
/// the render interrupted) must not leave a thread reading from it forever.
pub struct Killer(Option<Arc<Mutex<Proc>>>);

impl Killer {
    /// The answer came: leave the worker alone.
    pub fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for Killer {
    fn drop(&mut self) {
        if let Some(proc) = self.0.take() {
            let mut proc = proc.lock().unwrap_or_else(|e| e.into_inner());
            if proc.asking {
                let _ = proc.child.kill();
            }
        }
    }
}

/// Where one synthesis runs.
pub enum Slot {
    /// The in-process engine; `owned` when this request holds its turn (an
    /// unowned one waits for the engine's lock).
    Here {
        /// Whether the request took the engine's turn.
        owned: bool,
    },
    /// A worker process.
    Worker(Worker),
}

impl Slot {
    /// Run `job` here or in the worker. Returns the worker back, unless it
    /// broke.
    pub fn run(self, job: &Job) -> (Slot, Result<(Vec<i16>, u32), WorkerError>) {
        match self {
            Slot::Here { owned } => (
                Slot::Here { owned },
                job.run_here().map_err(WorkerError::Engine),
            ),
            Slot::Worker(mut w) => match w.ask(job) {
                Ok(answer) => (Slot::Worker(w), answer.map_err(WorkerError::Engine)),
                Err(broken) => (
                    Slot::Here { owned: false },
                    Err(WorkerError::Broken(broken)),
                ),
            },
        }
    }

    /// A killer for the worker, when the slot is one.
    pub fn killer(&self) -> Killer {
        match self {
            Slot::Worker(w) => w.killer(),
            Slot::Here { .. } => Killer(None),
        }
    }
}

/// Why a synthesis failed.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerError {
    /// The engine's own error (a voice it does not have, bad data).
    Engine(String),
    /// The worker process crashed or misbehaved.
    Broken(String),
}

/// The in-process engine and worker processes, started as needed up to
/// `launch.workers`, handed to one request each.
pub struct Pool {
    launch: Launch,
    here_free: AtomicBool,
    idle: Mutex<Vec<Worker>>,
    live: Arc<AtomicUsize>,
    /// Set when a worker could not be started: the in-process engine alone
    /// serves from then on.
    cannot_spawn: AtomicBool,
}

impl Pool {
    /// A pool that starts workers as `launch` says (none yet).
    pub fn new(launch: Launch) -> Self {
        Pool {
            launch,
            here_free: AtomicBool::new(true),
            idle: Mutex::new(Vec::new()),
            live: Arc::new(AtomicUsize::new(0)),
            cannot_spawn: AtomicBool::new(false),
        }
    }

    /// Syntheses that can run at once.
    pub fn size(&self) -> usize {
        1 + self.launch.workers
    }

    /// How long a worker may take over one answer.
    pub fn timeout(&self) -> Duration {
        self.launch.timeout
    }

    /// Worker processes running now.
    pub fn workers(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// A free place to run one synthesis: the in-process engine first, then
    /// an idle worker, then a new one; when all are busy (or workers cannot
    /// start), a turn of the in-process engine's lock.
    pub fn take(&self) -> Slot {
        if self.here_free.swap(false, Ordering::SeqCst) {
            return Slot::Here { owned: true };
        }
        if let Some(w) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Slot::Worker(w);
        }
        if !self.cannot_spawn.load(Ordering::SeqCst) && self.workers() < self.launch.workers {
            match Worker::spawn(&self.launch, &self.live) {
                Ok(w) => return Slot::Worker(w),
                Err(_) => self.cannot_spawn.store(true, Ordering::SeqCst),
            }
        }
        Slot::Here { owned: false }
    }

    /// Give a slot back after its request.
    pub fn give_back(&self, slot: Slot) {
        match slot {
            Slot::Here { owned: true } => self.here_free.store(true, Ordering::SeqCst),
            Slot::Here { owned: false } => {}
            Slot::Worker(w) => self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(w),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(text: &str) -> Job {
        Job {
            name: "en-us+f3".into(),
            rate: 165,
            pitch: 50,
            range: 50,
            data_dir: PathBuf::from("/tmp/some data"),
            text: text.into(),
        }
    }

    #[test]
    fn requests_and_answers_round_trip() {
        let j = job("Hello, 世界.");
        assert_eq!(Job::decode(&j.encode()), Some(j.clone()));
        // Truncated or padded requests are refused.
        let body = j.encode();
        assert_eq!(Job::decode(&body[..body.len() - 1]), None);
        assert_eq!(Job::decode(&[body.clone(), vec![0]].concat()), None);
        let ok = Ok((vec![0i16, -1, 32767, -32768], 22_050));
        assert_eq!(decode_answer(&encode_answer(&ok)), Some(ok));
        let err = Err("no voice".to_string());
        assert_eq!(decode_answer(&encode_answer(&err)), Some(err));
        assert_eq!(decode_answer(&[0, 1, 2, 3, 4, 5]), None);
        assert_eq!(decode_answer(&[7]), None);
        assert_eq!(decode_answer(&[]), None);
    }

    #[test]
    fn frames_are_capped_and_a_closed_input_ends_the_worker() {
        let mut long = Vec::new();
        write_frame(&mut long, &[0u8; 100]).unwrap();
        assert!(read_frame(&mut &long[..], 99).is_err());
        assert_eq!(read_frame(&mut &long[..], 100).unwrap().unwrap().len(), 100);
        assert!(read_frame(&mut &long[..50], 100).is_err());
        assert!(read_frame(&mut &long[..2], 100).is_err());
        assert_eq!(read_frame(&mut &[][..], 100).unwrap(), None);
        let mut out = Vec::new();
        serve(&[][..], &mut out).unwrap();
        assert!(out.is_empty());
        // A malformed request ends the worker with an error.
        let mut bad = Vec::new();
        write_frame(&mut bad, b"xyz").unwrap();
        assert!(serve(&bad[..], &mut out).is_err());
    }
}
