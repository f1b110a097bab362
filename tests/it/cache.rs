//! The clip cache: an edit sends exactly the segments it changed again,
//! and a damaged clip (zeroed in place, or its size rewritten) is a miss
//! that is made again, never a clip that is used.

use std::collections::BTreeSet;

use podgen::mock::MockOptions;
use serde_json::json;

use crate::common::*;

#[test]
fn editing_one_item_resends_exactly_its_changed_segments() {
    let s = Scratch::with_mock(MockOptions::default());
    let server = s.mock();
    let config = Config::host_on(Backend::openai(&server.url()));
    let script = Script::digest(5, "edit");
    let out = s.render_into(&config, &script, "out", "cache");
    assert!(out.status.success());
    let before = server.requests().len();
    assert_eq!(before, 10);
    let edited = script.clone().edit_item(3, |item| {
        item.set(
            "text",
            "Item 3 opens with a first sentence. Then item 3 closes differently now.",
        )
    });
    assert_ne!(edited.text(), script.text());
    let out = s.render_into(&config, &edited, "out", "cache");
    assert!(out.status.success());
    let sent: BTreeSet<String> = server.requests()[before..]
        .iter()
        .filter_map(|r| r.text.clone())
        .collect();
    // Sent as spoken: the digit read out.
    assert_eq!(
        sent,
        BTreeSet::from(["Then item three closes differently now.".to_string()])
    );
}

#[test]
fn a_damaged_cache_clip_is_a_miss_and_is_made_again() {
    let s = Scratch::with_mock(MockOptions::default());
    let mock = s.mock();
    let cfg = Config::new()
        .backend("m", Backend::openai(&mock.url()))
        .voice("narrator", Voice::on("m").id("alloy"))
        .audio(json!({"formats": ["wav"]}))
        .write(&s, "m.podgen.yaml");
    let sc = Script::one_item("A sentence for the cache to keep.").write(&s, "s.yaml");
    let render = || {
        s.cmd("render")
            .arg(&sc)
            .config(&cfg)
            .out("out")
            .quiet()
            .ok()
    };
    let wav = s.episode("out", "hostile").file("wav");
    render();
    let first = read_wav(&wav).0;
    let clips: Vec<_> = walk(&s.cache().join("clips"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    assert_eq!(clips.len(), 1);
    let requests = mock.requests().len();

    // Damage the clip with `damage`, render again: the render made the clip
    // again (one more request) and the episode is the same.
    let damaged_is_made_again = |damage: &dyn Fn(&mut Vec<u8>), what: &str| {
        let before = mock.requests().len();
        let mut bytes = std::fs::read(&clips[0]).unwrap();
        damage(&mut bytes);
        std::fs::write(&clips[0], &bytes).unwrap();
        render();
        assert_eq!(
            mock.requests().len(),
            before + 1,
            "the {what} clip was used"
        );
        assert_eq!(read_wav(&wav).0, first);
    };
    // In place, same size: a run of samples in the middle zeroed.
    damaged_is_made_again(
        &|bytes| {
            let mid = bytes.len() / 2;
            bytes[mid..mid + 4000].fill(0);
        },
        "damaged",
    );
    // The data size rewritten shorter.
    damaged_is_made_again(
        &|bytes| {
            let data = bytes.windows(4).position(|w| w == b"data").unwrap();
            let size = u32::from_le_bytes(bytes[data + 4..data + 8].try_into().unwrap());
            bytes[data + 4..data + 8].copy_from_slice(&(size / 2).to_le_bytes());
        },
        "shortened",
    );
    assert_eq!(mock.requests().len(), requests + 2);
}

/// Every file under `dir`, by its path inside it, with its bytes.
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn damaged_built_in_voice_data_is_extracted_again() {
    let s = Scratch::new();
    let render = |text: &str| {
        let sc = Script::one_item(text).write(&s, "v.yaml");
        s.cmd("render").arg(sc).out("out").quiet().ok();
        let (samples, _) = s.episode("out", "hostile").wav();
        assert!(
            samples.iter().any(|x| x.abs() > 0.01),
            "no audio for {text:?}"
        );
    };
    render("A first sentence.");
    let data = std::fs::read_dir(s.cache())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("espeak-ng-data-")
        })
        .expect("the voice data folder");
    let whole = snapshot(&data);
    let halve = |name: &str| {
        let path = data.join(name);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    };
    let damages: [(&str, &dyn Fn()); 6] = [
        ("en_dict cut in half", &|| halve("en_dict")),
        ("cmn_dict cut in half", &|| halve("cmn_dict")),
        ("phondata cut in half", &|| halve("phondata")),
        ("phonindex emptied", &|| {
            std::fs::write(data.join("phonindex"), b"").unwrap()
        }),
        ("intonations deleted", &|| {
            std::fs::remove_file(data.join("intonations")).unwrap()
        }),
        ("phontab deleted", &|| {
            std::fs::remove_file(data.join("phontab")).unwrap()
        }),
    ];
    for (i, (what, damage)) in damages.into_iter().enumerate() {
        damage();
        // A new sentence each time, so that the engine runs (no cached clip).
        render(&format!(
            "Sentence {} after the data was damaged.",
            ["two", "three", "four", "five", "six", "seven"][i]
        ));
        assert!(
            snapshot(&data) == whole,
            "the data is not whole again after: {what}"
        );
    }
}

