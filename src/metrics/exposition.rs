//! Prometheus's text exposition format, version 0.0.4: a family's HELP and TYPE lines, then its
//! samples, each family's samples together.

use std::fmt::{Display, Write as _};

use super::{Histogram, SECONDS};

/// The content type scrapers expect of it.
pub(super) const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// The text of one scrape, written family by family.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    /// Begins the family `name`: its samples follow.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let kind = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let help = help.replace('\\', r"\\").replace('\n', r"\n");
        let _ = write!(self.text, "# HELP {name} {help}\n# TYPE {name} {kind}\n");
    }

    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.text.push_str(name);
        self.labels(labels, None);
        let _ = writeln!(self.text, " {value}");
    }

    /// A histogram's buckets, sum and count under `name`.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], histogram: &Histogram) {
        let (counts, sum) = histogram.snapshot();
        let bounds = SECONDS.iter().map(|bound| bound.to_string());
        for (le, count) in bounds.chain(["+Inf".to_owned()]).zip(&counts) {
            let _ = write!(self.text, "{name}_bucket");
            self.labels(labels, Some(&le));
            let _ = writeln!(self.text, " {count}");
        }
        self.sample(&format!("{name}_sum"), labels, sum);
        let count = counts.last().copied().unwrap_or_default();
        self.sample(&format!("{name}_count"), labels, count);
    }

    fn labels(&mut self, labels: &[(&str, &str)], le: Option<&str>) {
        if labels.is_empty() && le.is_none() {
            return;
        }
        self.text.push('{');
        let le = le.map(|le| ("le", le));
        for (i, (name, value)) in labels.iter().copied().chain(le).enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            let _ = write!(self.text, "{name}=\"");
            for c in value.chars() {
                match c {
                    '\\' => self.text.push_str(r"\\"),
                    '"' => self.text.push_str("\\\""),
                    '\n' => self.text.push_str(r"\n"),
                    c => self.text.push(c),
                }
            }
            self.text.push('"');
        }
        self.text.push('}');
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn label_values_are_escaped_and_histograms_end_with_inf_sum_and_count() {
        let mut out = Exposition::default();
        out.family("x_total", Kind::Counter, "what\nis counted");
        out.sample("x_total", &[("path", "a\"b\\c\nd")], 3);
        let histogram = Histogram::default();
        histogram.observe(Duration::from_millis(2));
        out.family("t_seconds", Kind::Histogram, "t");
        out.histogram("t_seconds", &[("m", "x")], &histogram);
        let text = out.into_text();
        assert!(text.starts_with("# HELP x_total what\\nis counted\n# TYPE x_total counter\n"));
        assert!(
            text.contains("x_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("t_seconds_bucket{m=\"x\",le=\"0.001\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("t_seconds_bucket{m=\"x\",le=\"0.0025\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("t_seconds_bucket{m=\"x\",le=\"+Inf\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("t_seconds_sum{m=\"x\"} 0.002\n"), "{text}");
        assert!(text.ends_with("t_seconds_count{m=\"x\"} 1\n"), "{text}");
    }
}
