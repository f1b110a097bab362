//! Dates as the feed and render.json write them: days since 1970-01-01 of
//! a `YYYY-MM-DD` date, the RFC 2822 date of a day, and today's date. By
//! hand (Howard Hinnant's days_from_civil and civil_from_days, the
//! proleptic Gregorian calendar): a few dates, not worth a calendar crate.

/// Days since 1970-01-01 of `YYYY-MM-DD`; None if it is not such a date.
pub fn days_from_date(date: &str) -> Option<i64> {
    let (y, m, d) = crate::input::script::parse_iso_date(date.trim())?;
    let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// (year, month, day) of a day counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The years RFC 2822 can write: four digits.
pub const YEARS: std::ops::RangeInclusive<i64> = 0..=9999;

/// RFC 2822 date of a day, at midnight UTC: `Mon, 10 Jun 2024 00:00:00
/// +0000`, the year always in four digits (`0024`, never `24`, which
/// readers take for 2024); None for a year four digits cannot write.
pub fn rfc2822(days: i64) -> Option<String> {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(days);
    YEARS.contains(&y).then(|| {
        format!(
            "{}, {d:02} {} {y:04} 00:00:00 +0000",
            WEEKDAYS[days.rem_euclid(7) as usize],
            MONTHS[(m - 1) as usize]
        )
    })
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc_2822_with_the_right_weekday_and_four_digit_years() {
        let day = |d| days_from_date(d).unwrap();
        assert_eq!(day("1970-01-01"), 0);
        let date = |d| rfc2822(day(d)).unwrap();
        assert_eq!(date("2024-06-10"), "Mon, 10 Jun 2024 00:00:00 +0000");
        assert_eq!(date("2000-02-29"), "Tue, 29 Feb 2000 00:00:00 +0000");
        assert_eq!(date("2026-12-01"), "Tue, 01 Dec 2026 00:00:00 +0000");
        // Scripts hold years 1900 to 2200 (`parse_iso_date`); the writer is
        // right for any year four digits hold (days counted by Python's
        // `date.toordinal`).
        let written = |days| rfc2822(days).unwrap();
        assert_eq!(written(-710_762), "Mon, 01 Jan 0024 00:00:00 +0000");
        assert_eq!(written(-354_286), "Tue, 31 Dec 0999 00:00:00 +0000");
        assert_eq!(written(2_932_896), "Fri, 31 Dec 9999 00:00:00 +0000");
        assert_eq!(rfc2822(2_932_896 + 1), None);
        assert_eq!(rfc2822(-719_528 - 1), None);
        assert_eq!(days_from_date("0024-01-01"), None);
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "24-06-10",
            "2024-06",
            "soon",
        ] {
            assert_eq!(days_from_date(bad), None, "{bad}");
        }
        assert_eq!(days_from_date(&today()).map(|d| d > 19_000), Some(true));
    }
}
