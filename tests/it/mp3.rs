//! The MP3: ID3v2.3 tag with chapters that match chapters.json, a LAME
//! Info tag whose frame count, delay and padding give back exactly the
//! mastered samples (gapless), the loudness target as decoded (by the
//! tests' own BS.1770 meter), and the bitrate asked for.

use serde_json::json;

use crate::common::*;

#[test]
fn the_mp3_carries_chapters_metadata_exact_gapless_info_and_the_loudness_target() {
    let ep = example_episode();
    let (wav, _) = ep.wav();
    let bytes = std::fs::read(ep.file("mp3")).unwrap();

    // ID3v2.3 in front.
    assert_eq!(&bytes[..4], b"ID3\x03");
    check_tag(
        &id3::Tag::read_from_path(ep.file("mp3")).unwrap(),
        &ep.chapters(),
    );
    check_gapless(&bytes, wav.len());

    // It decodes, at the episode's rate, to about that length (decoders differ on the delay).
    let mp3 = podgen::audio::decode::decode_bytes(bytes.clone()).unwrap();
    assert_eq!((mp3.rate, mp3.channels), (44_100, 1));
    assert!(
        mp3.frames().abs_diff(wav.len()) < 1152 * 3,
        "{} vs {}",
        mp3.frames(),
        wav.len()
    );

    // As decoded, it reads the target too: LAME alone loses about 0.4 LU,
    // which podgen measures and gives back.
    let lufs = integrated_lufs(&mp3.samples, mp3.rate);
    let peak = mp3.samples.iter().fold(0f32, |p, s| p.max(s.abs()));
    let m = ep.manifest();
    eprintln!(
        "MP3: {lufs:.2} LUFS, sample peak {:.2} dBFS; render.json mp3: {}",
        dbfs(peak),
        m["mp3"]
    );
    assert!((lufs + 16.0).abs() <= 0.3, "{lufs} LUFS");
    assert!(dbfs(peak) <= -1.0, "{} dBFS", dbfs(peak));
    let stats = &m["mp3"];
    assert_eq!(
        (stats["kbps"].as_u64(), stats["channels"].as_u64()),
        (Some(96), Some(1))
    );
    assert!(
        (stats["lufs"].as_f64().unwrap() - lufs).abs() < 0.1,
        "{stats}"
    );
    assert!(stats["true_peak_dbtp"].as_f64().unwrap() <= -1.0, "{stats}");
    // Written once: the master aims before it writes, and the MP3 encoded
    // while it writes reads the target at once (scripts/mp3_prediction.sh
    // counts how often a first encode misses over a spread of settings).
    assert_eq!(stats["passes"].as_u64(), Some(1), "{stats}");
    assert_eq!(m["master"]["passes"].as_u64(), Some(1), "{}", m["master"]);
}

/// The example's ID3 tag: title, show, year, and a chapter per entry of
/// chapters.json (`json`), at its times, with its title and link.
fn check_tag(tag: &id3::Tag, json: &serde_json::Value) {
    use id3::TagLike;
    assert_eq!(tag.title(), Some("2024年6月第二期"));
    assert_eq!(tag.artist(), Some("AI大模型周报"));
    assert_eq!(tag.year(), Some(2024));
    let tocs: Vec<_> = tag.tables_of_contents().collect();
    assert_eq!(tocs.len(), 1);
    assert!(tocs[0].top_level && tocs[0].ordered);
    let chapters: Vec<_> = tag.chapters().collect();
    assert_eq!(
        tocs[0].elements,
        chapters
            .iter()
            .map(|c| c.element_id.clone())
            .collect::<Vec<_>>()
    );
    let listed = array(&json["chapters"]);
    assert_eq!(chapters.len(), listed.len());
    for (c, j) in chapters.iter().zip(listed) {
        assert_eq!(
            c.start_time as f64 / 1000.0,
            j["startTime"].as_f64().unwrap()
        );
        assert_eq!(c.end_time as f64 / 1000.0, j["endTime"].as_f64().unwrap());
        assert_eq!((c.start_offset, c.end_offset), (0xFFFF_FFFF, 0xFFFF_FFFF));
        let title = c
            .frames
            .iter()
            .find(|f| f.id() == "TIT2")
            .and_then(|f| f.content().text())
            .unwrap();
        assert_eq!(title, j["title"].as_str().unwrap());
        let url = c
            .frames
            .iter()
            .find(|f| f.id() == "WXXX")
            .and_then(|f| f.content().extended_link())
            .map(|l| l.link.clone());
        assert_eq!(url.as_deref(), j["url"].as_str());
    }
}

