//! The show's feed, read by the parsers that will read it for real:
//! podcastparser (PyPI; gPodder's) and podcast-partytime (npm; Podcast
//! Index's), and Python's XML parser for well-formedness and every tag.
//!
//! They come from `scripts/setup-validators.sh` (a venv and an npm folder
//! at `$PODGEN_VALIDATORS`, default `~/.cache/podgen-validators`). Where
//! they are missing the parser checks are skipped in the open
//! (`common::tools`), unless `PODGEN_REQUIRE_VALIDATORS` is set (as in CI),
//! which makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use podgen::mock::MockOptions;
use serde_json::{Value, json};

use crate::common::*;

/// The show as the feed needs it: every field a host requires, and text
/// that must be escaped.
fn show() -> serde_json::Map<String, Value> {
    let show = json!({
        "title": "Tech & <Things>",
        "description": "Weekly news, \"quoted\" & escaped",
        "author": "Newsroom",
        "owner": {"name": "Newsroom", "email": "news@example.com"},
        "language": "en",
        "categories": ["Technology", "News > Tech News"],
        "explicit": false,
        "image": "art.png",
        "link": "https://example.com/show",
        "base_url": "https://example.com/episodes",
    });
    show.as_object().unwrap().clone()
}

/// The narrator on the mock's generic API, and `show`.
fn feed_config(mock: &str, show: serde_json::Map<String, Value>) -> Config {
    Config::new()
        .backend("mock", Backend::custom_json(mock))
        .voice("narrator", Voice::on("mock"))
        .set("show", show)
}