/// A render with the mock, a sting and the WAV format, for the tests that
/// damage what it leaves in the cache: the scratch folder, the mock, the
/// render (asserting success, within a guard against a hang) and the
/// episode's samples the first time.
struct Cached {
    s: Scratch,
    config: std::path::PathBuf,
    script: std::path::PathBuf,
}

impl Cached {
    fn new() -> (Cached, Vec<f32>) {
        let s = Scratch::with_mock(MockOptions::default());
        let config = Config::new()
            .backend("m", Backend::openai(&s.mock().url()))
            .voice("narrator", Voice::on("m").id("alloy"))
            .audio(json!({"formats": ["wav"]}))
            .write(&s, "m.podgen.yaml");
        std::fs::write(s.path("sting.wav"), wav_file(22_050, 1, 1, 16, &tone_s16())).unwrap();
        let script = Script::one_item("A sentence for the cache to keep. And a second one.")
            .intro(json!({"sting": "sting.wav", "text": "Hello."}))
            .write(&s, "s.yaml");
        let c = Cached { s, config, script };
        let first = c.render();
        (c, first)
    }

    /// Render, failing the test if it takes more than two minutes (a hang
    /// on a FIFO, not a measure of speed: a render takes a second).
    fn render(&self) -> Vec<f32> {
        let mut child = self
            .s
            .cmd("render")
            .arg(&self.script)
            .config(&self.config)
            .out("out")
            .quiet()
            .spawn();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("the render hung");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let mut err = String::new();
        use std::io::Read as _;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(status.success(), "{status}: {err}");
        self.s.episode("out", "hostile").wav().0
    }

