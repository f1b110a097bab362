//! The acronyms family: letters spelled one by one (GPU → "G P U", GPUs →
//! "G P Us", U.S. → "U S"), unless the acronym is read as a word (NASA)
//! or is a Roman numeral.

use super::tables::WORD_ACRONYMS;
use super::tokens::Kind;
use super::words::spell;
use super::{Hit, Norm};

impl Norm<'_> {
    /// Capital letters with dots, tokens `i..k` (U.S., U.K., A.I.); `dot`:
    /// whether the last one has its dot, which stays at the end of a line.
    pub(super) fn spelled_letters(&self, i: usize, k: usize, seq: &str, dot: bool) -> Hit {
        if !seq.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let keep = dot && self.sentence_end(k, true);
        let say = spell(seq) + if keep { "." } else { "" };
        self.emit(self.rules.acronyms, i, k, || say)
    }

    /// Whether the letters at token `i` touch something that makes them
    /// part of a larger word: accented Latin letters (CAFÉ), AT&T, DON'T.
    fn acronym_in_word(&self, i: usize) -> bool {
        let latin = |c: Option<char>| {
            c.is_some_and(|c| (c as u32) < 0x370 || ('\u{1E00}'..='\u{1EFF}').contains(&c))
        };
        let prev = i
            .checked_sub(1)
            .and_then(|p| Some((self.kind(p)?, self.text(p))));
        let next = self.kind(i + 1).map(|k| (k, self.text(i + 1)));
        let touches = |t: Option<(Kind, &str)>, last: bool| match t {
            Some((Kind::Alpha, s)) => latin(if last {
                s.chars().last()
            } else {
                s.chars().next()
            }),
            Some((_, "&")) => true,
            _ => false,
        };
        let apostrophe = matches!(next, Some((_, "'" | "’")))
            && self.text(i + 2).len() == 1
            && self.text(i + 2).bytes().all(|b| b.is_ascii_uppercase());
        touches(prev, true) || touches(next, false) || apostrophe
    }

    /// GPU → "G P U", GPUs → "G P Us"; not NASA, not Roman numerals.
    pub(super) fn acronym(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let base = w.strip_suffix('s').filter(|b| b.len() >= 2).unwrap_or(w);
        if !(2..=6).contains(&base.len()) || !base.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let roman = base.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'));
        if roman || WORD_ACRONYMS.contains(&base) || self.acronym_in_word(i) {
            return None;
        }
        let plural = base.len() < w.len();
        self.emit(self.rules.acronyms, i, i + 1, || {
            spell(base) + if plural { "s" } else { "" }
        })
    }
}
