//! `podgen feed`: the show's podcast feed, `OUTPUT/feed.xml`, from every
//! episode rendered into the output folder (each one's render.json and the
//! files beside it) and the `show:` section of podgen.yaml.
//!
//! RSS 2.0 with the itunes, podcast (Podcasting 2.0) and content
//! namespaces, items newest first. Everything in it is read off the files
//! as they are: enclosure lengths are the files' sizes, durations and the
//! chapters' times in the show notes come from the sample counts
//! render.json records (read with the types it is written with, as
//! [`Summary`](super::manifest::Summary)). An item's GUID is derived from
//! the show's podcast:guid and the episode id, so it never changes when an
//! episode is rendered again.

use std::path::{Path, PathBuf};

use podgen_text::escape::{clean_line, html, xml_chars};
use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesText, Event};

use super::episodes::{Item, episodes};
use crate::audio::time::{short_clock, whole_seconds};
use crate::error::{Failure, Result, chain};
use crate::input::config::{Config, ShowConfig};

/// The podcast namespace's UUID for podcast:guid (UUIDv5 of the feed URL).
const PODCAST_NAMESPACE: uuid::Uuid = uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");

/// The podcast namespace's URI. The spec gives two, this one and
/// `https://podcastindex.org/namespace/1.0`; gPodder's podcastparser (and
/// the apps built on it) knows only this one, and every other reader goes by
/// the `podcast:` prefix.
const PODCAST_XMLNS: &str =
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md";

/// The channel fields, checked: every one the feed requires is present.
struct Channel<'a> {
    show: &'a ShowConfig,
    title: &'a str,
    description: &'a str,
    author: &'a str,
    owner: (&'a str, &'a str),
    language: &'a str,
    image: PathBuf,
    link: &'a str,
    base_url: url::Url,
    guid: uuid::Uuid,
}

/// What `podgen feed` wrote.
#[derive(Debug, serde::Serialize)]
pub struct FeedReport {
    /// The feed file.
    pub path: PathBuf,
    /// Episodes in it.
    pub episodes: usize,
    /// What the feed left out or assumed, for the user to see.
    pub warnings: Vec<String>,
}

/// Write `output/feed.xml` for every episode under `output`, with the
/// channel from `config`'s `show:`.
pub fn write(output: &Path, config: &Config) -> Result<FeedReport> {
    let channel = channel(config)?;
    let (mut items, warnings) = episodes(output)?;
    if items.is_empty() {
        return Err(Failure::input(
            format!("{} holds no rendered episode", output.display()),
            "render an episode into it first: podgen render issue.yaml -o DIR",
        ));
    }
    // Newest first; one day's episodes by id, last first.
    items.sort_by(|a, b| {
        (b.day, &b.manifest.about.episode).cmp(&(a.day, &a.manifest.about.episode))
    });
    let artwork = copy_artwork(&channel.image, output)?;
    let xml = render_xml(&channel, &items, &artwork)
        .map_err(|e| Failure::runtime_because("cannot build the feed", &e))?;
    let path = output.join("feed.xml");
    write_whole(&path, &xml)
        .map_err(|e| Failure::runtime_because(format!("cannot write {}", path.display()), &e))?;
    Ok(FeedReport {
        path,
        episodes: items.len(),
        warnings,
    })
}

/// A file written whole or not at all: a temporary file renamed over it.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".feed-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn missing(config: &Config, field: &str, what: &str) -> Failure {
    let place = config
        .path
        .as_ref()
        .map_or("podgen.yaml".to_string(), |p| p.display().to_string());
    Failure::input(
        format!("the feed needs show.{field} ({what}), and {place} does not set it"),
        format!("add it under `show:` in {place}, like `show: {{{field}: ...}}`"),
    )
}

/// A required text field: present and not blank.
fn required<'a>(
    config: &Config,
    v: Option<&'a String>,
    field: &str,
    what: &str,
) -> Result<&'a str> {
    v.map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing(config, field, what))
}

