//! The times family: clock times, alone or as a range (10:30, 3:00 pm,
//! 10 a.m., 10am-2pm).

use super::literal::Lit;
use super::tables::AM_PM;
use super::words::clock_words;
use super::{Hit, Norm};

/// How am or pm written as one word is said.
pub(super) fn ampm_word(w: &str) -> Option<&'static str> {
    AM_PM.iter().find(|a| a.0 == w).map(|a| a.1)
}

impl<'a> Norm<'a> {
    /// a m / p m after token `k`, glued or after a space: (end, said, dotted).
    pub(super) fn ampm_after(&self, k: usize) -> Option<(usize, &'static str, bool)> {
        let j = if self.word(k).is_some() {
            k
        } else if self.space(k) {
            k + 1
        } else {
            return None;
        };
        let w = self.word(j)?;
        if let Some(say) = ampm_word(w) {
            return Some((j + 1, say, false));
        }
        let say = match w {
            "a" | "A" => "a m",
            "p" | "P" => "p m",
            _ => return None,
        };
        if !(self.is(j + 1, ".")
            && self
                .word(j + 2)
                .is_some_and(|m| m.eq_ignore_ascii_case("m")))
        {
            return None;
        }
        let dot = self.is(j + 3, ".");
        Some((j + 3 + usize::from(dot), say, dot))
    }

    /// h:mm[:ss] [am], or h am: (end, said, ends with a dot).
    fn time_core(&self, a: &Lit<'a>) -> Option<(usize, String, bool)> {
        if !a.plain() || a.int.len() > 2 {
            return None;
        }
        let h = a.value()?;
        let mut end = a.end;
        let mut min = None;
        let mut secs = None;
        if self.is(end, ":") {
            let m = self.num(end + 1).filter(|m| m.len() == 2 && h <= 23)?;
            min = Some(m.parse::<u64>().ok().filter(|m| *m <= 59)?);
            end += 2;
            if self.is(end, ":")
                && let Some(s) = self.num(end + 1).filter(|s| s.len() == 2)
                && let Some(s) = s.parse::<u64>().ok().filter(|s| *s <= 59)
            {
                secs = Some(s);
                end += 2;
            }
        }
        let ap = self.ampm_after(end);
        if min.is_none() && (ap.is_none() || h == 0 || h > 12) {
            return None;
        }
        let (end, ap, dot) = match ap {
            Some((e, w, d)) => (e, Some(w), d),
            None => (end, None, false),
        };
        Some((end, clock_words(h, min.unwrap_or(0), ap, secs), dot))
    }

    /// Clock times, alone or as a range: 10:30, 3:00 pm, 10am-2pm.
    pub(super) fn times(&self, a: &Lit<'a>) -> Hit {
        let (mut end, mut say, mut dot) = self.time_core(a)?;
        if self.dash(end)
            && let Some(b) = self.lit(end + 1)
            && let Some((e, s, d)) = self.time_core(&b)
        {
            say = format!("{say} to {s}");
            end = e;
            dot = d;
        }
        if dot && self.sentence_end(end, false) {
            say.push('.');
        }
        self.emit(self.rules.times, a.first, end, || say)
    }
}
