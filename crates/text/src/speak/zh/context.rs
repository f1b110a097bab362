//! What surrounds a number, which decides how it is read: the word it is
//! part of (GPT-4o), a percent sign or unit after it, the Han word after
//! it (年, 月, 个, 万, 美元), a name before it (Zen 5).

use super::Scanner;
use super::tables::{
    APPROX, CLASSIFIERS, ENG_SCALE, MAGS, MONEY, NOT_MEASURE, QUANTITY_BEFORE, SCORE_BEFORE,
    UNIT_FIRST, UNITS,
};

/// What follows a number in Han text, deciding how it is read.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Ctx {
    Year,
    Decade,
    Month,
    Day,
    Hou,
    Money,
    // A Han magnitude follows (3万亿).
    Count,
    // A classifier or measure word follows (3个, 5倍).
    Measure,
    Approx,
    Other,
}

/// A maximal run of identifier characters (letters, digits, `_ . -`)
/// around a digit, and what its letters are.
#[derive(Clone, Copy)]
pub(super) struct Word {
    pub start: usize,
    pub end: usize,
    pub letters: bool,
    pub unit_ok: bool,
    pub money_ok: bool,
}

impl Word {
    /// Letters that make the word an identifier (GPT-4o), not a number
    /// with a unit (5GB) or a scale ($5M, when `money`).
    pub(super) fn is_identifier(&self, money: bool) -> bool {
        self.letters && !self.unit_ok && !(money && self.money_ok)
    }
}

pub(super) fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// The letters ending a word that is otherwise digits (5GB → GB).
fn letter_tail(seg: &[char]) -> Option<String> {
    let mut e = seg.len();
    // A full stop or dash after the word is punctuation, not part of it.
    while e > 0 && matches!(seg[e - 1], '.' | '-') {
        e -= 1;
    }
    let seg = &seg[..e];
    let f = seg.iter().position(char::is_ascii_alphabetic)?;
    let ok = f > 0 && seg[f - 1].is_ascii_digit() && seg[f..].iter().all(char::is_ascii_alphabetic);
    ok.then(|| seg[f..].iter().collect())
}

/// A unit found after a number: where it ends, how it is said, and whether
/// it is a temperature (零下五摄氏度, never 两).
pub(super) struct UnitAt {
    pub end: usize,
    pub word: &'static str,
    pub temp: bool,
}

