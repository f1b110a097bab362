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
