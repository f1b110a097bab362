//! The clip store: content-addressed audio on disk.
//!
//! Every clip podgen makes (a spoken segment, a resampled sting) is stored
//! under a key that hashes everything that shaped it, as 32-bit float mono WAV
//! at the episode rate, with a SHA-256 of its key and its samples in a chunk
//! after them, so that a clip damaged in place, or another clip's file under
//! its name, is never used. Clips live here rather than in memory, so memory
//! stays bounded however long the episode; and finished work survives a crash.
//! Files are written under a temporary name and renamed into place.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::audio::{MAX_SAMPLE_MAGNITUDE, hound_to_io as to_io};
use crate::hash::encode_hex;

/// A finished clip on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// The clip's file.
    pub path: PathBuf,
    /// Length in frames at the episode rate.
    pub frames: u64,
    /// Channels: 1 for speech; stings and beds have the episode's.
    pub channels: u16,
}

/// The clip cache of one sample rate: `<root>/clips/<key[..2]>/<key>.wav`.
pub struct ClipStore {
    dir: PathBuf,
    rate: u32,
}

/// The cache folder: `$PODGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/podgen`,
/// else `~/.cache/podgen`, else `.podgen-cache` in the current directory.
pub fn default_root() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = env("PODGEN_CACHE_DIR") {
        return dir;
    }
    if let Some(dir) = env("XDG_CACHE_HOME") {
        return dir.join("podgen");
    }
    if let Some(home) = env("HOME") {
        return home.join(".cache").join("podgen");
    }
    PathBuf::from(".podgen-cache")
}

impl ClipStore {
    /// Open (creating if needed) the store for clips at `rate` Hz under `root`.
    pub fn open(root: &Path, rate: u32) -> std::io::Result<Self> {
        let dir = root.join("clips");
        std::fs::create_dir_all(&dir)?;
        Ok(ClipStore { dir, rate })
    }

    /// Where the clip of `key` lives: a folder per first two characters,
    /// so that no folder holds all of a large cache.
    fn path_of(&self, key: &str) -> PathBuf {
        let folder = key.get(..2).unwrap_or("__");
        self.dir.join(folder).join(format!("{key}.wav"))
    }

    /// The clip stored under `key`, if there is a complete, intact one: its
    /// header as podgen writes it, and its samples matching the checksum
    /// stored after them. Anything else (damage, a cut, a file from another
    /// version) is a miss, and the clip is made again.
    pub fn get(&self, key: &str) -> Option<Clip> {
        let path = self.path_of(key);
        let (frames, channels) = match verify(&path, key, self.rate).ok()? {
            Verdict::Intact { frames, channels } => (frames, channels),
            Verdict::Legacy {
                frames,
                channels,
                seal,
            } => {
                reseal(&path, frames * 4 * u64::from(channels), &seal).ok()?;
                (frames, channels)
            }
            Verdict::Unusable => return None,
        };
        // A hit counts as a use: `podgen cache prune` removes the least recently used.
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        Some(Clip {
            path,
            frames,
            channels,
        })
    }

    /// Store `samples` (interleaved `channels`, 1 or 2, at the store's rate)
    /// under `key`.
    pub fn put(&self, key: &str, samples: &[f32], channels: u16) -> std::io::Result<Clip> {
        if !(1..=2).contains(&channels) || !samples.len().is_multiple_of(usize::from(channels)) {
            return Err(std::io::Error::other(format!(
                "a clip of {} samples in {channels} channels cannot be stored",
                samples.len()
            )));
        }
        let data_bytes = samples.len() as u64 * 4;
        if data_bytes + CLIP_OVERHEAD > u64::from(u32::MAX) {
            return Err(std::io::Error::other(format!(
                "a clip of {} samples is more than a WAV file can hold",
                samples.len()
            )));
        }
        let path = self.path_of(key);
        let parent = path.parent().expect("clip paths have a parent");
        std::fs::create_dir_all(parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".clip-")
            .tempfile_in(parent)?;
        {
            let mut w = BufWriter::new(tmp.as_file());
            w.write_all(&clip_header(self.rate, channels, data_bytes as u32))?;
            let mut digest = sealed_for(key);
            // One buffer for all chunks: a clip is written in 16 KiB pieces.
            let mut bytes = Vec::with_capacity(4 * 4096);
            for chunk in samples.chunks(4096) {
                bytes.clear();
                bytes.extend(chunk.iter().flat_map(|s| s.to_le_bytes()));
                digest.update(&bytes);
                w.write_all(&bytes)?;
            }
            w.write_all(CHECKSUM_CHUNK)?;
            w.write_all(&32u32.to_le_bytes())?;
            w.write_all(&digest.finalize())?;
            w.flush()?;
        }
        tmp.as_file().sync_data()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(Clip {
            path,
            frames: (samples.len() / usize::from(channels)) as u64,
            channels,
        })
    }
}

