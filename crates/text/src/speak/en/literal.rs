//! A number as written (sign, digits, decimals) and the suffixes glued to
//! one (1.2bn, 23rd): what the numbers, dates and money families share.

use super::tables::{MAGNITUDES, ORDINAL_SUFFIXES};
use super::words::{digit_words, int_words};

/// A number as written: optional sign, digits (commas dropped), decimals.
pub(super) struct Lit<'a> {
    /// First token (the sign, if any).
    pub first: usize,
    /// Token after the number.
    pub end: usize,
    pub sign: Option<&'static str>,
    pub int: String,
    pub frac: Option<&'a str>,
    pub commas: bool,
}

impl Lit<'_> {
    /// No sign, no decimals, no thousands separators.
    pub(super) fn plain(&self) -> bool {
        self.sign.is_none() && self.frac.is_none() && !self.commas
    }

    pub(super) fn value(&self) -> Option<u64> {
        if self.int.len() <= 15 {
            self.int.parse().ok()
        } else {
            None
        }
    }

    pub(super) fn is_one(&self) -> bool {
        self.int == "1" && self.frac.is_none()
    }

    pub(super) fn words(&self) -> String {
        let mut s = String::new();
        if let Some(sign) = self.sign {
            s.push_str(sign);
            s.push(' ');
        }
        s.push_str(&int_words(&self.int));
        if let Some(f) = self.frac {
            s.push_str(" point ");
            s.push_str(&digit_words(f));
        }
        s
    }
}

/// The scale a suffix glued to a number says (1.2bn, 50k; 3B and 5M only
/// after a currency sign).
pub(super) fn magnitude(w: &str, money: bool) -> Option<&'static str> {
    MAGNITUDES
        .iter()
        .find(|m| m.0 == w && (money || !m.2))
        .map(|m| m.1)
}

/// st, nd, rd, th.
pub(super) fn is_ordinal_suffix(w: &str) -> bool {
    ORDINAL_SUFFIXES.contains(&w)
}
