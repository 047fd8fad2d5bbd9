//! The budget grammar: `[statistic] [comparison] value[unit]`, as in
//! `p95 < 200ms`, `rate < 1%`, `>= 48/s`, `max < 256MiB`, `0`. Pure: a
//! mistake is returned with its place in the text, which the reader turns
//! into a place in the file.

use super::duration::parse_duration;
use crate::core::model::performance::{Budget, Comparison, Figure, Statistic, Unit};

/// What is wrong, and where in the text (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: String,
}

/// Reads `text` as a budget on `figure`.
pub fn parse_budget(text: &str, figure: Figure) -> Result<Budget, BudgetError> {
    let mut words = Words::new(text);
    let Some(first) = words.peek() else {
        return Err(error(0, text.len(), "the budget is empty", figure));
    };
    let statistic = match statistic(first.1) {
        Some(Ok(statistic)) => {
            words.next();
            if !figure
                .statistics()
                .iter()
                .any(|allowed| allowed.same_kind(statistic))
            {
                return Err(error(
                    first.0,
                    first.1.len(),
                    format!("`{}` does not apply to `{}`", first.1, figure.key()),
                    figure,
                ));
            }
            Some(statistic)
        }
        Some(Err(message)) => return Err(error(first.0, first.1.len(), message, figure)),
        None => None,
    };
    let comparison = match words.peek().and_then(|(_, word)| comparison(word)) {
        Some(comparison) => {
            words.next();
            comparison
        }
        None if figure.lower_is_better() => Comparison::AtMost,
        None => Comparison::AtLeast,
    };
    let Some((at, value)) = words.next() else {
        return Err(error(text.len(), 0, "the limit is missing", figure));
    };
    if let Some((extra, word)) = words.next() {
        return Err(error(
            extra,
            text.len() - extra,
            format!("unexpected `{word}` after the limit"),
            figure,
        ));
    }
    let statistic = match statistic {
        Some(statistic) => statistic,
        None if figure == Figure::Errors && value.ends_with('%') => Statistic::Rate,
        None if figure == Figure::Errors => Statistic::Count,
        None if figure == Figure::Latency => {
            return Err(error(
                at,
                value.len(),
                "a latency budget names its statistic",
                figure,
            ));
        }
        None => figure.statistics()[0],
    };
    let unit = match statistic {
        Statistic::Count => Unit::Count,
        _ => figure.unit(),
    };
    let limit = quantity(value, unit).ok_or_else(|| {
        error(
            at,
            value.len(),
            format!("`{value}` is not {}", unit_words(unit)),
            figure,
        )
    })?;
    Ok(Budget {
        statistic,
        comparison,
        limit,
    })
}

/// A share written with `%` (`10%`), as a fraction.
pub fn parse_percent(text: &str) -> Option<f64> {
    quantity(text.trim(), Unit::Percent)
}

/// A rate such as `50/s` or `600/m`, per second.
pub fn parse_rate(text: &str) -> Option<f64> {
    quantity(text.trim(), Unit::PerSecond).filter(|rate| *rate > 0.0)
}

fn error(offset: usize, len: usize, message: impl Into<String>, figure: Figure) -> BudgetError {
    BudgetError {
        offset,
        len,
        message: message.into(),
        help: format!("write e.g. `{}`", example(figure)),
    }
}

fn example(figure: Figure) -> &'static str {
    match figure {
        Figure::Latency => "p95 < 200ms",
        Figure::Errors => "rate < 1%",
        Figure::Throughput => ">= 48/s",
        Figure::Memory => "max < 256MiB",
        Figure::Cpu => "avg < 150%",
        Figure::Restarts => "0",
        Figure::Ready => "< 15s",
        Figure::ImageSize => "< 200MB",
    }
}

fn unit_words(unit: Unit) -> &'static str {
    match unit {
        Unit::Duration => "a duration such as `200ms` or `1.5s`",
        Unit::Percent => "a percentage such as `1%`",
        Unit::PerSecond => "a rate such as `48/s`",
        Unit::Bytes => "a size such as `256MiB` or `200MB`",
        Unit::Count => "a whole number",
    }
}

fn statistic(word: &str) -> Option<Result<Statistic, String>> {
    match word {
        "max" => Some(Ok(Statistic::Max)),
        "avg" => Some(Ok(Statistic::Avg)),
        "min" => Some(Ok(Statistic::Min)),
        "rate" => Some(Ok(Statistic::Rate)),
        _ => {
            let digits = word.strip_prefix('p')?;
            Some(
                digits
                    .parse::<f64>()
                    .ok()
                    .filter(|p| *p > 0.0 && *p <= 100.0 && !digits.starts_with('+'))
                    .map(|p| Statistic::Percentile(p / 100.0))
                    .ok_or_else(|| format!("`{word}` is not a percentile from p0 to p100")),
            )
        }
    }
}

fn comparison(word: &str) -> Option<Comparison> {
    match word {
        "<" => Some(Comparison::Below),
        "<=" => Some(Comparison::AtMost),
        ">" => Some(Comparison::Above),
        ">=" => Some(Comparison::AtLeast),
        _ => None,
    }
}

