//! The times family: clock times (10:30 → 十点三十分) and spans of two
//! (9:00-17:00 → 九点到十七点).

use super::read::{COUNT, clock_part, say_u64};
use super::tables::RANGE_SEPS;
use super::{Fam, Scanner, Tok};

impl Scanner<'_> {
    /// H:MM or H:MM:SS at `i`, hour at most 24, fields exactly two digits.
    fn time_at(&self, i: usize) -> Option<(usize, String)> {
        let h_end = self.run_end(i);
        if h_end - i > 2 {
            return None;
        }
        let colon = self.at(h_end).filter(|c| matches!(c, ':' | '：'))?;
        let two = |k: usize| -> Option<u64> {
            let ok = self.digit_at(k) && self.digit_at(k + 1) && !self.digit_at(k + 2);
            if ok {
                self.verbatim(k, k + 2).parse().ok()
            } else {
                None
            }
        };
        let m = two(h_end + 1)?;
        let mut end = h_end + 3;
        let mut s = 0;
        if self.at(end) == Some(colon) && self.digit_at(end + 1) {
            s = two(end + 1)?;
            end += 3;
        }
        if self.at(end) == Some(colon) && self.digit_at(end + 1) {
            return None;
        }
        let h: u64 = self.verbatim(i, h_end).parse().ok()?;
        if h > 24 || m > 59 || s > 59 || (h == 24 && m + s > 0) {
            return None;
        }
        let mut said = say_u64(h, COUNT);
        said.push('点');
        if m > 0 || s > 0 {
            clock_part(m, '分', &mut said);
        }
        if s > 0 {
            clock_part(s, '秒', &mut said);
        }
        Some((end, said))
    }

    /// A clock time, or a span of two (9:00-17:00 → 九点到十七点).
    pub(super) fn clock(&self, i: usize) -> Option<Tok> {
        let (e1, t1) = self.time_at(i)?;
        if self.score_context(i) {
            return None;
        }
        if self.rules.ranges
            && self.one_of(e1, &RANGE_SEPS)
            && let Some((e2, t2)) = self.time_at(e1 + 1)
        {
            let fams = [Fam::Times, Fam::Ranges];
            return Some(self.emit(i, e2, &fams, format!("{t1}到{t2}")));
        }
        Some(self.emit(i, e1, &[Fam::Times], t1))
    }
}
