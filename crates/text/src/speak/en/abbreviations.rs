//! The abbreviations family: titles before a name (Dr. Smith, St. Louis),
//! No. before a number, dotted words read anywhere (etc., vs., approx.,
//! Jan.) and letters with dots (e.g., i.e., a.k.a.). The same tables say
//! where a full stop ends no sentence, for the sentence splitter.

use super::tables::{BEFORE_NUMBER, DOTTED, KEPT_DOTTED, LETTERS, MONTH_ABBR, MONTHS, TITLES};
use super::words::capitalize;
use super::{Hit, Norm};

/// Whether a full stop right after `word`, with `after` following it,
/// leaves the sentence open: `word` is an abbreviation of the English
/// tables (a title, a dotted word, a month, letters such as e.g., one kept
/// as written such as Inc. or U.S., or No. before a number), compared
/// without regard to case.
pub fn ends_no_sentence(word: &str, after: &str) -> bool {
    let is = |w: &str| w.eq_ignore_ascii_case(word);
    let letters: String = word.split('.').collect();
    let single_letters = word.split('.').all(|l| l.len() == 1);
    let number_follows = after.trim_start().starts_with(|c: char| c.is_ascii_digit());
    TITLES.iter().any(|t| is(t.written))
        || DOTTED.iter().any(|d| is(d.0))
        || MONTH_ABBR.iter().any(|m| is(m.0))
        || KEPT_DOTTED.iter().any(|k| is(k))
        || number_follows && BEFORE_NUMBER.iter().any(|b| is(b.0))
        || single_letters && LETTERS.iter().any(|l| l.0.eq_ignore_ascii_case(&letters))
}

impl Norm<'_> {
    /// Single letters with dots: e.g., i.e., a.k.a., and U.S. / U.K. / A.I.
    pub(super) fn letters(&self, i: usize) -> Hit {
        let mut seq = String::new();
        let mut k = i;
        let mut dot = false;
        while let Some(w) = self.word(k)
            && w.len() == 1
        {
            seq.push_str(w);
            dot = self.is(k + 1, ".");
            k += 1 + usize::from(dot);
            if !dot {
                break;
            }
        }
        if seq.len() < 2 || self.word(k).is_some() || self.num(k).is_some() {
            return None;
        }
        let lower = seq.to_ascii_lowercase();
        if let Some(&(_, full)) = LETTERS.iter().find(|l| l.0 == lower) {
            let cap = seq.starts_with(|c: char| c.is_ascii_uppercase());
            let say = if cap {
                capitalize(full)
            } else {
                full.to_string()
            };
            return self.emit(self.rules.abbreviations, i, k, || say);
        }
        self.spelled_letters(i, k, &seq, dot)
    }

    /// Dr. Smith, St. Louis, No. 5, etc., vs., approx., Jan.
    pub(super) fn abbreviation(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let dot = self.is(i + 1, ".");
        let after = i + 1 + usize::from(dot);
        let on = self.rules.abbreviations;
        if let Some(t) = TITLES.iter().find(|t| t.written == w) {
            let named = self.space(after)
                && self
                    .word(after + 1)
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
            return if named && (dot || t.bare) {
                self.emit(on, i, after, || t.said.to_string())
            } else {
                None
            };
        }
        let number = BEFORE_NUMBER
            .iter()
            .find(|b| b.0 == w || b.0.to_ascii_lowercase() == w);
        if let Some(&(written, said)) = number
            && dot
            && self.space(after)
            && self.num(after + 1).is_some()
        {
            return self.emit(on, i, after, || {
                if w == written {
                    said.to_string()
                } else {
                    said.to_ascii_lowercase()
                }
            });
        }
        let (full, ends) = match DOTTED.iter().find(|d| d.0 == w) {
            Some(d) if dot || w == "vs" => (d.1, d.2),
            _ if dot => (
                MONTH_ABBR.iter().find(|m| m.0 == w).map(|m| MONTHS[m.1])?,
                true,
            ),
            _ => return None,
        };
        let keep = dot && ends && self.sentence_end(after, false);
        self.emit(on, i, after, || {
            full.to_string() + if keep { "." } else { "" }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_abbreviation_leaves_the_sentence_open_in_any_case() {
        for t in TITLES {
            assert!(ends_no_sentence(t.written, " Smith"), "{}", t.written);
            let lower = t.written.to_ascii_lowercase();
            assert!(ends_no_sentence(&lower, " Smith"), "{}", t.written);
        }
        for word in [
            "etc", "Ave", "cf", "Intl", "Jan", "Sept", "e.g", "I.E", "a.k.a", "Inc", "U.S", "p.m",
            "Ph.D",
        ] {
            assert!(ends_no_sentence(word, " The"), "{word}");
        }
        for word in ["said", "no.", "eg", "e.g.g", "", "U.S.A", "J"] {
            assert!(!ends_no_sentence(word, " The"), "{word}");
        }
        // No. only before a number: "said no. Dr. Jones" ends at "no.".
        assert!(ends_no_sentence("No", " 5 on the chart"));
        assert!(!ends_no_sentence("no", " Dr. Jones agreed."));
    }
}