/// The show a config without `show:` has: nothing, so every required field
/// is reported missing.
static NO_SHOW: ShowConfig = ShowConfig {
    title: None,
    description: None,
    author: None,
    owner: None,
    language: None,
    categories: Vec::new(),
    explicit: None,
    image: None,
    link: None,
    base_url: None,
    guid: None,
    copyright: None,
};

/// The channel fields from `show:`, each required one present and sane.
fn channel(config: &Config) -> Result<Channel<'_>> {
    let show = config.file.show.as_ref().map_or(&NO_SHOW, |s| &s.value);
    let need = |v: &'_ Option<String>, field: &str, what: &str| -> Result<String> {
        required(config, v.as_ref(), field, what).map(str::to_string)
    };
    let base = need(
        &show.base_url,
        "base_url",
        "the URL the output folder is served at",
    )?;
    let base_url = base_url(&base)?;
    if show.categories.iter().all(|c| c.trim().is_empty()) {
        return Err(missing(
            config,
            "categories",
            "Apple Podcasts categories, like [Technology]",
        ));
    }
    if show.explicit.is_none() {
        return Err(missing(config, "explicit", "true or false"));
    }
    let owner = show.owner.as_ref();
    let config_dir = config
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(Channel {
        show,
        title: required(config, show.title.as_ref(), "title", "the show's name")?,
        description: required(
            config,
            show.description.as_ref(),
            "description",
            "what the show is about",
        )?,
        author: required(config, show.author.as_ref(), "author", "who makes the show")?,
        owner: (
            required(
                config,
                owner.and_then(|o| o.name.as_ref()),
                "owner.name",
                "who to contact about the feed",
            )?,
            required(
                config,
                owner.and_then(|o| o.email.as_ref()),
                "owner.email",
                "the contact's e-mail",
            )?,
        ),
        language: required(
            config,
            show.language.as_ref(),
            "language",
            "a BCP-47 tag like zh-CN",
        )?,
        image: config_dir.join(need(
            &show.image,
            "image",
            "the show's artwork, a square JPEG or PNG",
        )?),
        link: required(config, show.link.as_ref(), "link", "the show's web page")?,
        guid: show_guid(show.guid.as_deref(), &base_url)?,
        base_url,
    })
}

/// `show.base_url`, an http(s) URL ending in `/` so that names join under it.
fn base_url(base: &str) -> Result<url::Url> {
    let mut url = url::Url::parse(base)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            Failure::input(
                format!("show.base_url {base:?} is not an http(s) URL"),
                "give the address the output folder is served at, like https://example.com/episodes",
            )
        })?;
    if !url.path().ends_with('/') {
        url.set_path(&format!("{}/", url.path()));
    }
    Ok(url)
}

/// The show's podcast:guid: as set, else as the podcast namespace derives
/// it (UUIDv5 of the feed's URL without its scheme).
fn show_guid(set: Option<&str>, base_url: &url::Url) -> Result<uuid::Uuid> {
    if let Some(g) = set {
        return uuid::Uuid::parse_str(g.trim()).map_err(|e| {
            Failure::input(
                format!("show.guid {g:?} is not a UUID: {}", chain(&e)),
                "leave it out to derive one from the feed's URL",
            )
        });
    }
    let feed = base_url.join("feed.xml").expect("a plain name joins");
    let bare = feed
        .as_str()
        .split_once("://")
        .map_or(feed.as_str(), |(_, rest)| rest);
    Ok(uuid::Uuid::new_v5(&PODCAST_NAMESPACE, bare.as_bytes()))
}

/// The show's artwork copied beside the feed (as `show-artwork.<ext>`),
/// checked to be a JPEG or PNG; its file name.
fn copy_artwork(image: &Path, output: &Path) -> Result<String> {
    let problem = |why: String| {
        Failure::input(
            format!("show.image {}: {why}", image.display()),
            "give a square JPEG or PNG of 1400 to 3000 px, relative to the config file",
        )
    };
    let artwork =
        crate::input::cover::read_image(image).map_err(|e| problem(e.problem.to_string()))?;
    let name = format!("show-artwork.{}", artwork.kind.extension());
    write_whole(&output.join(&name), &artwork.bytes)
        .map_err(|e| Failure::runtime_because("cannot copy the show's artwork", &e))?;
    Ok(name)
}