/// `path` opened for reading, if it is a regular file. What the cache holds
/// is checked before it is opened: a FIFO put in a clip's place would block
/// `open()` forever, a device would be read without end. Anything else is an
/// error, which callers take as a miss.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    std::fs::File::open(path)
}

/// Whether a sample read from the cache is one an answer could have given:
/// a number, within [`MAX_SAMPLE_MAGNITUDE`] of full scale.
fn is_plausible_sample(s: f32) -> bool {
    s.is_finite() && s.abs() <= MAX_SAMPLE_MAGNITUDE
}

/// What the checksum of a clip starts with: the clip format, then the key.
/// A clip written before the key was in it (the samples alone) is checked
/// by that older checksum once and sealed again with its key ([`reseal`]),
/// so that a cache made by an earlier podgen is not paid for twice.
const CLIP_SEAL: &[u8] = b"podgen-clip-2\n";

/// The checksum of the clip stored under `key`, its samples still to come.
fn sealed_for(key: &str) -> Sha256 {
    let mut digest = Sha256::new();
    digest.update(CLIP_SEAL);
    digest.update(key.as_bytes());
    digest.update(b"\n");
    digest
}

/// The chunk after the samples that holds their checksum (see [`sealed_for`]).
const CHECKSUM_CHUNK: &[u8; 4] = b"pgsm";
/// Header (44 bytes) and checksum chunk (8 + 32 bytes) around the samples.
const CLIP_OVERHEAD: u64 = 44 + 40;

/// The 44-byte header of a clip: 32-bit float WAV of `channels` at `rate`
/// whose data chunk holds `data_bytes`, followed after the data by the
/// checksum chunk.
fn clip_header(rate: u32, channels: u16, data_bytes: u32) -> [u8; 44] {
    let block = 4 * channels;
    let mut h = [0u8; 44];
    h[..4].copy_from_slice(b"RIFF");
    let riff = 4 + (8 + 16) + (8 + data_bytes) + (8 + 32);
    h[4..8].copy_from_slice(&riff.to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&3u16.to_le_bytes()); // IEEE float
    h[22..24].copy_from_slice(&channels.to_le_bytes());
    h[24..28].copy_from_slice(&rate.to_le_bytes());
    h[28..32].copy_from_slice(&(rate * u32::from(block)).to_le_bytes());
    h[32..34].copy_from_slice(&block.to_le_bytes());
    h[34..36].copy_from_slice(&32u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

/// What a clip file on disk is.
enum Verdict {
    /// Whole, and sealed with its key.
    Intact { frames: u64, channels: u16 },
    /// Whole, with the checksum of its samples alone that podgen wrote
    /// before clips were sealed with their keys; `seal` is the checksum it
    /// is sealed with now.
    Legacy {
        frames: u64,
        channels: u16,
        seal: [u8; 32],
    },
    /// Damaged, cut, another key's, or holding samples no answer may hold.
    Unusable,
}

/// Whether the clip at `path` is intact for `key` (see [`Verdict`]). The
/// samples are read and hashed once; only a clip whose checksum is not its
/// key's is read a second time, for the older checksum.
fn verify(path: &Path, key: &str, rate: u32) -> std::io::Result<Verdict> {
    use std::io::{Read as _, Seek as _};
    let mut f = BufReader::new(open_regular(path)?);
    let mut header = [0u8; 44];
    f.read_exact(&mut header)?;
    let data_bytes = u32::from_le_bytes(header[40..44].try_into().expect("4 bytes"));
    let channels = u16::from_le_bytes([header[22], header[23]]);
    if !(1..=2).contains(&channels)
        || header != clip_header(rate, channels, data_bytes)
        || data_bytes % (4 * u32::from(channels)) != 0
    {
        return Ok(Verdict::Unusable);
    }
    let data_bytes = u64::from(data_bytes);
    let Some(seal) = digest_samples(&mut f, data_bytes, sealed_for(key))? else {
        return Ok(Verdict::Unusable);
    };
    let mut tail = [0u8; 40];
    f.read_exact(&mut tail)?;
    let frames = data_bytes / (4 * u64::from(channels));
    if &tail[..4] != CHECKSUM_CHUNK || tail[4..8] != 32u32.to_le_bytes() {
        return Ok(Verdict::Unusable);
    }
    if tail[8..] == seal {
        return Ok(Verdict::Intact { frames, channels });
    }
    f.seek(std::io::SeekFrom::Start(44))?;
    let legacy = digest_samples(&mut f, data_bytes, Sha256::new())?;
    Ok(if legacy.is_some_and(|sum| tail[8..] == sum) {
        Verdict::Legacy {
            frames,
            channels,
            seal,
        }
    } else {
        Verdict::Unusable
    })
}

/// `digest` of the `data_bytes` of samples `f` reads next, or None at the
/// first sample no answer is allowed to hold.
fn digest_samples(
    f: &mut impl std::io::Read,
    data_bytes: u64,
    mut digest: Sha256,
) -> std::io::Result<Option<[u8; 32]>> {
    let mut left = data_bytes;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n])?;
        if !buf[..n]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
            .all(is_plausible_sample)
        {
            return Ok(None);
        }
        digest.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(Some(digest.finalize().into()))
}

