//! Hostile text in a script: line breaks, control codes and quotes where
//! they do not belong, scripts the built-in voice cannot read, YAML that
//! means more than it seems to (a key twice, a second document, an alias
//! bomb), reserved file names as episode ids, and markup, quotes and emoji
//! that must reach every output as the text they are. Each runs the real
//! binary and checks the exit code, that the message says what and where,
//! and that nothing panicked.

use crate::common::*;

/// One hostile script of `tests/data/hostile-scripts.yaml`.
#[derive(serde::Deserialize)]
struct Case {
    script: String,
    expect: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
}

/// Each script of the table's list `list` fails validate as it says.
fn refused_as_the_table_says(list: &str) {
    let table = std::fs::read_to_string(root().join("tests/data/hostile-scripts.yaml")).unwrap();
    let mut lists: std::collections::BTreeMap<String, Vec<Case>> =
        serde_saphyr::from_str(&table).unwrap();
    let cases = lists.remove(list).unwrap();
    assert!(!cases.is_empty());
    let s = Scratch::new();
    for (i, case) in cases.iter().enumerate() {
        let file = format!("{list}{i}.yaml");
        let sc = s.write(&file, &case.script);
        let expect: Vec<String> = case
            .expect
            .iter()
            .map(|e| e.replace("{file}", &file))
            .collect();
        let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
        let err = s.cmd("validate").arg(sc).fails(2, &expect);
        for unsaid in &case.absent {
            assert!(!err.contains(unsaid), "{unsaid:?} in:\n{err}");
        }
    }
}

#[test]
fn line_breaks_control_codes_and_quotes_in_links_are_refused() {
    refused_as_the_table_says("misplaced");
}

/// Text in scripts the built-in voice cannot read, and their names.
const UNREADABLE: [(&str, &str); 5] = [
    ("مرحبا بكم في البرنامج", "Arabic"),
    ("שלום לכולם", "Hebrew"),
    ("สวัสดีครับ", "Thai"),
    ("안녕하세요 여러분", "Korean"),
    ("こんにちは、みなさん", "Hiragana"),
];

#[test]
fn scripts_the_builtin_voice_cannot_read_fail_at_validate() {
    let s = Scratch::new();
    for (text, script_name) in UNREADABLE {
        let sc = Script::one_item(text).write(&s, "x.yaml");
        s.cmd("validate")
            .arg(&sc)
            .fails(2, &["item 1", script_name, "built-in voice"]);
    }
}

#[test]
fn yaml_that_means_more_than_it_says_is_refused_in_the_users_words() {
    refused_as_the_table_says("tricks");
    let s = Scratch::new();
    // An alias bomb.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        bomb.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            n = (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    bomb.push_str("show: S\ntitle: T\nitems: []\n");
    let sc = s.write("bomb.yaml", &bomb);
    let err = s.cmd("validate").arg(&sc).fails(2, &["bomb.yaml"]);
    assert!(!err.contains("Nodes {"), "{err}");
}

#[test]
fn reserved_file_names_are_refused_as_episode_ids() {
    let s = Scratch::new();
    for id in ["CON", "nul", "COM1", "con.txt", "lpt9.mp3", "trailing."] {
        let sc = Script::named(id)
            .item(Item::new("One", "Words."))
            .write(&s, "e.yaml");
        s.cmd("validate")
            .arg(&sc)
            .fails(2, &["e.yaml:", "episode id"]);
    }
}

#[test]
fn hostile_text_renders_and_reaches_the_manifest_intact() {
    let s = Scratch::new();
    let hostile = r#"He said "quotes" & <tags> &amp; back\slash, tab	here; emoji 🎉 ok. 引号“中文”和<b>标签</b>！"#;
    let script = Script::new("S & <Co>", "Hostile")
        .item(Item::new("<Title> & 'quotes' 🎉", hostile))
        .write(&s, "hostile.yaml");
    s.render(&script);
    let ep = s.episode("out", "hostile");
    let m = ep.manifest();
    let texts: String = array(&m["segments"])
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    for piece in [
        "\"quotes\"",
        "<tags>",
        "&amp;",
        "back\\slash",
        "🎉",
        "<b>标签</b>",
    ] {
        assert!(texts.contains(piece), "{piece:?} lost: {texts}");
    }
    let chapters = ep.chapters();
    assert_eq!(chapters["chapters"][0]["title"], "<Title> & 'quotes' 🎉");
    assert_eq!(chapters["podcastName"], "S & <Co>");
    // Markup in the text stays text in the transcript and the notes.
    let vtt = ep.text("vtt");
    assert!(
        vtt.contains("&lt;tags&gt; &amp;amp;") && !vtt.contains("<tags>"),
        "{vtt}"
    );
    let notes = std::fs::read_to_string(ep.path("notes.md")).unwrap();
    assert!(notes.contains("\\<Title\\> & 'quotes' 🎉"), "{notes}");
    let (samples, _) = ep.wav();
    assert!(dbfs(rms(&samples)) > -35.0);
}

