//! Which text-normalisation rule families apply. Each can be switched off
//! per backend or voice (`normalize:` in podgen.yaml).

use serde::{Deserialize, Serialize};

/// The rule families of text normalisation, each on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Cardinals, decimals, negative numbers, ordinals (第3期, 3rd).
    pub numbers: bool,
    /// Years and dates (2024年6月10日, June 10, 2024).
    pub dates: bool,
    /// Clock times (10:30).
    pub times: bool,
    /// Amounts of money ($5, ¥20, €3, 3万亿美元).
    pub money: bool,
    /// Percentages (47.5%).
    pub percent: bool,
    /// Temperatures and common units (5 km, 7nm, 20°C).
    pub units: bool,
    /// Ranges and ratios (3-5, 1:2).
    pub ranges: bool,
    /// English abbreviations (Dr., e.g., vs., etc.).
    pub abbreviations: bool,
    /// English acronyms spelled letter by letter unless they are words.
    pub acronyms: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules::all(true)
    }
}

impl Rules {
    /// Every family on, or every family off.
    pub const fn all(on: bool) -> Self {
        Rules {
            numbers: on,
            dates: on,
            times: on,
            money: on,
            percent: on,
            units: on,
            ranges: on,
            abbreviations: on,
            acronyms: on,
        }
    }

    /// Whether any family is on.
    pub fn any(&self) -> bool {
        *self != Rules::all(false)
    }
}

/// Every family on but the one named `family` (a field of [`Rules`]).
#[cfg(test)]
pub(crate) fn without(family: &str) -> Rules {
    let mut r = Rules::default();
    let off = match family {
        "numbers" => &mut r.numbers,
        "dates" => &mut r.dates,
        "times" => &mut r.times,
        "money" => &mut r.money,
        "percent" => &mut r.percent,
        "units" => &mut r.units,
        "ranges" => &mut r.ranges,
        "abbreviations" => &mut r.abbreviations,
        "acronyms" => &mut r.acronyms,
        _ => panic!("no family {family}"),
    };
    *off = false;
    r
}
