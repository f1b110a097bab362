//! The two kinds of failure podgen reports, and how each maps to an exit code.
//!
//! Input failures (exit 2) are about what the user wrote: the script, a file it
//! names, a setting. They carry the file, line and column, a source snippet when
//! there is one, and a hint. Runtime failures (exit 1) happen while working: a
//! backend that keeps failing, a full disk. They name the item and segment.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use miette::{LabeledSpan, MietteDiagnostic, Report, SourceSpan};

mod excerpt;

pub use excerpt::Excerpt;

/// A failure, classified for the exit code.
pub enum Failure {
    /// Bad input: exit code 2.
    Input(Report),
    /// Something went wrong while rendering: exit code 1.
    Runtime(Report),
    /// Stopped by a signal: exit code 128 + its number, as shells report
    /// it (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
    Interrupted(Report, u8),
}

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
            Failure::Interrupted(_, code) => *code,
        }
    }

    /// The report to print.
    pub fn report(&self) -> &Report {
        match self {
            Failure::Input(r) | Failure::Runtime(r) | Failure::Interrupted(r, _) => r,
        }
    }

    /// A runtime failure with a plain message.
    pub fn runtime(message: impl fmt::Display) -> Self {
        Failure::Runtime(Report::msg(message.to_string()))
    }

    /// A runtime failure: `what` could not be done, because of `cause` and
    /// every cause under it ([`chain`]).
    pub fn runtime_because(what: impl fmt::Display, cause: &dyn std::error::Error) -> Self {
        Failure::runtime(format!("{what}: {}", chain(cause)))
    }

    /// An input failure with a plain message and a hint.
    pub fn input(message: impl fmt::Display, help: impl Into<String>) -> Self {
        Failure::Input(Report::new(
            MietteDiagnostic::new(message.to_string()).with_help(help),
        ))
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.report(), f)
    }
}

/// `error` and every cause under it, as one line: `a: b: c`. A cause whose
/// text the error before it already ends with is not repeated (many errors
/// show their cause in their own message too).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// podgen's result: a [`Failure`] unless told otherwise.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// The largest script, config or voice file podgen reads: a script of 8 MB
/// would be a dozen hours of speech.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a file could not be opened or read, in the user's words.
pub fn unreadable(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if e.raw_os_error() == Some(40) => "a loop of symbolic links".into(),
        _ => chain(e),
    }
}

/// What is wrong with `path` as a file to read, if anything: it must be a
/// regular file (not a folder, a device or a pipe, which would block or
/// never end) no larger than `max_bytes`.
pub fn regular_file_problem(path: &Path, max_bytes: u64) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(unreadable(&e)),
    };
    if meta.is_dir() {
        return Some("it is a folder, not a file".into());
    }
    if !meta.is_file() {
        return Some("it is not a regular file (a device or a pipe?)".into());
    }
    (meta.len() > max_bytes).then(|| {
        format!(
            "it is {:.1} MB, more than the {} MB podgen reads",
            meta.len() as f64 / 1e6,
            max_bytes / 1_000_000
        )
    })
}

/// Read a script, config or voice file (`noun`: "the script"): a regular
/// file of at most [`MAX_SOURCE_BYTES`], UTF-8 text. Errors say which file,
/// what is wrong, and `hint`.
pub fn read_source(path: &Path, noun: &str, hint: &str) -> Result<String> {
    use std::io::Read as _;
    let fail = |why: String| {
        Failure::input(
            format!("cannot read {noun} {}: {why}", path.display()),
            hint.to_string(),
        )
    };
    if let Some(why) = regular_file_problem(path, MAX_SOURCE_BYTES) {
        return Err(fail(why));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(unreadable(&e)))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(fail(format!(
            "it grew past {} MB while being read",
            MAX_SOURCE_BYTES / 1_000_000
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::input(
            format!(
                "{}: {noun} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "save the file as UTF-8",
        )
    })
}

/// A source file the user wrote, kept so that errors can quote it.
#[derive(Clone)]
pub struct SourceFile {
    /// The path as given.
    pub name: String,
    /// Its whole text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// The text of the file at `path`.
    pub fn new(path: &Path, text: String) -> Self {
        SourceFile {
            name: path.display().to_string(),
            text: Arc::from(text),
        }
    }

    /// `file:line:column` for a byte offset, 1-based like every editor.
    pub fn position(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{}:{}", self.name, line, column)
    }

    /// An input failure pointing at `span` in this file.
    ///
    /// The message is prefixed with `file:line:column` so that it reads well
    /// in logs too, where the snippet is lost.
    pub fn error(
        &self,
        span: Option<SourceSpan>,
        message: impl fmt::Display,
        label: &str,
        help: Option<String>,
    ) -> Failure {
        let prefix = match span {
            Some(s) => self.position(s.offset()),
            None => self.name.clone(),
        };
        let mut diag = MietteDiagnostic::new(format!("{prefix}: {message}"));
        if let Some(help) = help {
            diag = diag.with_help(help);
        }
        let Some(span) = span else {
            return Failure::Input(Report::new(diag));
        };
        // The lines around the error, each cut to a window around it: a
        // line of a one-line script can be megabytes long.
        let excerpt = Excerpt::new(&self.name, &self.text, span);
        diag = diag.with_label(LabeledSpan::at(excerpt.span, label));
        Failure::Input(Report::new(diag).with_source_code(excerpt))
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The known word closest to `word`, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(word.len()) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write the MP3")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_chain_says_every_cause_once() {
        let inner = std::io::Error::other("disk full");
        assert_eq!(chain(&Outer(inner)), "cannot write the MP3: disk full");
        // An error that shows its cause itself is not told twice.
        #[derive(Debug, thiserror::Error)]
        #[error("{0}")]
        struct Shows(#[source] std::io::Error);
        let shows = Shows(std::io::Error::other("gone"));
        assert_eq!(chain(&shows), "gone");
        let failure = Failure::runtime_because("cannot start", &Outer(std::io::Error::other("x")));
        assert_eq!(
            failure.report().to_string(),
            "cannot start: cannot write the MP3: x"
        );
    }

    #[test]
    fn nearest_finds_typos_and_rejects_strangers() {
        let known = ["title", "text", "voice", "links"];
        assert_eq!(nearest("titel", &known), Some("title"));
        assert_eq!(nearest("txet", &known), Some("text"));
        assert_eq!(nearest("link", &known), Some("links"));
        assert_eq!(nearest("bananas", &known), None);
    }

    #[test]
    fn position_is_one_based_and_counts_characters() {
        let f = SourceFile::new(Path::new("a.yaml"), "ab\n中文x\n".to_string());
        assert_eq!(f.position(0), "a.yaml:1:1");
        assert_eq!(f.position(3), "a.yaml:2:1");
        // '中' and '文' are 3 bytes each: byte 9 is 'x', the third character.
        assert_eq!(f.position(9), "a.yaml:2:3");
    }
}