#[test]
fn noncharacters_and_controls_xml_forbids_are_refused_where_they_are_written() {
    refused_as_the_table_says("forbidden_characters");
}

#[test]
fn unicode_line_breaks_in_one_line_fields_are_refused() {
    refused_as_the_table_says("line_breaks");
}

#[test]
fn pause_markers_out_of_range_and_pause_only_text_are_input_errors() {
    refused_as_the_table_says("pause_markers");
}

#[test]
fn text_no_voice_can_read_is_caught_at_validate() {
    refused_as_the_table_says("unspeakable");
}

#[test]
fn ids_the_system_or_the_feed_takes_and_invisible_titles_are_refused() {
    refused_as_the_table_says("ids");
}

#[test]
fn dates_have_four_digit_years_from_1900() {
    refused_as_the_table_says("dates");
}

#[test]
fn a_title_the_feed_would_take_gets_an_id_of_its_own() {
    let s = Scratch::new();
    for title in ["Feed", "show artwork", "COM0"] {
        let sc = Script::new("S", title)
            .item(Item::new("One", "Words."))
            .write(&s, "t.yaml");
        let out = s.cmd("plan").arg(&sc).ok();
        let id = stdout(&out);
        let lower = title.to_ascii_lowercase().replace(' ', "-");
        assert!(
            id.contains(&format!("{lower}-episode")),
            "{title}: no moved-aside id in\n{id}"
        );
    }
}

/// Render `script` (written as `name`): the episode, or None when validate
/// refused it (exit 2, naming the file), which a first line of defence may
/// do for text the writers must also survive.
fn render_or_refused(
    s: &Scratch,
    script: &Script,
    name: &str,
    config: Option<&std::path::Path>,
) -> Option<Episode> {
    let sc = script.write(s, name);
    escape_for_yaml(&sc);
    let mut cmd = s.cmd("render").arg(&sc).out("out").quiet();
    if let Some(cfg) = config {
        cmd = cmd.config(cfg);
    }
    let out = cmd.output();
    match out.status.code() {
        Some(0) => Some(s.episode("out", name.trim_end_matches(".yaml"))),
        Some(2) => {
            let why = assert_fails(&out, 2, &[name]);
            eprintln!("validate refused {name}, as a first line may: {why}");
            None
        }
        _ => panic!("render {name}: {}\n{}", out.status, stderr(&out)),
    }
}

/// Lines as a WebVTT or SRT reader splits them: at CR LF, CR or LF.
fn reader_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// Blocks of lines between blank lines, as WebVTT and SRT readers take them.
fn blocks(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    for line in reader_lines(text) {
        if line.trim().is_empty() {
            out.push(Vec::new());
        } else {
            out.last_mut().unwrap().push(line);
        }
    }
    out.retain(|b| !b.is_empty());
    out
}

/// The cue texts of a WebVTT file, checked as a reader sees them: a header,
/// NOTE blocks without `-->`, and cues of an id, one timing line and text.
fn vtt_cues(vtt: &str) -> Vec<String> {
    let blocks = blocks(vtt);
    assert_eq!(blocks[0], ["WEBVTT"], "{vtt:?}");
    let mut cues = Vec::new();
    for b in &blocks[1..] {
        if b[0].starts_with("NOTE") {
            assert!(
                b.iter().all(|l| !l.contains("-->")),
                "a NOTE with an arrow: {b:?}"
            );
            continue;
        }
        assert!(b.len() >= 3, "not a cue: {b:?} in {vtt:?}");
        assert!(b[0].parse::<usize>().is_ok(), "no cue id: {b:?}");
        assert!(b[1].contains(" --> "), "no timing: {b:?}");
        assert!(b[2..].iter().all(|l| !l.contains("-->")), "{b:?}");
        cues.push(b[2..].join(" "));
    }
    cues
}

