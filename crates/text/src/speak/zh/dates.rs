//! The dates family, where the date is written with digits alone
//! (2024-06-10, 2024/6/10, 2024.6.10, 2024-06); years, months and days
//! before 年, 月 and 日 are read by the numbers' context.

use super::read::{PLAIN, digits, say_u64};
use super::{Fam, Scanner, Tok};

impl Scanner<'_> {
    /// 2024-06-10, 2024/6/10, 2024.6.10 and 2024-06.
    pub(super) fn iso_date(&self, i: usize) -> Option<Tok> {
        let y_end = self.run_end(i);
        if y_end - i != 4 || !matches!(self.at(i), Some('1' | '2')) {
            return None;
        }
        let sep = self.at(y_end).filter(|c| matches!(c, '-' | '/' | '.'))?;
        let m_end = self.run_end(y_end + 1);
        let m_len = m_end - (y_end + 1);
        if !(1..=2).contains(&m_len) {
            return None;
        }
        let month: u64 = self.verbatim(y_end + 1, m_end).parse().ok()?;
        let year = digits(&self.verbatim(i, y_end));
        if !(1..=12).contains(&month) {
            return None;
        }
        let m = say_u64(month, PLAIN);
        if self.at(m_end) == Some(sep) && self.digit_at(m_end + 1) {
            let d_end = self.run_end(m_end + 1);
            if d_end - (m_end + 1) > 2 || !self.date_boundary(d_end) {
                return None;
            }
            let day: u64 = self.verbatim(m_end + 1, d_end).parse().ok()?;
            if !(1..=31).contains(&day) {
                return None;
            }
            let said = format!("{year}年{m}月{}日", say_u64(day, PLAIN));
            return Some(self.emit(i, d_end, &[Fam::Dates], said));
        }
        if sep != '.' && m_len == 2 && self.date_boundary(m_end) {
            return Some(self.emit(i, m_end, &[Fam::Dates], format!("{year}年{m}月")));
        }
        None
    }

    fn date_boundary(&self, k: usize) -> bool {
        let joined = matches!(self.at(k), Some('-' | '/' | '.' | ':')) && self.digit_at(k + 1);
        !joined && !self.at(k).is_some_and(|c| c.is_ascii_alphanumeric())
    }
}