impl Scanner<'_> {
    /// The word around the digit at `i`.
    pub(super) fn word(&mut self, i: usize) -> Word {
        if let Some(w) = self.cache.filter(|w| w.start <= i && i < w.end) {
            return w;
        }
        let cs = &self.cs;
        let mut start = i;
        while start > 0 && word_char(cs[start - 1]) {
            start -= 1;
        }
        let mut end = i;
        while end < cs.len() && word_char(cs[end]) {
            end += 1;
        }
        self.work.add(end - start);
        let seg = &cs[start..end];
        let tail = letter_tail(seg);
        let tail = tail.as_deref();
        let w = Word {
            start,
            end,
            letters: seg.iter().any(char::is_ascii_alphabetic),
            unit_ok: tail.is_some_and(|t| UNITS.iter().any(|u| u.0 == t)),
            money_ok: tail.is_some_and(|t| ENG_SCALE.iter().any(|u| u.0 == t)),
        };
        self.cache = Some(w);
        w
    }

    /// A percent or per-mille sign at `k`: where it ends and how it is said.
    pub(super) fn percent_at(&self, k: usize) -> Option<(usize, &'static str)> {
        match self.at(k)? {
            '%' | '％' => Some((k + 1, "百分之")),
            '‰' => Some((k + 1, "千分之")),
            _ => None,
        }
    }

    /// A unit at `k`, after at most one space, not running on into letters.
    pub(super) fn unit_at(&self, k: usize) -> Option<UnitAt> {
        let k0 = if self.at(k) == Some(' ') { k + 1 } else { k };
        if !self.at(k0).is_some_and(|c| UNIT_FIRST.contains(c)) {
            return None;
        }
        for &(text, word) in UNITS {
            let Some(e) = self.match_str(k0, text) else {
                continue;
            };
            let wordlike = text.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
            if wordlike && self.at(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let temp = word.ends_with('度');
            return Some(UnitAt { end: e, word, temp });
        }
        None
    }

    /// Skips 多/余/来 and up to three Han magnitudes after a number
    /// (100多万, 3万亿); says whether 多/余/来 was there.
    pub(super) fn skip_mags(&self, k: usize) -> (usize, bool) {
        let mut j = k;
        let approx = self.one_of(j, &APPROX);
        if approx {
            j += 1;
        }
        let m0 = j;
        while j < m0 + 3 && self.one_of(j, &MAGS) {
            j += 1;
        }
        (j, approx)
    }

    /// The Han context after a number at `k`.
    pub(super) fn han(&self, k: usize) -> Ctx {
        // One space between a number and its Han word is common in typeset text.
        let k = if self.at(k) == Some(' ') && self.at(k + 1).is_some_and(|c| !c.is_ascii()) {
            k + 1
        } else {
            k
        };
        // Every context word is Han: ASCII after a number ends the search.
        if self.at(k).is_none_or(|c| c.is_ascii()) {
            return Ctx::Other;
        }
        if self.starts(k, "年代") {
            return Ctx::Decade;
        }
        if self.starts(k, "年级") {
            return Ctx::Other;
        }
        match self.at(k) {
            Some('年') => return Ctx::Year,
            Some('月') => return Ctx::Month,
            _ => {}
        }
        let (j, approx) = self.skip_mags(k);
        if MONEY.iter().any(|w| self.starts(j, w)) {
            return Ctx::Money;
        }
        if j > k + usize::from(approx) {
            return Ctx::Count;
        }
        if !approx && matches!(self.at(k), Some('日' | '号')) {
            return Ctx::Day;
        }
        if self.starts(j, "分之") {
            return Ctx::Other;
        }
        if NOT_MEASURE.iter().any(|w| self.starts(j, w)) {
            return if approx { Ctx::Approx } else { Ctx::Other };
        }
        if CLASSIFIERS.iter().any(|w| self.starts(j, w)) {
            return Ctx::Measure;
        }
        if approx {
            return Ctx::Approx;
        }
        if self.at(k) == Some('后') {
            return Ctx::Hou;
        }
        Ctx::Other
    }

    /// A capitalised Latin word and one space before `start` (Zen 5).
    pub(super) fn after_cap_word(&self, start: usize) -> bool {
        let cs = &self.cs;
        if start < 2 || cs[start - 1] != ' ' || !cs[start - 2].is_ascii_alphanumeric() {
            return false;
        }
        let mut s = start - 2;
        while s > 0 && word_char(cs[s - 1]) {
            s -= 1;
        }
        self.work.add(start - s);
        // The C of 20°C is a unit, not a name.
        if s > 0 && cs[s - 1] == '°' {
            return false;
        }
        cs[s..start - 1].iter().any(char::is_ascii_uppercase)
    }

    /// A number ending at `end` is a quantity even after a product name:
    /// Zen 5架构 is a name, GPU 2个 and AMD 6月 are not. Only 个 and 倍 of
    /// the classifiers count here, as names run on into Han words.
    pub(super) fn quantity_follows(&self, end: usize) -> bool {
        self.percent_at(end).is_some()
            || self.unit_at(end).is_some()
            || match self.han(end) {
                Ctx::Other | Ctx::Hou | Ctx::Approx => false,
                Ctx::Measure => self.starts(end, "个") || self.starts(end, "倍"),
                _ => true,
            }
    }

    /// Words before `start` that make a long digit run an amount.
    pub(super) fn quantity_before(&self, start: usize) -> bool {
        start > 0 && self.one_of(start - 1, &QUANTITY_BEFORE)
    }

    /// 比分 and the like before a colon make it a score, not a time.
    pub(super) fn score_context(&self, start: usize) -> bool {
        let before = self.verbatim(start.saturating_sub(6), start);
        SCORE_BEFORE.iter().any(|w| before.contains(w))
    }
}
