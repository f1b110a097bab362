//! The money family: an amount after a currency sign ($5 → 五美元, US$5,
//! $2.5亿, $2.5 billion → 二十五亿美元, $5M); amounts before a currency
//! word (5美元) are read by the numbers' context.

use super::read::{COUNT, Num, say};
use super::tables::{ENG_SCALE, SIGNS};
use super::{Fam, Scanner, Tok};

/// A currency sign before a number: where it starts, the sign, its word.
#[derive(Clone, Copy)]
pub(super) struct Cur {
    pub start: usize,
    pub sign: &'static str,
    pub word: &'static str,
}

impl Scanner<'_> {
    /// A currency sign at `i` and the amount after it ($5 → 五美元).
    pub(super) fn currency(&mut self, i: usize) -> Option<Tok> {
        let &(sign, word) = SIGNS.iter().find(|s| self.starts(i, s.0))?;
        // US$ and $ are signs only when not glued to a word (BUS$5).
        let glued = i > 0 && self.at(i - 1).is_some_and(|c| c.is_ascii_alphanumeric());
        if sign.contains('$') && glued {
            return None;
        }
        let d = i + sign.chars().count();
        if !self.digit_at(d) || self.word(d).is_identifier(true) {
            return None;
        }
        let n = self.num(d);
        let cur = Cur {
            start: i,
            sign,
            word,
        };
        if let Some(t) = self.range(&n, Some(cur)) {
            return Some(t);
        }
        Some(self.money(cur, &n))
    }

    /// The Han magnitudes after an amount ending at `k` (3万亿) and the
    /// currency's word unless it is written after them: (end, what to say
    /// after the number).
    pub(super) fn money_tail(&self, k: usize, cur: Cur) -> (usize, String) {
        let (j, _) = self.skip_mags(k);
        let mut tail = self.verbatim(k, j);
        if !self.starts(j, cur.word) {
            tail.push_str(cur.word);
        }
        (j, tail)
    }

    /// An amount after a sign, with 万/亿 or million/billion after it.
    fn money(&self, cur: Cur, n: &Num) -> Tok {
        let mut k = n.end;
        let mut amount = n.clone();
        for &(text, exp) in &ENG_SCALE {
            let Some(e) = self.match_str(k, text) else {
                continue;
            };
            // Scaled amounts past 16 digits are not worth the words.
            if !self.alpha_at(e) && n.int.len() + exp <= 16 {
                amount = n.scaled(exp);
                k = e;
            }
            break;
        }
        let (j, tail) = self.money_tail(k, cur);
        let said = format!("{}{tail}", say(&amount, COUNT));
        self.emit(cur.start, j, &[Fam::Money], said)
    }
}
