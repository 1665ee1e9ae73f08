//! Virtual time. Engines never read a clock: every call that may depend on time takes
//! `now` in milliseconds since the Unix epoch. This module formats such instants as RFC
//! 5322 dates for Date: and Received: headers.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = u64;

/// One second.
pub const SECOND: Millis = 1_000;
/// One minute.
pub const MINUTE: Millis = 60 * SECOND;

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `at` as an RFC 5322 §3.3 date-time in UTC, e.g.
/// `Sat, 28 Nov 2026 02:04:57 +0000`.
pub(crate) fn rfc5322_date(at: Millis) -> String {
    let seconds = at / SECOND;
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS.get((days % 7) as usize).copied().unwrap_or("Thu");
    let month_name = MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday}, {day} {month_name} {year} {:02}:{:02}:{:02} +0000",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Days since the epoch → (year, month 1–12, day 1–31), Howard Hinnant's algorithm for
/// the proleptic Gregorian calendar.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc5322_date(1_795_831_497_000),
            "Sat, 28 Nov 2026 02:04:57 +0000"
        );
        assert_eq!(
            rfc5322_date(951_782_400_000),
            "Tue, 29 Feb 2000 00:00:00 +0000"
        );
    }

    #[test]
    fn never_panics_at_the_far_end() {
        assert!(rfc5322_date(u64::MAX).ends_with("+0000"));
    }
}
