//! Generators for hostile text in every output file: titles, speakers and
//! sentences with every Unicode line break, runs of `-->`, `--->`, `<!--`,
//! `]]>` and `</script>`, noncharacters and markup, through the escapers
//! and the transcript writers on a plan and timeline built here. A VTT has
//! one cue per utterance and an SRT whole cards, no text line of either
//! is empty or holds `-->`; XML parses and says what was written; nothing
//! panics.

use podgen::publish::transcript;
use podgen::sound::timeline::{Span, Timeline};
use podgen::text::escape;
use podgen::text::lang::Language;
use podgen::text::plan::{Chapter, ChapterKind, Pause, Plan, Segment};

use super::fuzz;
use crate::common::Rng;

/// Pieces of hostile text: every line break, the sequences each format
/// reads as structure, noncharacters, markup and some words.
const PIECES: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "\r\r",
    "\u{0B}",
    "\u{0C}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\n\n",
    "-->",
    "--->",
    "---->",
    "--",
    "-",
    ">",
    "<!--",
    "]]>",
    "<![CDATA[",
    "</script>",
    "<script>",
    "<v Bob>",
    "<b>",
    "&",
    "&amp;",
    "&#x0;",
    "\"",
    "'",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{FDD0}",
    "\u{1FFFE}",
    "\u{10FFFF}",
    "\u{0}",
    "\u{1B}",
    "\u{7F}",
    "\u{FEFF}",
    "\u{200B}",
    "*_`[]|\\",
    "1",
    "00:00:01.000 --> 00:00:02.000",
    "NOTE",
    "WEBVTT",
    " ",
    "\t",
    "words",
    "Some words of a sentence",
    "你好",
    "①",
];

/// A text of up to `n` pieces, sometimes with a long run of one.
fn hostile_text(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(n + 1) {
        let piece = *rng.pick(PIECES);
        let times = if rng.below(15) == 0 {
            1 + rng.below(40)
        } else {
            1
        };
        s.push_str(&piece.repeat(times));
    }
    s
}

fn segment(rng: &mut Rng, chapter: usize, speakers: &[String]) -> Segment {
    let text = hostile_text(rng, 12);
    Segment {
        chapter,
        paragraph: 1,
        sentence: 1,
        chunk: 1,
        voice: "narrator".into(),
        speaker: rng.pick(speakers).clone(),
        language: Language::EnglishUs,
        tag: "en-US".into(),
        spoken: text.clone(),
        text,
        ssml: None,
        pause_after: *rng.pick(&[Pause::Sentence, Pause::Joined, Pause::Turn, Pause::Chunk]),
    }
}

/// A plan of one to three chapters of hostile titles and texts, and a
/// timeline that places each segment after the last.
fn plan_and_timeline(rng: &mut Rng) -> (Plan, Timeline) {
    let speakers: Vec<String> = (0..=rng.below(2)).map(|_| hostile_text(rng, 3)).collect();
    let mut chapters = Vec::new();
    let mut segments = Vec::new();
    for c in 0..=rng.below(2) {
        let first = segments.len();
        for _ in 0..=rng.below(3) {
            segments.push(segment(rng, c, &speakers));
        }
        segments.last_mut().unwrap().pause_after = Pause::End;
        chapters.push(Chapter {
            kind: ChapterKind::Item(c + 1),
            title: hostile_text(rng, 6),
            links: Vec::new(),
            image: None,
            lead_sting: None,
            tail_sting: None,
            bed: None,
            segments: first..segments.len(),
            lead_pause_ms: 0,
        });
    }
    let mut at = 0u64;
    let spans: Vec<Span> = segments
        .iter()
        .map(|_| {
            let start = at + rng.below(20_000) as u64;
            at = start + 1 + rng.below(400_000) as u64;
            Span { start, end: at }
        })
        .collect();
    let chapter_spans = chapters
        .iter()
        .map(|c| Span {
            start: spans[c.segments.start].start,
            end: spans[c.segments.end - 1].end,
        })
        .collect();
    let timeline = Timeline {
        rate: 44_100,
        pieces: Vec::new(),
        cues: Vec::new(),
        chapters: chapter_spans,
        segments: spans,
        total: at,
    };
    let plan = Plan {
        chapters,
        segments,
        bed: None,
    };
    (plan, timeline)
}

/// Whether `line` is a timing line: `00:00:01.000 --> 00:00:02.500`.
fn is_timing(line: &str, sep: char) -> bool {
    let stamp = |s: &str| {
        s.len() == 12
            && s.char_indices().all(|(i, c)| match i {
                2 | 5 => c == ':',
                8 => c == sep,
                _ => c.is_ascii_digit(),
            })
    };
    line.split_once(" --> ")
        .is_some_and(|(a, b)| stamp(a) && stamp(b))
}

/// No line break in `file` but LF, and no character XML cannot carry.
fn assert_clean_characters(what: &str, file: &str) {
    let bad = file
        .chars()
        .find(|&c| (escape::is_line_break(c) && c != '\n') || !escape::is_xml_char(c));
    assert!(bad.is_none(), "{what}: {bad:?} in\n{file}");
}

