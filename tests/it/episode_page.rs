//! The episode page, checked by its real consumer: headless Chromium,
//! driven over the Chrome DevTools Protocol, opens the rendered
//! `index.html` from a small HTTP server on 127.0.0.1 (media is served with
//! byte ranges, as a web server does). It checks what a listener sees: the
//! chapter list and the transcript, text from the script shown as text
//! (markup and a `</script>` in titles stay characters), the VTT parsed by
//! the browser into the same cues, a real click on the third chapter
//! seeking the player to that chapter's start and highlighting it, the
//! transcript following playback, nothing fetched but the episode's own
//! files, no script error or policy violation, and no sideways scrolling on
//! a phone. Screenshots go to `output/page-screenshot.png` (and
//! `-phone.png`) for people to look at.
//!
//! Without Chromium the test is skipped in the open (`common::tools`),
//! unless `PODGEN_REQUIRE_BROWSER` is set (as `.ci/run` sets it, after
//! installing Chromium), which makes that a failure.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

const TITLE: &str = "<b>&\"quotes\"</b> 🎙️ Folge";
const HOSTILE_CHAPTER: &str = "</script><script>window.pwned=1</script> & more";

/// The episode `page-test`: an intro, three items (one with a title that
/// tries to close the page's script element), an outro.
fn script() -> Script {
    Script::new("Page & <Show>", TITLE)
        .episode("page-test")
        .intro(json!({"text": "Welcome to the page test. This is the intro."}))
        .item(
            Item::new(
                "First item",
                "The first item has two sentences. Here is the second one.",
            )
            .links(&["https://example.com/a?b=1&c=2"]),
        )
        .item(
            Item::new(
                "Third chapter 🎧",
                "The third chapter starts here. It goes on with a second sentence. And a third one.",
            )
            .links(&["https://example.org/third"]),
        )
        .item(Item::new(HOSTILE_CHAPTER, "Last item, short."))
        .outro(json!({"text": "Thanks for listening."}))
}

// ------------------------------------------------------------ the server

/// Serves the files directly in `dir` on 127.0.0.1, with byte ranges;
/// records every path asked for.
struct Server {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (dir, log) = (dir.to_path_buf(), asked.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (dir, log) = (dir.clone(), log.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &dir, &log);
                });
            }
        });
        Server { port, asked }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

