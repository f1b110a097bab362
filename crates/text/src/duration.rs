//! The one way podgen reads a duration a person wrote: in a script (fades,
//! overlaps, `[pause 800ms]` markers), in podgen.yaml (pauses, ducking,
//! timeouts) and on the command line (`cache prune --older-than 30d`).
//!
//! A duration is a decimal number and a unit: `ms`, `s`, `m`, `h` or `d`;
//! a bare number is milliseconds. No sign, no exponent, no spaces inside.
//! Each caller sets its own range.

/// Milliseconds per unit, longest suffix first so that `ms` is not read as
/// `m` followed by junk.
const UNITS: [(&str, u64); 5] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
];

/// The milliseconds `text` says (rounded to the nearest), or `None` when it
/// is not a duration or is too long to count in milliseconds.
pub fn parse_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n, *scale)))
        .unwrap_or((text, 1));
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole_ms = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().ok()?.checked_mul(scale)?
    };
    // The fraction, exactly: its digits over their power of ten, rounded.
    let fraction_ms = match fraction.len() {
        0 => 0,
        n => {
            let digits: u128 = fraction.get(..n.min(30))?.parse().ok()?;
            let ten = 10u128.pow(n.min(30) as u32);
            u64::try_from((digits * u128::from(scale) + ten / 2) / ten).ok()?
        }
    };
    whole_ms.checked_add(fraction_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_and_a_bare_number() {
        assert_eq!(parse_ms("250ms"), Some(250));
        assert_eq!(parse_ms("1.5s"), Some(1500));
        assert_eq!(parse_ms("600"), Some(600));
        assert_eq!(parse_ms("10m"), Some(600_000));
        assert_eq!(parse_ms("2h"), Some(7_200_000));
        assert_eq!(parse_ms("30d"), Some(30 * 86_400_000));
        assert_eq!(parse_ms(" 0 "), Some(0));
        assert_eq!(parse_ms(".5s"), Some(500));
        assert_eq!(parse_ms("1.0005s"), Some(1001));
        assert_eq!(parse_ms("0.0004s"), Some(0));
    }

    #[test]
    fn what_is_not_a_duration() {
        for text in [
            "", "s", "ms", ".", "soon", "-1s", "+1s", "1e3ms", "1 s", "1.2.3s", "inf", "NaN",
            "1sm", "d",
        ] {
            assert_eq!(parse_ms(text), None, "{text:?}");
        }
    }

    #[test]
    fn too_long_to_count_is_none_not_a_wrap() {
        assert_eq!(parse_ms("99999999999999999d"), None);
        assert_eq!(parse_ms("18446744073709551616"), None);
        assert_eq!(
            parse_ms("0.999999999999999999999999999999999999999s"),
            Some(1000)
        );
    }
}
