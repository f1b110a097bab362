//! `podgen plan`: what a render would send, before it sends anything.
//! (Text planning itself, the `Plan` of segments, is [`crate::text::plan`].)
//!
//! Per chapter: segments, characters, backend and voice, cache hits; in
//! total: what is left to synthesize and what it is estimated to cost, at
//! each backend's price per character or per minute of audio. Runs without
//! API keys, and says which are missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::ConfigArgs;
use crate::cli::prepare::{Prepared, RenderOptions, open_clips, prepare};
use crate::error::Result;
use crate::speech::cache::{self, ClipStore};
use crate::speech::synthesize::{Letters, segment_key};
use crate::speech::tts::{Keys, Price};

/// `podgen plan`'s arguments.
#[derive(Args)]
pub struct PlanArgs {
    /// The issue script (issue.yaml).
    script: PathBuf,
    #[command(flatten)]
    config: ConfigArgs,
    /// Clip cache folder to look for hits in [default: as for render].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Also print every segment as it will be spoken, with its voice.
    #[arg(long)]
    spoken: bool,
}

/// Print the plan of the script `args` names.
pub fn run(args: PlanArgs) -> Result<()> {
    let opts = RenderOptions {
        cache_root: args.cache_dir,
        ..super::options(args.script, args.config)
    };
    show(&opts, args.spoken)
}

/// Prepare the render `opts` describes (API keys may be missing) and print
/// the report, with cache hits from `opts.cache_root` (else the default cache).
pub fn show(opts: &RenderOptions, spoken: bool) -> Result<()> {
    let root = opts.cache_root.clone().unwrap_or_else(cache::default_root);
    let prepared = prepare(opts, &root, Keys::Optional)?;
    let store = open_clips(&root, prepared.settings.rate)?;
    print!("{}", report(&prepared, &store));
    if spoken {
        print!("{}", spoken_report(&prepared));
    }
    Ok(())
}

/// Every segment's spoken text, by chapter, with the voice that speaks it
/// and, where it differs, the text as written.
pub fn spoken_report(p: &Prepared) -> String {
    let mut out = String::from("\nWhat each segment sends:\n");
    for chapter in &p.plan.chapters {
        let _ = writeln!(out, "{}", chapter.label());
        for i in chapter.segments.clone() {
            let seg = &p.plan.segments[i];
            let v = p.cast.voice(&seg.voice);
            let _ = writeln!(
                out,
                "  [{} {}/{}] {}",
                seg.voice,
                v.backend,
                v.voice.as_deref().unwrap_or(&v.name),
                seg.spoken
            );
            if seg.spoken != seg.text {
                let _ = writeln!(out, "      written: {}", seg.text);
            }
        }
    }
    out
}

/// What is still to be sent to one backend.
#[derive(Default)]
struct ToSend {
    characters: usize,
    /// Estimated seconds of audio those characters make.
    seconds: f64,
}

/// Reading rates for estimating minutes of audio: a Mandarin newsreader's
/// five characters a second, and fifteen letters or digits a second of
/// English (about 160 words a minute).
const HAN_PER_SECOND: f64 = 5.0;
const LETTERS_PER_SECOND: f64 = 15.0;

/// Estimated seconds of speech for `text` at `speed`.
fn estimated_seconds(text: &str, speed: f32) -> f64 {
    let n = Letters::of(text);
    (n.han as f64 / HAN_PER_SECOND + n.other as f64 / LETTERS_PER_SECOND)
        / f64::from(speed.max(0.1))
}

/// `s` cut and padded to `width` terminal columns (Chinese characters take two).
fn pad(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width - used));
    out
}

/// One chapter's line of the report.
struct ChapterRow {
    title: String,
    segments: usize,
    characters: usize,
    /// `backend/voice` of each voice in the chapter.
    voices: Vec<String>,
    cached: usize,
}

/// A row per chapter, and per backend what is not in the cache yet.
fn rows(p: &Prepared, store: &ClipStore) -> (Vec<ChapterRow>, BTreeMap<String, ToSend>) {
    let mut to_send: BTreeMap<String, ToSend> = BTreeMap::new();
    let mut rows = Vec::new();
    for chapter in &p.plan.chapters {
        let mut row = ChapterRow {
            title: chapter.title.clone(),
            segments: chapter.segments.len(),
            characters: 0,
            voices: Vec::new(),
            cached: 0,
        };
        for i in chapter.segments.clone() {
            let seg = &p.plan.segments[i];
            let v = p.cast.voice(&seg.voice);
            let label = format!("{}/{}", v.backend, v.voice.as_deref().unwrap_or(&v.name));
            if !row.voices.contains(&label) {
                row.voices.push(label);
            }
            let n = seg.spoken.chars().count();
            row.characters += n;
            if store
                .get(&segment_key(&p.plan, i, &p.cast, p.settings.rate))
                .is_some()
            {
                row.cached += 1;
            } else {
                let left = to_send.entry(v.backend.clone()).or_default();
                left.characters += n;
                left.seconds += estimated_seconds(&seg.spoken, v.speed);
            }
        }
        rows.push(row);
    }
    (rows, to_send)
}

