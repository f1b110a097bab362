//! The ranges family: ranges and ratios (3-5, 3–5%, 5-10 km, 2020-2024,
//! 2023-24, 3-5pm, 1:2, 16:9). Chains of three or more numbers (phone
//! numbers, 1:2:3) stay as written.

use super::literal::{Lit, magnitude};
use super::units::unit_name;
use super::words::{two_digit, year_words};
use super::{Hit, Norm};

impl<'a> Norm<'a> {
    /// n:m that is not a clock time (1:2, 16:9, 100:1) reads "n to m".
    pub(super) fn ratio(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || !self.is(a.end, ":") {
            return None;
        }
        let b = self.lit(a.end + 1)?;
        if self.is(b.end, ":") && self.num(b.end + 1).is_some() {
            return self.chain(a.first, b.end, |k| self.is(k, ":"));
        }
        self.emit(self.rules.ranges, a.first, b.end, || {
            format!("{} to {}", a.words(), b.words())
        })
    }

    /// Numbers from token `first` joined by what `joins` accepts, as
    /// written, from the second number's end at `end` on.
    fn chain(&self, first: usize, mut end: usize, joins: impl Fn(usize) -> bool) -> Hit {
        while joins(end)
            && let Some(n) = self.lit(end + 1)
        {
            end = n.end;
        }
        self.as_written(first, end)
    }

    /// 3-5, 3–5%, 5-10 km, 2020-2024, 2023-24, 3-5pm.
    pub(super) fn range(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || !self.dash(a.end) {
            return None;
        }
        let b = self.lit(a.end + 1)?;
        if self.dash(b.end) && self.num(b.end + 1).is_some() {
            // Three or more numbers joined by dashes (phone numbers, codes).
            return self.chain(a.first, b.end, |k| self.dash(k));
        }
        let r = self.rules;
        let both = || format!("{} to {}", a.words(), b.words());
        if self.is(b.end, "%") {
            let on = r.ranges && r.percent;
            return self.emit(on, a.first, b.end + 1, || format!("{} percent", both()));
        }
        if let Some((end, unit, per)) = self.unit_after(b.end) {
            let say = || format!("{} {}", both(), unit_name(unit, false, per));
            return self.emit(r.ranges && r.units, a.first, end, say);
        }
        if let Some((end, ap, _)) = self.ampm_after(b.end)
            && self.word(b.end).is_some()
        {
            let say = || format!("{} {ap}", both());
            return self.emit(r.ranges && r.times, a.first, end, say);
        }
        if let Some(w) = self.word(b.end) {
            let mag = magnitude(w, false)?;
            let say = || format!("{} {mag}", both());
            return self.emit(r.ranges && r.numbers, a.first, b.end + 1, say);
        }
        if let Some(say) = self.year_range(a, &b) {
            return self.emit(r.ranges && r.dates, a.first, b.end, || say);
        }
        if !self.tail_free(b.end) {
            return None;
        }
        self.emit(r.ranges, a.first, b.end, both)
    }

    /// 2020-2024 → "twenty twenty to twenty twenty-four", 2023-24 →
    /// "twenty twenty-three to twenty-four".
    fn year_range(&self, a: &Lit<'a>, b: &Lit<'a>) -> Option<String> {
        let y = self.year_of(a)?;
        if !b.plain() {
            return None;
        }
        let v = b.value()?;
        let second = match b.int.len() {
            4 if v > y && self.year_of(b).is_some() => year_words(v),
            2 if !b.int.starts_with('0') && v > y % 100 => two_digit(v),
            _ => return None,
        };
        Some(format!("{} to {second}", year_words(y)))
    }
}