/// Seal a legacy clip at `path` with its key: `seal` written in place of
/// the checksum after its `data_bytes` of samples. A crash halfway leaves a
/// checksum that matches nothing: a miss, never a clip trusted wrongly.
fn reseal(path: &Path, data_bytes: u64, seal: &[u8; 32]) -> std::io::Result<()> {
    use std::io::Seek as _;
    let mut f = std::fs::File::options().write(true).open(path)?;
    f.seek(std::io::SeekFrom::Start(44 + data_bytes + 8))?;
    f.write_all(seal)?;
    f.sync_data()
}

/// What a level sidecar starts with; a new measure of level needs a new one,
/// so that levels measured the old way are not trusted.
const LEVEL_FORMAT: &str = "podgen-level-1";

fn sidecar_of(clip: &Path) -> PathBuf {
    clip.with_extension("level")
}

fn is_sidecar(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "level")
}

/// The checksum stored at the end of `clip` (of its key and samples): what
/// ties a sidecar to it.
fn checksum_of(clip: &Clip) -> std::io::Result<[u8; 32]> {
    use std::io::{Read as _, Seek as _};
    let mut f = open_regular(&clip.path)?;
    let data = clip.frames * 4 * u64::from(clip.channels);
    f.seek(std::io::SeekFrom::Start(44 + data + 8))?;
    let mut sum = [0u8; 32];
    f.read_exact(&mut sum)?;
    Ok(sum)
}

/// Far more than a sidecar's one line takes.
const MAX_SIDECAR_BYTES: u64 = 256;

