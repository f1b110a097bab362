//! Which English tokens are copied as written: those inside markup, URLs,
//! addresses and code (the shared [`crate::speak::protect`]), and whole
//! chunks (runs between spaces and non-ASCII letters) that are
//! identifiers: GPT-4o, H100, main.rs, 1.2.3, 24/7.

use super::literal::{is_ordinal_suffix, magnitude};
use super::tables;
use super::tables::{Fit, GLUE_PREFIXES, UNITS};
use super::tokens::{Kind, Tok};
use crate::speak::protect;
use crate::speak::work::Work;

/// For each token of `src`, whether no rule may read it.
pub(super) fn guard(src: &str, toks: &[Tok], work: &Work) -> Vec<bool> {
    let mut guard = vec![false; toks.len()];
    // Spans and tokens are both in order: one pass over each.
    let mut k = 0;
    for span in protect::spans(src, work) {
        while k < toks.len() && toks[k].end <= span.start {
            k += 1;
        }
        let mut j = k;
        while j < toks.len() && toks[j].start < span.end {
            guard[j] = true;
            j += 1;
        }
        work.add(j - k);
    }
    let gap = |k: Kind| matches!(k, Kind::Space | Kind::Alpha);
    let mut a = 0;
    while a < toks.len() {
        if gap(toks[a].kind) {
            a += 1;
            continue;
        }
        let mut b = a;
        while b < toks.len() && !gap(toks[b].kind) {
            b += 1;
        }
        work.add(b - a);
        if identifier(src, toks, a..b) {
            guard[a..b].fill(true);
        }
        a = b;
    }
    guard
}

/// Whether the chunk of tokens `chunk` is an identifier, or digits touching
/// Chinese (or other non-Latin) letters, which are not English.
fn identifier(src: &str, toks: &[Tok], chunk: std::ops::Range<usize>) -> bool {
    let (a, b) = (chunk.start, chunk.end);
    let text = &src[toks[a].start..toks[b - 1].end];
    let money = tables::CURRENCIES.iter().any(|c| text.contains(c.sign));
    let glue = Glue {
        src,
        toks,
        a,
        b,
        money,
    };
    if (a..b).any(|k| glue.at(k)) {
        return true;
    }
    let before = a > 0 && toks[a - 1].kind == Kind::Alpha && toks[a].kind == Kind::Num;
    let after = b < toks.len() && toks[b].kind == Kind::Alpha && toks[b - 1].kind == Kind::Num;
    before || after
}

/// One chunk `a..b` of tokens, looked at for what glues it together.
struct Glue<'a> {
    src: &'a str,
    toks: &'a [Tok],
    a: usize,
    b: usize,
    /// Whether the chunk holds a currency sign.
    money: bool,
}

impl Glue<'_> {
    fn tok(&self, j: usize) -> Option<Tok> {
        (j >= self.a && j < self.b).then(|| self.toks[j])
    }

    fn text(&self, t: Tok) -> &str {
        &self.src[t.start..t.end]
    }

    fn kind(&self, j: usize) -> Option<Kind> {
        self.tok(j).map(|t| t.kind)
    }

    /// Whether token `k` makes the chunk an identifier: letters glued to
    /// digits (H100, 7B, 5G), letters and digits joined by a hyphen or dot
    /// (GPT-4, v.2), a file or domain name (main.rs, x.com), a version or
    /// address (1.2.3), a fraction or slashed date (24/7).
    fn at(&self, k: usize) -> bool {
        let link = self.tok(k + 1).map(|t| self.text(t));
        let t = self.toks[k];
        match t.kind {
            Kind::Word => self.word_at(k, link),
            Kind::Num => {
                let slash = link == Some("/") && self.kind(k + 2) == Some(Kind::Num);
                let dots = link == Some(".")
                    && self.kind(k + 2) == Some(Kind::Num)
                    && self.tok(k + 3).map(|t| self.text(t)) == Some(".")
                    && self.kind(k + 4) == Some(Kind::Num);
                slash || dots
            }
            _ => false,
        }
    }

    fn word_at(&self, k: usize, link: Option<&str>) -> bool {
        let (a, toks) = (self.a, self.toks);
        let w = self.text(toks[k]);
        let after_num = k > a && toks[k - 1].kind == Kind::Num;
        if self.kind(k + 1) == Some(Kind::Num) {
            return true;
        }
        if after_num && !is_suffix(w, self.text(toks[k - 1]), self.money) {
            return true;
        }
        match (link, self.tok(k + 2)) {
            (Some("."), Some(n)) if n.kind == Kind::Num => true,
            (Some("-"), Some(n)) if n.kind == Kind::Num => {
                let prefix = GLUE_PREFIXES.contains(&w.to_ascii_lowercase().as_str());
                // 1-on-1, 9-to-5: a small word between two numbers.
                let between = k >= a + 2
                    && self.text(toks[k - 1]) == "-"
                    && toks[k - 2].kind == Kind::Num
                    && w.bytes().all(|c| c.is_ascii_lowercase());
                !(after_num || prefix || between)
            }
            (Some("."), Some(n)) if n.kind == Kind::Word => {
                let ext = self.text(n);
                ext.len() >= 2 && ext.bytes().all(|c| c.is_ascii_lowercase())
            }
            _ => false,
        }
    }
}

/// Letters that may be glued to digits without making an identifier.
fn is_suffix(w: &str, num: &str, money: bool) -> bool {
    is_ordinal_suffix(w)
        || super::times::ampm_word(w).is_some()
        || (w == "s" && super::words::decade(num).is_some())
        || magnitude(w, money).is_some()
        || UNITS.iter().any(|u| u.sym == w && u.fit != Fit::Spaced)
}
