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
