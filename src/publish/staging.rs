//! The staging folder an episode is built in, and the move into place.
//!
//! Every file is written into `<output>/.podgen-staging-<pid>-*` first. When
//! all are complete, the episode folder is replaced as a whole: files the
//! user put in the old folder move into the new one, podgen's own files of
//! the old render are dropped, and the old folder is kept until the new one
//! is in place. So a failed render leaves the old episode as it was, and a
//! finished one never mixes files of two renders. Staging folders that no
//! live process owns (a render killed with SIGKILL) are removed by the next
//! render into the same output folder.

use std::path::{Path, PathBuf};

use serde::Serialize;

const STAGING_PREFIX: &str = ".podgen-staging-";
const OLD_PREFIX: &str = ".podgen-old-";

/// Files for one episode, built in `<output>/.podgen-staging-<pid>-*`.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    episode: String,
    /// The output root, when this render created it (removed again on failure).
    created_root: Option<PathBuf>,
}

/// The names podgen writes into an episode folder: anything else there is
/// the user's and survives a re-render.
pub fn own_files(episode: &str) -> Vec<String> {
    let mut names: Vec<String> = ["mp3", "wav", "vtt", "srt", "json", "m4a", "opus"]
        .iter()
        .map(|ext| format!("{episode}.{ext}"))
        .collect();
    names.extend(
        [
            "chapters.json",
            "notes.md",
            "render.json",
            "transcript.json",
            "index.html",
            "cover.jpg",
            "cover.png",
        ]
        .iter()
        .map(|n| n.to_string()),
    );
    names
}

fn error(message: String) -> std::io::Error {
    std::io::Error::other(message)
}

impl Staging {
    /// Start staging the episode that will live in `output_root/episode`.
    pub fn new(output_root: &Path, episode: &str) -> std::io::Result<Self> {
        let created_root = (!output_root.exists()).then(|| output_root.to_path_buf());
        std::fs::create_dir_all(output_root)?;
        remove_stale(output_root);
        let target = output_root.join(episode);
        check_target(&target)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(output_root)?;
        Ok(Staging {
            dir,
            target,
            episode: episode.to_string(),
            created_root,
        })
    }

    /// The episode folder the staged files will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where to write the staged file `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write `value` as pretty JSON to the staged file `name`.
    pub fn write_json(&self, name: &str, value: &impl Serialize) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(self.path(name), text)
    }

    /// Write `text` to the staged file `name`.
    pub fn write_text(&self, name: &str, text: &str) -> std::io::Result<()> {
        std::fs::write(self.path(name), text)
    }

    /// Put the staged episode in place of the old one, whole. On failure the
    /// old episode is back where it was and nothing is left staged.
    pub fn commit(self) -> std::io::Result<PathBuf> {
        check_target(&self.target)?;
        if !self.target.exists() {
            std::fs::rename(self.dir.path(), &self.target)?;
            return Ok(self.target.clone());
        }
        // The user's files move into the new folder; podgen's old ones stay
        // behind. Should anything fail, the user's files go back first.
        let moved = self.take_user_files()?;
        let swapped = self.swap_in();
        if swapped.is_err() {
            for name in &moved {
                let _ = std::fs::rename(self.dir.path().join(name), self.target.join(name));
            }
        }
        swapped.map(|()| self.target.clone())
    }

    /// Move the files of the old episode folder that are not podgen's into
    /// the staging folder; returns their names. On failure, none is moved.
    fn take_user_files(&self) -> std::io::Result<Vec<std::ffi::OsString>> {
        let own = own_files(&self.episode);
        let mut moved = Vec::new();
        let result = (|| {
            for entry in std::fs::read_dir(&self.target)? {
                let name = entry?.file_name();
                let staged = self.dir.path().join(&name);
                if own.iter().any(|o| name == o.as_str()) || staged.exists() {
                    continue;
                }
                std::fs::rename(self.target.join(&name), staged)?;
                moved.push(name);
            }
            Ok(())
        })();
        if let Err(e) = result {
            for name in &moved {
                let _ = std::fs::rename(self.dir.path().join(name), self.target.join(name));
            }
            return Err(e);
        }
        Ok(moved)
    }

    /// Replace the old folder by the staged one, keeping the old one until
    /// the new one is in place.
    fn swap_in(&self) -> std::io::Result<()> {
        let root = self
            .target
            .parent()
            .expect("the target is inside the output root");
        // Named after the episode, so that should podgen die between the two
        // renames, the next render puts the old folder back (remove_stale).
        let old = root.join(format!(
            "{OLD_PREFIX}{}-{}",
            std::process::id(),
            self.episode
        ));
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(&self.target, &old)?;
        if let Err(e) = std::fs::rename(self.dir.path(), &self.target) {
            let _ = std::fs::rename(&old, &self.target);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }

    /// Give up: remove the staged files, and the output root if this render made it.
    pub fn abandon(self) {
        let root = self.created_root.clone();
        drop(self);
        if let Some(root) = root {
            // Only if empty: never remove anything the user put there.
            let _ = std::fs::remove_dir(root);
        }
    }
}

