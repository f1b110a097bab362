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