/// The first MP3 frame after the tag is LAME's Info tag, and it gives back
/// exactly `samples`.
fn check_gapless(bytes: &[u8], samples: usize) {
    // The first MP3 frame is LAME's Info tag: frames x 1152 - delay - padding
    // is exactly the WAV's sample count.
    let audio = &bytes[10 + syncsafe(&bytes[6..10])..];
    assert_eq!(
        (audio[0], audio[1] & 0xE0),
        (0xFF, 0xE0),
        "no MP3 frame after the tag"
    );
    let info = find(&audio[..600], b"Info")
        .or_else(|| find(&audio[..600], b"Xing"))
        .expect("Info tag");
    let flags = u32::from_be_bytes(audio[info + 4..info + 8].try_into().unwrap());
    assert!(flags & 1 == 1, "frame count present");
    let frames = u32::from_be_bytes(audio[info + 8..info + 12].try_into().unwrap()) as u64;
    let lame = find(&audio[..600], b"LAME").expect("LAME extension");
    let ext = &audio[lame..lame + 36];
    let delay = ((ext[21] as u64) << 4) | (ext[22] as u64 >> 4);
    let padding = (((ext[22] & 0x0F) as u64) << 8) | ext[23] as u64;
    assert_eq!(
        frames * 1152 - delay - padding,
        samples as u64,
        "frames {frames}, delay {delay}, padding {padding}"
    );
}

/// Every MPEG-1 Layer III frame header after the ID3 tag: (kbps, frame bytes).
fn frames(bytes: &[u8]) -> Vec<(u32, usize)> {
    const KBPS: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const RATES: [u32; 3] = [44_100, 48_000, 32_000];
    let mut at = 10 + syncsafe(&bytes[6..10]);
    let mut out = Vec::new();
    while at + 4 <= bytes.len() {
        let h = &bytes[at..at + 4];
        assert_eq!(
            (h[0], h[1] & 0xFE),
            (0xFF, 0xFA),
            "not an MPEG-1 Layer III frame at byte {at}"
        );
        let kbps = KBPS[(h[2] >> 4) as usize];
        let rate = RATES[((h[2] >> 2) & 3) as usize];
        let len = (144 * kbps * 1000 / rate) as usize + usize::from((h[2] >> 1) & 1);
        out.push((kbps, len));
        at += len;
    }
    out
}

#[test]
fn audio_mp3_kbps_sets_the_bitrate_of_every_frame() {
    let s = Scratch::new();
    let script =
        one_sentence("rate", "Hello there, and welcome to a short show.").write(&s, "issue.yaml");
    let render = |audio: serde_json::Value, out: &str| {
        let cfg = Config::new().audio(audio).write(&s, "podgen.yaml");
        s.cmd("render").arg(&script).config(&cfg).out(out).quiet()
    };
    let ep = s.episode("out", "rate");
    for (audio, kbps) in [(json!({}), 96), (json!({"mp3_kbps": 128}), 128)] {
        render(audio.clone(), "out").ok();
        let bytes = std::fs::read(ep.file("mp3")).unwrap();
        let all = frames(&bytes);
        assert!(all.len() > 50, "{} frames", all.len());
        assert!(all.iter().all(|(k, _)| *k == kbps), "{audio}: {all:?}");
        assert_eq!(ep.manifest()["mp3"]["kbps"].as_u64(), Some(u64::from(kbps)));
    }
    // No MP3, no readings of one.
    render(json!({"formats": ["wav"]}), "wav").ok();
    assert!(s.episode("wav", "rate").manifest()["mp3"].is_null());
}

#[test]
fn formats_choose_the_files() {
    let s = Scratch::new();
    let script = one_sentence("only-mp3", "Hello there.").write(&s, "issue.yaml");
    let config = |formats: &[&str]| {
        Config::new()
            .audio(json!({"formats": formats}))
            .write(&s, "podgen.yaml")
    };
    let cfg = config(&["mp3"]);
    s.cmd("render")
        .arg(&script)
        .config(&cfg)
        .out("out")
        .quiet()
        .ok();
    let ep = s.episode("out", "only-mp3");
    assert!(ep.file("mp3").is_file());
    assert!(!ep.file("wav").exists());
    let cfg = config(&["flac"]);
    s.cmd("render")
        .arg(&script)
        .config(&cfg)
        .out("out2")
        .fails(2, &["names no format podgen writes"]);
}

/// The episode `id` of one item reading `text`.
fn one_sentence(id: &str, text: &str) -> Script {
    Script::named(id).item(Item::new("A", text))
}

fn syncsafe(b: &[u8]) -> usize {
    b.iter().fold(0, |n, &x| (n << 7) | (x & 0x7F) as usize)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn the_cover_and_chapter_images_are_embedded() {
    // A 1x1 PNG.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let s = Scratch::new();
    std::fs::write(s.path("cover.png"), PNG).unwrap();
    std::fs::create_dir_all(s.path("img")).unwrap();
    std::fs::write(s.path("img/one.png"), PNG).unwrap();
    let script = Script::named("pics")
        .set("cover", "cover.png")
        .item(Item::new("One", "Hello there.").set("image", "img/one.png"))
        .item(Item::new("Two", "And again."))
        .write(&s, "issue.yaml");
    s.render(&script);
    let tag = id3::Tag::read_from_path(s.episode("out", "pics").file("mp3")).unwrap();
    let covers: Vec<_> = tag.pictures().collect();
    assert_eq!(covers.len(), 1);
    assert_eq!(
        (covers[0].mime_type.as_str(), covers[0].data.as_slice()),
        ("image/png", PNG)
    );
    let chapters: Vec<_> = tag.chapters().collect();
    let pictures = |i: usize| {
        chapters[i]
            .frames
            .iter()
            .filter(|f| f.id() == "APIC")
            .count()
    };
    assert_eq!((pictures(0), pictures(1)), (1, 0));
}
