//! `index.html`: the episode page. One self-contained file beside the
//! episode's audio and VTT: a player, the chapters (click to seek; the
//! current one highlighted), the transcript following playback and the
//! show notes' links. No network, no other file: the CSS and JavaScript are
//! inline, and a Content-Security-Policy lets the page load only media from
//! its own folder and run only its own style and script (by hash), so even
//! text that escaped its escaping could not run or fetch anything.
//!
//! Everything is written into the HTML as markup (so the page reads
//! without JavaScript); the times the script needs are JSON in a data block.
//! All times come from the sample timeline, rounded as chapters.json and the
//! VTT round them.

use std::fmt::Write as _;

use base64::Engine as _;
use podgen_text::escape;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Episode;
use super::transcript::{self, Cue};
use crate::audio::time::{seconds, short_clock};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// `url` as an escaped href, only when it is an http(s) URL: a
/// `javascript:` or `data:` link stays text. (The script check already
/// demands http(s); this keeps the page safe whatever reaches it.)
fn href(url: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (web && clean).then(|| escape::html(url))
}

/// `value` as JSON that cannot end the `<script>` element it sits in
/// ([`escape::json_in_script`]).
pub fn script_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    escape::json_in_script(&json)
}

/// A Content-Security-Policy source for exactly this inline text.
fn hash_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// What the page's script reads: chapter and cue times in seconds.
#[derive(Serialize)]
struct PageData {
    chapters: Vec<ChapterData>,
    cues: Vec<CueData>,
}

#[derive(Serialize)]
struct ChapterData {
    title: String,
    start: f64,
    end: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct CueData {
    start: f64,
    end: f64,
    chapter: usize,
}

fn page_data(episode: &Episode, cues: &[Cue]) -> PageData {
    let t = episode.timeline;
    PageData {
        chapters: episode
            .chapters
            .iter()
            .map(|m| ChapterData {
                title: m.title.clone(),
                start: seconds(m.start_sample, t.rate),
                end: seconds(m.end_sample, t.rate),
                url: m.url().map(str::to_string),
            })
            .collect(),
        cues: cues
            .iter()
            .map(|c| CueData {
                start: seconds(c.start, t.rate),
                end: seconds(c.end, t.rate),
                chapter: c.chapter,
            })
            .collect(),
    }
}

/// The page's language: the script's, else its first sentence's.
fn page_language(episode: &Episode) -> String {
    let s = &episode.loaded.script;
    s.language
        .as_ref()
        .map(|l| l.value.clone())
        .or_else(|| episode.plan.segments.first().map(|seg| seg.tag.clone()))
        .unwrap_or_else(|| "und".into())
}

/// `index.html` for `episode`, playing `audio` (a file name beside it).
pub fn html(episode: &Episode, audio: &str) -> String {
    let t = episode.timeline;
    let lang = page_language(episode);
    let cues = transcript::cues(episode.plan, t);
    let mut out = head(episode, &lang);
    let _ = write!(
        out,
        "<body>\n<header>\n<p class=\"show\">{show}</p>\n<h1>{title}</h1>\n<p class=\"meta\">{date}{length}</p>\n</header>\n",
        show = escape::html(&episode.show()),
        title = escape::html(&episode.title()),
        date = episode
            .date()
            .map(|d| format!("<time>{}</time> · ", escape::html(d)))
            .unwrap_or_default(),
        length = short_clock(t.total, t.rate),
    );
    let media = if audio.ends_with(".mp3") {
        "audio/mpeg"
    } else {
        "audio/wav"
    };
    let _ = write!(
        out,
        "<div class=\"player\">\n<audio id=\"audio\" controls preload=\"metadata\">\n<source src=\"{audio}\" type=\"{media}\">\n<track kind=\"subtitles\" src=\"{id}.vtt\" srclang=\"{lang}\" label=\"Transcript\" default>\n</audio>\n</div>\n<main>\n",
        audio = escape::html(audio),
        id = escape::html(&episode.id),
        lang = escape::html(&lang),
    );
    out.push_str(&chapter_list(episode));
    out.push_str(&transcript_section(episode, &cues, &lang));
    out.push_str(&notes_section(episode));
    let _ = write!(
        out,
        "</main>\n<script type=\"application/json\" id=\"podgen-data\">{}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(&page_data(episode, &cues)),
    );
    out
}

/// Doctype to `</head>`: charset, viewport, the policy, title and style.
fn head(episode: &Episode, lang: &str) -> String {
    // Media from the page's own folder only; no fetches, frames, fonts or
    // forms; only this style and this script. (The empty `data:` icon
    // keeps browsers from asking the server for a favicon.ico.)
    let policy = format!(
        "default-src 'none'; media-src 'self'; img-src 'self' data:; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        hash_source(STYLE),
        hash_source(SCRIPT)
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<meta name=\"generator\" content=\"podgen\">\n<link rel=\"icon\" href=\"data:,\">\n<title>{title} · {show}</title>\n<style>{STYLE}</style>\n</head>\n",
        lang = escape::html(lang),
        title = escape::html(&episode.title()),
        show = escape::html(&episode.show()),
    )
}

/// The chapter list: a button per chapter with its start and title.
fn chapter_list(episode: &Episode) -> String {
    let t = episode.timeline;
    let mut out = String::from(
        "<section id=\"chapters-section\" aria-labelledby=\"chapters-heading\">\n<h2 id=\"chapters-heading\">Chapters</h2>\n<ol id=\"chapters\">\n",
    );
    for (i, m) in episode.chapters.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><button type=\"button\" data-chapter=\"{i}\"><span class=\"time\">{}</span><span class=\"title\">{}</span></button></li>",
            short_clock(m.start_sample, t.rate),
            escape::html(&m.title)
        );
    }
    out.push_str("</ol>\n</section>\n");
    out
}