fn check_vtt(plan: &Plan, vtt: &str) {
    assert_clean_characters("VTT", vtt);
    let mut blocks = vtt.trim_end_matches('\n').split("\n\n");
    assert_eq!(blocks.next(), Some("WEBVTT"), "{vtt}");
    let mut cues = 0;
    for block in blocks {
        let lines: Vec<&str> = block.split('\n').collect();
        if lines[0].starts_with("NOTE ") {
            assert_eq!(lines.len(), 1, "a NOTE of more than one line:\n{vtt}");
            assert!(!lines[0].contains("-->"), "{vtt}");
            continue;
        }
        cues += 1;
        assert_eq!(lines[0], cues.to_string(), "cue number:\n{vtt}");
        assert!(lines.len() >= 3, "a cue without text:\n{block}");
        assert!(is_timing(lines[1], '.'), "timing line {:?}", lines[1]);
        for line in &lines[2..] {
            assert!(!line.contains("-->"), "{line:?}");
            // Markup only in the voice span that opens the cue.
            let text = line
                .strip_prefix("<v ")
                .map_or(*line, |rest| rest.split_once('>').map_or("<", |(_, t)| t));
            assert!(!text.contains('<') && !text.contains('>'), "{line:?}");
        }
    }
    assert_eq!(cues, plan.utterances().len(), "{vtt}");
}

fn check_srt(srt: &str) {
    assert_clean_characters("SRT", srt);
    if srt.is_empty() {
        return;
    }
    assert!(srt.ends_with("\n\n"), "{srt:?}");
    for (n, card) in srt.trim_end_matches('\n').split("\n\n").enumerate() {
        let lines: Vec<&str> = card.split('\n').collect();
        assert_eq!(lines[0], (n + 1).to_string(), "card number:\n{srt}");
        assert!(is_timing(lines.get(1).unwrap_or(&""), ','), "{card:?}");
        assert!(
            (3..=4).contains(&lines.len()),
            "card of {} lines: {card:?}",
            lines.len()
        );
        for line in &lines[2..] {
            assert!(!line.is_empty() && !line.contains("-->"), "{card:?}");
        }
    }
}

/// A speaker whose name ends in dashes: the voice span's `>` after them
/// made a `-->` that ends the cue (found by the generator below).
#[test]
fn a_speaker_ending_in_dashes_cannot_make_an_arrow() {
    let (mut plan, timeline) = plan_and_timeline(&mut Rng(7));
    for (n, seg) in plan.segments.iter_mut().enumerate() {
        seg.speaker = ["host--", "guest-", "a -- b"][n % 3].into();
        seg.text = "Words.".into();
    }
    let vtt = transcript::vtt(&plan, &timeline);
    assert!(vtt.contains("<v host-- >Words."), "{vtt}");
    check_vtt(&plan, &vtt);
}

#[test]
fn transcripts_of_hostile_text() {
    fuzz("transcripts", |rng, input| {
        let (plan, timeline) = plan_and_timeline(rng);
        let written: String = plan.segments.iter().map(|s| s.text.as_str()).collect();
        *input = written.into_bytes();
        check_vtt(&plan, &transcript::vtt(&plan, &timeline));
        check_srt(&transcript::srt(&plan, &timeline));
        let json = serde_json::to_string(&transcript::json(&plan, &timeline)).unwrap();
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back["segments"].as_array().unwrap().len(),
            plan.utterances().len()
        );
        (input.len(), true)
    });
}

/// What an entity reference in text escaped by podgen stands for.
fn entity(name: &str) -> char {
    match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        other => panic!("an entity podgen does not write: &{other};"),
    }
}

/// The text of the elements of `doc`, read by an XML parser (attributes
/// are read too, and must be well formed).
fn xml_text(doc: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(doc);
    let mut text = String::new();
    let mut depth = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                for a in e.attributes() {
                    let a = a.expect("a well-formed attribute");
                    a.unescape_value().expect("an attribute that unescapes");
                }
                depth += 1;
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => text.push_str(&t.decode().expect("UTF-8")),
            Ok(Event::GeneralRef(r)) => text.push(entity(&r.decode().expect("UTF-8"))),
            Ok(Event::Eof) => break,
            Ok(other) => panic!("{other:?} in {doc:?}"),
            Err(e) => panic!("{e} in {doc:?}"),
        }
    }
    assert_eq!(depth, 0, "{doc:?}");
    text
}

/// `s` with its line ends as an XML parser reads them: LF.
fn eol(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[test]
fn markup_escapers_on_hostile_text() {
    fuzz("escapers", |rng, input| {
        let text = hostile_text(rng, 16);
        *input = text.clone().into_bytes();
        let kept: String = text.chars().filter(|&c| escape::is_xml_char(c)).collect();

        let xml = format!("<t a=\"{}\">{}</t>", escape::xml(&text), escape::xml(&text));
        assert!(xml.chars().all(escape::is_xml_char), "{xml:?}");
        assert_eq!(eol(&xml_text(&xml)), eol(&kept), "{text:?}");

        let html = escape::html(&text);
        assert!(!html.contains(['<', '>', '"', '\'']), "{html:?}");
        assert_eq!(eol(&xml_text(&format!("<p>{html}</p>"))), eol(&kept));

        let json = serde_json::to_string(&serde_json::json!({"t": text})).unwrap();
        let script = escape::json_in_script(&json);
        assert!(
            !script.contains(['<', '>', '\u{2028}', '\u{2029}']),
            "{script}"
        );
        let back: serde_json::Value = serde_json::from_str(&script).unwrap();
        // Controls are JSON escapes, kept; noncharacters are dropped.
        let json_kept: String = text
            .chars()
            .filter(|&c| escape::is_xml_char(c) || c < ' ')
            .collect();
        assert_eq!(back["t"], serde_json::Value::String(json_kept));

        for (what, line) in [
            ("vtt", escape::vtt(&text)),
            ("vtt_note", escape::vtt_note(&text)),
            ("srt", escape::srt(&text)),
            ("markdown", escape::markdown(&text)),
            ("clean_line", escape::clean_line(&text)),
        ] {
            assert!(!line.contains(escape::is_line_break), "{what}: {line:?}");
            if matches!(what, "vtt" | "vtt_note" | "srt") {
                assert!(!line.contains("-->"), "{what}: {line:?}");
            }
        }
        (input.len(), true)
    });
}
