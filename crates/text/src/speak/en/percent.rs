//! The percent family: 47.5%, and a range of percentages said once
//! (5.25%-5.5%).

use super::literal::Lit;
use super::{Hit, Norm};

impl<'a> Norm<'a> {
    pub(super) fn percent(&self, a: &Lit<'a>) -> Hit {
        if !self.is(a.end, "%") {
            return None;
        }
        // 5.25%-5.5%: one range, "percent" said once.
        if self.dash(a.end + 1)
            && let Some(b) = self.lit(a.end + 2)
            && self.is(b.end, "%")
        {
            let on = self.rules.percent && self.rules.ranges;
            return self.emit(on, a.first, b.end + 1, || {
                format!("{} to {} percent", a.words(), b.words())
            });
        }
        self.emit(self.rules.percent, a.first, a.end + 1, || {
            format!("{} percent", a.words())
        })
    }
}
