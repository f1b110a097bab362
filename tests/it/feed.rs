//! The show's feed, read by the parsers that will read it for real:
//! podcastparser (PyPI; gPodder's) and podcast-partytime (npm; Podcast
//! Index's), and Python's XML parser for well-formedness and every tag.
//!
//! They come from `scripts/setup-validators.sh` (a venv and an npm folder
//! at `$PODGEN_VALIDATORS`, default `~/.cache/podgen-validators`). Where
//! they are missing the parser checks are skipped with a notice, unless
//! `PODGEN_REQUIRE_VALIDATORS=1` (as in CI), which makes that a failure.

use crate::common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use podgen::mock::{MockOptions, MockServer};

fn validators() -> Option<(PathBuf, PathBuf)> {
    let home = std::env::var_os("PODGEN_VALIDATORS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/podgen-validators"))
        })?;
    let python = home.join("bin/python");
    let node_modules = home.join("npm/node_modules");
    let ok = python.is_file() && node_modules.join("podcast-partytime").is_dir();
    if !ok && std::env::var("PODGEN_REQUIRE_VALIDATORS").as_deref() == Ok("1") {
        panic!(
            "PODGEN_REQUIRE_VALIDATORS=1 but {} lacks podcastparser or podcast-partytime: run scripts/setup-validators.sh",
            home.display()
        );
    }
    ok.then_some((python, node_modules))
}

