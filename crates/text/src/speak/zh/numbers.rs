//! The numbers family: cardinals and decimals read by the Han word after
//! them (13亿, 2个, 第3期), codes digit by digit (10086, 400-820-8820),
//! fractions (1/3 → 三分之一), negative numbers and phone numbers; and
//! where a digit starts, which rule reads it.

use super::context::Ctx;
use super::read::{COUNT, Num, ORDINAL, PLAIN, digits, say, say_u64};
use super::tables::{MINUS, RANGE_SEPS};
use super::{Fam, Scanner, Tok};

impl Scanner<'_> {
    /// A token starting at the digit `cs[i]`; always at least the digit run.
    pub(super) fn digit(&mut self, i: usize) -> Tok {
        // A keycap emoji (3️⃣) keeps its digit.
        if matches!(self.at(i + 1), Some('\u{FE0F}' | '\u{20E3}')) {
            return self.as_written(i, i + 1);
        }
        let w = self.word(i);
        if w.is_identifier(false) {
            return self.ident(i, w.end);
        }
        if let Some(t) = self.iso_date(i) {
            return t;
        }
        if let Some(t) = self.chain(i, w.end) {
            return t;
        }
        let n = self.num(i);
        if self.at(n.end) == Some('/') && self.digit_at(n.end + 1) {
            return self.slash(&n);
        }
        // A clock time stays a time after a word (UTC 10:30).
        if let Some(t) = self.clock(i) {
            return t;
        }
        if self.after_cap_word(w.start) && !self.quantity_follows(n.end) {
            // The whole number stays, grouping commas included (RTX 1,000).
            return self.ident(i, w.end.max(n.end));
        }
        if let Some(t) = self.ratio(&n) {
            return t;
        }
        if let Some(t) = self.range(&n, None) {
            return t;
        }
        self.single(&n)
    }

    /// 1/3 → 三分之一 for a small proper fraction; other slashes (24/7,
    /// 9/11, 1/2/3) are left as written.
    fn slash(&self, n: &Num) -> Tok {
        let mut e = n.end;
        while self.at(e) == Some('/') && self.digit_at(e + 1) {
            e = self.run_end(e + 1);
        }
        let r = self.num(n.end + 1);
        // Denominators up to 10 or numerator 1: 9/11 is an event, not 十一分之九.
        let fits = |a: u64, b: u64| 1 <= a && a < b && (b <= 10 || a == 1);
        let proper = matches!((n.small(2), r.small(2)), (Some(a), Some(b)) if fits(a, b))
            && r.end == e
            && !n.int.starts_with('0')
            && !r.int.starts_with('0')
            && !self
                .at(e)
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
        if proper {
            let said = format!("{}分之{}", say(&r, PLAIN), say(n, PLAIN));
            return self.emit(n.start, e, &[Fam::Numbers], said);
        }
        self.as_written(n.start, e)
    }

    /// An identifier copied as written, with a trailing `:16` (John 3:16).
    fn ident(&self, i: usize, end: usize) -> Tok {
        let mut e = end;
        while self.at(e) == Some(':') && self.digit_at(e + 1) {
            e = self.run_end(e + 1);
        }
        self.as_written(i, e)
    }

    /// Chains of three or more numbers (400-820-8820, read digit by digit)
    /// and versions or addresses (1.2.3, 192.168.1.1, left as written), in
    /// the word from `i` to `word_end`.
    fn chain(&self, i: usize, word_end: usize) -> Option<Tok> {
        let mut e = word_end.max(i);
        while e > i && matches!(self.cs[e - 1], '-' | '.') {
            e -= 1;
        }
        self.work.add(e - i);
        let seg = &self.cs[i..e];
        let parts: Vec<&[char]> = seg.split(|&c| c == '-').collect();
        if parts.len() >= 3 {
            let all_digits = parts
                .iter()
                .all(|p| !p.is_empty() && p.iter().all(char::is_ascii_digit));
            if !all_digits {
                return Some(self.as_written(i, e));
            }
            let said: Vec<String> = parts
                .iter()
                .map(|p| digits(&p.iter().collect::<String>()))
                .collect();
            return Some(self.emit(i, e, &[Fam::Numbers], said.join("-")));
        }
        let dotted = parts
            .iter()
            .any(|p| p.iter().filter(|&&c| c == '.').count() >= 2);
        dotted.then(|| self.as_written(i, e))
    }

    /// A number on its own, followed by %, a unit or Han text.
    fn single(&self, n: &Num) -> Tok {
        if let Some((e, p)) = self.percent_at(n.end) {
            let said = format!("{p}{}", say(n, PLAIN));
            return self.emit(n.start, e, &[Fam::Percent], said);
        }
        if let Some(u) = self.unit_at(n.end) {
            let opt = if u.temp { PLAIN } else { COUNT };
            let said = format!("{}{}", say(n, opt), u.word);
            return self.emit(n.start, u.end, &[Fam::Units], said);
        }
        if self.alpha_at(n.end) {
            // 1,000B and the like: an identifier after all.
            return self.as_written(n.start, n.end);
        }
        if self.after_di(n.start) {
            return self.emit(n.start, n.end, &[Fam::Numbers], say(n, ORDINAL));
        }
        self.plain(n)
    }

    /// Whether 第 stands right before `start` (第3期: an ordinal).
    pub(super) fn after_di(&self, start: usize) -> bool {
        start > 0 && self.at(start - 1) == Some('第')
    }

    /// A number read by the Han word after it: year, month, day, count…
    fn plain(&self, n: &Num) -> Tok {
        use Fam::{Dates, Money, Numbers};
        let (s, e) = (n.start, n.end);
        let short = n.small(2);
        match self.han(e) {
            Ctx::Year if n.is_year() => self.emit(s, e, &[Dates], digits(&n.int)),
            // '05年: a two-digit year written with its zero.
            Ctx::Year if short.is_some() && n.int.starts_with('0') => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Year | Ctx::Count | Ctx::Measure => self.emit(s, e, &[Numbers], say(n, COUNT)),
            Ctx::Decade if n.int.len() == 4 && n.bare() => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Decade => self.emit(s, e, &[Dates], say(n, PLAIN)),
            Ctx::Month if short.is_some_and(|v| (1..=12).contains(&v)) => {
                self.emit(s, e, &[Dates], say_u64(short.unwrap_or(0), PLAIN))
            }
            Ctx::Day if short.is_some_and(|v| (1..=31).contains(&v)) => {
                self.emit(s, e, &[Dates], say_u64(short.unwrap_or(0), PLAIN))
            }
            // 80后, 00后: generations are said digit by digit.
            Ctx::Hou if short.is_some() && n.int.len() == 2 && n.int.ends_with('0') => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Money => self.emit(s, e, &[Money], say(n, COUNT)),
            Ctx::Other if n.codeish(5) && !self.quantity_before(s) => {
                self.emit(s, e, &[Numbers], digits(&n.int))
            }
            _ => self.emit(s, e, &[Numbers], say(n, PLAIN)),
        }
    }

    /// Whether the number at `n` runs on into a date, time, range or chain
    /// (a separator and a digit after it), so a dash before it is no sign.
    pub(super) fn joined_on(&self, n: &Num) -> bool {
        self.at(n.end)
            .is_some_and(|c| RANGE_SEPS.contains(&c) || matches!(c, ':' | '：' | '/' | '.'))
    }

    /// A minus sign before a number: 负五, 零下五摄氏度, 负百分之五.
    pub(super) fn minus(&mut self, i: usize) -> Option<Tok> {
        let d = i + 1;
        if !self.digit_at(d) || !self.negative_ok(i) {
            return None;
        }
        if self.word(d).is_identifier(false) {
            return None;
        }
        let n = self.num(d);
        // Before a date, time, range or chain a dash is not a sign.
        let signed = self.one_of(n.end + 1, &MINUS) && self.digit_at(n.end + 2);
        if self.joined_on(&n) && (self.digit_at(n.end + 1) || signed) {
            return self.negative_range(i, &n);
        }
        Some(self.negative(i, &n))
    }

    /// An international phone number (+86 10 1234 5678): 加 and the digits
    /// one by one, groups kept apart.
    pub(super) fn plus(&self, i: usize) -> Option<Tok> {
        let after_word = i > 0 && self.at(i - 1).is_some_and(|c| c.is_ascii_alphanumeric());
        if after_word || !self.digit_at(i + 1) {
            return None;
        }
        let mut e = self.run_end(i + 1);
        let mut count = e - i - 1;
        let mut said = format!("加{}", digits(&self.verbatim(i + 1, e)));
        while matches!(self.at(e), Some(' ' | '-')) && self.digit_at(e + 1) {
            let g = self.run_end(e + 1);
            said.push(self.cs[e]);
            said.push_str(&digits(&self.verbatim(e + 1, g)));
            count += g - e - 1;
            e = g;
        }
        // Fewer digits are a signed amount (+5%), not a phone number.
        if count < 7 || self.alpha_at(e) {
            return None;
        }
        Some(self.emit(i, e, &[Fam::Numbers], said))
    }

    /// A minus is a sign at the start, after a space or punctuation or Han,
    /// but not in 3 -5 or x-5.
    fn negative_ok(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1).and_then(|k| self.at(k)) else {
            return true;
        };
        if p.is_whitespace() {
            return !(i >= 2 && self.digit_at(i - 2));
        }
        !p.is_ascii() || "([{,;:\"'".contains(p)
    }

    /// A negative number at `m` (its sign) with the digits `n`.
    fn negative(&self, m: usize, n: &Num) -> Tok {
        use Fam::{Numbers, Percent, Units};
        if let Some(u) = self.unit_at(n.end) {
            if u.temp {
                let said = format!("零下{}{}", say(n, PLAIN), u.word);
                return self.emit(m, u.end, &[Units], said);
            }
            let said = format!("负{}{}", say(n, COUNT), u.word);
            return self.emit(m, u.end, &[Numbers, Units], said);
        }
        if let Some((e, p)) = self.percent_at(n.end) {
            let said = format!("负{p}{}", say(n, PLAIN));
            return self.emit(m, e, &[Numbers, Percent], said);
        }
        let opt = match self.han(n.end) {
            Ctx::Count | Ctx::Measure | Ctx::Money => COUNT,
            _ => PLAIN,
        };
        self.emit(m, n.end, &[Numbers], format!("负{}", say(n, opt)))
    }
}