type Xml = Writer<Vec<u8>>;

/// `<name>value</name>`, escaped, without what XML cannot carry (render.json
/// and the config are read as they are, whatever wrote them).
fn text(w: &mut Xml, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

/// A one-line field (a title) for [`text`]: its line breaks as spaces.
fn line(value: &str) -> String {
    clean_line(value)
}

/// `<name><![CDATA[html]]></name>`. `html` is escaped HTML, so it should
/// hold no `]]>`; one that does is split where HTML reads it the same
/// (`]]&gt;`), so the section cannot end early.
fn cdata(w: &mut Xml, name: &str, html: &str) -> std::io::Result<()> {
    let safe = xml_chars(html).replace("]]>", "]]&gt;");
    w.create_element(name)
        .write_cdata_content(BytesCData::new(&safe))?;
    Ok(())
}

fn render_xml(c: &Channel, items: &[Item], artwork: &str) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
            ("xmlns:podcast", PODCAST_XMLNS),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
        ])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                write_channel(w, c, artwork, items)?;
                for item in items {
                    write_item(w, c, item)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    let mut xml = w.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

fn write_channel(w: &mut Xml, c: &Channel, artwork: &str, items: &[Item]) -> std::io::Result<()> {
    let url = |name: &str| c.base_url.join(name).expect("plain names join").to_string();
    text(w, "title", &line(c.title))?;
    text(w, "link", c.link)?;
    text(w, "description", c.description)?;
    text(w, "language", c.language)?;
    if let Some(copyright) = &c.show.copyright {
        text(w, "copyright", copyright)?;
    }
    text(
        w,
        "generator",
        concat!("podgen ", env!("CARGO_PKG_VERSION")),
    )?;
    // The newest episode's date, so the feed changes only when episodes do.
    if let Some(newest) = items.first() {
        text(w, "lastBuildDate", &newest.pub_date)?;
    }
    w.create_element("atom:link")
        .with_attributes([
            ("href", url("feed.xml").as_str()),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ])
        .write_empty()?;
    text(w, "itunes:author", &line(c.author))?;
    w.create_element("itunes:owner").write_inner_content(|w| {
        text(w, "itunes:name", c.owner.0)?;
        text(w, "itunes:email", c.owner.1)
    })?;
    w.create_element("itunes:image")
        .with_attribute(("href", url(artwork).as_str()))
        .write_empty()?;
    for category in c.show.categories.iter().filter(|c| !c.trim().is_empty()) {
        let category = line(&xml_chars(category));
        let mut levels = category.split('>').map(str::trim);
        let top = levels.next().unwrap_or_default();
        let sub = levels.next();
        let e = w
            .create_element("itunes:category")
            .with_attribute(("text", top));
        match sub {
            Some(sub) => {
                e.write_inner_content(|w| {
                    w.create_element("itunes:category")
                        .with_attribute(("text", sub))
                        .write_empty()?;
                    Ok(())
                })?;
            }
            None => {
                e.write_empty()?;
            }
        }
    }
    let explicit = if c.show.explicit == Some(true) {
        "true"
    } else {
        "false"
    };
    text(w, "itunes:explicit", explicit)?;
    text(w, "itunes:type", "episodic")?;
    text(w, "podcast:guid", &c.guid.to_string())
}

fn write_item(w: &mut Xml, c: &Channel, item: &Item) -> std::io::Result<()> {
    let (m, summary) = (&item.manifest.about, &item.manifest);
    let id = &m.episode;
    let url = |name: &str| {
        c.base_url
            .join(&format!("{id}/{name}"))
            .expect("episode ids and file names join")
            .to_string()
    };
    let exists = |name: &str| item.dir.join(name).is_file();
    let language = xml_chars(m.language.as_deref().unwrap_or(c.language));
    let language = language.as_ref();
    w.create_element("item").write_inner_content(|w| {
        text(w, "title", &line(&m.title))?;
        w.create_element("guid")
            .with_attribute(("isPermaLink", "false"))
            .write_text_content(BytesText::new(&item_guid(c.guid, id).to_string()))?;
        text(w, "pubDate", &item.pub_date)?;
        let (name, mime, len) = &item.audio;
        w.create_element("enclosure")
            .with_attributes([
                ("url", url(name).as_str()),
                ("length", len.to_string().as_str()),
                ("type", *mime),
            ])
            .write_empty()?;
        let seconds = whole_seconds(summary.totals.samples, summary.settings.sample_rate);
        text(w, "itunes:duration", &seconds.to_string())?;
        if let Some(n) = m.number {
            text(w, "itunes:episode", &n.to_string())?;
        }
        text(w, "itunes:episodeType", "full")?;
        if let Some(cover) = m.cover.as_deref().filter(|c| exists(c)) {
            w.create_element("itunes:image")
                .with_attribute(("href", url(cover).as_str()))
                .write_empty()?;
        }
        text(w, "description", &notes_text(item))?;
        cdata(w, "content:encoded", &notes_html(item))?;
        w.create_element("podcast:chapters")
            .with_attributes([
                ("url", url("chapters.json").as_str()),
                ("type", "application/json+chapters"),
            ])
            .write_empty()?;
        let transcripts = [
            (format!("{id}.vtt"), "text/vtt", true),
            (format!("{id}.srt"), "application/x-subrip", false),
            (format!("{id}.json"), "application/json", false),
        ];
        for (name, mime, captions) in transcripts.iter().filter(|t| exists(&t.0)) {
            let href = url(name);
            let mut e = w.create_element("podcast:transcript").with_attributes([
                ("url", href.as_str()),
                ("type", *mime),
                ("language", language),
            ]);
            if *captions {
                e = e.with_attribute(("rel", "captions"));
            }
            e.write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// An episode's GUID: UUIDv5 of its id under the show's podcast:guid, the
/// same every time it is rendered.
fn item_guid(show: uuid::Uuid, episode: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&show, episode.as_bytes())
}

/// When a chapter of `item` starts, as show notes write it.
fn start_of(item: &Item, start_sample: u64) -> String {
    short_clock(start_sample, item.manifest.settings.sample_rate)
}

/// The show notes as plain text: the chapters with their times.
fn notes_text(item: &Item) -> String {
    let mut out = format!("{}\n", line(&item.manifest.about.title));
    for ch in &item.manifest.chapters {
        out.push_str(&format!(
            "\n{} {}",
            start_of(item, ch.start_sample),
            line(&ch.title)
        ));
    }
    out
}

/// The show notes as HTML: the chapters with their times and links.
fn notes_html(item: &Item) -> String {
    let mut out = format!("<p>{}</p>\n<ul>\n", html(&line(&item.manifest.about.title)));
    for ch in &item.manifest.chapters {
        let title = html(&line(&ch.title));
        let linked = match ch
            .url()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            Some(u) => format!("<a href=\"{}\">{title}</a>", html(u)),
            None => title,
        };
        let start = start_of(item, ch.start_sample);
        out.push_str(&format!("<li>{start} {linked}</li>\n"));
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_depend_on_the_show_and_the_episode_only() {
        let base = base_url("https://example.com/episodes").unwrap();
        assert_eq!(base.as_str(), "https://example.com/episodes/");
        let show = show_guid(None, &base).unwrap();
        assert_eq!(
            show,
            show_guid(None, &base_url("http://example.com/episodes/").unwrap()).unwrap()
        );
        assert_eq!(item_guid(show, "2024-06-2"), item_guid(show, "2024-06-2"));
        assert_ne!(item_guid(show, "2024-06-2"), item_guid(show, "2024-06-3"));
        // The podcast namespace's own example (its podcast:guid section):
        // the feed podnews.net/rss has this GUID.
        let example = uuid::Uuid::new_v5(&PODCAST_NAMESPACE, b"podnews.net/rss");
        assert_eq!(example.to_string(), "9b024349-ccf0-5f69-a609-6b82873eab3c");
    }
}
