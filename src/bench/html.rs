//! `--html FILE`: the run as one self-contained page (no script, style sheet, font or image from
//! anywhere else): its settings, the summary, a latency percentile plot on a log axis as HDR
//! histograms are read, throughput and p99 over time from the intervals, and errors by status.
//! The plots are inline SVG drawn here; every point carries its figures in a `<title>`.

use std::fmt::Write as _;

use hdrhistogram::Histogram;

use crate::figures::latency_text;

use super::{
    Report,
    report::{SHOWN, percentile_us},
};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const MARGIN: f64 = 56.0;

/// Percentiles of the latency plot, and where each sits on the log axis: log10(1 / (1 - q)).
const QUANTILES: [f64; 11] = [
    0.0, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999,
];

impl Report {
    pub fn html(&self) -> String {
        let mut page = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>grpc-convo bench</title><style>\
             body{font:14px/1.4 sans-serif;margin:2em auto;max-width:720px;color:#222}\
             table{border-collapse:collapse;margin:.5em 0 1.5em}\
             td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}\
             td.n{text-align:right;font-variant-numeric:tabular-nums}\
             svg{display:block;margin:.5em 0 1.5em}svg text{font:11px sans-serif;fill:#444}\
             </style></head><body>\n<h1>grpc-convo bench</h1>\n",
        );
        let _ = writeln!(page, "<h2>Settings</h2>\n{}", self.settings_table());
        let _ = writeln!(page, "<h2>Summary</h2>\n{}", self.summary_table());
        let (_, each) = self.latency_names();
        let _ = writeln!(
            page,
            "<h2>Latency by percentile</h2>\n<p>Latency of {}.</p>\n{}",
            escape(self.latency_of()),
            percentile_plot("percentiles", &self.measured.latency)
        );
        if let Some(each) = each {
            let _ = writeln!(
                page,
                "<h2>{} by percentile</h2>\n{}",
                capitalised(each),
                percentile_plot("each", &self.measured.each)
            );
        }
        let series = &self.measured.series;
        if series.is_empty() {
            page.push_str(
                "<p>Run with <code>--interval</code> for throughput and p99 over time.</p>\n",
            );
        } else {
            let at: Vec<f64> = series.iter().map(|p| p.at_s).collect();
            let rate: Vec<f64> = series.iter().map(|p| p.answers_per_s).collect();
            let p99: Vec<f64> = series.iter().map(|p| p.p99_us).collect();
            let (p99, p99_unit) = in_unit(&p99);
            let unit = match each {
                Some(_) => "responses/s",
                None => "answers/s",
            };
            let _ = writeln!(
                page,
                "<h2>Throughput over time</h2>\n{}",
                over_time("throughput", &at, &rate, unit)
            );
            let heading = match each {
                Some(_) => "p99 time to each response, over time",
                None => "p99 latency over time",
            };
            let _ = writeln!(
                page,
                "<h2>{heading}</h2>\n{}",
                over_time("p99", &at, &p99, p99_unit)
            );
        }
        let _ = writeln!(page, "<h2>Errors by status</h2>\n{}", self.errors_table());
        page + "</body></html>\n"
    }

    fn settings_table(&self) -> String {
        let config = &self.settings;
        let started = humantime::format_rfc3339_seconds(self.measured.started_at);
        let rows = [
            ("target", config.target.clone()),
            ("command", config.command_line.clone()),
            ("started", started.to_string()),
            ("method", format!("{} ({})", config.method, config.kind)),
            (
                "shards",
                self.shards_text()
                    .map_or_else(|| "the whole run".to_owned(), |(_, shards)| shards),
            ),
            (
                &*format!("{}s", self.slot_name()),
                config.conversations.to_string(),
            ),
            ("connections", config.connections.to_string()),
            ("length", self.length_text()),
            ("mode", self.mode_text()),
            ("questions", self.questions_text()),
        ];
        table(&rows.map(|(name, value)| (name.to_owned(), value)))
    }

    fn summary_table(&self) -> String {
        let mut rows: Vec<(String, String)> = self
            .figures()
            .into_iter()
            .filter(|(name, _)| *name != "errors")
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        let (main, each) = self.latency_names();
        let histograms = [(main, &self.measured.latency)]
            .into_iter()
            .chain(each.map(|each| (each, &self.measured.each)));
        for (label, histogram) in histograms {
            for (name, q) in SHOWN {
                rows.push((
                    format!("{label} {name}"),
                    latency_text(percentile_us(histogram, q)),
                ));
            }
            rows.push((
                format!("{label} max"),
                latency_text(histogram.max() as f64 / 1000.0),
            ));
        }
        table(&rows)
    }

