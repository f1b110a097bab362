//! An HTTP server on 127.0.0.1 for the misbehaviour the mock does not
//! offer: hostile bytes, endless bodies, silence.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A server that answers every request with the test's own code.
pub struct RawServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    hits: Arc<AtomicUsize>,
}

impl RawServer {
    /// Answer every request with `answer`, given the request (its head and
    /// body) and the stream to write to.
    pub fn start(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                std::thread::spawn(move || {
                    let request = read_request(&mut stream);
                    answer(&request, &mut stream);
                });
            }
        });
        RawServer { url, hits }
    }

    /// Answer every request 200 with `body` as audio/wav.
    pub fn serving(body: Vec<u8>) -> RawServer {
        RawServer::start(move |_, s| respond(s, "200 OK", "audio/wav", &body))
    }

    /// Answer every request 429 with `retry_after` seconds and `message`
    /// in OpenAI's error object.
    pub fn rate_limited(retry_after: u64, message: &'static str) -> RawServer {
        RawServer::start(move |_, s| {
            let body = serde_json::json!({"error": {"message": message}}).to_string();
            let head = format!(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {retry_after}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(body.as_bytes());
        })
    }

    /// How many connections it accepted.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = stream.read_exact(&mut body);
    head + &String::from_utf8_lossy(&body)
}

/// A whole answer: `status`, `content_type`, `body`, then the connection closes.
pub fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}