    /// The cached files whose names end in `ext` (`wav` clips, `level` sidecars).
    fn files(&self, ext: &str) -> Vec<std::path::PathBuf> {
        walk(&self.s.cache().join("clips"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .collect()
    }

    fn requests(&self) -> usize {
        self.s.mock().requests().len()
    }
}

fn mkfifo(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn a_pipe_in_place_of_a_cached_clip_or_level_is_a_miss_not_a_hang() {
    let (c, first) = Cached::new();
    let speech = c.requests();
    assert_eq!(
        c.files("wav").len(),
        speech + 1,
        "speech clips and the sting's"
    );
    assert!(!c.files("level").is_empty());
    for sidecar in c.files("level") {
        mkfifo(&sidecar);
    }
    assert!(c.render() == first, "another episode");
    assert_eq!(
        c.requests(),
        speech,
        "a level is measured again, not the clip made"
    );
    for clip in c.files("wav") {
        mkfifo(&clip);
    }
    assert!(c.render() == first, "another episode");
    assert_eq!(c.requests(), 2 * speech, "every speech clip made again");
}

/// The clip at `path` with `bytes`, its checksum made to match them again as
/// podgen computes it (the key, then the samples): damage it cannot see by
/// the checksum alone.
fn resealed(path: &std::path::Path, bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    let key = path.file_stem().unwrap().to_str().unwrap();
    let data = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
    let mut sum = sha2::Sha256::new();
    sum.update(format!("podgen-clip-2\n{key}\n"));
    sum.update(&bytes[44..44 + data]);
    let mut out = bytes.to_vec();
    out[44 + data + 8..44 + data + 40].copy_from_slice(&sum.finalize());
    out
}

#[test]
fn a_cached_level_or_clip_out_of_range_is_measured_or_made_again() {
    let (c, first) = Cached::new();
    let speech = c.requests();
    for bad in ["NaN", "inf", "-inf", "1e30", "-0.5", "0", "65"] {
        for sidecar in c.files("level") {
            let text = std::fs::read_to_string(&sidecar).unwrap();
            let mut words: Vec<&str> = text.split_whitespace().collect();
            *words.last_mut().unwrap() = bad;
            std::fs::write(&sidecar, words.join(" ") + "\n").unwrap();
        }
        assert!(c.render() == first, "a level of {bad} was used");
    }
    assert_eq!(c.requests(), speech);
    for (i, bad) in [f32::NAN, f32::INFINITY, 1e30].into_iter().enumerate() {
        for clip in c.files("wav") {
            let mut bytes = std::fs::read(&clip).unwrap();
            let at = 44 + 4 * 100;
            bytes[at..at + 4].copy_from_slice(&bad.to_le_bytes());
            std::fs::write(&clip, resealed(&clip, &bytes)).unwrap();
        }
        assert!(c.render() == first, "a clip holding {bad} was used");
        assert_eq!(
            c.requests(),
            speech * (i + 2),
            "every speech clip made again"
        );
    }
}

#[test]
fn clips_swapped_in_the_cache_are_made_again_not_used() {
    let (c, first) = Cached::new();
    let speech = c.requests();
    let clips = c.files("wav");
    // Each clip file moved to the next one's name: each is whole, none is
    // the clip its key names.
    let bytes: Vec<Vec<u8>> = clips.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for (i, clip) in clips.iter().enumerate() {
        std::fs::write(clip, &bytes[(i + 1) % bytes.len()]).unwrap();
    }
    assert!(c.render() == first, "swapped clips were used");
    assert_eq!(c.requests(), 2 * speech, "every speech clip made again");
}

/// The clip at `path` as the podgen before key-sealed clips wrote it: the
/// checksum of its samples alone.
fn as_before_keys(path: &std::path::Path) -> Vec<u8> {
    use sha2::Digest as _;
    let mut bytes = std::fs::read(path).unwrap();
    let data = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
    let sum = sha2::Sha256::digest(&bytes[44..44 + data]);
    bytes[44 + data + 8..44 + data + 40].copy_from_slice(&sum);
    bytes
}

#[test]
fn clips_an_earlier_podgen_cached_are_used_and_sealed_with_their_keys() {
    // A cache made before clips were sealed with their keys is paid work:
    // each clip is checked by the checksum it was written with, used, and
    // sealed with its key in place, once.
    let (c, first) = Cached::new();
    let speech = c.requests();
    let clips = c.files("wav");
    let sealed: Vec<Vec<u8>> = clips.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for clip in &clips {
        let old = as_before_keys(clip);
        assert_ne!(old, std::fs::read(clip).unwrap());
        std::fs::write(clip, old).unwrap();
    }
    assert!(c.render() == first, "another episode");
    assert_eq!(c.requests(), speech, "no clip made again");
    for (clip, sealed) in clips.iter().zip(&sealed) {
        assert!(
            std::fs::read(clip).unwrap() == *sealed,
            "{} is sealed with its key again",
            clip.display()
        );
    }
    // A damaged old clip is still a miss.
    for clip in &clips {
        let mut damaged = as_before_keys(clip);
        damaged[100] ^= 0x01;
        std::fs::write(clip, damaged).unwrap();
    }
    assert!(c.render() == first, "another episode");
    assert_eq!(c.requests(), 2 * speech, "every damaged clip made again");
}
