//! English text normalisation: written English → what an English voice
//! should say. Numbers, ordinals, years, dates, clock times, money,
//! percentages, units, ranges and ratios, abbreviations and acronyms.
//!
//! The text is cut into tokens (runs of ASCII letters, runs of digits, runs
//! of whitespace, single punctuation marks, runs of non-ASCII letters, single
//! other characters). Tokens of identifiers, URLs, e-mail addresses, code and
//! markup are protected and copied as written. Every other token is either
//! copied, or replaced together with a few neighbours by exactly one rule, so
//! no text is lost or repeated. A rule whose family is switched off still
//! recognises its construct and copies it as written, so that no other
//! family reads half of it. Work is linear in the length of the text.
//!
//! The tables are data in [`tables`]; each rule family (a field of
//! [`Rules`]) is a module of its own.

mod abbreviations;
mod acronyms;
mod dates;
mod guard;
mod literal;
mod money;
mod numbers;
mod percent;
mod ranges;
pub mod tables;
mod times;
mod tokens;
mod units;
mod words;

#[cfg(test)]
mod cases;

pub use abbreviations::ends_no_sentence;
pub use tables::WORD_ACRONYMS;

use super::rules::Rules;
use super::work::Work;
use literal::Lit;
use tokens::{Kind, Tok};

/// English text as an English voice should read it.
///
/// Numbers become words (`1,770` → "one thousand seven hundred seventy",
/// `3.5` → "three point five", `1st` → "first"), years and dates are read as
/// dates (`June 10, 2024` → "June tenth, twenty twenty-four"), clock times,
/// money, percentages, units, ranges and ratios are spelled out, common
/// abbreviations expanded and acronyms spelled letter by letter (`GPU` →
/// "G P U") unless listed in [`WORD_ACRONYMS`]. Identifiers (`GPT-4o`,
/// `Zen 5`), URLs, e-mail addresses, code and bracketed markup stay as
/// written; so does every family switched off in `rules`. Text without
/// anything to read differently comes back byte for byte.
pub fn normalize(text: &str, rules: Rules) -> String {
    normalize_counting(text, rules, &Work::default())
}

/// [`normalize`], counting its steps in `work`.
pub(crate) fn normalize_counting(text: &str, rules: Rules, work: &Work) -> String {
    let toks = tokens::tokenize(text);
    work.add(text.len());
    let guard = guard::guard(text, &toks, work);
    Norm {
        src: text,
        toks,
        guard,
        rules,
        work,
    }
    .run()
}

/// What a rule makes of the tokens from where it started up to `.0`.
type Hit = Option<(usize, String)>;

/// One text being read: its tokens, which of them are protected, the rule
/// families that are on.
struct Norm<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    guard: Vec<bool>,
    rules: Rules,
    work: &'a Work,
}

impl<'a> Norm<'a> {
    fn run(&self) -> String {
        let mut out = String::with_capacity(self.src.len() + self.src.len() / 4 + 8);
        let mut i = 0;
        while i < self.toks.len() {
            match self.rule_at(i) {
                // Every rule ends after where it started: no loops, no loss.
                Some((end, said)) if end > i && end <= self.toks.len() => {
                    out.push_str(&said);
                    i = end;
                }
                _ => {
                    out.push_str(self.text(i));
                    i += 1;
                }
            }
        }
        out
    }

    /// The one rule that reads the tokens from `i`, if any does.
    fn rule_at(&self, i: usize) -> Hit {
        match self.open(i)?.0 {
            Kind::Num => self.number(self.lit(i)?),
            Kind::Word => self.word_rules(i),
            Kind::Punct | Kind::Sym => self.symbol(i),
            Kind::Space | Kind::Alpha => None,
        }
    }

    /// A number, read by the first rule that knows its context: the more
    /// particular constructs first.
    fn number(&self, a: Lit<'a>) -> Hit {
        self.iso_date(&a)
            .or_else(|| self.times(&a))
            .or_else(|| self.ratio(&a))
            .or_else(|| self.range(&a))
            .or_else(|| self.percent(&a))
            .or_else(|| self.degrees(&a))
            .or_else(|| self.unit(&a))
            .or_else(|| self.day_month(&a))
            .or_else(|| self.suffix(&a))
            .or_else(|| self.brand(&a))
            .or_else(|| self.year(&a))
            .or_else(|| self.cardinal(&a))
    }

    /// Letters: US$5, June 10, e.g., Dr., GPU.
    fn word_rules(&self, i: usize) -> Hit {
        self.currency_prefix(i)
            .or_else(|| self.month_date(i))
            .or_else(|| self.letters(i))
            .or_else(|| self.abbreviation(i))
            .or_else(|| self.acronym(i))
    }

    /// A mark: a currency sign, a sign before a number, '90s.
    fn symbol(&self, i: usize) -> Hit {
        let s = self.text(i);
        if money::currency(s).is_some() {
            return self.money(i, i, "", None);
        }
        match s {
            "-" | "−" | "+" => self.signed(i),
            "'" | "’" => self.short_decade(i),
            _ => None,
        }
    }
}
