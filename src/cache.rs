//! The clip store: content-addressed audio on disk.
//!
//! Every clip podgen makes (a spoken segment, a resampled sting) is stored
//! under a key that hashes everything that shaped it, as 32-bit float mono WAV
//! at the episode rate. Clips live here rather than in memory, so memory stays
//! bounded however long the episode; and finished work survives a crash.
//! Files are written under a temporary name and renamed into place.

use std::io::{BufWriter, Seek};
use std::path::{Path, PathBuf};

use crate::audio::hound_to_io as to_io;

/// A finished clip on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// The clip's file.
    pub path: PathBuf,
    /// Length in samples at the episode rate.
    pub frames: u64,
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

    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.wav"))
    }

    /// The clip stored under `key`, if there is a complete one.
    pub fn get(&self, key: &str) -> Option<Clip> {
        let path = self.path_of(key);
        let reader = hound::WavReader::open(&path).ok()?;
        let spec = reader.spec();
        let frames = u64::from(reader.duration());
        // The header is read: the reader stands at the first sample.
        let data_start = reader.into_inner().stream_position().ok()?;
        let size = std::fs::metadata(&path).ok()?.len();
        let complete = spec.channels == 1
            && spec.sample_rate == self.rate
            && spec.sample_format == hound::SampleFormat::Float
            && size >= data_start + frames * 4;
        if !complete {
            return None;
        }
        // A hit counts as a use: `podgen cache prune` removes the least recently used.
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        Some(Clip { path, frames })
    }

    /// Store `samples` (mono, at the store's rate) under `key`.
    pub fn put(&self, key: &str, samples: &[f32]) -> std::io::Result<Clip> {
        let path = self.path_of(key);
        let parent = path.parent().expect("clip paths have a parent");
        std::fs::create_dir_all(parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".clip-")
            .tempfile_in(parent)?;
        {
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: self.rate,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            let mut w =
                hound::WavWriter::new(BufWriter::new(tmp.as_file()), spec).map_err(to_io)?;
            for &s in samples {
                w.write_sample(s).map_err(to_io)?;
            }
            w.finalize().map_err(to_io)?;
        }
        tmp.as_file().sync_data()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(Clip {
            path,
            frames: samples.len() as u64,
        })
    }
}

/// What the cache holds: clip count and bytes.
pub fn usage(root: &Path) -> (u64, u64) {
    let mut files = Vec::new();
    walk(&root.join("clips"), &mut files);
    files
        .iter()
        .fold((0, 0), |(n, b), (_, len, _)| (n + 1, b + len))
}

/// Remove clips not used for `max_age` (all of them with `Duration::ZERO`).
/// Returns the clips removed and the bytes freed.
pub fn prune(root: &Path, max_age: std::time::Duration) -> std::io::Result<(u64, u64)> {
    let mut files = Vec::new();
    walk(&root.join("clips"), &mut files);
    let now = std::time::SystemTime::now();
    let (mut n, mut bytes) = (0, 0);
    for (path, len, modified) in files {
        let age = now.duration_since(modified).unwrap_or_default();
        if age >= max_age {
            std::fs::remove_file(&path)?;
            n += 1;
            bytes += len;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_then_get_round_trips_and_ignores_damaged_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = ClipStore::open(dir.path(), 44_100).unwrap();
        let key = crate::hash::hex(b"k");
        assert!(store.get(&key).is_none());
        let clip = store.put(&key, &[0.25, -0.5, 0.125]).unwrap();
        assert_eq!(clip.frames, 3);
        assert_eq!(store.get(&key), Some(clip.clone()));
        assert_eq!(read_clip(&clip.path).unwrap(), vec![0.25, -0.5, 0.125]);
        // A clip cut short (a crash mid-copy, a full disk) is not a hit.
        let bytes = std::fs::read(&clip.path).unwrap();
        std::fs::write(&clip.path, &bytes[..bytes.len() - 4]).unwrap();
        assert!(store.get(&key).is_none());
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
}