fn quantity(text: &str, unit: Unit) -> Option<f64> {
    let number_end = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let number: f64 = text[..number_end].parse().ok()?;
    let suffix = &text[number_end..];
    let scale = match unit {
        Unit::Duration => return parse_duration(text).map(|d| d.as_secs_f64()),
        Unit::Percent => (suffix == "%").then_some(0.01)?,
        Unit::PerSecond => match suffix {
            "/s" => 1.0,
            "/m" => 1.0 / 60.0,
            _ => return None,
        },
        Unit::Bytes => byte_scale(suffix)?,
        Unit::Count => (suffix.is_empty() && !text.contains('.')).then_some(1.0)?,
    };
    Some(number * scale)
}

fn byte_scale(suffix: &str) -> Option<f64> {
    Some(match suffix {
        "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    })
}

/// The words of a budget with their offsets; `<` and `<=` are words even
/// when written against the value (`<200ms`).
struct Words<'t> {
    text: &'t str,
    at: usize,
    peeked: Option<Option<(usize, &'t str)>>,
}

impl<'t> Words<'t> {
    fn new(text: &'t str) -> Self {
        Words {
            text,
            at: 0,
            peeked: None,
        }
    }

    fn peek(&mut self) -> Option<(usize, &'t str)> {
        if self.peeked.is_none() {
            self.peeked = Some(self.scan());
        }
        self.peeked.flatten()
    }

    fn next(&mut self) -> Option<(usize, &'t str)> {
        match self.peeked.take() {
            Some(word) => word,
            None => self.scan(),
        }
    }

    fn scan(&mut self) -> Option<(usize, &'t str)> {
        let rest = &self.text[self.at..];
        let start = self.at + (rest.len() - rest.trim_start().len());
        let rest = &self.text[start..];
        if rest.is_empty() {
            return None;
        }
        let is_operator = |c: char| c == '<' || c == '>' || c == '=';
        let len = if rest.starts_with(is_operator) {
            rest.find(|c: char| !is_operator(c)).unwrap_or(rest.len())
        } else {
            rest.find(|c: char| c.is_whitespace() || is_operator(c))
                .unwrap_or(rest.len())
        };
        self.at = start + len;
        Some((start, &self.text[start..start + len]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, figure: Figure) -> Budget {
        parse_budget(text, figure).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn budget(statistic: Statistic, comparison: Comparison, limit: f64) -> Budget {
        Budget {
            statistic,
            comparison,
            limit,
        }
    }

    #[test]
    fn every_form_of_the_issue_reads() {
        use Comparison::*;
        use Statistic::*;
        let cases = [
            (
                "p95 < 200ms",
                Figure::Latency,
                budget(Percentile(0.95), Below, 0.2),
            ),
            (
                "p99.9 <= 1.5s",
                Figure::Latency,
                budget(Percentile(99.9 / 100.0), AtMost, 1.5),
            ),
            ("max<500ms", Figure::Latency, budget(Max, Below, 0.5)),
            ("rate < 1%", Figure::Errors, budget(Rate, Below, 0.01)),
            ("< 5", Figure::Errors, budget(Count, Below, 5.0)),
            ("0", Figure::Errors, budget(Count, AtMost, 0.0)),
            (">= 48/s", Figure::Throughput, budget(Value, AtLeast, 48.0)),
            (
                "max < 256MiB",
                Figure::Memory,
                budget(Max, Below, 268_435_456.0),
            ),
            ("avg < 150%", Figure::Cpu, budget(Avg, Below, 1.5)),
            ("0", Figure::Restarts, budget(Value, AtMost, 0.0)),
            ("< 15s", Figure::Ready, budget(Value, Below, 15.0)),
            ("< 200MB", Figure::ImageSize, budget(Value, Below, 2e8)),
        ];
        for (text, figure, expected) in cases {
            assert_eq!(ok(text, figure), expected, "{text}");
        }
    }

    #[test]
    fn mistakes_are_placed_in_the_text() {
        let cases = [
            (
                "p95 < 200",
                Figure::Latency,
                6,
                3,
                "`200` is not a duration",
            ),
            (
                "p101 < 1s",
                Figure::Latency,
                0,
                4,
                "`p101` is not a percentile",
            ),
            ("< 200ms", Figure::Latency, 2, 5, "names its statistic"),
            (
                "p95 < 1s",
                Figure::Memory,
                0,
                3,
                "`p95` does not apply to `memory`",
            ),
            ("max < 256", Figure::Memory, 6, 3, "is not a size"),
            ("rate <", Figure::Errors, 6, 0, "the limit is missing"),
            ("< 1% or so", Figure::Errors, 5, 5, "unexpected `or`"),
            ("", Figure::Restarts, 0, 0, "the budget is empty"),
            ("1.5", Figure::Restarts, 0, 3, "is not a whole number"),
        ];
        for (text, figure, offset, len, message) in cases {
            let err = parse_budget(text, figure).unwrap_err();
            assert_eq!((err.offset, err.len), (offset, len), "{text}: {err:?}");
            assert!(err.message.contains(message), "{text}: {}", err.message);
            assert!(err.help.starts_with("write e.g."), "{text}");
        }
    }

    #[test]
    fn rates_and_percentages_alone() {
        assert_eq!(parse_rate("50/s"), Some(50.0));
        assert_eq!(parse_rate("600/m"), Some(10.0));
        assert_eq!(parse_rate("0/s"), None);
        assert_eq!(parse_rate("50"), None);
        assert_eq!(parse_percent("10%"), Some(0.1));
    }
}
