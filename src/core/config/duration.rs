//! Durations as written in the configuration (`500ms`, `1m30s`).

use std::time::Duration;

/// `5 seconds` or `1 min 30 sec` in the short form `parse_duration` reads.
pub(super) fn spelled_duration(text: &str) -> Option<String> {
    let compact: String = text.to_lowercase().split_whitespace().collect();
    let mut short = String::new();
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let letters = rest[digits..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |i| digits + i);
        let unit = match &rest[digits..letters] {
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
            "s" | "sec" | "secs" | "second" | "seconds" => "s",
            "m" | "min" | "mins" | "minute" | "minutes" => "m",
            "h" | "hr" | "hrs" | "hour" | "hours" => "h",
            _ => return None,
        };
        short.push_str(&rest[..digits]);
        short.push_str(unit);
        rest = &rest[letters..];
    }
    (short != text && parse_duration(&short).is_some()).then_some(short)
}

/// Parses `1h2m3s4ms`-style durations; at least one part, each with a unit.
/// Decimals (`1.5s`) are exact: the sum is counted in nanoseconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let nanos = nanoseconds(text)?;
    let seconds = u64::try_from(nanos / NANOS_PER_SECOND).ok()?;
    // The remainder is below a second, so it fits.
    Some(Duration::new(seconds, (nanos % NANOS_PER_SECOND) as u32))
}

const NANOS_PER_SECOND: u128 = 1_000_000_000;

fn nanoseconds(text: &str) -> Option<u128> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let (whole, fraction) = match rest[..digits].split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (&rest[..digits], ""),
        };
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return None;
        }
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit: u128 = match &rest[..unit_len] {
            "ms" => 1_000_000,
            "s" => NANOS_PER_SECOND,
            "m" => 60 * NANOS_PER_SECOND,
            "h" => 3600 * NANOS_PER_SECOND,
            _ => return None,
        };
        total = total.checked_add(amount(whole, fraction, unit)?)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// `whole.fraction` times `unit` nanoseconds, rounded down to a nanosecond.
fn amount(whole: &str, fraction: &str, unit: u128) -> Option<u128> {
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(unit)?;
    let mut scale = unit;
    for digit in fraction.bytes() {
        scale /= 10;
        nanos = nanos.checked_add(u128::from(digit - b'0') * scale)?;
    }
    Some(nanos)
}

/// Why a duration cannot be given to Compose and Docker as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Beyond Go's `time.Duration` (about 292 years), which Compose parses into.
    TooLong,
    /// Above zero but under a millisecond: written as `0s`, which Docker
    /// reads as "use the default".
    BelowMillisecond,
    /// Not a whole number of milliseconds: exo writes milliseconds.
    FinerThanMillisecond,
}

/// Go's largest duration, 2562047h47m16.854775807s.
pub const GO_MAX: Duration = Duration::new(9_223_372_036, 854_775_807);

/// Whether `duration` reaches Compose with the same meaning.
pub fn compose_range(duration: Duration) -> Result<(), OutOfRange> {
    if duration > GO_MAX {
        Err(OutOfRange::TooLong)
    } else if !duration.is_zero() && duration < Duration::from_millis(1) {
        Err(OutOfRange::BelowMillisecond)
    } else if !duration.subsec_nanos().is_multiple_of(1_000_000) {
        Err(OutOfRange::FinerThanMillisecond)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5 seconds"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn spelled_out_durations_get_their_short_form() {
        assert_eq!(spelled_duration("5 seconds").as_deref(), Some("5s"));
        assert_eq!(spelled_duration("1 min 30 sec").as_deref(), Some("1m30s"));
        assert_eq!(spelled_duration("250 ms").as_deref(), Some("250ms"));
        assert_eq!(spelled_duration("5s"), None);
        assert_eq!(spelled_duration("soon"), None);
        assert_eq!(spelled_duration("5 fortnights"), None);
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_duration("0.3s"), Some(Duration::from_millis(300)));
        assert_eq!(parse_duration(".5s"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.s"), Some(Duration::from_secs(1)));
        assert_eq!(parse_duration("."), None);
        assert_eq!(parse_duration("1.2.3s"), None);
        assert_eq!(
            parse_duration("99999999999999999999999999999999999999999h"),
            None
        );
    }

    #[test]
    fn the_range_compose_reads() {
        assert_eq!(compose_range(Duration::ZERO), Ok(()));
        assert_eq!(compose_range(Duration::from_millis(1)), Ok(()));
        assert_eq!(
            compose_range(GO_MAX - Duration::from_nanos(854_775_807)),
            Ok(())
        );
        assert_eq!(
            compose_range(Duration::from_micros(500)),
            Err(OutOfRange::BelowMillisecond)
        );
        assert_eq!(
            compose_range(Duration::from_micros(1500)),
            Err(OutOfRange::FinerThanMillisecond)
        );
        assert_eq!(
            compose_range(parse_duration("2562048h").unwrap()),
            Err(OutOfRange::TooLong)
        );
    }
}
