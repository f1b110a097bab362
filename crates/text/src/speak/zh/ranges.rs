//! The ranges family: ratios and scores (1:2 → 一比二), ranges of amounts,
//! percentages, units, money and years (3-5个 → 三到五个, 3%-5%, 10-20km,
//! $3-5, 2019-2024年), and ranges from a negative number (-2~3℃).

use super::context::Ctx;
use super::money::Cur;
use super::read::{COUNT, Num, ORDINAL, PLAIN, digits, say};
use super::tables::{MINUS, RANGE_SEPS};
use super::{Fam, Scanner, Tok};

impl Scanner<'_> {
    /// Ratios and scores: 1:2 → 一比二, 16:9, 1:2:3.
    pub(super) fn ratio(&self, n: &Num) -> Option<Tok> {
        let colon = self.at(n.end).filter(|c| matches!(c, ':' | '：'))?;
        let mut parts = vec![say(n, PLAIN)];
        let mut k = n.end;
        while self.at(k) == Some(colon) && self.digit_at(k + 1) && parts.len() < 4 {
            let p = self.num(k + 1);
            if self.alpha_at(p.end) || p.codeish(7) {
                return None;
            }
            parts.push(say(&p, PLAIN));
            k = p.end;
        }
        if n.codeish(7) || (self.at(k) == Some(colon) && self.digit_at(k + 1)) {
            return None;
        }
        Some(self.emit(n.start, k, &[Fam::Ranges], parts.join("比")))
    }

    /// The right end of a range that starts at `r0`, unless it is no
    /// amount (an identifier, or a number that runs on into more).
    fn range_end(&mut self, r0: usize) -> Option<Num> {
        if !self.digit_at(r0) || self.word(r0).is_identifier(false) {
            return None;
        }
        let r = self.num(r0);
        (!(self.joined_on(&r) && self.digit_at(r.end + 1))).then_some(r)
    }

    /// A range from `l` (3-5, 3～5个, 3%-5%, $3-5, 2019-2024年), or a
    /// phone-like pair read digit by digit (010-12345678).
    pub(super) fn range(&mut self, l: &Num, cur: Option<Cur>) -> Option<Tok> {
        let mut k = l.end;
        let lp = matches!(self.at(k), Some('%' | '％'));
        if lp {
            k += 1;
        }
        let sep = self.at(k).filter(|c| RANGE_SEPS.contains(c))?;
        let mut r0 = k + 1;
        if let Some(e) = cur.and_then(|c| self.match_str(r0, c.sign)) {
            r0 = e;
        }
        let r = self.range_end(r0)?;
        if l.codeish(7) || r.codeish(7) {
            if sep != '-' || cur.is_some() || lp {
                return None;
            }
            let said = format!("{}-{}", digits(&l.int), digits(&r.int));
            return Some(self.emit(l.start, r.end, &[Fam::Numbers], said));
        }
        if cur.is_none() && !lp && l.is_year() && r.is_year() {
            let (a, b) = (l.small(4).unwrap_or(0), r.small(4).unwrap_or(0));
            let both_modern = (1900..=2099).contains(&a) && (1900..=2099).contains(&b);
            if a < b && (both_modern || self.han(r.end) == Ctx::Year) {
                let said = format!("{}到{}", digits(&l.int), digits(&r.int));
                return Some(self.emit(l.start, r.end, &[Fam::Ranges, Fam::Dates], said));
            }
        }
        Some(self.range_said(l, &r, lp, cur))
    }

    /// The words of a range whose ends are known to be amounts.
    fn range_said(&self, l: &Num, r: &Num, lp: bool, cur: Option<Cur>) -> Tok {
        use Fam::{Money, Percent, Ranges, Units};
        let start = cur.map_or(l.start, |c| c.start);
        let rp = self.percent_at(r.end);
        if lp || rp.is_some() {
            let (e, p) = rp.unwrap_or((r.end, "百分之"));
            let said = format!("{p}{}到{p}{}", say(l, PLAIN), say(r, PLAIN));
            return self.emit(start, e, &[Ranges, Percent], said);
        }
        if let Some(u) = self.unit_at(r.end) {
            let opt = if u.temp { PLAIN } else { COUNT };
            let said = format!("{}到{}{}", say(l, opt), say(r, opt), u.word);
            return self.emit(start, u.end, &[Ranges, Units], said);
        }
        if let Some(c) = cur {
            let (j, tail) = self.money_tail(r.end, c);
            let said = format!("{}到{}{tail}", say(l, COUNT), say(r, COUNT));
            return self.emit(start, j, &[Ranges, Money], said);
        }
        let opt = match self.han(r.end) {
            _ if self.after_di(l.start) => ORDINAL,
            // Years were read above: 2-3年 is a span of time, 两到三年.
            Ctx::Year | Ctx::Count | Ctx::Measure | Ctx::Money => COUNT,
            _ => PLAIN,
        };
        let said = format!("{}到{}", say(l, opt), say(r, opt));
        self.emit(l.start, r.end, &[Ranges], said)
    }

    /// A range from a negative number: -2~3℃ → 零下二摄氏度到三摄氏度,
    /// -5~-3 → 负五到负三.
    pub(super) fn negative_range(&mut self, m: usize, l: &Num) -> Option<Tok> {
        if !self.one_of(l.end, &RANGE_SEPS) {
            return None;
        }
        let mut r0 = l.end + 1;
        let neg = self.one_of(r0, &MINUS);
        if neg {
            r0 += 1;
        }
        let r = self.range_end(r0)?;
        if l.codeish(7) || r.codeish(7) {
            return None;
        }
        let (ls, rs) = (say(l, PLAIN), say(&r, PLAIN));
        if let Some(u) = self.unit_at(r.end) {
            if !u.temp {
                return None;
            }
            let rs = if neg { format!("零下{rs}") } else { rs };
            let said = format!("零下{ls}{unit}到{rs}{unit}", unit = u.word);
            return Some(self.emit(m, u.end, &[Fam::Units, Fam::Ranges], said));
        }
        if self.percent_at(r.end).is_some() || self.alpha_at(r.end) {
            return None;
        }
        let rs = if neg { format!("负{rs}") } else { rs };
        let said = format!("负{ls}到{rs}");
        Some(self.emit(m, r.end, &[Fam::Numbers, Fam::Ranges], said))
    }
}
