//! Reading numbers in Mandarin: cardinals with 两 where a count wants it
//! (两个, 两千, 两万), digit by digit for years and codes, decimals, clock
//! fields; and the written numbers they are read from.

use super::tables::DIGIT;

/// How a 2 is read: `liang` gives 两千 and a leading 两万/两亿, `solo` gives
/// 两 for a number that is exactly 2 (两个).
#[derive(Clone, Copy)]
pub(super) struct Say {
    liang: bool,
    solo: bool,
}

/// After 第: always 二 (第二, 第二千).
pub(super) const ORDINAL: Say = Say {
    liang: false,
    solo: false,
};
/// A number said on its own: 两千, 两万, but 二.
pub(super) const PLAIN: Say = Say {
    liang: true,
    solo: false,
};
/// A count (before a classifier, unit or currency): 两个, 两千.
pub(super) const COUNT: Say = Say {
    liang: true,
    solo: true,
};

/// ASCII digits read one by one (2024 → 二零二四).
pub(super) fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| DIGIT[d as usize])
        .collect()
}

/// An integer read as a cardinal (169861 → 十六万九千八百六十一).
pub(super) fn say_u64(n: u64, opt: Say) -> String {
    if n == 0 {
        return "零".to_string();
    }
    let mut out = String::new();
    say_rec(
        n,
        Place {
            head: true,
            solo: opt.solo,
        },
        opt,
        &mut out,
    );
    out
}

/// Where a group stands: `head` while nothing has been said yet, `solo`
/// when a lone 2 there is 两.
#[derive(Clone, Copy)]
struct Place {
    head: bool,
    solo: bool,
}

/// Splits at 亿 and 万.
fn say_rec(n: u64, at: Place, opt: Say, out: &mut String) {
    for (unit, word, gap) in [(100_000_000, '亿', 10_000_000), (10_000, '万', 1_000)] {
        if n >= unit {
            // A leading 2 before 万 or 亿 is 两 (两万, 两亿).
            let top = Place {
                head: at.head,
                solo: opt.liang && at.head,
            };
            say_rec(n / unit, top, opt, out);
            out.push(word);
            let lo = n % unit;
            if lo > 0 {
                // A gap of zeros is said once (一亿零五万).
                if lo < gap {
                    out.push('零');
                }
                let rest = Place {
                    head: false,
                    solo: false,
                };
                say_rec(lo, rest, opt, out);
            }
            return;
        }
    }
    say_small(n, at, opt, out);
}

/// A group below 10 000: 一千零五, 十二 (head) but 一百一十.
fn say_small(n: u64, at: Place, opt: Say, out: &mut String) {
    const UNIT: [&str; 4] = ["千", "百", "十", ""];
    let ds = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut started = false;
    let mut zero = false;
    for (k, &d) in ds.iter().enumerate() {
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let first = !started;
        if k == 2 && d == 1 && first && at.head {
            // 10 to 19 at the head are 十, 十一…, not 一十.
        } else if d == 2 && ((k == 0 && opt.liang) || (k == 3 && first && at.solo)) {
            out.push('两');
        } else {
            out.push(DIGIT[d as usize]);
        }
        out.push_str(UNIT[k]);
        started = true;
    }
}

/// An integer part: a cardinal, or digit by digit when it is too long to
/// read (more than 16 digits) or starts with 0 like a code (007).
fn say_int(int: &str, opt: Say) -> String {
    let code = int.len() > 16 || (int.len() > 1 && int.starts_with('0'));
    match int.parse::<u64>() {
        Ok(v) if !code => say_u64(v, opt),
        _ => digits(int),
    }
}

/// A written number read out; a fraction is never 两 (二点五).
pub(super) fn say(n: &Num, opt: Say) -> String {
    if n.frac.is_empty() {
        return say_int(&n.int, opt);
    }
    let mut s = say_int(&n.int, Say { solo: false, ..opt });
    s.push('点');
    s.push_str(&digits(&n.frac));
    s
}