/// The transcript: the cues in order under their chapters' titles, the
/// speaker named where it changes.
fn transcript_section(episode: &Episode, cues: &[Cue], page_lang: &str) -> String {
    let mut out = String::from(
        "<section id=\"transcript-section\" aria-labelledby=\"transcript-heading\">\n<h2 id=\"transcript-heading\">Transcript</h2>\n<div id=\"transcript\" tabindex=\"0\">\n",
    );
    let (mut chapter, mut speaker) = (None, None);
    for (i, cue) in cues.iter().enumerate() {
        if chapter != Some(cue.chapter) {
            chapter = Some(cue.chapter);
            speaker = None;
            let title = episode
                .chapters
                .get(cue.chapter)
                .map(|m| m.title.as_str())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<h3 class=\"cue-chapter\">{}</h3>",
                escape::html(title)
            );
        }
        let lang = if cue.tag == page_lang {
            String::new()
        } else {
            format!(" lang=\"{}\"", escape::html(&cue.tag))
        };
        let who = if speaker == Some(cue.speaker.as_str()) {
            String::new()
        } else {
            format!(
                "<span class=\"speaker\">{}</span>",
                escape::html(&cue.speaker)
            )
        };
        speaker = Some(cue.speaker.as_str());
        let _ = writeln!(
            out,
            "<p class=\"cue\" data-cue=\"{i}\"{lang}>{who}{}</p>",
            escape::html(&cue.text)
        );
    }
    out.push_str("</div>\n</section>\n");
    out
}

/// The show notes: each chapter that has links, with them.
fn notes_section(episode: &Episode) -> String {
    let linked: Vec<_> = episode
        .chapters
        .iter()
        .filter(|c| !c.links.is_empty())
        .collect();
    if linked.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section id=\"notes\" aria-labelledby=\"notes-heading\">\n<h2 id=\"notes-heading\">Show notes</h2>\n",
    );
    for c in linked {
        let _ = write!(out, "<h3>{}</h3>\n<ul>\n", escape::html(&c.title));
        for link in &c.links {
            let _ = match href(link) {
                Some(h) => writeln!(
                    out,
                    "<li><a href=\"{h}\" rel=\"noopener noreferrer\">{}</a></li>",
                    escape::html(link)
                ),
                None => writeln!(out, "<li>{}</li>", escape::html(link)),
            };
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_become_hrefs() {
        assert_eq!(
            href("https://e.com/?a=1&b=\"2\"").as_deref(),
            Some("https://e.com/?a=1&amp;b=&quot;2&quot;")
        );
        assert!(href("HTTP://e.com").is_some());
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,x",
            "//e.com",
            "https://e.com/\nx",
        ] {
            assert_eq!(href(bad), None, "{bad}");
        }
    }

    #[test]
    fn script_json_cannot_close_its_element_and_reads_back() {
        let value = serde_json::json!({"t": "</script><!-- & \u{2028}\u{2029} 🎙"});
        let text = script_json(&value);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(bad), "{text}");
        }
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn policy_hashes_are_of_the_inline_text() {
        // The SHA-256 of the empty string, as CSP writes it.
        assert_eq!(
            hash_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