/// Two episodes of one show rendered into `out/`, the second with `--feed`;
/// the config.
fn two_episodes(s: &Scratch) -> PathBuf {
    // Only the magic bytes are checked for the show's artwork.
    std::fs::write(s.path("art.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let cfg = feed_config(&s.mock().url(), show()).write(s, "podgen.yaml");
    for (n, date) in [(1, "2024-06-03"), (2, "2024-06-10")] {
        let script = Script::new("Tech", format!("Episode {n}: <AI> & 'you' 🎉"))
            .episode(&format!("ep{n}"))
            .set("date", date)
            .set("number", n)
            .intro(json!({"text": format!("Welcome to episode {n}.")}))
            .item(
                Item::new("News & views", format!("The first story of episode {n}."))
                    .links(&["https://example.com/a?x=1&y=2"]),
            )
            .item(Item::new("More", "The second story."))
            .write(s, &format!("ep{n}.yaml"));
        let render = s.cmd("render").arg(script).config(&cfg).out("out").quiet();
        if n == 2 { render.arg("--feed") } else { render }.ok();
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

fn run_json(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> Value {
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

fn tags(s: &Scratch, feed: &Path) -> Value {
    let py = s.write("tags.py", TAGS_PY);
    run_json(
        Path::new("python3"),
        &[py.to_str().unwrap(), feed.to_str().unwrap()],
        &[],
    )
}

#[test]
fn the_feed_lists_every_episode_with_every_tag_hosts_need() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = two_episodes(&s);
    let feed = s.path("out/feed.xml");
    let t = tags(&s, &feed);
    assert_eq!(t["version"], "2.0");
    check_channel(&s, &t);
    check_items(&s, &t);
    // `podgen feed` writes the same feed; a re-render keeps every GUID.
    let before = std::fs::read_to_string(&feed).unwrap();
    s.cmd("feed").arg("out").config(&cfg).ok();
    assert_eq!(std::fs::read_to_string(&feed).unwrap(), before);
    s.cmd("render")
        .arg(s.path("ep1.yaml"))
        .config(&cfg)
        .out("out")
        .quiet()
        .args(["--no-cache", "--feed"])
        .ok();
    let again = tags(&s, &feed);
    let guids = |t: &Value| -> Vec<String> {
        array(&t["items"])
            .iter()
            .map(|i| i["guid"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(guids(&again), guids(&t));
    assert_ne!(guids(&t)[0], guids(&t)[1]);

    let Some((python, node_modules)) = tools::feed_parsers() else {
        return;
    };
    check_podcastparser(&s, &python, &feed, &again);
    check_partytime(&s, &node_modules, &feed, &again);
}

/// The channel's tags, as Python reads them (`t`).
fn check_channel(s: &Scratch, t: &Value) {
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
        json!([["Technology"], ["News", "Tech News"]])
    );
}

/// Each episode's item, newest first, as Python reads them (`t`), against
/// the episode's files.
fn check_items(s: &Scratch, t: &Value) {
    let items = array(&t["items"]);
    assert_eq!(items.len(), 2);
    // Newest first.
    assert_eq!(items[0]["title"], "Episode 2: <AI> & 'you' 🎉");
    assert_eq!(items[0]["pubDate"], "Mon, 10 Jun 2024 00:00:00 +0000");
    assert_eq!(items[1]["pubDate"], "Mon, 03 Jun 2024 00:00:00 +0000");
    for (item, n) in items.iter().zip([2, 1]) {
        let ep = s.episode("out", &format!("ep{n}"));
        let m = ep.manifest();
        let e = &item["enclosure"];
        assert_eq!(
            e["url"],
            format!("https://example.com/episodes/ep{n}/ep{n}.mp3")
        );
        assert_eq!(e["type"], "audio/mpeg");
        let size = std::fs::metadata(ep.file("mp3")).unwrap().len();
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
        let kinds: Vec<&str> = array(&item["transcripts"])
            .iter()
            .map(|x| x["type"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"text/vtt") && kinds.contains(&"application/x-subrip"),
            "{kinds:?}"
        );
        assert!(
            array(&item["transcripts"])
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
}

/// podcastparser reads the feed as Python's XML parser does (`expected`).
fn check_podcastparser(s: &Scratch, python: &Path, feed: &Path, expected: &Value) {
    let py = s.write("podcastparser_check.py", PODCASTPARSER_PY);
    let parsed = run_json(python, &[py.to_str().unwrap(), feed.to_str().unwrap()], &[]);
    assert_eq!(parsed["title"], "Tech & <Things>");
    let episodes = array(&parsed["episodes"]);
    assert_eq!(episodes.len(), 2);
    for (e, item) in episodes.iter().zip(array(&expected["items"])) {
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
}

/// podcast-partytime reads the feed as Python's XML parser does (`expected`).
fn check_partytime(s: &Scratch, node_modules: &Path, feed: &Path, expected: &Value) {
    let js = s.write("partytime_check.js", PARTYTIME_JS);
    let party = run_json(
        Path::new("node"),
        &[js.to_str().unwrap(), feed.to_str().unwrap()],
        &[("NODE_PATH", node_modules)],
    );
    assert_eq!(party["title"], "Tech & <Things>");
    assert_eq!(party["guid"], expected["channel"]["podcast:guid"]);
    let items = array(&party["items"]);
    assert_eq!(items.len(), 2);
    for (p, item) in items.iter().zip(array(&expected["items"])) {
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
            array(&p["podcastTranscripts"]).len(),
            array(&item["transcripts"]).len()
        );
    }
}

#[test]
fn a_feed_without_a_required_show_field_names_it_and_where_to_set_it() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = two_episodes(&s);
    for (key, field) in [
        ("author", "show.author"),
        ("base_url", "show.base_url"),
        ("explicit", "show.explicit"),
    ] {
        let mut without = show();
        without.remove(key);
        let broken = feed_config(&s.mock().url(), without).write(&s, "broken.yaml");
        let o = s.cmd("feed").arg("out").config(&broken).output();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(field) && err.contains("broken.yaml"),
            "{field}: {err}"
        );
    }
    // An episode without a date is listed under its first render's, with
    // a warning that names it and says how to set one.
    let undated = Script::new("Tech", "Undated")
        .episode("ep3")
        .item(Item::new("One", "hello there"))
        .write(&s, "ep3.yaml");
    let o = s
        .cmd("render")
        .arg(undated)
        .config(&cfg)
        .out("out")
        .quiet()
        .arg("--feed")
        .output();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: episode ep3 has no date") && err.contains("date: YYYY-MM-DD"),
        "{err}"
    );
}

/// One episode `id` of the show rendered into `out/` (dated `date`, when
/// given) with the mock: the config.
fn one_episode(s: &Scratch, id: &str, date: Option<&str>) -> PathBuf {
    std::fs::write(s.path("art.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let cfg = feed_config(&s.mock().url(), show()).write(s, "podgen.yaml");
    let mut script = Script::new("Tech", format!("Episode {id}"))
        .episode(id)
        .item(Item::new("News", "The story of the week.").links(&["https://example.com/a"]));
    if let Some(d) = date {
        script = script.set("date", d);
    }
    let script = script.write(s, &format!("{id}.yaml"));
    s.cmd("render")
        .arg(script)
        .config(&cfg)
        .out("out")
        .quiet()
        .ok();
    cfg
}

/// `out/<dir>/render.json` changed by `edit`.
fn edit_manifest(s: &Scratch, dir: &str, edit: impl FnOnce(&mut Value)) {
    let path = s.path(&format!("out/{dir}/render.json"));
    let mut m = read_json(&path);
    edit(&mut m);
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

#[test]
fn text_xml_cannot_carry_and_line_breaks_in_render_json_leave_the_feed_well_formed() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = one_episode(&s, "e1", Some("2024-06-03"));
    // render.json is read as it is: whatever wrote it, the feed must parse.
    edit_manifest(&s, "e1", |m| {
        m["title"] = json!("T\u{FFFE}\u{1}itle\u{2028}two\r\nthree ]]> four");
        m["language"] = json!("en\u{FFFF}");
        m["chapters"][0]["title"] = json!("C\u{FFFF}\u{FDD0}\u{1FFFE}hap\rter ]]> <b>");
    });
    s.cmd("feed").arg("out").config(&cfg).ok();
    let t = tags(&s, &s.path("out/feed.xml"));
    let item = &array(&t["items"])[0];
    assert_eq!(item["title"], "Title two three ]]> four");
    let description = item["description"].as_str().unwrap();
    assert!(description.contains("Chap ter ]]> <b>"), "{description:?}");
    let html = item["content:encoded"].as_str().unwrap();
    assert!(html.contains("Chap ter ]]&gt; &lt;b&gt;"), "{html:?}");
    assert_eq!(item["transcripts"][0]["language"], "en");
}

/// Copy the folder `from` to `to`, its files only.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_copied_episode_folder_is_left_out_with_a_warning_and_one_guid_is_one_item() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = one_episode(&s, "e1", Some("2024-06-03"));
    copy_folder(&s.path("out/e1"), &s.path("out/e1.bak"));
    // A folder named for its episode whose WAV is another render's.
    copy_folder(&s.path("out/e1"), &s.path("out/e2"));
    edit_manifest(&s, "e2", |m| {
        m["episode"] = json!("e2");
        m["totals"]["samples"] = json!(m["totals"]["samples"].as_u64().unwrap() + 1);
    });
    for ext in ["wav", "vtt", "srt", "json"] {
        let _ = std::fs::rename(
            s.path(&format!("out/e2/e1.{ext}")),
            s.path(&format!("out/e2/e2.{ext}")),
        );
    }
    let out = s.cmd("feed").arg("out").config(&cfg).ok();
    let err = stderr(&out);
    assert!(
        err.contains("e1.bak") && err.contains("episode e1's"),
        "{err}"
    );
    assert!(
        err.contains("e2.wav") && err.contains("different renders"),
        "{err}"
    );
    let t = tags(&s, &s.path("out/feed.xml"));
    let items = array(&t["items"]);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        items[0]["enclosure"]["url"]
            .as_str()
            .unwrap()
            .contains("/e1/")
    );
}

#[test]
fn an_episode_without_a_date_is_listed_under_its_first_render_which_re_renders_keep() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = one_episode(&s, "undated", None);
    let first = read_json(&s.path("out/undated/render.json"))["first_rendered"].clone();
    let first = first
        .as_str()
        .expect("render.json records the first render")
        .to_string();
    // Pretend it was first rendered long ago: a re-render keeps that day.
    edit_manifest(&s, "undated", |m| m["first_rendered"] = json!("2020-02-29"));
    s.cmd("render")
        .arg(s.path("undated.yaml"))
        .config(&cfg)
        .out("out")
        .quiet()
        .ok();
    let m = read_json(&s.path("out/undated/render.json"));
    assert_eq!(m["first_rendered"], "2020-02-29", "was {first}");
    let out = s.cmd("feed").arg("out").config(&cfg).ok();
    let err = stderr(&out);
    assert!(
        err.contains("undated") && err.contains("date: YYYY-MM-DD"),
        "{err}"
    );
    let t = tags(&s, &s.path("out/feed.xml"));
    assert_eq!(t["items"][0]["pubDate"], "Sat, 29 Feb 2020 00:00:00 +0000");
}

#[test]
fn feed_dates_always_have_four_digit_years() {
    let s = Scratch::with_mock(MockOptions::default());
    let cfg = one_episode(&s, "old", Some("2024-06-03"));
    // A date no script may hold (validate takes years 1900 to 2200), put
    // in render.json by hand, is never written with a two-digit year that
    // readers take for this century: the item keeps its first render's date.
    for date in ["+024-01-01", "0999-12-31", "24-01-01"] {
        edit_manifest(&s, "old", |m| m["date"] = json!(date));
        let out = s.cmd("feed").arg("out").config(&cfg).ok();
        let t = tags(&s, &s.path("out/feed.xml"));
        let written = t["items"][0]["pubDate"].as_str().unwrap().to_string();
        let year = written.split(' ').nth(3).unwrap();
        assert!(
            year.len() == 4 && year.starts_with("20"),
            "{date}: {written}"
        );
        assert!(stderr(&out).contains("no date"), "{date}: {}", stderr(&out));
    }
}