/// One to two digit clock field: 零五分, 三十分.
pub(super) fn clock_part(v: u64, unit: char, out: &mut String) {
    if v < 10 {
        out.push('零');
    }
    if v > 0 {
        out.push_str(&say_u64(v, PLAIN));
    }
    out.push(unit);
}

/// A written number: integer digits (grouping commas dropped) and fraction.
#[derive(Clone)]
pub(super) struct Num {
    pub start: usize,
    pub end: usize,
    pub int: String,
    pub frac: String,
    pub grouped: bool,
}

impl Num {
    /// An integer with no grouping commas and no fraction.
    pub(super) fn bare(&self) -> bool {
        self.frac.is_empty() && !self.grouped
    }

    /// Its value when it is bare and at most `max_len` digits long.
    pub(super) fn small(&self, max_len: usize) -> Option<u64> {
        if self.bare() && self.int.len() <= max_len {
            self.int.parse().ok()
        } else {
            None
        }
    }

    /// Four digits that name a year before 年 (1000年 is a span of time).
    pub(super) fn is_year(&self) -> bool {
        self.int.len() == 4 && self.small(4).is_some_and(|v| (1001..=2199).contains(&v))
    }

    /// Written like a code rather than an amount: leading zero, too long,
    /// or `min_len` digits or more that are not round (10086, not 20000).
    pub(super) fn codeish(&self, min_len: usize) -> bool {
        let len = self.int.len();
        self.bare()
            && (len > 16
                || (len > 1 && self.int.starts_with('0'))
                || (len >= min_len && !self.int.ends_with("000")))
    }

    /// The amount raised by 10^exp ($2.5B → 2500000000), exactly, on its
    /// digits.
    pub(super) fn scaled(&self, exp: usize) -> Num {
        let all = format!("{}{}", self.int, self.frac);
        let point = self.int.len() + exp;
        let (mut int, frac) = if point >= all.len() {
            (
                format!("{all}{}", "0".repeat(point - all.len())),
                String::new(),
            )
        } else {
            let (a, b) = all.split_at(point);
            (a.to_string(), b.trim_end_matches('0').to_string())
        };
        let lead = int.len() - int.trim_start_matches('0').len();
        int.drain(..lead.min(int.len().saturating_sub(1)));
        Num {
            int,
            frac,
            ..self.clone()
        }
    }
}

/// Parses the number starting at the digit `cs[i]`: 1,770 and 3.14 whole.
pub(super) fn parse_num(cs: &[char], i: usize) -> Num {
    let digit = |k: usize| cs.get(k).is_some_and(char::is_ascii_digit);
    let mut j = i;
    while digit(j) {
        j += 1;
    }
    let mut int: String = cs[i..j].iter().collect();
    let mut grouped = false;
    // Grouping commas only after a first group of at most three digits.
    if j - i <= 3 {
        while cs.get(j) == Some(&',')
            && digit(j + 1)
            && digit(j + 2)
            && digit(j + 3)
            && !digit(j + 4)
        {
            int.extend(&cs[j + 1..j + 4]);
            j += 4;
            grouped = true;
        }
    }
    let mut frac = String::new();
    if cs.get(j) == Some(&'.') && digit(j + 1) {
        let f = j + 1;
        j = f;
        while digit(j) {
            j += 1;
        }
        frac = cs[f..j].iter().collect();
    }
    Num {
        start: i,
        end: j,
        int,
        frac,
        grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals_at_the_edges() {
        let cases = [
            (0, "零"),
            (10, "十"),
            (19, "十九"),
            (101, "一百零一"),
            (1010, "一千零一十"),
            (100_000_001, "一亿零一"),
            (100_050_000, "一亿零五万"),
            (220_000_000, "两亿两千万"),
            (1_234_500_000_000, "一万两千三百四十五亿"),
            (
                9_999_999_999_999_999,
                "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九",
            ),
        ];
        for (n, said) in cases {
            assert_eq!(say_u64(n, PLAIN), said, "{n}");
        }
        assert_eq!(say_u64(2, PLAIN), "二");
        assert_eq!(say_u64(2, COUNT), "两");
        assert_eq!(say_u64(2000, ORDINAL), "二千");
    }
}