/// The speech level stored beside `clip` (`<key>.level`, the outer None
/// when there is none for this very clip: missing, not a regular file,
/// damaged, stale, written by an older podgen, or a level no clip could
/// have: not a positive number within [`MAX_SAMPLE_MAGNITUDE`]). The inner
/// None is "no level": a silent clip.
pub fn stored_level(clip: &Clip) -> Option<Option<f32>> {
    use std::io::Read as _;
    let mut text = String::new();
    open_regular(&sidecar_of(&clip.path))
        .ok()?
        .take(MAX_SIDECAR_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let mut words = text.split_whitespace();
    if words.next()? != LEVEL_FORMAT || words.next()? != encode_hex(&checksum_of(clip).ok()?) {
        return None;
    }
    let level = match words.next()? {
        "none" => None,
        x => Some(
            x.parse::<f32>()
                .ok()
                .filter(|l| *l > 0.0 && is_plausible_sample(*l))?,
        ),
    };
    words.next().is_none().then_some(level)
}

/// Keep `level` beside `clip` (written whole under a temporary name, then
/// renamed, like the clip), so later renders need not read the clip to know it.
pub fn store_level(clip: &Clip, level: Option<f32>) -> std::io::Result<()> {
    let sum = encode_hex(&checksum_of(clip)?);
    // f32's Display is the shortest text that parses back to the same bits.
    let level = level.map_or_else(|| "none".to_string(), |l| l.to_string());
    let path = sidecar_of(&clip.path);
    let parent = path.parent().expect("clip paths have a parent");
    let mut tmp = tempfile::Builder::new()
        .prefix(".level-")
        .tempfile_in(parent)?;
    writeln!(tmp, "{LEVEL_FORMAT} {sum} {level}")?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// What the cache holds: clip count and bytes (level sidecars are counted
/// in the bytes, not as clips).
pub fn usage(root: &Path) -> (u64, u64) {
    let mut files = Vec::new();
    walk(&root.join("clips"), &mut files);
    files.iter().fold((0, 0), |(n, b), (path, len, _)| {
        (n + u64::from(!is_sidecar(path)), b + len)
    })
}

/// Remove clips not used for `max_age` (all of them with `Duration::ZERO`),
/// each with its level sidecar, and sidecars whose clip is gone.
/// Returns the clips removed and the bytes freed.
pub fn prune(root: &Path, max_age: std::time::Duration) -> std::io::Result<(u64, u64)> {
    let mut files = Vec::new();
    walk(&root.join("clips"), &mut files);
    let now = std::time::SystemTime::now();
    let (mut n, mut bytes) = (0, 0);
    let remove = |path: &Path| match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        other => other.map(|()| true),
    };
    for (path, len, modified) in files {
        if is_sidecar(&path) {
            // One goes with its clip (below; a hit touches only the clip).
            if !path.with_extension("wav").exists() && remove(&path)? {
                bytes += len;
            }
            continue;
        }
        let age = now.duration_since(modified).unwrap_or_default();
        if age >= max_age {
            std::fs::remove_file(&path)?;
            n += 1;
            bytes += len;
            let sidecar = sidecar_of(&path);
            if let Ok(meta) = std::fs::metadata(&sidecar)
                && remove(&sidecar)?
            {
                bytes += meta.len();
            }
        }
    }
    Ok((n, bytes))
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, std::time::SystemTime)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            walk(&path, out);
        } else if let Ok(m) = meta.modified() {
            out.push((path, meta.len(), m));
        }
    }
}

/// Read a whole clip back (tests and small tools; the master streams instead).
pub fn read_clip(path: &Path) -> std::io::Result<Vec<f32>> {
    let mut r = hound::WavReader::open(path).map_err(to_io)?;
    r.samples::<f32>().collect::<Result<_, _>>().map_err(to_io)
}

/// A clip open for reading its samples in bulk, from any frame: the mix
/// reads every clip of an episode on every pass, and a clip is always the
/// one layout podgen writes (44-byte header, f32 samples, checksum), so no
/// general WAV reader is needed, nor a `Result` per sample.
pub struct ClipReader {
    file: std::fs::File,
    path: PathBuf,
    channels: usize,
    frames: u64,
    /// The frame the next read starts at.
    position: u64,
    bytes: Vec<u8>,
}

