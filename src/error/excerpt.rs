//! The part of a file a snippet shows: the lines around an error, each cut
//! to a window around the place it points at. A one-line script (flow
//! style, JSON) can hold a line of megabytes, and the report's renderer
//! cannot draw a label past column 65 535; a window keeps the message
//! readable and the renderer within its bounds, while the header keeps the
//! real line and column.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters shown on each side of the place a line is cut around.
const WINDOW: usize = 60;

/// Lines shown before and after the error's (miette's default context).
const CONTEXT: usize = 1;

/// What stands for the part of a line that is cut off.
const CUT: &str = "…";

/// An excerpt of a file: the lines around a span, each windowed, with the
/// span moved to where its text is in the excerpt.
pub struct Excerpt {
    name: String,
    text: String,
    /// The 0-based line of the file the excerpt starts at.
    first_line: usize,
    /// The label's span in the excerpt.
    pub span: SourceSpan,
    /// The label's 0-based line and column (in characters) in the file.
    at: (usize, usize),
}

impl Excerpt {
    /// The lines of `text` around `span`, windowed.
    pub fn new(name: &str, text: &str, span: SourceSpan) -> Excerpt {
        let start = floor(text, span.offset().min(text.len()));
        let end = floor(text, (span.offset() + span.len()).min(text.len())).max(start);
        let lines = line_starts(text);
        let line_of = |offset: usize| lines.partition_point(|&s| s <= offset) - 1;
        let (start_line, end_line) = (line_of(start), line_of(end));
        let first = start_line.saturating_sub(CONTEXT);
        let last = (end_line + CONTEXT).min(lines.len() - 1);
        let mut out = String::new();
        let (mut new_start, mut new_end) = (0, 0);
        for (n, &from) in lines.iter().enumerate().take(last + 1).skip(first) {
            let to = lines.get(n + 1).copied().unwrap_or(text.len());
            let line = text[from..to].trim_end_matches(['\n', '\r']);
            let centre = match n {
                n if n == start_line => start - from,
                n if n == end_line => end - from,
                _ => 0,
            };
            let window = Window::around(line, centre.min(line.len()));
            let here = out.len();
            window.write(line, &mut out);
            if n == start_line {
                new_start = here + window.place(start - from);
            }
            if n == end_line {
                new_end = here + window.place((end - from).min(line.len()));
            }
        }
        let column = text[lines[start_line]..start].chars().count();
        Excerpt {
            name: name.to_string(),
            text: out,
            first_line: first,
            span: SourceSpan::new(new_start.into(), new_end.max(new_start) - new_start),
            at: (start_line, column),
        }
    }
}

/// The byte offsets at which the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len() || i == 0)
        .collect()
}

/// `i`, moved back to a character boundary of `s`.
fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The bytes `from..to` of a line that a snippet shows.
struct Window {
    from: usize,
    to: usize,
}

impl Window {
    /// [`WINDOW`] characters either side of byte `centre` of `line`.
    fn around(line: &str, centre: usize) -> Window {
        let before: Vec<usize> = line[..centre].char_indices().map(|(i, _)| i).collect();
        let from = before
            .len()
            .checked_sub(WINDOW)
            .map_or(0, |cut| before[cut]);
        let to = line[centre..]
            .char_indices()
            .nth(WINDOW)
            .map_or(line.len(), |(i, _)| centre + i);
        Window { from, to }
    }

    /// Write the window of `line` to `out`, and a line break.
    fn write(&self, line: &str, out: &mut String) {
        if self.from > 0 {
            out.push_str(CUT);
        }
        out.push_str(&line[self.from..self.to]);
        if self.to < line.len() {
            out.push_str(CUT);
        }
        out.push('\n');
    }

    /// Where byte `offset` of the line is in the written window.
    fn place(&self, offset: usize) -> usize {
        let lead = if self.from > 0 { CUT.len() } else { 0 };
        lead + offset.clamp(self.from, self.to) - self.from
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // The header names the label's real line and column.
        let (line, column) = if span.offset() == self.span.offset() && before == 0 {
            self.at
        } else {
            (inner.line() + self.first_line, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_span_and_the_span_follows() {
        let line = format!("{}HERE{}\nnext\n", "x".repeat(70_000), "y".repeat(500));
        let at = line.find("HERE").unwrap();
        let e = Excerpt::new("f.yaml", &line, SourceSpan::new(at.into(), 4));
        let shown = &e.text[e.span.offset()..e.span.offset() + e.span.len()];
        assert_eq!(shown, "HERE");
        assert!(e.text.len() < 400, "{}", e.text.len());
        assert!(e.text.starts_with(CUT) && e.text.contains("next"));
        assert_eq!(e.at, (0, 70_000));
    }

    #[test]
    fn short_files_are_shown_as_they_are() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let at = text.find("2").unwrap();
        let e = Excerpt::new("f.yaml", text, SourceSpan::new(at.into(), 1));
        assert_eq!(e.text, "a: 1\nb: 2\nc: 3\n");
        assert_eq!(&e.text[e.span.offset()..][..1], "2");
        assert_eq!((e.first_line, e.at), (0, (1, 3)));
    }
}
