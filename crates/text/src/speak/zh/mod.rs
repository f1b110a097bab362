//! Mandarin text normalisation: written numbers, dates, clock times, money,
//! percentages, units, ranges and ratios become the words a Mandarin voice
//! should say (3万亿 → 三万亿, 2024年 → 二零二四年, 47.5% → 百分之四十七点五).
//!
//! The text is scanned once, left to right. Every rewritten token starts at
//! an ASCII digit or at a sign just before one ($, US$, HK$, ¥, ￥, €, £, a
//! minus, the + of a phone number); what is not part of a rewritten token is
//! copied through in order, and a token whose rule family is off is copied
//! exactly as written. Digits inside identifiers (GPT-4o, Qwen2-72B, Zen 5),
//! URLs, e-mail addresses, code-like tokens and ASCII markup in brackets
//! (`[pause 1s]`) stay as they are.
//!
//! Readings chosen: 两 for a lone 2 before a classifier, unit, currency or
//! 万/亿 (两个, 两公里, 两美元, 两亿) and for 2 in the thousands place (两千,
//! 一万两千); 二 everywhere else and always after 第. Years and codes are read
//! digit by digit with 一 for 1 (幺 suits phone numbers only, and those
//! cannot be told from other codes). GHz is read 吉赫兹; GB, TB and MB keep
//! their letters, which Mandarin voices say as letters anyway.
//!
//! The tables are data in `tables`, reading numbers is `read`, what
//! surrounds a number is `context`; each rule family (a field of [`Rules`])
//! is a module of its own.

mod context;
mod dates;
mod money;
mod numbers;
mod ranges;
mod read;
mod tables;
mod times;

#[cfg(test)]
mod cases;

use super::protect;
use super::rules::Rules;
use super::work::Work;
use context::Word;
use read::Num;

/// Mandarin text as a Mandarin voice should read it.
///
/// Numbers, dates, times, money, percentages, units, ranges and ratios are
/// rewritten into Chinese words, each family only when `rules` has it on.
/// Everything else, identifiers such as `GPT-4o` or `Zen 5`, URLs and code
/// included, comes back exactly as written. Never panics; time is linear in
/// the length of `text`.
pub fn normalize(text: &str, rules: Rules) -> String {
    normalize_counting(text, rules, &Work::default())
}

/// [`normalize`], counting its steps in `work`.
pub(crate) fn normalize_counting(text: &str, rules: Rules, work: &Work) -> String {
    let any = rules.numbers
        || rules.dates
        || rules.times
        || rules.money
        || rules.percent
        || rules.units
        || rules.ranges;
    work.add(text.len());
    // Every token this module rewrites contains an ASCII digit.
    if !any || !text.bytes().any(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut pos = 0;
    for span in protect::spans(text, work) {
        Scanner::new(&text[pos..span.start], rules, work).run(&mut out);
        out.push_str(&text[span.clone()]);
        pos = span.end;
    }
    Scanner::new(&text[pos..], rules, work).run(&mut out);
    out
}

/// Rule families, one per switch in [`Rules`] that applies to Mandarin.
#[derive(Clone, Copy)]
enum Fam {
    Numbers,
    Dates,
    Times,
    Money,
    Percent,
    Units,
    Ranges,
}

/// Whether `fam` is switched on in `rules`.
fn is_on(rules: Rules, fam: Fam) -> bool {
    match fam {
        Fam::Numbers => rules.numbers,
        Fam::Dates => rules.dates,
        Fam::Times => rules.times,
        Fam::Money => rules.money,
        Fam::Percent => rules.percent,
        Fam::Units => rules.units,
        Fam::Ranges => rules.ranges,
    }
}

/// A rewritten token: where it ends and what is said for it.
type Tok = (usize, String);

/// Scans one stretch of unprotected text.
struct Scanner<'a> {
    cs: Vec<char>,
    rules: Rules,
    // The last word looked up: digits inside it need no second scan.
    cache: Option<Word>,
    work: &'a Work,
}

impl<'a> Scanner<'a> {
    fn new(text: &str, rules: Rules, work: &'a Work) -> Self {
        Scanner {
            cs: text.chars().collect(),
            rules,
            cache: None,
            work,
        }
    }

    fn run(&mut self, out: &mut String) {
        let mut i = 0;
        while i < self.cs.len() {
            match self.token(i) {
                Some((end, said)) if end > i => {
                    out.push_str(&said);
                    i = end;
                }
                _ => {
                    out.push(self.cs[i]);
                    i += 1;
                }
            }
        }
    }

    /// The token that starts at `i`, if one does.
    fn token(&mut self, i: usize) -> Option<Tok> {
        match self.at(i)? {
            c if c.is_ascii_digit() => Some(self.digit(i)),
            '-' | '−' | '－' => self.minus(i),
            '+' => self.plus(i),
            '$' | '¥' | '￥' | '€' | '£' | 'U' | 'H' => self.currency(i),
            _ => None,
        }
    }

    // --- looking at the text -----------------------------------------------

    fn at(&self, k: usize) -> Option<char> {
        self.work.add(1);
        self.cs.get(k).copied()
    }

    fn digit_at(&self, k: usize) -> bool {
        self.at(k).is_some_and(|c| c.is_ascii_digit())
    }

    fn alpha_at(&self, k: usize) -> bool {
        self.at(k).is_some_and(|c| c.is_ascii_alphabetic())
    }

    /// Whether `at(k)` is one of `set`.
    fn one_of(&self, k: usize, set: &[char]) -> bool {
        self.at(k).is_some_and(|c| set.contains(&c))
    }

    /// Where `s` ends if it is written at `k`.
    fn match_str(&self, k: usize, s: &str) -> Option<usize> {
        let mut j = k;
        for c in s.chars() {
            if self.at(j) != Some(c) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    fn starts(&self, k: usize, s: &str) -> bool {
        self.match_str(k, s).is_some()
    }

    /// The end of the digits that start at `k`.
    fn run_end(&self, k: usize) -> usize {
        let mut j = k;
        while self.digit_at(j) {
            j += 1;
        }
        j
    }

    /// The text `s..e` as written.
    fn verbatim(&self, s: usize, e: usize) -> String {
        self.work.add(e.saturating_sub(s));
        self.cs[s..e].iter().collect()
    }

    /// The number that starts at the digit at `i`.
    fn num(&self, i: usize) -> Num {
        let n = read::parse_num(&self.cs, i);
        self.work.add(n.end - i);
        n
    }

    /// The token `s..e` said as `said` if all its families are on, else as
    /// written.
    fn emit(&self, s: usize, e: usize, fams: &[Fam], said: String) -> Tok {
        if fams.iter().all(|&f| is_on(self.rules, f)) {
            (e, said)
        } else {
            (e, self.verbatim(s, e))
        }
    }

    /// The text `s..e` as written, whatever the families.
    fn as_written(&self, s: usize, e: usize) -> Tok {
        (e, self.verbatim(s, e))
    }
}
