//! `podgen plan`: what a render would send, before it sends anything.
//!
//! Per chapter: segments, characters, backend and voice, cache hits; in
//! total: what is left to synthesize and what it is estimated to cost, from
//! each backend's `price_per_million_chars`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::cache::ClipStore;
use crate::render::Prepared;
use crate::synthesize::segment_key;

/// The plan report as text. Looks up the cache; sends no request.
pub fn report(p: &Prepared, store: &ClipStore) -> String {
    let s = &p.loaded.script;
    let price = |backend: &str| -> Option<f64> {
        if backend == "builtin" {
            return Some(0.0);
        }
        p.config
            .file
            .backends
            .get(backend)
            .and_then(|b| b.value.price_per_million_chars)
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (episode {})",
        s.show.value,
        s.title.value,
        crate::script::episode_id(s)
    );
    let _ = writeln!(
        out,
        "{:>3}  {:<32} {:>8} {:>6}  {:<20} {:>7}",
        "#", "chapter", "segments", "chars", "backend/voice", "cached"
    );
    let (mut total_chars, mut total_segments, mut cached_total) = (0usize, 0usize, 0usize);
    // Per backend: characters still to synthesize.
    let mut to_send: BTreeMap<String, usize> = BTreeMap::new();
    for (ci, chapter) in p.plan.chapters.iter().enumerate() {
        let range = chapter.segments.clone();
        let mut voices: Vec<String> = Vec::new();
        let (mut chars, mut cached) = (0, 0);
        for i in range.clone() {
            let seg = &p.plan.segments[i];
            let v = p.cast.voice(&seg.voice);
            let label = format!("{}/{}", v.backend, v.voice.as_deref().unwrap_or(&v.name));
            if !voices.contains(&label) {
                voices.push(label);
            }
            let n = seg.text.chars().count();
            chars += n;
            if store
                .get(&segment_key(&p.plan, i, &p.cast, p.rate))
                .is_some()
            {
                cached += 1;
            } else {
                *to_send.entry(v.backend.clone()).or_default() += n;
            }
        }
        total_chars += chars;
        total_segments += range.len();
        cached_total += cached;
        let title: String = chapter.title.chars().take(30).collect();
        let _ = writeln!(
            out,
            "{:>3}  {:<32} {:>8} {:>6}  {:<20} {:>3}/{:<3}",
            ci + 1,
            title,
            range.len(),
            chars,
            voices.join(","),
            cached,
            range.len()
        );
    }
    let mut cost = 0.0;
    let mut unknown = Vec::new();
    let mut lines = Vec::new();
    for (backend, chars) in &to_send {
        match price(backend) {
            Some(per_million) => {
                let c = *chars as f64 * per_million / 1e6;
                cost += c;
                lines.push(format!(
                    "  {backend}: {chars} characters at ${per_million}/M = ${c:.4}"
                ));
            }
            None => {
                unknown.push(backend.clone());
                lines.push(format!(
                    "  {backend}: {chars} characters (no price_per_million_chars set)"
                ));
            }
        }
    }
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
    out
}
