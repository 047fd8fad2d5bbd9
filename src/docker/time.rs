//! The engine's times (RFC 3339 with nanoseconds, UTC), as `SystemTime`.

use std::time::{Duration, SystemTime};

/// `2026-12-03T17:37:05.123456789Z`, or with an offset; `None` if it is not one.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let (date, time) = text.split_once('T')?;
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let zone_at = time.find(['Z', 'z', '+', '-'])?;
    let (clock, zone) = time.split_at(zone_at);
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (hours, minutes) = zone[1..].split_once(':')?;
            sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60)
        }
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut hms = whole.splitn(3, ':');
    let hour: i64 = hms.next()?.parse().ok()?;
    let minute: i64 = hms.next()?.parse().ok()?;
    let second: i64 = hms.next()?.parse().ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        let digits: String = fraction
            .chars()
            .chain("000000000".chars())
            .take(9)
            .collect();
        digits.parse().ok()?
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let seconds = u64::try_from(seconds).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::new(seconds, nanos))
}

/// A log line of `docker logs --timestamps`: its time and its text.
pub fn split_timestamp(line: &str) -> (Option<SystemTime>, &str) {
    match line.split_once(' ') {
        Some((time, text)) => match parse_rfc3339(time) {
            Some(time) => (Some(time), text),
            None => (None, line),
        },
        None => match parse_rfc3339(line) {
            Some(time) => (Some(time), ""),
            None => (None, line),
        },
    }
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(time: SystemTime) -> u128 {
        time.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }

    #[test]
    fn engine_times_are_read_to_the_nanosecond() {
        let time = parse_rfc3339("2023-11-14T22:13:20.123456789Z").unwrap();
        assert_eq!(nanos(time), 1_700_000_000_123_456_789);
        let short = parse_rfc3339("2023-11-14T22:13:20.5Z").unwrap();
        assert_eq!(nanos(short), 1_700_000_000_500_000_000);
        let offset = parse_rfc3339("2023-11-15T00:13:20+02:00").unwrap();
        assert_eq!(nanos(offset), 1_700_000_000_000_000_000);
        assert_eq!(parse_rfc3339("0001-01-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn log_lines_lose_their_timestamp() {
        let (time, text) = split_timestamp("2023-11-14T22:13:20Z listening on :80");
        assert_eq!(nanos(time.unwrap()), 1_700_000_000_000_000_000);
        assert_eq!(text, "listening on :80");
        assert_eq!(split_timestamp("plain text"), (None, "plain text"));
    }
}