/// The cards of an SRT file, checked: numbered from 1, a timing line, one
/// or two lines of text.
fn srt_cards(srt: &str) -> usize {
    let blocks = blocks(srt);
    for (i, b) in blocks.iter().enumerate() {
        assert_eq!(
            b[0],
            (i + 1).to_string(),
            "card {}: {b:?} in {srt:?}",
            i + 1
        );
        assert!(b.len() == 3 || b.len() == 4, "card {}: {b:?}", i + 1);
        assert!(b[1].contains(" --> "), "{b:?}");
        assert!(b[2..].iter().all(|l| !l.contains("-->")), "{b:?}");
    }
    blocks.len()
}

/// Line breaks other than LF: none may reach a transcript, notes, page or
/// chapter list.
const ODD_BREAKS: [char; 6] = ['\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];

/// The episode's text files hold no line break but LF, its VTT and SRT
/// have a cue per JSON transcript segment, and every title is one line.
fn check_one_line_everywhere(ep: &Episode) {
    let json = read_json(&ep.file("json"));
    let bodies: Vec<&str> = array(&json["segments"])
        .iter()
        .map(|s| s["body"].as_str().unwrap())
        .collect();
    let vtt = ep.text("vtt");
    let cues = vtt_cues(&vtt);
    assert_eq!(cues.len(), bodies.len(), "{vtt:?}");
    for (cue, body) in cues.iter().zip(&bodies) {
        assert!(
            !body.contains(ODD_BREAKS) && !body.contains('\n'),
            "{body:?}"
        );
        let cue = cue.split_once('>').map_or(cue.as_str(), |(_, t)| t);
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(cue), words(body));
    }
    assert!(srt_cards(&ep.text("srt")) >= bodies.len());
    // (render.json records the text as written, in JSON, which carries it.)
    for name in ["notes.md", "index.html", "chapters.json"] {
        let text = std::fs::read_to_string(ep.path(name)).unwrap();
        assert!(!text.contains(ODD_BREAKS), "{name}: {text:?}");
    }
    for c in array(&ep.chapters()["chapters"]) {
        assert!(!c["title"].as_str().unwrap().contains('\n'), "{c}");
    }
    if let Ok(tag) = id3::Tag::read_from_path(ep.file("mp3")) {
        for chap in tag.chapters() {
            for f in &chap.frames {
                let t = f.content().text().unwrap_or_default();
                assert!(!t.contains(ODD_BREAKS) && !t.contains('\n'), "{t:?}");
            }
        }
    }
}

#[test]
fn pause_only_chapters_between_spoken_ones_are_breaks_not_errors() {
    // A chapter of pauses alone is a silent break the producer asked for:
    // it validates, and only an episode with nothing to say is refused.
    let s = Scratch::new();
    let sc = Script::new("S", "Breaks")
        .episode("breaks")
        .item(Item::new("One", "Words to read."))
        .item(Item::new("Breather", "[pause 5s]"))
        .item(Item::new("Two", "More words."))
        .write(&s, "breaks.yaml");
    s.cmd("validate").arg(&sc).ok();
}

#[test]
fn line_breaks_inside_text_and_titles_never_split_a_cue_or_a_card() {
    let s = Scratch::new();
    let texts = [
        "The first part\rand the rest of one sentence.",
        "Two returns\r\rbefore the rest of this one.",
        "A line separator\u{2028}inside this sentence.",
        "A paragraph separator\u{2029}inside this one too.",
        "Windows ends\r\nthe first line here.",
    ];
    let script = Script::new("S", "Breaks").episode("breaks").items(
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Item::new(format!("Item {i}"), *t)),
    );
    let ep = render_or_refused(&s, &script, "breaks.yaml", None).expect("line breaks are text");
    check_one_line_everywhere(&ep);
    // Titles with the breaks validate accepts in them.
    let titled = Script::new("S\u{2028}Show", "Title\u{2029}two")
        .episode("titled")
        .items(["One\u{2028}two", "Three\u{2029}four"].map(|t| Item::new(t, "Words here.")));
    if let Some(ep) = render_or_refused(&s, &titled, "titled.yaml", None) {
        check_one_line_everywhere(&ep);
        let chapters = ep.chapters();
        assert_eq!(chapters["chapters"][0]["title"], "One two");
        assert_eq!(chapters["title"], "Title two");
    }
}

