//! `--report DIR`: one self-contained HTML page (inline SVG, no script, no
//! link) with each scenario's latency over time and latency by percentile,
//! and every budget's verdict. Readable offline, attachable to a CI run.

use super::{ScenarioResult, Scorecard};
use crate::core::model::performance::Unit;
use crate::core::xml::attribute;
use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const MARGIN: f64 = 48.0;

pub fn html(card: &Scorecard) -> String {
    let mut page = String::new();
    let title = attribute(&format!("{}: performance", card.application));
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:720px;margin:2em auto}}\
         td,th{{padding:2px 8px;text-align:left}}.missed{{color:#b00}}.met{{color:#070}}\
         svg{{background:#fafafa;border:1px solid #ddd}}</style></head><body>\n<h1>{title}</h1>\n"
    );
    for scenario in &card.scenarios {
        section(&mut page, scenario);
    }
    page.push_str("<h2>Budgets</h2>\n<table><tr><th>budget</th><th>verdict</th><th>measured</th><th>limit</th></tr>\n");
    for check in &card.checks {
        let (class, verdict) = if check.met {
            ("met", "met")
        } else {
            ("missed", "MISSED")
        };
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"{class}\">{verdict}</td><td>{}</td><td>{}</td></tr>",
            attribute(&check.title()),
            attribute(&check.measured),
            attribute(&check.limit)
        );
    }
    page.push_str("</table>\n</body></html>\n");
    page
}

fn section(page: &mut String, s: &ScenarioResult) {
    let ms = |v: f64| Unit::Duration.show(v);
    let _ = writeln!(
        page,
        "<h2>{}</h2>\n<p>{}, {} errors; p50 {}, p90 {}, p95 {}, p99 {}, max {}</p>",
        attribute(&s.heading()),
        attribute(&s.sent()),
        s.errors,
        ms(s.p50),
        ms(s.p90),
        ms(s.p95),
        ms(s.p99),
        ms(s.max)
    );
    let means: Vec<f64> = s.per_second.iter().map(|b| b.mean).collect();
    let maxes: Vec<f64> = s.per_second.iter().map(|b| b.max).collect();
    if s.script.is_some() {
        page.push_str("<p>k6's summary has no latency over time.</p>\n");
    } else {
        page.push_str(&over_time(&means, &maxes));
    }
    let percentiles = [
        ("p50", s.p50),
        ("p90", s.p90),
        ("p95", s.p95),
        ("p99", s.p99),
        ("max", s.max),
    ];
    page.push_str(&by_percentile(&percentiles));
}

/// Mean (blue) and max (red) latency of each second.
fn over_time(means: &[f64], maxes: &[f64]) -> String {
    let top = maxes.iter().copied().fold(0.0, f64::max).max(1e-6);
    let step = (WIDTH - 2.0 * MARGIN) / (means.len().max(2) - 1) as f64;
    let points = |values: &[f64]| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", MARGIN + i as f64 * step, y(*v, top)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut svg = frame("latency over time (mean, max per second)", top);
    let _ = writeln!(
        svg,
        "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"2\" points=\"{}\"/>\
         <polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"1\" points=\"{}\"/>\
         <text x=\"{MARGIN}\" y=\"{}\" font-size=\"11\">0 s</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{} s</text></svg>",
        points(means),
        points(maxes),
        HEIGHT - 8.0,
        WIDTH - MARGIN,
        HEIGHT - 8.0,
        means.len()
    );
    svg
}

/// One bar per percentile.
fn by_percentile(percentiles: &[(&str, f64)]) -> String {
    let top = percentiles
        .iter()
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(1e-6);
    let mut svg = frame("latency by percentile", top);
    let slot = (WIDTH - 2.0 * MARGIN) / percentiles.len() as f64;
    for (i, (name, value)) in percentiles.iter().enumerate() {
        let x = MARGIN + i as f64 * slot + slot * 0.2;
        let top_y = y(*value, top);
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#36c\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{name} {}</text>",
            slot * 0.6,
            HEIGHT - MARGIN - top_y,
            x + slot * 0.3,
            HEIGHT - 8.0,
            Unit::Duration.show(*value)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// An SVG with its title, axes and the top of the scale.
fn frame(title: &str, top: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\">\
         <title>{title}</title><text x=\"{MARGIN}\" y=\"16\" font-size=\"13\">{title}</text>\
         <line x1=\"{MARGIN}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/>\
         <line x1=\"{MARGIN}\" y1=\"{MARGIN}\" x2=\"{MARGIN}\" y2=\"{b}\" stroke=\"#888\"/>\
         <text x=\"4\" y=\"{MARGIN}\" font-size=\"11\">{}</text>",
        Unit::Duration.show(top),
        b = HEIGHT - MARGIN,
        r = WIDTH - MARGIN,
    )
}

fn y(value: f64, top: f64) -> f64 {
    HEIGHT - MARGIN - value / top * (HEIGHT - 2.0 * MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scorecard::{Check, SecondResult};

    #[test]
    fn the_page_is_whole_and_self_contained() {
        let card = Scorecard {
            application: "shop".into(),
            scenarios: vec![ScenarioResult {
                name: "web/home".into(),
                target: "web".into(),
                p50: 0.01,
                max: 1.0,
                per_second: vec![
                    SecondResult {
                        requests: 10,
                        errors: 0,
                        mean: 0.01,
                        max: 1.0
                    };
                    3
                ],
                ..ScenarioResult::default()
            }],
            containers: Vec::new(),
            checks: vec![Check {
                subject: "web/home".into(),
                name: "latency p95".into(),
                measured: "1s".into(),
                limit: "< 200ms".into(),
                met: false,
            }],
            skipped: Vec::new(),
            broken: None,
            interrupted: false,
            seconds: 1.0,
        };
        let page = html(&card);
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert_eq!(page.matches("<svg ").count(), 2);
        assert_eq!(page.matches("</svg>").count(), 2);
        assert!(page.contains("<td class=\"missed\">MISSED</td><td>1s</td><td>&lt; 200ms</td>"));
        assert!(!page.contains("<script") && !page.contains("src=\""));
    }
}