/// The plan report as text. Looks up the cache; sends no request.
pub fn report(p: &Prepared, store: &ClipStore) -> String {
    let s = &p.loaded.script;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (episode {})",
        s.show.value,
        s.title.value,
        crate::input::script::episode_id(s)
    );
    let _ = writeln!(
        out,
        "{:>3}  {} {:>8} {:>6}  {} {:>7}",
        "#",
        pad("chapter", 32),
        "segments",
        "chars",
        pad("backend/voice", 20),
        "cached"
    );
    let (rows, to_send) = rows(p, store);
    for (i, row) in rows.iter().enumerate() {
        let voices = row.voices.join(",");
        let _ = writeln!(
            out,
            "{:>3}  {} {:>8} {:>6}  {} {:>3}/{:<3}",
            i + 1,
            pad(&row.title, 32),
            row.segments,
            row.characters,
            pad(&voices, 20.max(voices.width())),
            row.cached,
            row.segments
        );
    }
    let total_segments: usize = rows.iter().map(|r| r.segments).sum();
    let total_chars: usize = rows.iter().map(|r| r.characters).sum();
    let cached_total: usize = rows.iter().map(|r| r.cached).sum();
    let (cost, lines, unknown) = costs(p, &to_send);
    let _ = writeln!(
        out,
        "total: {total_segments} segments, {total_chars} characters; {cached_total} cached, {} to synthesize; estimated cost ${cost:.4}{}",
        total_segments - cached_total,
        if unknown.is_empty() {
            String::new()
        } else {
            format!(" plus {} (price unknown)", unknown.join(", "))
        }
    );
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    for (backend, variable) in &p.unset {
        let _ = writeln!(
            out,
            "not set: {variable} (backend {backend}); render needs it, plan does not"
        );
    }
    out
}

/// The cost of what is left, a line per backend, and the backends without a price.
fn costs(p: &Prepared, to_send: &BTreeMap<String, ToSend>) -> (f64, Vec<String>, Vec<String>) {
    let mut cost = 0.0;
    let mut unknown = Vec::new();
    let mut lines = Vec::new();
    for (backend, left) in to_send {
        let chars = left.characters;
        let price = p
            .cast
            .backends()
            .find(|b| &b.name == backend)
            .map_or(Price::Unknown, |b| b.backend.price());
        match price {
            Price::Free => lines.push(format!("  {backend}: {chars} characters, free")),
            Price::PerMillionChars(per_million) => {
                let c = chars as f64 * per_million / 1e6;
                cost += c;
                lines.push(format!(
                    "  {backend}: {chars} characters at ${per_million}/M = ${c:.4}"
                ));
            }
            Price::PerMinute(per_minute) => {
                let minutes = left.seconds / 60.0;
                let c = minutes * per_minute;
                cost += c;
                lines.push(format!(
                    "  {backend}: {chars} characters, about {minutes:.1} minutes of audio at ${per_minute}/min = ${c:.4}"
                ));
            }
            Price::Unknown => {
                unknown.push(backend.clone());
                lines.push(format!(
                    "  {backend}: {chars} characters (no price_per_million_chars or price_per_minute set)"
                ));
            }
        }
    }
    (cost, lines, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_counts_columns_not_characters() {
        assert_eq!(pad("开场", 6), "开场  ");
        assert_eq!(pad("Intro", 6), "Intro ");
        assert_eq!(pad("开场", 6).width(), pad("Intro", 6).width());
        // A wide character that does not fit is left out whole.
        assert_eq!(pad("一二三", 5), "一二 ");
    }

    #[test]
    fn minutes_are_estimated_from_reading_rates() {
        assert!((estimated_seconds("你好世界你", 1.0) - 1.0).abs() < 1e-9);
        assert!((estimated_seconds("fifteen letters!", 1.0) - 14.0 / 15.0).abs() < 1e-9);
        assert!((estimated_seconds("你好世界你", 2.0) - 0.5).abs() < 1e-9);
    }
}