    fn errors_table(&self) -> String {
        if self.counts.errors.is_empty() {
            return "<p>none</p>".into();
        }
        let rows: Vec<_> = self
            .counts
            .errors
            .iter()
            .map(|(code, n)| (code.to_string(), n.to_string()))
            .collect();
        table(&rows)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Latency against percentile, on the log axis HDR histograms are read on.
fn percentile_plot(id: &str, histogram: &Histogram<u64>) -> String {
    let x: Vec<f64> = QUANTILES
        .iter()
        .map(|q| (1.0 / (1.0 - q)).log10())
        .collect();
    let us: Vec<f64> = QUANTILES
        .iter()
        .map(|&q| percentile_us(histogram, q))
        .collect();
    let titles: Vec<String> = QUANTILES
        .iter()
        .zip(&us)
        .map(|(q, &v)| format!("p{}: {}", figure(q * 100.0), latency_text(v)))
        .collect();
    let (y, unit) = in_unit(&us);
    let ticks = [
        (0.0, "0%"),
        (1.0, "90%"),
        (2.0, "99%"),
        (3.0, "99.9%"),
        (4.0, "99.99%"),
        (5.0, "99.999%"),
    ];
    plot(id, &x, &y, &titles, &ticks, unit)
}

/// Latencies in µs, in the unit that fits the largest of them: the values in it, and its name.
fn in_unit(us: &[f64]) -> (Vec<f64>, &'static str) {
    let (divisor, unit) = match us.iter().copied().fold(0.0, f64::max) {
        highest if highest < 1_000.0 => (1.0, "µs"),
        highest if highest < 1_000_000.0 => (1_000.0, "ms"),
        _ => (1_000_000.0, "s"),
    };
    (us.iter().map(|v| v / divisor).collect(), unit)
}

fn table(rows: &[(String, String)]) -> String {
    let mut html = String::from("<table>");
    for (name, value) in rows {
        let _ = write!(
            html,
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
            escape(name),
            escape(value)
        );
    }
    html + "</table>"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A series over the run's time, in seconds.
fn over_time(id: &str, at: &[f64], values: &[f64], unit: &str) -> String {
    let titles: Vec<String> = at
        .iter()
        .zip(values)
        .map(|(t, v)| format!("{t:.1} s: {v:.1} {unit}"))
        .collect();
    let end = at.last().copied().unwrap_or(1.0);
    // Round seconds, five or so of them, whatever the run's length.
    let step = round_up(end / 5.0);
    let ticks: Vec<(f64, String)> = (0..=10)
        .map(|i| i as f64 * step)
        .take_while(|&at| at <= end)
        .map(|at| (at, format!("{} s", figure(at))))
        .collect();
    let ticks: Vec<(f64, &str)> = ticks
        .iter()
        .map(|(x, label)| (*x, label.as_str()))
        .collect();
    plot(id, at, values, &titles, &ticks, unit)
}

/// Grid lines above the x axis: a fifth of a round maximum is round too.
const Y_LINES: u32 = 5;

/// The least round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) that is at
/// least `value`, so that the y axis reads 0, 30000, 60000 ... rather than 0, 26493, 52986 ...
fn round_up(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&round| round >= value)
        .unwrap_or(10.0 * power)
}

/// An axis label: as short as the value allows, to six decimals at most, which hides float
/// noise (0.30000000000000004) in small steps.
fn figure(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// Where a value lands on a plot: x from 0 to `x_max`, y from 0 to `y_max`.
struct Scale {
    x_max: f64,
    y_max: f64,
}

impl Scale {
    fn x(&self, v: f64) -> f64 {
        MARGIN + v / self.x_max * (WIDTH - 2.0 * MARGIN)
    }

    fn y(&self, v: f64) -> f64 {
        HEIGHT - MARGIN - v / self.y_max * (HEIGHT - 2.0 * MARGIN)
    }
}

/// A line through the points, each a dot with its figures as a title; x ticks as given, y from 0.
fn plot(
    id: &str,
    x: &[f64],
    y: &[f64],
    titles: &[String],
    ticks: &[(f64, &str)],
    unit: &str,
) -> String {
    let scale = Scale {
        x_max: ticks
            .iter()
            .map(|t| t.0)
            .chain(x.iter().copied())
            .fold(f64::MIN_POSITIVE, f64::max),
        y_max: round_up(y.iter().copied().fold(0.0, f64::max) * 1.05),
    };
    let mut svg = frame(id, &scale, ticks, unit);
    let points: Vec<String> = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| format!("{:.1},{:.1}", scale.x(a), scale.y(b)))
        .collect();
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"2\" points=\"{}\"/>",
        points.join(" ")
    );
    for ((&a, &b), title) in x.iter().zip(y).zip(titles) {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#2a6fdb\"><title>{}</title></circle>",
            scale.x(a),
            scale.y(b),
            escape(title)
        );
    }
    svg + "</svg>"
}

/// The plot's box, its horizontal grid with y labels, the x ticks and the unit.
fn frame(id: &str, scale: &Scale, ticks: &[(f64, &str)], unit: &str) -> String {
    let (plot_w, plot_h) = (WIDTH - 2.0 * MARGIN, HEIGHT - 2.0 * MARGIN);
    let mut svg = format!(
        "<svg id=\"{id}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\">\
         <rect x=\"{MARGIN}\" y=\"{MARGIN}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"#fafafa\" stroke=\"#ccc\"/>"
    );
    for i in 0..=Y_LINES {
        let value = scale.y_max * i as f64 / Y_LINES as f64;
        let at = scale.y(value);
        let label = figure(value);
        let _ = write!(
            svg,
            "<line x1=\"{MARGIN}\" x2=\"{}\" y1=\"{at}\" y2=\"{at}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            WIDTH - MARGIN,
            MARGIN - 6.0,
            at + 4.0,
        );
    }
    for (at, label) in ticks {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            scale.x(*at),
            HEIGHT - MARGIN + 16.0
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{}\">{unit}</text>",
        MARGIN - 14.0
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_y_axis_ends_at_a_round_number_at_least_the_highest_point() {
        let cases = [
            (105_972.0, 150_000.0),
            (52_986.0, 60_000.0),
            (2_000.0, 2_000.0),
            (2_001.0, 2_500.0),
            (3.2, 4.0),
            (0.7, 0.8),
            (0.0, 1.0),
        ];
        for (highest, axis) in cases {
            assert_eq!(round_up(highest), axis, "{highest}");
        }
    }
}
