//! The units family: temperatures (20°C, 70 °F, 45°) and unit symbols
//! after a number, glued or spaced as each allows (5 km, 7nm, 3.5 GHz),
//! with a rate after a slash (km/h, GB/s).

use super::literal::Lit;
use super::tables::{Fit, PER, UNITS, Unit};
use super::{Hit, Norm};

/// How a unit is said after one or more of it, per `per` if not empty.
pub(super) fn unit_name(unit: &Unit, one: bool, per: &str) -> String {
    let name = if one { unit.one } else { unit.many };
    if per.is_empty() {
        name.to_string()
    } else {
        format!("{name} per {per}")
    }
}

impl<'a> Norm<'a> {
    /// 20°C, 70 °F, 45°, 20℃.
    pub(super) fn degrees(&self, a: &Lit<'a>) -> Hit {
        let mut k = a.end;
        let sign_at = |k: usize| ["°", "℃", "℉"].iter().any(|s| self.is(k, s));
        if self.space(k) && sign_at(k + 1) {
            k += 1;
        }
        let scale = if self.is(k, "°") {
            k += 1;
            match self.word(k) {
                Some("C") => " Celsius",
                Some("F") => " Fahrenheit",
                Some(_) => return None,
                None => "",
            }
        } else if self.is(k, "℃") {
            " Celsius"
        } else if self.is(k, "℉") {
            " Fahrenheit"
        } else {
            return None;
        };
        if !scale.is_empty() {
            k += 1;
        }
        let deg = if a.is_one() { "degree" } else { "degrees" };
        self.emit(self.rules.units, a.first, k, || {
            format!("{} {deg}{scale}", a.words())
        })
    }

    /// A unit symbol glued to or after the number at token `k`, with an
    /// optional "/s"-like denominator: (end, unit, per).
    pub(super) fn unit_after(&self, k: usize) -> Option<(usize, &'static Unit, &'static str)> {
        let (wi, spaced) = if self.word(k).is_some() {
            (k, false)
        } else if self.space(k) && self.word(k + 1).is_some() {
            (k + 1, true)
        } else {
            return None;
        };
        let w = self.word(wi)?;
        let fits = |f: Fit| {
            if spaced {
                f != Fit::Glued
            } else {
                f != Fit::Spaced
            }
        };
        let unit = UNITS.iter().find(|u| u.sym == w && fits(u.fit))?;
        let mut end = wi + 1;
        let mut per = "";
        if self.is(end, "/")
            && let Some(p) = self.word(end + 1)
            && let Some(&(_, name)) = PER.iter().find(|x| x.0 == p)
        {
            per = name;
            end += 2;
        }
        Some((end, unit, per))
    }

    pub(super) fn unit(&self, a: &Lit<'a>) -> Hit {
        let (end, unit, per) = self.unit_after(a.end)?;
        self.emit(self.rules.units, a.first, end, || {
            format!("{} {}", a.words(), unit_name(unit, a.is_one(), per))
        })
    }
}