impl ClipReader {
    /// Open the clip at `path`; its header must be one podgen writes.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        use std::io::Read as _;
        let mut file = open_regular(path)?;
        let mut header = [0u8; 44];
        file.read_exact(&mut header)
            .map_err(|e| read_failure(path, e))?;
        let word = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
        let (rate, data_bytes) = (word(24), word(40));
        let channels = u16::from_le_bytes([header[22], header[23]]);
        if !(1..=2).contains(&channels)
            || header != clip_header(rate, channels, data_bytes)
            || data_bytes % (4 * u32::from(channels)) != 0
        {
            return Err(std::io::Error::other(format!(
                "{} is not a clip podgen wrote",
                path.display()
            )));
        }
        Ok(ClipReader {
            file,
            path: path.to_path_buf(),
            channels: usize::from(channels),
            frames: u64::from(data_bytes / (4 * u32::from(channels))),
            position: 0,
            bytes: Vec::new(),
        })
    }

    /// Frames in the clip.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Channels of the clip.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Read on from `frame` (at most the clip's length).
    pub fn seek_frame(&mut self, frame: u64) -> std::io::Result<()> {
        use std::io::Seek as _;
        let frame = frame.min(self.frames);
        let at = 44 + frame * 4 * self.channels as u64;
        self.file.seek(std::io::SeekFrom::Start(at))?;
        self.position = frame;
        Ok(())
    }

    /// Fill `out` with the next whole frames (interleaved); returns the
    /// frames read, fewer than `out` holds only at the end of the clip.
    pub fn read_frames(&mut self, out: &mut [f32]) -> std::io::Result<usize> {
        use std::io::Read as _;
        debug_assert_eq!(out.len() % self.channels, 0);
        let wanted = (out.len() / self.channels) as u64;
        let n = wanted.min(self.frames - self.position) as usize;
        let samples = n * self.channels;
        self.bytes.resize(4 * samples, 0);
        self.file
            .read_exact(&mut self.bytes)
            .map_err(|e| read_failure(&self.path, e))?;
        for (y, b) in out[..samples].iter_mut().zip(self.bytes.chunks_exact(4)) {
            *y = f32::from_le_bytes(b.try_into().expect("4 bytes"));
        }
        self.position += n as u64;
        Ok(n)
    }
}

/// A clip's read that failed: said as cut short when the file ended early,
/// else with the clip's path in front of the cause.
fn read_failure(path: &Path, e: std::io::Error) -> std::io::Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return std::io::Error::other(format!("the clip {} is cut short", path.display()));
    }
    let kind = e.kind();
    std::io::Error::new(
        kind,
        ClipReadError {
            path: path.to_path_buf(),
            source: e,
        },
    )
}

