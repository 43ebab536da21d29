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
    svg::{Dot, escape, figure, grouped, plot, round_up},
};

/// Percentiles of the latency plot, and where each sits on the log axis: log10(1 / (1 - q)).
const QUANTILES: [f64; 11] = [
    0.0, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999,
];

/// The page's look: the plots as wide as the page (up to 1,100 px), numbers right-aligned.
const STYLE: &str = "body{font:14px/1.4 sans-serif;margin:2em auto;padding:0 1em;\
                     max-width:1100px;color:#222}\
                     table{border-collapse:collapse;margin:.5em 0 1.5em}\
                     td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}\
                     td.n{text-align:right;font-variant-numeric:tabular-nums}\
                     tr.met td{color:#1a7f37}tr.missed td{color:#c62828;font-weight:bold}\
                     svg{display:block;margin:.5em 0 1.5em;width:100%;height:auto}\
                     svg text{font:11px sans-serif;fill:#444}";

impl Report {
    pub fn html(&self) -> String {
        let mut page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>grpc-convo bench</title><style>{STYLE}</style></head><body>\n\
             <h1>grpc-convo bench</h1>\n",
        );
        let _ = writeln!(page, "<h2>Settings</h2>\n{}", self.settings_table());
        let _ = writeln!(page, "<h2>Summary</h2>\n{}", self.summary_table());
        if !self.settings.thresholds.is_empty() {
            let _ = writeln!(page, "<h2>Thresholds</h2>\n{}", self.thresholds_table());
        }
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
        let mut rows = vec![
            ("target", config.target.clone()),
            ("command", config.command_line.clone()),
            ("started", started.to_string()),
            (
                "report by",
                format!(
                    "grpc-convo {} on {}",
                    env!("CARGO_PKG_VERSION"),
                    host_name()
                ),
            ),
            ("method", format!("{} ({})", config.method, config.kind)),
        ];
        // A run that was not sharded has nothing to say here.
        if let Some((_, shards)) = self.shards_text() {
            rows.push(("shards", shards));
        }
        let slots = format!("{}s", self.slot_name());
        rows.extend([
            (slots.as_str(), grouped(&config.conversations.to_string())),
            ("connections", grouped(&config.connections.to_string())),
            ("length", self.length_text()),
            ("mode", self.mode_text()),
            ("questions", self.questions_text()),
        ]);
        let rows: Vec<_> = rows.into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
        table(&rows)
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

    /// Each threshold, met or missed, with the figure measured.
    fn thresholds_table(&self) -> String {
        let mut html = String::from("<table>");
        for verdict in self.verdicts() {
            let (class, mark) = match verdict.met {
                true => ("met", "met"),
                false => ("missed", "MISSED"),
            };
            let _ = write!(
                html,
                "<tr class=\"{class}\"><th>{}</th><td>{mark}</td><td class=\"n\">{}</td></tr>",
                escape(&verdict.threshold),
                escape(&verdict.measured_text)
            );
        }
        html + "</table>"
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
    let (y, unit) = in_unit(&us);
    let dots: Vec<Dot> = (QUANTILES.iter().zip(x).zip(y).zip(&us))
        .map(|(((q, x), y), &us)| Dot {
            x,
            y,
            title: format!("p{}: {}", figure(q * 100.0), latency_text(us)),
        })
        .collect();
    let ticks = [
        (0.0, "0%"),
        (1.0, "90%"),
        (2.0, "99%"),
        (3.0, "99.9%"),
        (4.0, "99.99%"),
        (5.0, "99.999%"),
    ];
    plot(id, &dots, &ticks, unit)
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

/// Rows of a name and its value; a value that is a bare number is grouped by thousands.
fn table(rows: &[(String, String)]) -> String {
    let mut html = String::from("<table>");
    for (name, value) in rows {
        let _ = write!(
            html,
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
            escape(name),
            escape(&grouped(value))
        );
    }
    html + "</table>"
}

/// This machine's name, for the report: `uname -n`.
fn host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .unwrap_or_else(|| "an unnamed host".to_owned())
}

/// A series over the run's time, in seconds.
fn over_time(id: &str, at: &[f64], values: &[f64], unit: &str) -> String {
    let dots: Vec<Dot> = at
        .iter()
        .zip(values)
        .map(|(&x, &y)| Dot {
            x,
            y,
            title: format!("{x:.1} s: {y:.1} {unit}"),
        })
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
    plot(id, &dots, &ticks, unit)
}
