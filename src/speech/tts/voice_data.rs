//! The built-in voice's data on disk: eSpeak NG's tables and dictionaries,
//! extracted from the binary into the cache folder, patched once (see
//! [`deepen_third_tone`]), and checked before every use against a manifest
//! of each file's size and SHA-256, written last. The engine trusts its data
//! (a cut dictionary crashes it), so data that does not match its manifest,
//! or has none, is extracted again and put in place whole.

use std::io::Read as _;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::hash::encode_hex;

/// The manifest's name inside the data folder.
const MANIFEST: &str = "podgen-manifest";
/// Its first line: a new layout needs a new one.
const MANIFEST_FORMAT: &str = "podgen-voice-data-1";
/// Files the engine cannot speak without; a manifest that lists fewer is
/// not one podgen wrote.
const REQUIRED: [&str; 6] = [
    "phontab",
    "phonindex",
    "phondata",
    "intonations",
    "en_dict",
    "cmn_dict",
];
/// Far more than a manifest of eSpeak NG's few hundred files takes.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// Make sure `data_dir` holds the whole data: verified when it is there,
/// extracted again (through a staging folder under `cache_root`) when it is
/// missing or damaged.
pub(super) fn ensure(cache_root: &Path, data_dir: &Path) -> std::io::Result<()> {
    if is_whole(data_dir) {
        return Ok(());
    }
    std::fs::create_dir_all(cache_root)?;
    let staging = tempfile::Builder::new()
        .prefix(".espeak-ng-data-")
        .tempdir_in(cache_root)?;
    extract(staging.path())?;
    replace(cache_root, staging.path(), data_dir)
}

/// Extract the bundled data into `dir`, patch it, and write its manifest
/// last, so that a folder with a manifest is a finished one.
fn extract(dir: &Path) -> std::io::Result<()> {
    espeak_ng_data_phonemes::install(dir)?;
    espeak_ng_data_dict_en::install(dir)?;
    espeak_ng_data_dict_cmn::install(dir)?;
    let phontab = dir.join("phontab");
    let mut table = std::fs::read(&phontab)?;
    deepen_third_tone(&mut table);
    std::fs::write(&phontab, table)?;
    let manifest = manifest_of(dir)?;
    std::fs::write(dir.join(MANIFEST), manifest)
}