/// Two episodes of one show rendered into `out/`, the second with `--feed`.
fn two_episodes(s: &Scratch, mock: &MockServer) -> PathBuf {
    // Only the magic bytes are checked for the show's artwork.
    std::fs::write(s.path("art.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let cfg = s.write(
        "podgen.yaml",
        &format!(
            "backends:\n  mock: {{url: '{}/custom/json', body: {{json: {{text: '{{{{text}}}}'}}}}, response: {{audio: raw}}}}\nvoices:\n  narrator: {{backend: mock}}\nshow:\n  title: \"Tech & <Things>\"\n  description: Weekly news, \"quoted\" & escaped\n  author: Newsroom\n  owner: {{name: Newsroom, email: news@example.com}}\n  language: en\n  categories: [Technology, News > Tech News]\n  explicit: false\n  image: art.png\n  link: https://example.com/show\n  base_url: https://example.com/episodes\n",
            mock.url()
        ),
    );
    for (n, date) in [(1, "2024-06-03"), (2, "2024-06-10")] {
        let script = s.write(
            &format!("ep{n}.yaml"),
            &format!(
                "show: Tech\ntitle: \"Episode {n}: <AI> & 'you' 🎉\"\nepisode: ep{n}\ndate: {date}\nnumber: {n}\nintro:\n  text: Welcome to episode {n}.\nitems:\n  - title: News & views\n    text: The first story of episode {n}.\n    links: [\"https://example.com/a?x=1&y=2\"]\n  - title: More\n    text: The second story.\n"
            ),
        );
        let mut args = vec![
            "render",
            script.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
            "-o",
            "out",
            "--quiet",
        ];
        if n == 2 {
            args.push("--feed");
        }
        let o = s.podgen(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    cfg
}

/// Every required tag, read by Python's ElementTree: a JSON summary.
const TAGS_PY: &str = r#"
import json, sys, xml.etree.ElementTree as ET
ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
      "content": "http://purl.org/rss/1.0/modules/content/",
      "atom": "http://www.w3.org/2005/Atom"}
root = ET.parse(sys.argv[1]).getroot()
ch = root.find("channel")
def t(e, path):
    x = e.find(path, ns)
    return None if x is None else (x.text or "")
def a(e, path, attr):
    x = e.find(path, ns)
    return None if x is None else x.get(attr)
out = {"version": root.get("version"),
       "channel": {k: t(ch, k) for k in ["title", "link", "description", "language", "itunes:author",
                                         "itunes:owner/itunes:name", "itunes:owner/itunes:email",
                                         "itunes:explicit", "podcast:guid", "itunes:type"]},
       "image": a(ch, "itunes:image", "href"),
       "self": a(ch, "atom:link", "href"),
       "categories": [[c.get("text")] + [s.get("text") for s in c] for c in ch.findall("itunes:category", ns)],
       "items": []}
for it in ch.findall("item"):
    out["items"].append({
        **{k: t(it, k) for k in ["title", "guid", "pubDate", "itunes:duration", "itunes:episode",
                                 "itunes:episodeType", "description", "content:encoded"]},
        "guid_permalink": a(it, "guid", "isPermaLink"),
        "enclosure": {k: a(it, "enclosure", k) for k in ["url", "length", "type"]},
        "chapters": {k: a(it, "podcast:chapters", k) for k in ["url", "type"]},
        "transcripts": [dict(x.attrib) for x in it.findall("podcast:transcript", ns)],
    })
print(json.dumps(out))
"#;

const PODCASTPARSER_PY: &str = r#"
import json, sys, podcastparser
with open(sys.argv[1], "rb") as f:
    feed = podcastparser.parse("https://example.com/episodes/feed.xml", f)
print(json.dumps(feed, default=str))
"#;

const PARTYTIME_JS: &str = r#"
const { parseFeed } = require("podcast-partytime");
const xml = require("fs").readFileSync(process.argv[2], "utf8");
const feed = parseFeed(xml);
if (!feed) { console.error("partytime could not parse the feed"); process.exit(1); }
console.log(JSON.stringify(feed));
"#;

fn run_json(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> serde_json::Value {
    let mut c = Command::new(program);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{}: {}",
        program.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn tags(s: &Scratch, feed: &Path) -> serde_json::Value {
    let py = s.write("tags.py", TAGS_PY);
    run_json(
        Path::new("python3"),
        &[py.to_str().unwrap(), feed.to_str().unwrap()],
        &[],
    )
}

#[test]
fn the_feed_lists_every_episode_with_every_tag_hosts_need() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = two_episodes(&s, &mock);
    let feed = s.path("out/feed.xml");
    let t = tags(&s, &feed);
    assert_eq!(t["version"], "2.0");
    let ch = &t["channel"];
    assert_eq!(ch["title"], "Tech & <Things>");
    assert_eq!(ch["description"], "Weekly news, \"quoted\" & escaped");
    for key in [
        "link",
        "language",
        "itunes:author",
        "itunes:owner/itunes:name",
        "itunes:owner/itunes:email",
        "podcast:guid",
    ] {
        assert!(
            ch[key].as_str().is_some_and(|v| !v.is_empty()),
            "channel {key}: {ch}"
        );
    }
    assert_eq!(ch["itunes:explicit"], "false");
    assert_eq!(t["image"], "https://example.com/episodes/show-artwork.png");
    assert!(s.path("out/show-artwork.png").is_file());
    assert_eq!(t["self"], "https://example.com/episodes/feed.xml");
    assert_eq!(
        t["categories"],
        serde_json::json!([["Technology"], ["News", "Tech News"]])
    );

    let items = t["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    // Newest first.
    assert_eq!(items[0]["title"], "Episode 2: <AI> & 'you' 🎉");
    assert_eq!(items[0]["pubDate"], "Mon, 10 Jun 2024 00:00:00 +0000");
    assert_eq!(items[1]["pubDate"], "Mon, 03 Jun 2024 00:00:00 +0000");
    for (item, n) in items.iter().zip([2, 1]) {
        let dir = s.path(&format!("out/ep{n}"));
        let m = read_json(&dir.join("render.json"));
        let e = &item["enclosure"];
        assert_eq!(
            e["url"],
            format!("https://example.com/episodes/ep{n}/ep{n}.mp3")
        );
        assert_eq!(e["type"], "audio/mpeg");
        let size = std::fs::metadata(dir.join(format!("ep{n}.mp3")))
            .unwrap()
            .len();
        assert_eq!(
            e["length"],
            size.to_string(),
            "enclosure length is the file's size"
        );
        let seconds = m["totals"]["seconds"].as_f64().unwrap().round() as u64;
        assert_eq!(item["itunes:duration"], seconds.to_string());
        assert_eq!(item["itunes:episode"], n.to_string());
        assert_eq!(item["itunes:episodeType"], "full");
        assert_eq!(item["guid_permalink"], "false");
        assert_eq!(
            item["chapters"]["url"],
            format!("https://example.com/episodes/ep{n}/chapters.json")
        );
        assert_eq!(item["chapters"]["type"], "application/json+chapters");
        let kinds: Vec<&str> = item["transcripts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["type"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"text/vtt") && kinds.contains(&"application/x-subrip"),
            "{kinds:?}"
        );
        assert!(
            item["transcripts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["language"].as_str().unwrap().starts_with("en"))
        );
        // The notes, as text and as HTML whose link keeps its query intact.
        assert!(
            item["description"]
                .as_str()
                .unwrap()
                .contains("News & views")
        );
        let html = item["content:encoded"].as_str().unwrap();
        assert!(
            html.contains("<a href=\"https://example.com/a?x=1&amp;y=2\">News &amp; views</a>"),
            "{html}"
        );
        assert!(html.contains("&lt;AI&gt; &amp; &#39;you&#39;"), "{html}");
    }

    // `podgen feed` writes the same feed; a re-render keeps every GUID.
    let before = std::fs::read_to_string(&feed).unwrap();
    let o = s.podgen(&["feed", "out", "-c", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&feed).unwrap(), before);
    let o = s.podgen(&[
        "render",
        s.path("ep1.yaml").to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
        "--quiet",
        "--no-cache",
        "--feed",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again = tags(&s, &feed);
    let guids = |t: &serde_json::Value| -> Vec<String> {
        t["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["guid"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(guids(&again), guids(&t));
    assert_ne!(guids(&t)[0], guids(&t)[1]);

    let Some((python, node_modules)) = validators() else {
        eprintln!(
            "skipped: podcastparser and podcast-partytime are not installed (scripts/setup-validators.sh)"
        );
        return;
    };
    let py = s.write("podcastparser_check.py", PODCASTPARSER_PY);
    let parsed = run_json(
        &python,
        &[py.to_str().unwrap(), feed.to_str().unwrap()],
        &[],
    );
    assert_eq!(parsed["title"], "Tech & <Things>");
    let episodes = parsed["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), 2);
    for (e, item) in episodes.iter().zip(again["items"].as_array().unwrap()) {
        assert_eq!(e["guid"], item["guid"]);
        assert_eq!(e["title"], item["title"]);
        assert_eq!(
            e["total_time"].as_u64().unwrap().to_string(),
            item["itunes:duration"].as_str().unwrap()
        );
        let enc = &e["enclosures"][0];
        assert_eq!(enc["url"], item["enclosure"]["url"]);
        assert_eq!(
            enc["file_size"].as_u64().unwrap().to_string(),
            item["enclosure"]["length"].as_str().unwrap()
        );
        assert_eq!(e["chapters_json_url"], item["chapters"]["url"]);
        assert!(
            e["transcript_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://example.com/episodes/")),
            "{e}"
        );
    }
    let js = s.write("partytime_check.js", PARTYTIME_JS);
    let party = run_json(
        Path::new("node"),
        &[js.to_str().unwrap(), feed.to_str().unwrap()],
        &[("NODE_PATH", &node_modules)],
    );
    assert_eq!(party["title"], "Tech & <Things>");
    assert_eq!(party["guid"], again["channel"]["podcast:guid"]);
    let items = party["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for (p, item) in items.iter().zip(again["items"].as_array().unwrap()) {
        assert_eq!(p["guid"], item["guid"]);
        assert_eq!(p["enclosure"]["url"], item["enclosure"]["url"]);
        assert_eq!(
            p["enclosure"]["length"].as_u64().unwrap().to_string(),
            item["enclosure"]["length"].as_str().unwrap()
        );
        assert_eq!(
            p["duration"].as_u64().unwrap().to_string(),
            item["itunes:duration"].as_str().unwrap()
        );
        assert_eq!(
            p["itunesEpisode"].as_u64().unwrap().to_string(),
            item["itunes:episode"].as_str().unwrap()
        );
        assert_eq!(p["podcastChapters"]["url"], item["chapters"]["url"]);
        assert_eq!(
            p["podcastTranscripts"].as_array().unwrap().len(),
            item["transcripts"].as_array().unwrap().len()
        );
    }
}

#[test]
fn a_feed_without_a_required_show_field_names_it_and_where_to_set_it() {
    let mock = MockServer::start(0, MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = two_episodes(&s, &mock);
    let text = std::fs::read_to_string(&cfg).unwrap();
    for (line, field) in [
        ("  author: Newsroom\n", "show.author"),
        (
            "  base_url: https://example.com/episodes\n",
            "show.base_url",
        ),
        ("  explicit: false\n", "show.explicit"),
    ] {
        let broken = s.write("broken.yaml", &text.replace(line, ""));
        let o = s.podgen(&["feed", "out", "-c", broken.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(field) && err.contains("broken.yaml"),
            "{field}: {err}"
        );
    }
    // An episode without a date cannot be an item: the error names it.
    let undated = s.write(
        "ep3.yaml",
        "show: Tech\ntitle: Undated\nepisode: ep3\nitems:\n  - title: One\n    text: hello there\n",
    );
    let o = s.podgen(&[
        "render",
        undated.to_str().unwrap(),
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        "out",
        "--quiet",
        "--feed",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("episode ep3") && err.contains("date:"),
        "{err}"
    );
}