#[test]
fn arrows_and_comment_markers_in_titles_stay_text_in_every_format() {
    let s = Scratch::new();
    let titles = [
        "A ---> B",
        "<!-- c --> d",
        "x ]]> y",
        "</script><script>alert(1)</script>",
    ];
    let script = Script::new("S", "Arrows ---> here")
        .episode("arrows")
        .items(titles.map(|t| Item::new(t, "Words ---> and <!-- more --> here.")));
    let ep = render_or_refused(&s, &script, "arrows.yaml", None).expect("arrows are text");
    let vtt = ep.text("vtt");
    assert_eq!(vtt_cues(&vtt).len(), titles.len(), "{vtt}");
    assert!(vtt.contains("NOTE chapter 1: A -> B"), "{vtt}");
    assert!(srt_cards(&ep.text("srt")) >= titles.len());
    let notes = std::fs::read_to_string(ep.path("notes.md")).unwrap();
    assert!(
        !notes.replace("\\<", "").contains("<!--") && notes.contains("\\<!-- c --\\> d"),
        "{notes}"
    );
    let page = std::fs::read_to_string(ep.path("index.html")).unwrap();
    assert_eq!(page.matches("</script>").count(), 2, "{page}");
    assert!(!page.contains("<!--"), "{page}");
    let chapters = ep.chapters();
    let titles_read: Vec<&str> = array(&chapters["chapters"])
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles_read, titles);
}

/// Characters XML 1.0 cannot carry, and noncharacters.
const NOT_XML: &str = "\u{FFFE}\u{FFFF}\u{FDD0}\u{FDEF}\u{1FFFE}\u{10FFFF}";

/// The file at `path` with the characters of [`NOT_XML`] written as YAML
/// escapes (`\uFFFE`): YAML refuses them raw, and accepts them escaped.
fn escape_for_yaml(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let escaped: String = text
        .chars()
        .map(|c| {
            if NOT_XML.contains(c) || c == '\u{1}' {
                format!("\\U{:08X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    std::fs::write(path, escaped).unwrap();
}

/// `xml` parsed by Python's XML parser: whether it is well-formed.
fn parses_as_xml(s: &Scratch, xml: &str) -> Result<(), String> {
    let path = s.write("doc.xml", xml);
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])",
        ])
        .arg(&path)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(stderr(&out))
    }
}

#[test]
fn noncharacters_never_reach_an_ssml_body_or_an_episode_page() {
    let mock = podgen::mock::MockServer::start(0, podgen::mock::MockOptions::default()).unwrap();
    let s = Scratch::new();
    let cfg = Config::new()
        .backend("azure", Backend::preset("azure", &mock.url()))
        .voice("host", Voice::on("azure").id("en-US-JennyNeural"))
        .audio(serde_json::json!({"formats": ["wav"]}))
        .set(
            "lexicon",
            serde_json::json!([{"word": "Nguyen", "say": format!("win{NOT_XML}"), "ipa": format!("ŋwiən{NOT_XML}")}]),
        )
        .write(&s, "nx.podgen.yaml");
    escape_for_yaml(&cfg);
    let script = Script::new("S", format!("Title{NOT_XML}"))
        .episode("nx")
        .voice("host")
        .item(Item::new(
            format!("One{NOT_XML}"),
            format!("Nguyen{NOT_XML} & <b> said hello."),
        ))
        .item(Item::new("Two", format!("Plain{NOT_XML} words here.")));
    let Some(ep) = render_or_refused(&s, &script, "nx.yaml", Some(&cfg)) else {
        return;
    };
    let reqs = mock.requests();
    assert!(!reqs.is_empty());
    for r in reqs.iter().filter(|r| r.route == "azure") {
        parses_as_xml(&s, &r.body).unwrap_or_else(|e| panic!("{e}\n{:?}", r.body));
    }
    for name in ["index.html", "notes.md", "chapters.json"] {
        let text = std::fs::read_to_string(ep.path(name)).unwrap();
        assert!(!text.contains(|c| NOT_XML.contains(c)), "{name}: {text:?}");
    }
    // The library's escapers, which every XML and HTML writer uses.
    let escaped = podgen::text::escape::xml(&format!("a{NOT_XML}\u{1}\u{8}b"));
    assert_eq!(escaped, "ab");
    parses_as_xml(&s, &format!("<r a=\"{escaped}\">{escaped}</r>")).unwrap();
}

#[test]
fn episode_numbers_are_bounded_like_every_other_number() {
    refused_as_the_table_says("episode_numbers");
}