/// The episode folder may be missing or a real folder; a link or a file in
/// its place is the user's, and podgen does not write through or over it.
fn check_target(target: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.file_type().is_symlink() => Err(error(format!(
            "{} is a symbolic link; podgen replaces an episode folder whole and does not write through links: remove the link, or render elsewhere with -o",
            target.display()
        ))),
        Ok(m) if !m.is_dir() => Err(error(format!(
            "{} is a file, where the episode folder goes: move it away, or render elsewhere with -o",
            target.display()
        ))),
        Ok(_) => Ok(()),
    }
}

/// Remove staging and old folders of renders that are no longer running.
fn remove_stale(output_root: &Path) {
    let Ok(entries) = std::fs::read_dir(output_root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(STAGING_PREFIX)
            .or_else(|| name.strip_prefix(OLD_PREFIX))
        else {
            continue;
        };
        let owner: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        let stale = match owner {
            Some(pid) => pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists(),
            // Older podgen versions did not name the owner: stale after a day.
            None => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400),
        };
        if !stale {
            continue;
        }
        // An old episode folder whose replacement never arrived goes back.
        let episode = rest.split_once('-').map(|(_, e)| e).unwrap_or_default();
        let target = output_root.join(episode);
        if name.starts_with(OLD_PREFIX)
            && !episode.is_empty()
            && std::fs::symlink_metadata(&target).is_err()
            && std::fs::rename(entry.path(), &target).is_ok()
        {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_taken_ids_give_an_episode_file_the_name_of_another() {
        let clashes = |id: &str| {
            let mut names: Vec<String> = own_files(id).iter().map(|n| n.to_lowercase()).collect();
            names.sort();
            names.windows(2).any(|w| w[0] == w[1])
        };
        for id in crate::input::script::TAKEN_IDS {
            assert!(clashes(id), "{id}");
            assert!(clashes(&id.to_uppercase()), "{id}");
        }
        for id in [
            "2024-06-2",
            "notes",
            "index",
            "chapter",
            "render.x",
            "episode",
        ] {
            assert!(!clashes(id), "{id}");
        }
    }

    #[test]
    fn stale_staging_goes_and_an_orphaned_old_episode_comes_back() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        // A process that is gone (pids stop far below this) left three folders.
        std::fs::create_dir_all(r.join(".podgen-staging-999999999-abc")).unwrap();
        std::fs::create_dir_all(r.join(".podgen-old-999999999-ep1")).unwrap();
        std::fs::write(r.join(".podgen-old-999999999-ep1/ep1.wav"), "old").unwrap();
        std::fs::create_dir_all(r.join(".podgen-old-999999999-ep2")).unwrap();
        std::fs::create_dir_all(r.join("ep2")).unwrap();
        // This process's own staging stays.
        let mine = format!(".podgen-staging-{}-x", std::process::id());
        std::fs::create_dir_all(r.join(&mine)).unwrap();
        remove_stale(r);
        let mut names: Vec<String> = std::fs::read_dir(r)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [mine.as_str(), "ep1", "ep2"]);
        assert_eq!(
            std::fs::read_to_string(r.join("ep1/ep1.wav")).unwrap(),
            "old"
        );
    }
}