/// Put the finished `staging` folder at `data_dir`: what is there (damaged
/// data, a file) is moved aside first, then removed, since a folder cannot
/// be renamed over one that is not empty.
fn replace(cache_root: &Path, staging: &Path, data_dir: &Path) -> std::io::Result<()> {
    let stale = tempfile::Builder::new()
        .prefix(".espeak-ng-data-stale-")
        .tempdir_in(cache_root)?;
    let aside = stale.path().join("data");
    // Nothing there is fine; what was there goes when `stale` is dropped.
    let _ = std::fs::rename(data_dir, &aside);
    match std::fs::rename(staging, data_dir) {
        Ok(()) => Ok(()),
        // Another podgen put its own copy there first.
        Err(_) if is_whole(data_dir) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The manifest of every file under `dir`: the format line, one line per
/// file (`<sha256> <size> <path>`, sorted), and a last line holding the
/// SHA-256 of the lines before it.
fn manifest_of(dir: &Path) -> std::io::Result<String> {
    let mut files = Vec::new();
    list_files(dir, dir, &mut files)?;
    files.sort();
    let mut text = format!("{MANIFEST_FORMAT}\n");
    for rel in files {
        let (size, sum) = size_and_sum(&dir.join(&rel))?;
        text.push_str(&format!("{sum} {size} {rel}\n"));
    }
    let seal = crate::hash::hex(text.as_bytes());
    text.push_str(&format!("end {seal}\n"));
    Ok(text)
}

/// The paths (relative to `root`, `/`-separated) of the regular files under
/// `dir`. Anything else in a folder podgen wrote is damage.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let kind = std::fs::symlink_metadata(&path)?.file_type();
        if kind.is_dir() {
            list_files(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(root).expect("under the root");
            let rel = rel.to_str().ok_or_else(|| {
                std::io::Error::other(format!("a file name that is not UTF-8: {}", path.display()))
            })?;
            out.push(rel.replace(std::path::MAIN_SEPARATOR, "/"));
        } else {
            return Err(std::io::Error::other(format!(
                "not a file or folder: {}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The size and SHA-256 of the regular file at `path`, read in pieces.
fn size_and_sum(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut digest = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok((size, encode_hex(&digest.finalize())));
        }
        digest.update(&buf[..n]);
        size += n as u64;
    }
}

/// Whether `data_dir` holds a sealed manifest that names the required files,
/// and every file it names is a regular file of that size and checksum.
fn is_whole(data_dir: &Path) -> bool {
    let Some(entries) = read_manifest(&data_dir.join(MANIFEST)) else {
        return false;
    };
    let named = |name: &str| entries.iter().any(|(_, _, rel)| rel == name);
    // The folder holds exactly the files the manifest names: a file it
    // leaves out would go unchecked.
    let mut present = Vec::new();
    if list_files(data_dir, data_dir, &mut present).is_err() {
        return false;
    }
    present.retain(|rel| rel != MANIFEST);
    present.sort();
    let mut listed: Vec<&str> = entries.iter().map(|(_, _, rel)| rel.as_str()).collect();
    listed.sort_unstable();
    REQUIRED.iter().all(|r| named(r))
        && present == listed
        && entries.iter().all(|(sum, size, rel)| {
            let path = data_dir.join(rel);
            // Checked before opening: a FIFO would block the open forever.
            std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() == *size)
                && size_and_sum(&path).is_ok_and(|(n, s)| n == *size && s == *sum)
        })
}

/// The entries `(sha256, size, path)` of a sealed manifest (None when it is
/// missing, not a regular file, too large, or its seal does not match).
fn read_manifest(path: &Path) -> Option<Vec<(String, u64, String)>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
    let (body, last) = text.split_at(body_end);
    if last != format!("end {}\n", crate::hash::hex(body.as_bytes())) {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != MANIFEST_FORMAT {
        return None;
    }
    lines
        .map(|line| {
            let (sum, rest) = line.split_once(' ')?;
            let (size, rel) = rest.split_once(' ')?;
            let safe = !rel.is_empty()
                && !rel.starts_with('/')
                && rel.split('/').all(|part| !part.is_empty() && part != "..");
            safe.then(|| Some((sum.to_string(), size.parse().ok()?, rel.to_string())))?
        })
        .collect()
}

/// eSpeak NG draws Mandarin's full third tone (214) from pitch 18 to 42 on
/// its 0-50 scale, through a dip: a 3-2-4 contour, shallower than the
/// textbook 2-1-4, so that 马 barely dips below its start. podgen starts it
/// at 14 instead (the only change made to the upstream data; measured by
/// `tests/it/tones.rs`). The tone phonemes `214` and `3` of the `cmn` table are
/// patched where they hold upstream's values; any other data is left as it is.
fn deepen_third_tone(phontab: &mut [u8]) {
    const ENTRY: usize = 16; // sizeof(PHONEME_TAB)
    const NAME: usize = 32; // N_PHONEME_TAB_NAME
    let Some(&tables) = phontab.first() else {
        return;
    };
    let mut at = 4;
    for _ in 0..tables {
        let Some(header) = phontab.get(at..at + 4 + NAME) else {
            return;
        };
        let count = usize::from(header[0]);
        let is_cmn = header[4..].split(|&b| b == 0).next() == Some(b"cmn");
        at += 4 + NAME;
        let Some(entries) = phontab.get_mut(at..at + count * ENTRY) else {
            return;
        };
        if is_cmn {
            for e in entries.chunks_exact_mut(ENTRY) {
                let mnemonic = &e[..4];
                // start_type (pitch1) at byte 12, end_type (pitch2) at 13.
                if (mnemonic == b"214\0" || mnemonic == b"3\0\0\0") && e[12] == 18 && e[13] == 42 {
                    e[12] = 14;
                }
            }
        }
        at += count * ENTRY;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_tone_is_deepened_in_the_shipped_data_and_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        espeak_ng_data_phonemes::install(dir.path()).unwrap();
        let original = std::fs::read(dir.path().join("phontab")).unwrap();
        let mut patched = original.clone();
        deepen_third_tone(&mut patched);
        let changed: Vec<usize> = (0..original.len())
            .filter(|&i| original[i] != patched[i])
            .collect();
        // Two phonemes (214 and its alias 3), one byte each: 18 -> 14.
        assert_eq!(changed.len(), 2, "{changed:?}");
        for i in changed {
            assert_eq!((original[i], patched[i]), (18, 14));
        }
        // Patching twice changes nothing more.
        let again = {
            let mut p = patched.clone();
            deepen_third_tone(&mut p);
            p
        };
        assert_eq!(again, patched);
        // Truncated data is left alone, without a panic.
        let mut short = original[..100].to_vec();
        deepen_third_tone(&mut short);
        assert_eq!(short, original[..100]);
    }

    #[test]
    fn a_manifest_edited_or_cut_is_not_trusted() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        ensure(root.path(), &data).unwrap();
        assert!(is_whole(&data));
        let path = data.join(MANIFEST);
        let text = std::fs::read_to_string(&path).unwrap();
        // A line dropped (its file then unchecked): the seal no longer matches.
        let cut: String = text
            .lines()
            .filter(|l| !l.ends_with(" en_dict"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&path, &cut).unwrap();
        assert!(!is_whole(&data));
        // A file no render requires left out and the manifest sealed again,
        // as only a deliberate edit would be: that file is then one the
        // manifest does not name, and the folder is not whole.
        let optional = text
            .lines()
            .find(|l| {
                let rel = l.rsplit(' ').next().unwrap();
                l.len() > 64 && !REQUIRED.contains(&rel) && !l.starts_with("end ")
            })
            .unwrap()
            .to_string();
        let cut: String = text
            .lines()
            .filter(|l| *l != optional)
            .map(|l| format!("{l}\n"))
            .collect();
        let body = cut.trim_end_matches('\n');
        let body = &body[..=body.rfind('\n').unwrap()];
        let resealed = format!("{body}end {}\n", crate::hash::hex(body.as_bytes()));
        std::fs::write(&path, resealed).unwrap();
        assert!(!is_whole(&data), "a file the manifest leaves out passed");
        // Healed: extracted again, whole.
        ensure(root.path(), &data).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        // No staging or stale folder left behind.
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    /// Fuzz-style: a small data folder of the required files, then its
    /// manifest edited (and sealed again, as only a deliberate edit would
    /// be) or its files damaged, a few hundred ways. Whenever the folder is
    /// taken as whole, every file is exactly what was written.
    #[test]
    fn damaged_data_or_an_edited_manifest_never_passes_for_whole() {
        let mut state = 0x5EED_u64;
        let mut next = move |n: usize| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n as u64) as usize
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let mut files: Vec<(String, Vec<u8>)> = REQUIRED
            .iter()
            .map(|name| (name.to_string(), name.repeat(40).into_bytes()))
            .collect();
        files.push(("voices/xx".into(), b"voice".to_vec()));
        let write_all = || {
            std::fs::create_dir_all(dir.join("voices")).unwrap();
            for (rel, bytes) in &files {
                let path = dir.join(rel);
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).unwrap();
                }
                std::fs::write(path, bytes).unwrap();
            }
        };
        write_all();
        let manifest = manifest_of(dir).unwrap();
        let intact = |files: &[(String, Vec<u8>)]| {
            files
                .iter()
                .all(|(rel, bytes)| std::fs::read(dir.join(rel)).is_ok_and(|b| &b == bytes))
        };
        for _ in 0..400 {
            write_all();
            let mut lines: Vec<String> = manifest.lines().map(str::to_string).collect();
            lines.pop(); // the seal, made again below
            for _ in 0..=next(3) {
                let at = 1 + next(lines.len() - 1);
                match next(6) {
                    0 => drop(lines.remove(at)),
                    1 => lines.push(lines[at].clone()),
                    2 => lines[at] = lines[at].replacen(' ', " 1", 1),
                    3 => lines[at] = lines[at].replace(" voices/", " ./voices/"),
                    4 => {
                        let (rel, _) = &files[next(files.len())];
                        let path = dir.join(rel);
                        let len = std::fs::metadata(&path).map_or(0, |m| m.len());
                        if let Ok(f) = std::fs::File::options().write(true).open(&path) {
                            f.set_len(len.saturating_sub(1 + next(4) as u64)).unwrap();
                        }
                    }
                    _ => {
                        let (rel, _) = &files[next(files.len())];
                        let path = dir.join(rel);
                        let _ = std::fs::remove_file(&path);
                        if next(2) == 0 {
                            std::fs::create_dir_all(&path).unwrap();
                        }
                    }
                }
            }
            let mut body: String = lines.iter().map(|l| format!("{l}\n")).collect();
            if next(4) > 0 {
                body.push_str(&format!("end {}\n", crate::hash::hex(body.as_bytes())));
            }
            std::fs::write(dir.join(MANIFEST), &body).unwrap();
            if is_whole(dir) {
                assert!(intact(&files), "a damaged folder passed with:\n{body}");
            }
        }
    }
}