/// A clip that could not be read (inside the `io::Error`, which keeps it as
/// its source chain).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
struct ClipReadError {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_then_get_round_trips_and_ignores_damaged_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 44_100).unwrap();
        let key = crate::hash::hex(b"k");
        assert!(store.get(&key).is_none());
        let clip = store.put(&key, &[0.25, -0.5, 0.125], 1).unwrap();
        assert_eq!(clip.frames, 3);
        assert_eq!(store.get(&key), Some(clip.clone()));
        assert_eq!(read_clip(&clip.path).unwrap(), vec![0.25, -0.5, 0.125]);
        // A clip cut short (a crash mid-copy, a full disk) is not a hit.
        let bytes = std::fs::read(&clip.path).unwrap();
        std::fs::write(&clip.path, &bytes[..bytes.len() - 4]).unwrap();
        assert!(store.get(&key).is_none());
        // Another clip's file under this key is not a hit, though whole.
        let other_key = crate::hash::hex(b"other");
        let other = store.put(&other_key, &[0.25, -0.5, 0.125], 1).unwrap();
        std::fs::copy(&other.path, &clip.path).unwrap();
        assert!(store.get(&key).is_none());
        std::fs::remove_file(&other.path).unwrap();
        // Pruning by age keeps recent clips; pruning everything empties the store.
        assert_eq!(
            prune(dir.path(), std::time::Duration::from_secs(3600)).unwrap(),
            (0, 0)
        );
        assert_eq!(usage(dir.path()).0, 1);
        assert_eq!(prune(dir.path(), std::time::Duration::ZERO).unwrap().0, 1);
        assert_eq!(usage(dir.path()), (0, 0));
        std::fs::create_dir_all(clip.path.parent().unwrap()).unwrap();
        // Another rate is another store.
        let other = ClipStore::open(dir.path(), 48_000).unwrap();
        std::fs::write(&clip.path, &bytes).unwrap();
        assert!(other.get(&key).is_none());
    }

    #[test]
    fn clips_and_levels_no_answer_could_give_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 44_100).unwrap();
        for (i, bad) in [f32::NAN, f32::INFINITY, -1e30, 65.0]
            .into_iter()
            .enumerate()
        {
            let key = crate::hash::hex(&[i as u8]);
            store.put(&key, &[0.25, bad, 0.125], 1).unwrap();
            assert!(store.get(&key).is_none(), "a clip holding {bad}");
        }
        let clip = store.put(&crate::hash::hex(b"ok"), &[0.5; 10], 1).unwrap();
        for bad in [f32::NAN, f32::INFINITY, 0.0, -0.5, 1e30] {
            store_level(&clip, Some(bad)).unwrap();
            assert_eq!(stored_level(&clip), None, "a level of {bad}");
        }
    }

    #[test]
    fn clip_reader_reads_what_hound_reads_from_any_frame() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 44_100).unwrap();
        let samples: Vec<f32> = (0..10_000).map(|i| (i as f32 * 0.37).sin()).collect();
        let clip = store.put(&crate::hash::hex(b"st"), &samples, 2).unwrap();
        let mut r = ClipReader::open(&clip.path).unwrap();
        assert_eq!((r.frames(), r.channels()), (5000, 2));
        let mut all = vec![0.0; 10_002];
        assert_eq!(r.read_frames(&mut all).unwrap(), 5000);
        assert_eq!(all[..10_000], read_clip(&clip.path).unwrap()[..]);
        r.seek_frame(4990).unwrap();
        let mut tail = vec![0.0; 40];
        assert_eq!(r.read_frames(&mut tail).unwrap(), 10);
        assert_eq!(tail[..20], samples[9980..]);
        assert_eq!(r.read_frames(&mut tail).unwrap(), 0);
        // A clip cut short after it was opened says so.
        let bytes = std::fs::read(&clip.path).unwrap();
        std::fs::write(&clip.path, &bytes[..1000]).unwrap();
        r.seek_frame(0).unwrap();
        let e = r.read_frames(&mut all).unwrap_err().to_string();
        assert!(e.contains("cut short"), "{e}");
        std::fs::write(&clip.path, b"RIFF").unwrap();
        assert!(ClipReader::open(&clip.path).is_err());
    }

    #[test]
    fn level_sidecars_go_with_their_clips_and_are_not_clips() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 44_100).unwrap();
        let a = store.put(&crate::hash::hex(b"a"), &[0.5; 10], 1).unwrap();
        let b = store.put(&crate::hash::hex(b"b"), &[0.25; 10], 1).unwrap();
        store_level(&a, Some(0.5)).unwrap();
        store_level(&b, None).unwrap();
        assert_eq!(stored_level(&a), Some(Some(0.5)));
        assert_eq!(stored_level(&b), Some(None));
        let len = |p: &Path| std::fs::metadata(p).unwrap().len();
        let (a_level, b_level) = (sidecar_of(&a.path), sidecar_of(&b.path));
        let (a_len, b_len) = (len(&a_level), len(&b_level));
        let clip_bytes = 40 + CLIP_OVERHEAD;
        assert_eq!(usage(dir.path()), (2, 2 * clip_bytes + a_len + b_len));
        // A sidecar whose clip is gone goes; the others stay with theirs.
        std::fs::remove_file(&b.path).unwrap();
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(prune(dir.path(), hour).unwrap(), (0, b_len));
        assert!(!b_level.exists() && a_level.exists());
        // A clip goes with its sidecar.
        let freed = clip_bytes + a_len;
        assert_eq!(
            prune(dir.path(), std::time::Duration::ZERO).unwrap(),
            (1, freed)
        );
        assert_eq!(usage(dir.path()), (0, 0));
        // Another clip under the same key is not described by the old sidecar.
        let a = store.put(&crate::hash::hex(b"a"), &[0.5; 10], 1).unwrap();
        store_level(&a, Some(0.5)).unwrap();
        let old = std::fs::read(&a_level).unwrap();
        let a = store.put(&crate::hash::hex(b"a"), &[0.5; 12], 1).unwrap();
        std::fs::write(&a_level, old).unwrap();
        assert_eq!(stored_level(&a), None);
    }
}
