//! English text as tokens, and how rules look at them: every look goes
//! through [`Norm`]'s accessors, which skip protected tokens and count
//! the work.

use super::{Hit, Norm};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A run of whitespace.
    Space,
    /// A run of ASCII letters (and the micro sign, for µs and µm).
    Word,
    /// A run of ASCII digits.
    Num,
    /// One ASCII punctuation mark or symbol.
    Punct,
    /// A run of non-ASCII letters (Chinese, accented Latin, ...).
    Alpha,
    /// One other non-ASCII character (€, °, –, emoji, ...).
    Sym,
}

/// A token: its kind and its byte range in the text (on char boundaries).
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

fn class(c: char) -> Kind {
    if c.is_whitespace() {
        Kind::Space
    } else if c.is_ascii_alphabetic() || c == 'µ' || c == 'μ' {
        Kind::Word
    } else if c.is_ascii_digit() {
        Kind::Num
    } else if c.is_ascii() {
        Kind::Punct
    } else if c.is_alphabetic() {
        Kind::Alpha
    } else {
        Kind::Sym
    }
}

/// `s` cut into tokens: runs of whitespace, ASCII letters, digits and
/// non-ASCII letters, and single other characters.
pub(super) fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    for (start, c) in s.char_indices() {
        let kind = class(c);
        let end = start + c.len_utf8();
        let runs = matches!(kind, Kind::Space | Kind::Word | Kind::Num | Kind::Alpha);
        if runs
            && let Some(last) = toks.last_mut()
            && last.kind == kind
        {
            last.end = end;
            continue;
        }
        toks.push(Tok { kind, start, end });
    }
    toks
}

impl<'a> Norm<'a> {
    /// Token `i`, protected or not.
    pub(super) fn tok(&self, i: usize) -> Option<Tok> {
        self.work.add(1);
        self.toks.get(i).copied()
    }

    /// The kind of token `i`, protected or not.
    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|t| t.kind)
    }

    /// The text of token `i`, protected or not; "" past the end.
    pub(super) fn text(&self, i: usize) -> &'a str {
        let src = self.src;
        self.tok(i).map_or("", |t| &src[t.start..t.end])
    }

    /// Token `i` if it exists and is not protected.
    pub(super) fn open(&self, i: usize) -> Option<(Kind, &'a str)> {
        let t = self.tok(i)?;
        (!self.guard[i]).then(|| (t.kind, self.text(i)))
    }

    /// The letters of token `i`, if it is an open word.
    pub(super) fn word(&self, i: usize) -> Option<&'a str> {
        self.open(i).filter(|t| t.0 == Kind::Word).map(|t| t.1)
    }

    /// The digits of token `i`, if it is an open number.
    pub(super) fn num(&self, i: usize) -> Option<&'a str> {
        self.open(i).filter(|t| t.0 == Kind::Num).map(|t| t.1)
    }

    /// Whether token `i` is the open mark `c`.
    pub(super) fn is(&self, i: usize, c: &str) -> bool {
        matches!(self.open(i), Some((Kind::Punct | Kind::Sym, s)) if s == c)
    }

    /// Whether token `i` is a hyphen or an en dash.
    pub(super) fn dash(&self, i: usize) -> bool {
        self.is(i, "-") || self.is(i, "–")
    }

    /// Whitespace within a line.
    pub(super) fn space(&self, i: usize) -> bool {
        matches!(self.open(i), Some((Kind::Space, s)) if !s.contains('\n'))
    }

    /// The text of tokens `a..b`.
    pub(super) fn span(&self, a: usize, b: usize) -> &'a str {
        let src = self.src;
        match (self.tok(a), b.checked_sub(1).and_then(|l| self.tok(l))) {
            (Some(x), Some(y)) if x.start <= y.end => {
                self.work.add(y.end - x.start);
                &src[x.start..y.end]
            }
            _ => "",
        }
    }

    /// Tokens `a..b` said as `say()`, or as written when the family is off.
    pub(super) fn emit(&self, on: bool, a: usize, b: usize, say: impl FnOnce() -> String) -> Hit {
        Some((
            b,
            if on {
                say()
            } else {
                self.span(a, b).to_string()
            },
        ))
    }

    /// Tokens `a..b` as written, whatever the families: a construct that
    /// no family reads but that no rule may read half of either.
    pub(super) fn as_written(&self, a: usize, b: usize) -> Hit {
        Some((b, self.span(a, b).to_string()))
    }

    /// Whether nothing glued to a number continues it at token `k`.
    pub(super) fn tail_free(&self, k: usize) -> bool {
        let Some(t) = self.tok(k) else {
            return true;
        };
        if self.guard[k] {
            return true;
        }
        match t.kind {
            Kind::Space | Kind::Alpha => true,
            Kind::Word | Kind::Num => false,
            Kind::Sym => !matches!(self.text(k), "°" | "℃" | "℉" | "–" | "−"),
            Kind::Punct => match self.text(k) {
                "%" | "$" => false,
                ":" | "." | "," | "-" | "/" => self.num(k + 1).is_none(),
                _ => true,
            },
        }
    }

    /// Whether the text after token `k` starts a new sentence, so a dot
    /// that ended an abbreviation should stay. `strict`: only at the end of
    /// the text or of a line (U.S. is often followed by a capitalised word).
    pub(super) fn sentence_end(&self, k: usize, strict: bool) -> bool {
        let Some(t) = self.tok(k) else {
            return true;
        };
        if t.kind != Kind::Space {
            return false;
        }
        let upper = self
            .text(k + 1)
            .starts_with(|c: char| c.is_ascii_uppercase());
        self.text(k).contains('\n') || k + 1 >= self.toks.len() || (!strict && upper)
    }

    /// The word before token `i`, across one space or a hyphen (mid-2024).
    pub(super) fn prev_word(&self, i: usize) -> Option<&'a str> {
        let p = i.checked_sub(1)?;
        let w = p.checked_sub(1)?;
        let sep = self.space(p) || self.text(p) == "-";
        (sep && self.kind(w) == Some(Kind::Word)).then(|| self.text(w))
    }
}
