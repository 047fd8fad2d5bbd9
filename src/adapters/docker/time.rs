//! The engine's times (RFC 3339 with nanoseconds, UTC), as `SystemTime`.

use std::time::SystemTime;

/// `2026-12-03T17:37:05.123456789Z`, or with an offset; `None` if it is not
/// one, or for the engine's "never" (year 1).
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let time: jiff::Timestamp = text.parse().ok()?;
    (time >= jiff::Timestamp::UNIX_EPOCH).then(|| SystemTime::from(time))
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
