//! Reading numbers in English words: cardinals, ordinals, years, decades,
//! clock times, and letters spelled one by one.

use super::tables::{ONES, SCALES, TENS, TENS_PLURAL};

/// 0..=99 in words: "forty-two".
pub(super) fn two_digit(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => cardinal(n),
    }
}

/// 1..=999 in words, without "and": "one hundred seventy".
fn below_thousand(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    match (h, rest) {
        (0, r) => two_digit(r),
        (h, 0) => format!("{} hundred", two_digit(h)),
        (h, r) => format!("{} hundred {}", two_digit(h), two_digit(r)),
    }
}

/// Any u64 in words; callers keep it to 15 digits, but nothing breaks above.
pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, name) in SCALES {
        if rest >= value {
            let q = rest / value;
            // Only above 999 trillion does the top scale need more than three digits.
            let head = if q >= 1000 {
                cardinal(q)
            } else {
                below_thousand(q)
            };
            parts.push(format!("{head} {name}"));
            rest %= value;
        }
    }
    if rest > 0 {
        parts.push(below_thousand(rest));
    }
    parts.join(" ")
}

/// Digits one by one: "one two three".
pub(super) fn digit_words(d: &str) -> String {
    let words: Vec<&str> = d
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| ONES[(b - b'0') as usize])
        .collect();
    words.join(" ")
}

/// An integer written in digits, in words. Too long to say as a number (more
/// than 15 digits) or with leading zeros (007): digit by digit.
pub(super) fn int_words(d: &str) -> String {
    if d.len() > 15 || (d.len() > 1 && d.starts_with('0')) {
        return digit_words(d);
    }
    match d.parse::<u64>() {
        Ok(n) => cardinal(n),
        Err(_) => digit_words(d),
    }
}

/// The ordinal of a number already in words: "twenty-three" → "twenty-third".
pub(super) fn ordinalize(words: &str) -> String {
    let cut = words.rfind([' ', '-']).map_or(0, |p| p + 1);
    let (head, last) = words.split_at(cut);
    let tail = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        l if l.ends_with('y') => format!("{}ieth", &l[..l.len() - 1]),
        l => format!("{l}th"),
    };
    format!("{head}{tail}")
}

/// The ordinal of `n` in words: 12 → "twelfth".
pub(super) fn ordinal(n: u64) -> String {
    ordinalize(&cardinal(n))
}

/// A year as said: 2024 → "twenty twenty-four", 2005 → "two thousand five",
/// 1900 → "nineteen hundred", 1905 → "nineteen oh five".
pub(super) fn year_words(y: u64) -> String {
    let (hi, lo) = (y / 100, y % 100);
    if (2000..=2009).contains(&y) {
        return if lo == 0 {
            "two thousand".to_string()
        } else {
            format!("two thousand {}", ONES[lo as usize])
        };
    }
    match lo {
        0 => format!("{} hundred", two_digit(hi)),
        1..=9 => format!("{} oh {}", two_digit(hi), ONES[lo as usize]),
        _ => format!("{} {}", two_digit(hi), two_digit(lo)),
    }
}

/// A decade written 1990s or 90s, in words, if it is one.
pub(super) fn decade(d: &str) -> Option<String> {
    let n: u64 = d.parse().ok()?;
    if !n.is_multiple_of(10) || d.starts_with('0') {
        return None;
    }
    match d.len() {
        2 => Some(TENS_PLURAL[(n / 10) as usize].to_string()),
        4 if (1100..=2099).contains(&n) => Some(match (n / 100, n % 100) {
            (20, 0) => "two thousands".to_string(),
            (hi, 0) => format!("{} hundreds", two_digit(hi)),
            (hi, lo) => format!("{} {}", two_digit(hi), TENS_PLURAL[(lo / 10) as usize]),
        }),
        _ => None,
    }
}

/// A clock time: "ten thirty", "nine oh five", "three o'clock", "three p m".
pub(super) fn clock_words(h: u64, m: u64, ampm: Option<&str>, secs: Option<u64>) -> String {
    let hour = two_digit(h);
    let mut s = match (m, ampm) {
        (0, Some(_)) => hour,
        (0, None) if h == 0 => "midnight".to_string(),
        (0, None) if h <= 12 => format!("{hour} o'clock"),
        (0, None) => format!("{hour} hundred"),
        (1..=9, _) => format!("{hour} oh {}", ONES[m as usize]),
        _ => format!("{hour} {}", two_digit(m)),
    };
    if let Some(sec) = secs {
        let unit = if sec == 1 { "second" } else { "seconds" };
        s = format!("{s} and {} {unit}", two_digit(sec));
    }
    if let Some(ap) = ampm {
        s.push(' ');
        s.push_str(ap);
    }
    s
}

/// `s` with its first letter upper-case.
pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Letters with spaces between: "GPU" → "G P U".
pub(super) fn spell(letters: &str) -> String {
    let mut s = String::with_capacity(letters.len() * 2);
    for c in letters.chars() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push(c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_words() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(
            cardinal(999_999_999_999_999),
            "nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine"
        );
        assert_eq!(cardinal(u64::MAX).split(' ').next(), Some("eighteen"));
        assert_eq!(ordinal(12), "twelfth");
        assert_eq!(ordinal(40), "fortieth");
        assert_eq!(year_words(2010), "twenty ten");
        assert_eq!(year_words(1905), "nineteen oh five");
        assert_eq!(decade("2000").as_deref(), Some("two thousands"));
    }
}
