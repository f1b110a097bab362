//! The numbers family: cardinals, decimals, negative numbers, ordinals and
//! scales (1,770, 3.5, -5, 23rd, 1.2bn), and numbers that are part of a
//! name (Zen 5, Windows 11), which stay as written.

use super::literal::{Lit, is_ordinal_suffix, magnitude};
use super::tables::{COMMON, WEEKDAYS};
use super::tokens::Kind;
use super::words::{decade, int_words, ordinalize, year_words};
use super::{Hit, Norm};

impl<'a> Norm<'a> {
    /// The number starting at Num token `i`: 1,770 / 3.5 / 007.
    pub(super) fn lit(&self, i: usize) -> Option<Lit<'a>> {
        let head = self.num(i)?;
        let mut int = head.to_string();
        let mut end = i + 1;
        let mut commas = false;
        if head.len() <= 3 && !head.starts_with('0') {
            while self.is(end, ",") && self.num(end + 1).is_some_and(|g| g.len() == 3) {
                int.push_str(self.text(end + 1));
                end += 2;
                commas = true;
            }
        }
        let mut frac = None;
        if self.is(end, ".")
            && let Some(f) = self.num(end + 1)
        {
            frac = Some(f);
            end += 2;
        }
        Some(Lit {
            first: i,
            end,
            sign: None,
            int,
            frac,
            commas,
        })
    }

    pub(super) fn cardinal(&self, a: &Lit<'a>) -> Hit {
        // Letters glued on that no rule took (25am): the token stays whole.
        if self.word(a.end).is_some() {
            return self.as_written(a.first, a.end + 1);
        }
        // 10,000+ users: "ten thousand plus".
        if self.is(a.end, "+") && self.tail_free(a.end + 1) {
            return self.emit(self.rules.numbers, a.first, a.end + 1, || {
                format!("{} plus", a.words())
            });
        }
        self.emit(self.rules.numbers, a.first, a.end, || a.words())
    }

    /// Letters glued on: ordinals (23rd), decades (1990s, 90s), scales (1.2bn).
    pub(super) fn suffix(&self, a: &Lit<'a>) -> Hit {
        let w = self.word(a.end)?;
        let end = a.end + 1;
        if is_ordinal_suffix(w) && a.sign.is_none() && a.frac.is_none() {
            return self.emit(self.rules.numbers, a.first, end, || {
                ordinalize(&int_words(&a.int))
            });
        }
        if w == "s"
            && a.plain()
            && let Some(say) = decade(&a.int)
        {
            return self.emit(self.rules.dates, a.first, end, || say);
        }
        let mag = magnitude(w, false)?;
        self.emit(self.rules.numbers, a.first, end, || {
            format!("{} {mag}", a.words())
        })
    }

    /// A number right after a capitalised name is part of it (Zen 5,
    /// Windows 11, RTX 4090, Python 3.12) and stays as written; one that
    /// could be a year is read as one (Computex 2024, Windows 2000).
    pub(super) fn brand(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || a.commas {
            return None;
        }
        let sp = a.first.checked_sub(1)?;
        let wi = sp.checked_sub(1)?;
        if self.text(sp) != " " || self.kind(wi) != Some(Kind::Word) {
            return None;
        }
        let w = self.text(wi);
        if !w.is_ascii() || !w.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let lower = w.to_ascii_lowercase();
        if COMMON.contains(&lower.as_str())
            || super::dates::month_of(w).is_some()
            || WEEKDAYS.contains(&w)
        {
            return None;
        }
        // The name must be a word on its own, not the tail of "U.S." or "Q3".
        let alone = match wi.checked_sub(1) {
            None => true,
            Some(p) => {
                matches!(self.kind(p), Some(Kind::Space | Kind::Alpha | Kind::Sym))
                    || matches!(self.text(p), "(" | "[" | "\"" | "'")
            }
        };
        if !alone {
            return None;
        }
        match self.year_of(a) {
            Some(y) => self.emit(self.rules.dates, a.first, a.end, || year_words(y)),
            None => self.as_written(a.first, a.end),
        }
    }

    /// Whether a sign at token `i` starts a number rather than joining two.
    pub(super) fn sign_context(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1) else {
            return true;
        };
        match self.kind(p) {
            Some(Kind::Space | Kind::Alpha) | None => true,
            Some(Kind::Punct) => matches!(self.text(p), "(" | "[" | "\"" | "'" | "/"),
            Some(Kind::Sym) => !matches!(self.text(p), "–" | "−" | "°"),
            Some(Kind::Word | Kind::Num) => false,
        }
    }

    /// -5 → "minus five", +3% → "plus three percent", -$5.
    pub(super) fn signed(&self, i: usize) -> Hit {
        if !self.sign_context(i) {
            return None;
        }
        let word = if self.text(i) == "+" { "plus" } else { "minus" };
        if super::money::currency(self.text(i + 1)).is_some() && self.open(i + 1).is_some() {
            return self.money(i, i + 1, "", Some(word));
        }
        let mut a = self.lit(i + 1)?;
        a.first = i;
        a.sign = Some(word);
        self.number(a)
    }
}
