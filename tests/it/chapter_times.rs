//! Every chapter listing gives the same times, because they are one list
//! of sample positions (render.json's chapters) formatted by one clock:
//! chapters.json and the ID3 CHAP frames to the millisecond, notes.md, the
//! episode page and the feed's show notes as `m:ss`.

use crate::common::*;
use podgen::mock::{MockOptions, MockServer};

/// `m:ss` of a sample position: the second shows once it has begun.
fn short(sample: u64, rate: u64) -> String {
    let s = sample / rate;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The millisecond nearest to a sample position.
fn ms(sample: u64, rate: u64) -> u64 {
    (sample * 1000 + rate / 2) / rate
}

#[test]
fn every_chapter_listing_gives_the_times_its_samples_give() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    std::fs::write(s.path("art.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let cfg = s.write(
        "podgen.yaml",
        &format!(
            "backends:\n  mock: {{url: '{}/custom/json', body: {{json: {{text: '{{{{text}}}}'}}}}, response: {{audio: raw}}}}\nvoices:\n  narrator: {{backend: mock}}\nshow:\n  title: Times\n  description: Chapter times\n  author: Newsroom\n  owner: {{name: Newsroom, email: news@example.com}}\n  language: en\n  categories: [Technology]\n  explicit: false\n  image: art.png\n  link: https://example.com/show\n  base_url: https://example.com/episodes\n",
            mock.url()
        ),
    );
    let script = s.write(
        "ep.yaml",
        "show: Times\ntitle: Chapter times\nepisode: ep\ndate: 2024-06-03\nintro:\n  text: Welcome to the show about chapter times.\nitems:\n  - title: First\n    text: The first story, told at some length so that it takes a while.\n    links: [\"https://example.com/one\"]\n  - title: Second\n    text: The second story.\n  - title: Third\n    text: The third story, and the last one before the outro.\n    links: [\"https://example.com/three\"]\n",
    );
    let o = s.render_config(&script, &cfg, "out");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.podgen(&["feed", "out", "-c", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = s.path("out/ep");
    let manifest = read_json(&dir.join("render.json"));
    let rate = manifest["settings"]["sample_rate"].as_u64().unwrap();
    let marks: Vec<(String, u64, u64)> = manifest["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap().to_string(),
                c["start_sample"].as_u64().unwrap(),
                c["end_sample"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(marks.len(), 4, "intro and three items");

    // To the millisecond: chapters.json and the MP3's CHAP frames.
    let file = read_json(&dir.join("chapters.json"));
    let listed = file["chapters"].as_array().unwrap();
    let tag = id3::Tag::read_from_path(dir.join("ep.mp3")).unwrap();
    let chaps: Vec<_> = tag.chapters().collect();
    assert_eq!((listed.len(), chaps.len()), (marks.len(), marks.len()));
    for (((title, start, end), json), chap) in marks.iter().zip(listed).zip(&chaps) {
        assert_eq!(json["title"].as_str(), Some(title.as_str()));
        assert_eq!(
            json["startTime"].as_f64().unwrap(),
            ms(*start, rate) as f64 / 1000.0
        );
        assert_eq!(
            json["endTime"].as_f64().unwrap(),
            ms(*end, rate) as f64 / 1000.0
        );
        assert_eq!(u64::from(chap.start_time), ms(*start, rate));
        assert_eq!(u64::from(chap.end_time), ms(*end, rate));
    }

    // As `m:ss`: notes.md, the page's chapter list and the feed's notes.
    let notes = std::fs::read_to_string(dir.join("notes.md")).unwrap();
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let feed = std::fs::read_to_string(s.path("out/feed.xml")).unwrap();
    for (title, start, _) in &marks {
        let when = short(*start, rate);
        assert!(
            notes.contains(&format!("- {when} ")),
            "{when} {title}: {notes}"
        );
        assert!(
            page.contains(&format!(
                "<span class=\"time\">{when}</span><span class=\"title\">{title}</span>"
            )),
            "{when} {title}"
        );
        assert!(
            feed.contains(&format!("\n{when} {title}")),
            "{when} {title}: {feed}"
        );
        assert!(
            feed.contains(&format!("<li>{when} ")),
            "{when} {title}: {feed}"
        );
    }
}

#[test]
fn chapters_of_pauses_only_last_as_long_as_their_pauses() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("stings")).unwrap();
    std::fs::copy(
        root().join("examples/stings/intro.wav"),
        s.path("stings/intro.wav"),
    )
    .unwrap();
    // An intro of a sting and a pause, a pause-only item between spoken
    // ones, and a pause-only outro.
    let script = s.write(
        "gaps.yaml",
        "show: S\ntitle: Gaps\nepisode: gaps\nintro:\n  sting: stings/intro.wav\n  text: \"[pause 2s]\"\nitems:\n  - title: One\n    text: The first story.\n  - title: Gap\n    lines:\n      - pause: 5s\n  - title: Held\n    text: \"[pause 4s]\"\n  - title: Three\n    text: The third story.\noutro:\n  text: \"[pause 3s]\"\n",
    );
    s.render(&script);
    let ep = s.episode("out", "gaps");
    let m = ep.manifest();
    let rate = m["settings"]["sample_rate"].as_u64().unwrap();
    let item_pause = m["settings"]["pauses_samples"]["item"].as_u64().unwrap();
    let sting = m["stings"][0]["samples"].as_u64().unwrap();
    let spans: Vec<std::ops::Range<usize>> = array(&m["chapters"]).iter().map(span).collect();
    let len = |i: usize| (spans[i].end - spans[i].start) as u64;
    // Each chapter runs to the next one's start: its own time, then the
    // item pause (the last runs to the end).
    assert_eq!(len(0), sting + 2 * rate + item_pause, "intro: {spans:?}");
    assert_eq!(len(2), 5 * rate + item_pause, "the pause line: {spans:?}");
    assert_eq!(len(3), 4 * rate + item_pause, "the pause marker: {spans:?}");
    assert_eq!(len(5), 3 * rate, "the outro: {spans:?}");
    // chapters.json says the same, and the WAV holds silence there.
    let chapters = ep.chapters();
    for (c, sp) in array(&chapters["chapters"]).iter().zip(&spans) {
        let ms = |x: usize| ((x as u64 * 1000 + rate / 2) / rate) as f64 / 1000.0;
        assert_eq!(c["startTime"].as_f64().unwrap(), ms(sp.start));
        assert_eq!(c["endTime"].as_f64().unwrap(), ms(sp.end));
    }
    let (samples, spec) = ep.wav();
    let channels = usize::from(spec.channels);
    assert_eq!(samples.len() / channels, spans[5].end);
    for i in [2, 3, 5] {
        let quiet = &samples[spans[i].start * channels..spans[i].end * channels];
        assert!(
            quiet.iter().all(|x| x.abs() < 1e-3),
            "chapter {i} is not silent"
        );
    }
}
