//! The dates family: years (in 2024, Computex 2024), decades (the 1990s,
//! the '90s), and dates (June 10, 2024 / 10 June 2024 / 2024-06-10).

use super::literal::{Lit, is_ordinal_suffix};
use super::tables::{MONTH_ABBR, MONTHS, YEAR_AFTER, YEAR_BEFORE};
use super::words::{decade, ordinal, year_words};
use super::{Hit, Norm};

/// The month a word names (0 is January), and whether it is abbreviated.
pub(super) fn month_of(w: &str) -> Option<(usize, bool)> {
    if let Some(m) = MONTHS.iter().position(|m| *m == w) {
        return Some((m, false));
    }
    MONTH_ABBR.iter().find(|a| a.0 == w).map(|a| (a.1, true))
}

impl<'a> Norm<'a> {
    pub(super) fn year_of(&self, a: &Lit<'a>) -> Option<u64> {
        if !a.plain() || a.int.len() != 4 {
            return None;
        }
        a.value().filter(|y| (1100..=2099).contains(y))
    }

    fn day_of(&self, a: &Lit<'a>) -> Option<u64> {
        if !a.plain() || a.int.len() > 2 {
            return None;
        }
        a.value().filter(|d| (1..=31).contains(d))
    }

    /// A year standing alone at token `k`: (end, year).
    fn year_at(&self, k: usize) -> Option<(usize, u64)> {
        let l = self.lit(k)?;
        let y = self.year_of(&l)?;
        self.tail_free(l.end).then_some((l.end, y))
    }

    /// Whether a 4-digit number between 1100 and 2099 is a year here.
    fn year_context(&self, a: &Lit<'a>, y: u64) -> bool {
        if let Some(p) = self.prev_word(a.first) {
            let lower = p.to_ascii_lowercase();
            if YEAR_BEFORE.contains(&lower.as_str()) || (lower == "the" && y >= 1900) {
                return true;
            }
        }
        let next = if self.space(a.end) {
            self.word(a.end + 1)
        } else {
            None
        };
        match next {
            Some(w) if w.bytes().all(|b| b.is_ascii_lowercase()) => YEAR_AFTER.contains(&w),
            _ => true,
        }
    }

    pub(super) fn year(&self, a: &Lit<'a>) -> Hit {
        let y = self.year_of(a)?;
        if !self.year_context(a, y) {
            return None;
        }
        self.emit(self.rules.dates, a.first, a.end, || year_words(y))
    }

    /// 2024-06-10 → "June tenth, twenty twenty-four"; 2024-06 → "June
    /// twenty twenty-four" (but 2009-10 is a season, read as a range).
    pub(super) fn iso_date(&self, a: &Lit<'a>) -> Hit {
        let y = self.year_of(a)?;
        if !self.is(a.end, "-") {
            return None;
        }
        let ms = self.num(a.end + 1).filter(|m| m.len() == 2)?;
        let mo = ms.parse::<u64>().ok().filter(|m| (1..=12).contains(m))?;
        let month = MONTHS[(mo - 1) as usize];
        let mut end = a.end + 2;
        let say = if self.is(end, "-") {
            let ds = self.num(end + 1).filter(|d| d.len() == 2)?;
            let d = ds.parse::<u64>().ok().filter(|d| (1..=31).contains(d))?;
            end += 2;
            format!("{month} {}, {}", ordinal(d), year_words(y))
        } else if ms.starts_with('0') || mo != (y + 1) % 100 {
            format!("{month} {}", year_words(y))
        } else {
            return None;
        };
        if !self.tail_free(end) {
            return None;
        }
        self.emit(self.rules.dates, a.first, end, || say)
    }

    /// 10 June 2024 → "the tenth of June, twenty twenty-four".
    pub(super) fn day_month(&self, a: &Lit<'a>) -> Hit {
        let day = self.day_of(a)?;
        let mut k = a.end;
        if self.word(k).is_some_and(is_ordinal_suffix) {
            k += 1;
        }
        if !self.space(k) {
            return None;
        }
        let (m, abbr) = month_of(self.word(k + 1)?)?;
        let mut end = k + 2;
        let dot = abbr && self.is(end, ".");
        if dot {
            end += 1;
        }
        let mut say = format!("the {} of {}", ordinal(day), MONTHS[m]);
        if self.space(end)
            && let Some((e, y)) = self.year_at(end + 1)
        {
            say = format!("{say}, {}", year_words(y));
            end = e;
        } else if dot && self.sentence_end(end, false) {
            say.push('.');
        }
        self.emit(self.rules.dates, a.first, end, || say)
    }

    /// June 10, 2024 / Jun. 10 / June 10-12 / June 2024, at the month word.
    pub(super) fn month_date(&self, i: usize) -> Hit {
        let (m, abbr) = month_of(self.word(i)?)?;
        let mut k = i + 1;
        if abbr && self.is(k, ".") {
            k += 1;
        }
        if !self.space(k) {
            return None;
        }
        let a = self.lit(k + 1)?;
        if let Some(y) = self.year_of(&a)
            && self.tail_free(a.end)
        {
            let say = format!("{} {}", MONTHS[m], year_words(y));
            return self.emit(self.rules.dates, i, a.end, || say);
        }
        let day = self.day_of(&a)?;
        let mut end = self.skip_ordinal(a.end);
        let mut say = format!("{} {}", MONTHS[m], ordinal(day));
        if self.dash(end)
            && let Some(b) = self.lit(end + 1)
            && let Some(d2) = self.day_of(&b)
        {
            say = format!("{say} to {}", ordinal(d2));
            end = self.skip_ordinal(b.end);
        }
        if !self.tail_free(end) {
            return None;
        }
        let after = if self.is(end, ",") { end + 1 } else { end };
        if self.space(after)
            && let Some((e, y)) = self.year_at(after + 1)
        {
            say = format!("{say}, {}", year_words(y));
            end = e;
        }
        self.emit(self.rules.dates, i, end, || say)
    }

    fn skip_ordinal(&self, k: usize) -> usize {
        if self.word(k).is_some_and(is_ordinal_suffix) {
            k + 1
        } else {
            k
        }
    }

    /// '90s → "nineties".
    pub(super) fn short_decade(&self, i: usize) -> Hit {
        if !self.sign_context(i) {
            return None;
        }
        let d = self.num(i + 1).filter(|d| d.len() == 2)?;
        if self.word(i + 2) != Some("s") || !self.tail_free(i + 3) {
            return None;
        }
        let say = decade(d)?;
        self.emit(self.rules.dates, i, i + 3, || say)
    }
}
