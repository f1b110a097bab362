//! The money family: amounts after a currency sign ($5, €3.50, US$5,
//! $2.5 billion, $3bn, $5-10 million, -$5).

use super::literal::{Lit, magnitude};
use super::tables::{CURRENCIES, Currency, DOLLAR_PREFIXES, SCALE_WORDS};
use super::words::{digit_words, int_words, two_digit};
use super::{Hit, Norm};

/// The currency a sign stands for.
pub(super) fn currency(sign: &str) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.sign == sign)
}

/// An amount of money without a scale: "three dollars and fifty cents".
fn money_words(a: &Lit<'_>, cur: &Currency, qual: &str) -> String {
    let sign = a.sign.map(|s| format!("{s} ")).unwrap_or_default();
    let whole = int_words(&a.int);
    let unit = if a.int == "1" { cur.one } else { cur.many };
    let body = match a.frac {
        None => format!("{whole} {qual}{unit}"),
        Some(f) if f.len() == 2 && !cur.sub_many.is_empty() => {
            let c: u64 = f.parse().unwrap_or(0);
            let sub = if c == 1 { cur.sub_one } else { cur.sub_many };
            let cents = format!("{} {sub}", two_digit(c));
            let zero = a.int.bytes().all(|b| b == b'0');
            match (zero, c) {
                (true, 0) => format!("zero {qual}{}", cur.many),
                (true, _) => cents,
                (false, 0) => format!("{whole} {qual}{unit}"),
                (false, _) => format!("{whole} {qual}{unit} and {cents}"),
            }
        }
        Some(f) => format!("{whole} point {} {qual}{}", digit_words(f), cur.many),
    };
    sign + &body
}

impl<'a> Norm<'a> {
    /// A scale after an amount: glued (3bn, 5M) or a word (2.5 billion).
    fn magnitude_after(&self, k: usize) -> Option<(&'static str, usize)> {
        if let Some(w) = self.word(k) {
            return magnitude(w, true).map(|m| (m, k + 1));
        }
        if self.space(k)
            && let Some(w) = self.word(k + 1)
            && let Some(m) = SCALE_WORDS.iter().find(|s| **s == w)
        {
            return Some((m, k + 2));
        }
        None
    }

    /// $5, US$5, €3.50, $2.5 billion, $3bn, $5-10 million, -$5: the tokens
    /// from `first`, the currency sign at `sym`, `qual` naming whose
    /// currency it is, `sign` a word for a sign before it.
    pub(super) fn money(&self, first: usize, sym: usize, qual: &str, sign: Option<&str>) -> Hit {
        let cur = currency(self.text(sym))?;
        let a = self.lit(sym + 1)?;
        let mut end = a.end;
        let mut b = None;
        if self.dash(end) {
            let again = self.is(end + 1, self.text(sym));
            if let Some(l) = self.lit(end + 1 + usize::from(again)) {
                end = l.end;
                b = Some(l);
            }
        }
        let mag = self.magnitude_after(end);
        if let Some((_, e)) = mag {
            end = e;
        }
        let on = self.rules.money && (b.is_none() || self.rules.ranges);
        self.emit(on, first, end, || {
            let mut s = sign.map(|w| format!("{w} ")).unwrap_or_default();
            let amount = match &b {
                Some(b) => format!("{} to {}", a.words(), b.words()),
                None => a.words(),
            };
            match (mag, b.is_some()) {
                (Some((m, _)), _) => s += &format!("{amount} {m} {qual}{}", cur.many),
                (None, true) => s += &format!("{amount} {qual}{}", cur.many),
                (None, false) => s += &money_words(&a, cur, qual),
            }
            s
        })
    }

    /// US$5 (and HK$, A$, C$, NZ$, S$), at the letters.
    pub(super) fn currency_prefix(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let &(_, qual) = DOLLAR_PREFIXES.iter().find(|p| p.0 == w)?;
        // With acronyms off, US stays as written even here.
        let qual = if w == "US" && !self.rules.acronyms {
            "US "
        } else {
            qual
        };
        if !self.is(i + 1, "$") {
            return None;
        }
        self.money(i, i + 1, qual, None)
    }
}