/// Answer the requests on one connection (kept alive, as Chromium's media
/// loader expects), one at a time.
fn serve(stream: TcpStream, dir: &Path, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request)? == 0 {
            return Ok(());
        }
        let mut range = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("range")
            {
                range = Some(v.trim().to_string());
            }
        }
        let mut parts = request.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        let name = target
            .split('?')
            .next()
            .unwrap_or("")
            .trim_start_matches('/');
        let name = if name.is_empty() { "index.html" } else { name };
        log.lock().unwrap().push(name.to_string());
        let file = (!name.contains('/') && !name.starts_with('.'))
            .then(|| std::fs::read(dir.join(name)).ok())
            .flatten();
        let Some(body) = file else {
            out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")?;
            continue;
        };
        let kind = match name.rsplit('.').next() {
            Some("html") => "text/html; charset=utf-8",
            Some("mp3") => "audio/mpeg",
            Some("wav") => "audio/wav",
            Some("vtt") => "text/vtt; charset=utf-8",
            _ => "application/octet-stream",
        };
        let len = body.len();
        let part = range.as_deref().and_then(|r| byte_range(r, len));
        let (from, to) = part.unwrap_or((0, len));
        let status = if part.is_some() {
            "206 Partial Content"
        } else {
            "200 OK"
        };
        let mut head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nAccept-Ranges: bytes\r\nContent-Length: {}\r\n",
            to - from
        );
        if part.is_some() {
            head.push_str(&format!("Content-Range: bytes {from}-{}/{len}\r\n", to - 1));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if method != "HEAD" {
            out.write_all(&body[from..to])?;
        }
    }
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` as a half-open range within `len`.
fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let (a, b) = header.strip_prefix("bytes=")?.split_once('-')?;
    let (from, to) = match (a.trim(), b.trim()) {
        ("", n) => (len.saturating_sub(n.parse().ok()?), len),
        (a, "") => (a.parse().ok()?, len),
        (a, b) => (a.parse().ok()?, (b.parse::<usize>().ok()? + 1).min(len)),
    };
    (from < to).then_some((from, to))
}

// ------------------------------------------------------------ the browser

/// Chromium with a fresh profile, ended when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    /// Console errors, exceptions and policy violations the page reported.
    problems: Vec<String>,
}

impl Drop for Browser {
    /// Ask Chromium to close (so it ends its helper processes), then make sure.
    fn drop(&mut self) {
        let close = json!({"id": 0, "method": "Browser.close"}).to_string();
        let _ = self.ws.send(tungstenite::Message::text(close));
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(exe: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "--autoplay-policy=no-user-gesture-required",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Chromium names its DevTools socket on stderr; keep draining it after.
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = tx.send(line[at..].trim().to_string());
                }
            }
        });
        let Ok(url) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!("Chromium did not open its DevTools socket within 60 s");
        };
        let address = url.trim_start_matches("ws://");
        let host = address.split('/').next().unwrap();
        let stream = TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).unwrap();
        let mut b = Browser {
            child,
            _profile: profile,
            ws,
            next_id: 0,
            session: String::new(),
            problems: Vec::new(),
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Runtime", "Log"] {
            b.call(&format!("{domain}.enable"), json!({}));
        }
        b
    }

    /// Send a command (to the page once attached) and wait for its answer,
    /// noting the page's problems among the events that come first.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.ws
            .send(tungstenite::Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = self.ws.read().expect("Chromium answers within 60 s");
            let Ok(text) = reply.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap();
            self.note(&v);
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn note(&mut self, event: &Value) {
        let p = &event["params"];
        match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => self.problems.push(p.to_string()),
            Some("Runtime.consoleAPICalled") if p["type"] == "error" => {
                self.problems.push(p.to_string());
            }
            Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                self.problems.push(p["entry"]["text"].to_string());
            }
            _ => {}
        }
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true, "userGesture": true}),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{expression}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Wait until `expression` is true, for at most `secs`.
    fn wait_for(&mut self, expression: &str, secs: u64) {
        let until = Instant::now() + Duration::from_secs(secs);
        while self.eval(&format!("!!({expression})")) != json!(true) {
            assert!(
                Instant::now() < until,
                "not true within {secs} s: {expression}\nthe page reported: {:?}",
                self.problems
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A real mouse click at the middle of the element `selector` finds.
    fn click(&mut self, selector: &str) {
        let r = self.eval(&format!(
            "(() => {{ const e = document.querySelector({s}); e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            s = json!(selector)
        ));
        let (x, y) = (r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    fn screenshot(&mut self, path: &Path) {
        use base64::Engine as _;
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

// ------------------------------------------------------------ the checks

/// Cue times of a VTT, in milliseconds.
fn vtt_times(vtt: &str) -> Vec<(u64, u64)> {
    let ms = |stamp: &str| {
        let (hms, frac) = stamp.trim().split_once('.').unwrap();
        let p: Vec<u64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + frac.parse::<u64>().unwrap()
    };
    vtt.lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| (ms(a), ms(b)))
        .collect()
}

#[test]
fn the_page_plays_seeks_and_follows_in_chromium() {
    let Some(exe) = tools::chromium() else {
        return;
    };
    let s = Scratch::new();
    s.render(&script().write(&s, "issue.yaml"));
    let ep = s.episode("out", "page-test");
    let chapters = ep.chapters()["chapters"].clone();
    let transcript = read_json(&ep.file("json"));
    let vtt = vtt_times(&ep.text("vtt"));
    assert_eq!(array(&chapters).len(), 5);

    let server = Server::start(&ep.dir);
    let mut b = Browser::launch(&exe);
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    b.call("Page.navigate", json!({"url": server.url("index.html")}));
    b.wait_for("document.readyState === 'complete' && window.podgen", 30);
    // The metadata and the VTT track, both loaded over HTTP.
    b.wait_for(
        "podgen.audio.readyState >= 1 && podgen.audio.duration > 0",
        30,
    );
    b.wait_for(
        "podgen.audio.textTracks[0].cues && podgen.audio.textTracks[0].cues.length > 0",
        30,
    );
    check_text(&mut b, &chapters, &transcript, &vtt);
    check_click(&mut b, &chapters);
    b.screenshot(&root().join("output/page-screenshot.png"));
    check_playback(&mut b);
    check_phone(&mut b);

    let mut asked = server.asked.lock().unwrap().clone();
    asked.sort();
    asked.dedup();
    assert_eq!(asked, ["index.html", "page-test.mp3", "page-test.vtt"]);
    assert!(b.problems.is_empty(), "the page reported: {:?}", b.problems);
}

/// Chapters, title and transcript as text, one entry each; the browser's
/// own reading of the VTT agrees with the JSON transcript and the page.
fn check_text(b: &mut Browser, chapters: &Value, transcript: &Value, vtt: &[(u64, u64)]) {
    assert_eq!(b.eval("document.querySelector('h1').textContent"), TITLE);
    assert_eq!(b.eval("document.querySelector('h1').children.length"), 0);
    assert_eq!(b.eval("typeof window.pwned"), "undefined");
    let shown =
        b.eval("[...document.querySelectorAll('#chapters li .title')].map(e => e.textContent)");
    let titles: Vec<&Value> = chapters
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["title"])
        .collect();
    assert_eq!(shown.as_array().unwrap().iter().collect::<Vec<_>>(), titles);
    assert_eq!(shown[3], HOSTILE_CHAPTER);
    let starts = b.eval("podgen.chapters.map(c => c.start)");
    for (got, c) in starts
        .as_array()
        .unwrap()
        .iter()
        .zip(chapters.as_array().unwrap())
    {
        assert_eq!(got.as_f64(), c["startTime"].as_f64(), "{c}");
    }

    let segments = transcript["segments"].as_array().unwrap();
    assert_eq!(segments.len(), vtt.len());
    let cues = b.eval("[...document.querySelectorAll('#transcript .cue')].map(e => e.textContent)");
    assert_eq!(cues.as_array().unwrap().len(), segments.len());
    for (shown, seg) in cues.as_array().unwrap().iter().zip(segments) {
        let body = seg["body"].as_str().unwrap();
        assert!(shown.as_str().unwrap().ends_with(body), "{shown} / {body}");
    }
    let page_times = b.eval("podgen.cues.map(c => [c.start, c.end])");
    let track_times =
        b.eval("[...podgen.audio.textTracks[0].cues].map(c => [c.startTime, c.endTime])");
    for (i, &(a, z)) in vtt.iter().enumerate() {
        let want = [a as f64 / 1000.0, z as f64 / 1000.0];
        for got in [&page_times[i], &track_times[i]] {
            assert!(
                (got[0].as_f64().unwrap() - want[0]).abs() < 1e-9
                    && (got[1].as_f64().unwrap() - want[1]).abs() < 1e-9,
                "cue {i}: {got} vs {want:?}"
            );
        }
    }
    // The notes: a link per script link, as an http(s) href.
    let hrefs = b.eval("[...document.querySelectorAll('#notes a')].map(a => a.href)");
    assert_eq!(
        hrefs,
        json!(["https://example.com/a?b=1&c=2", "https://example.org/third"])
    );
}

/// A real click on the third chapter: the player is at its start, and it
/// is the highlighted chapter; the transcript shows its first sentence.
fn check_click(b: &mut Browser, chapters: &Value) {
    let start = chapters[2]["startTime"].as_f64().unwrap();
    assert!(
        start > 1.0,
        "the third chapter starts well into the episode"
    );
    assert_eq!(b.eval("podgen.highlightedChapter()"), 0);
    b.click("#chapters li:nth-child(3) button");
    b.wait_for(
        "!podgen.audio.seeking && podgen.highlightedChapter() === 2",
        10,
    );
    let at = b.eval("podgen.audio.currentTime").as_f64().unwrap();
    assert!(
        (at - start).abs() <= 0.05,
        "currentTime {at} vs chapter start {start}"
    );
    assert_eq!(b.eval("podgen.currentChapter()"), 2);
    assert_eq!(
        b.eval("document.querySelectorAll('#chapters li.current').length"),
        1
    );
    let first_cue = b.eval("podgen.cues.findIndex(c => c.chapter === 2)");
    assert_eq!(b.eval("podgen.highlightedCue()"), first_cue);
    assert!(in_view(b, "#transcript .cue.current"));
}

/// Whether the element is inside the transcript box's visible part.
fn in_view(b: &mut Browser, selector: &str) -> bool {
    b.eval(&format!(
        "(() => {{ const e = document.querySelector({}); const box = document.getElementById('transcript').getBoundingClientRect(); const r = e.getBoundingClientRect(); return r.top >= box.top - 1 && r.bottom <= box.bottom + 1; }})()",
        json!(selector)
    )) == json!(true)
}

/// Playing on from the third chapter, the highlight moves to its next
/// sentences as their times come.
fn check_playback(b: &mut Browser) {
    let first = b.eval("podgen.highlightedCue()").as_u64().unwrap();
    let next_start = b.eval(&format!("podgen.cues[{}].start", first + 1));
    b.eval("podgen.audio.play()");
    b.wait_for(
        &format!("podgen.audio.currentTime > {next_start} + 0.2"),
        20,
    );
    b.eval("podgen.audio.pause()");
    let now = b.eval("podgen.highlightedCue()").as_u64().unwrap();
    assert!(now > first, "cue {now} after {first}");
    assert_eq!(b.eval("podgen.currentCue()"), json!(now));
    assert_eq!(b.eval("podgen.highlightedChapter()"), 2);
    assert!(in_view(b, "#transcript .cue.current"));
}

/// On a phone-sized screen: nothing wider than the screen, the player and
/// the chapters within reach.
fn check_phone(b: &mut Browser) {
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}),
    );
    b.eval("window.scrollTo(0, 0)");
    b.wait_for("window.innerWidth === 390", 10);
    assert_eq!(
        b.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        true
    );
    assert_eq!(
        b.eval("document.querySelector('audio').getBoundingClientRect().width > 300"),
        true
    );
    // The transcript box is shorter there: the current cue is still in it.
    b.wait_for("document.querySelector('#transcript .cue.current')", 5);
    assert!(in_view(b, "#transcript .cue.current"));
    b.screenshot(&root().join("output/page-screenshot-phone.png"));
}

/// Without a browser too: the page as written holds the script's text only
/// escaped, its data block cannot be closed from inside, and a WAV-only
/// episode's page plays the WAV.
#[test]
fn the_page_file_escapes_and_plays_what_was_written() {
    let s = Scratch::new();
    Config::new()
        .audio(json!({"formats": ["wav"]}))
        .write(&s, "podgen.yaml");
    s.render(&script().write(&s, "issue.yaml"));
    let ep = s.episode("out", "page-test");
    assert!(!ep.file("mp3").exists());
    let html = std::fs::read_to_string(ep.path("index.html")).unwrap();
    assert!(html.contains("<source src=\"page-test.wav\" type=\"audio/wav\">"));
    assert!(!html.contains(".mp3"));
    assert!(html.contains("<track kind=\"subtitles\" src=\"page-test.vtt\""));
    assert!(html.contains("<h1>&lt;b&gt;&amp;&quot;quotes&quot;&lt;/b&gt; 🎙️ Folge</h1>"));
    assert!(!html.contains("<b>"));
    assert!(!html.contains("window.pwned=1</script>"));
    // Two script elements (the data and the code), closed where they end.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    // Nothing from elsewhere: no address but the script's own links.
    let addresses: Vec<&str> = html
        .match_indices("://")
        .map(|(i, _)| &html[html[..i].rfind(['"', '>']).unwrap() + 1..i])
        .collect();
    assert!(addresses.iter().all(|a| *a == "https"), "{addresses:?}");
    assert_eq!(
        addresses.len(),
        2 * 2 + 2,
        "two links in notes (text and href), two chapter urls in data"
    );
}
