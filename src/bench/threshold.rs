//! `--threshold EXPR`: a figure of the run, a comparison and a bound (`p99<50ms`,
//! `errors<0.1%`, `rate>=10000/s`, `unpaired=0`), so that CI can fail a run on its figures as
//! k6's thresholds do. Every report says of each whether it was met, with the figure measured.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use hdrhistogram::Histogram;

use crate::figures::latency_text;

/// One threshold, kept as written for the reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Threshold {
    text: String,
    figure: Figure,
    op: Op,
    /// In the figure's unit: seconds, a fraction (errors with %), a count, or per second.
    bound: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Figure {
    /// Latency at this quantile (p50 is 0.5).
    Quantile(f64),
    Mean,
    Max,
    /// Failed conversations or calls: a share of them with `%`, else a count.
    Errors {
        share: bool,
    },
    /// Answers a second (bidirectional), questions (client streaming), or calls.
    Rate,
    Unpaired,
    Mismatches,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// A threshold against the run: met or not, and the figure measured, as text and as a number
/// in the threshold's unit (seconds, a fraction, a count, per second).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Verdict {
    pub(super) threshold: String,
    pub(super) met: bool,
    pub(super) measured: f64,
    pub(super) measured_text: String,
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(text: &str) -> Result<Threshold, String> {
        let at = text.find(['<', '>', '=']).ok_or_else(|| {
            format!("'{text}': expected FIGURE<BOUND, such as p99<50ms (<, <=, >, >= or =)")
        })?;
        let (name, rest) = (text[..at].trim(), &text[at..]);
        let (op, bound) = match rest.as_bytes() {
            [b'<', b'=', ..] => (Op::Le, &rest[2..]),
            [b'>', b'=', ..] => (Op::Ge, &rest[2..]),
            [b'=', b'=', ..] => (Op::Eq, &rest[2..]),
            [b'<', ..] => (Op::Lt, &rest[1..]),
            [b'>', ..] => (Op::Gt, &rest[1..]),
            _ => (Op::Eq, &rest[1..]),
        };
        let bound = bound.trim();
        let (figure, bound) =
            figure_and_bound(name, bound).map_err(|why| format!("'{text}': {why}"))?;
        Ok(Threshold {
            text: text.to_owned(),
            figure,
            op,
            bound,
        })
    }
}

/// The figure a name stands for, and the bound read in its unit.
fn figure_and_bound(name: &str, bound: &str) -> Result<(Figure, f64), String> {
    let latency = |figure| Ok((figure, seconds(bound)?));
    match name {
        "mean" => latency(Figure::Mean),
        "max" => latency(Figure::Max),
        "errors" => match bound.strip_suffix('%') {
            Some(share) => Ok((Figure::Errors { share: true }, number(share)? / 100.0)),
            None => Ok((Figure::Errors { share: false }, number(bound)?)),
        },
        "rate" => {
            let per = bound.strip_suffix("/s").unwrap_or(bound);
            Ok((Figure::Rate, number(per)?))
        }
        "unpaired" => Ok((Figure::Unpaired, number(bound)?)),
        "mismatches" => Ok((Figure::Mismatches, number(bound)?)),
        name => {
            let quantile = (name.strip_prefix('p'))
                .and_then(|p| p.parse::<f64>().ok())
                .filter(|p| (0.0..=100.0).contains(p) && name.len() > 1)
                .ok_or_else(|| {
                    format!("no figure '{name}': use pNN (p50, p99.9), mean, max, errors, rate, unpaired or mismatches")
                })?;
            latency(Figure::Quantile(quantile / 100.0))
        }
    }
}

fn number(text: &str) -> Result<f64, String> {
    (text.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a number"))
}

/// A duration with its unit: ns, us (or µs), ms, s, m or h.
fn seconds(text: &str) -> Result<f64, String> {
    let digits = text.trim_end_matches(|c: char| c.is_alphabetic());
    let scale = match &text[digits.len()..] {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "" => return Err(format!("'{text}' needs a unit: ns, us, ms, s, m or h")),
        unit => return Err(format!("unknown unit '{unit}': ns, us, ms, s, m or h")),
    };
    Ok(number(digits)? * scale)
}

impl TryFrom<String> for Threshold {
    type Error = String;

    fn try_from(text: String) -> Result<Threshold, String> {
        text.parse()
    }
}

impl From<Threshold> for String {
    fn from(threshold: Threshold) -> String {
        threshold.text
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Threshold {
    /// Whether this threshold judges the run's errors, which then do not fail it on their own.
    pub(super) fn judges_errors(&self) -> bool {
        matches!(self.figure, Figure::Errors { .. } | Figure::Mismatches)
    }

    pub(super) fn judges_unpaired(&self) -> bool {
        self.figure == Figure::Unpaired
    }

    pub(super) fn against(&self, figures: &Figures<'_>) -> Verdict {
        let (measured, measured_text) = self.measure(figures);
        let met = match self.op {
            Op::Lt => measured < self.bound,
            Op::Le => measured <= self.bound,
            Op::Gt => measured > self.bound,
            Op::Ge => measured >= self.bound,
            Op::Eq => measured == self.bound,
        };
        Verdict {
            threshold: self.text.clone(),
            met,
            measured,
            measured_text,
        }
    }

    fn measure(&self, figures: &Figures<'_>) -> (f64, String) {
        let latency = figures.latency;
        let in_seconds = |nanos: u64| {
            let seconds = nanos as f64 / 1e9;
            (seconds, latency_text(seconds * 1e6))
        };
        let count = |n: u64| (n as f64, n.to_string());
        match self.figure {
            Figure::Quantile(q) => in_seconds(latency.value_at_quantile(q)),
            Figure::Mean => in_seconds(latency.mean() as u64),
            Figure::Max => in_seconds(latency.max()),
            Figure::Errors { share: true } => {
                let (errors, of) = (figures.errors, figures.of);
                let share = errors as f64 / (of.max(1) as f64);
                (share, format!("{:.3}% ({errors} of {of})", share * 100.0))
            }
            Figure::Errors { share: false } => count(figures.errors),
            Figure::Rate => {
                let (rate, unit) = figures.rate;
                (rate, format!("{rate:.0} {unit}"))
            }
            Figure::Unpaired => count(figures.unpaired),
            Figure::Mismatches => count(figures.mismatches),
        }
    }
}

/// What a run measured, as thresholds judge it.
pub(super) struct Figures<'a> {
    pub(super) latency: &'a Histogram<u64>,
    /// Failed conversations or calls, and of how many.
    pub(super) errors: u64,
    pub(super) of: u64,
    /// The main rate, and what it counts a second.
    pub(super) rate: (f64, &'static str),
    pub(super) unpaired: u64,
    pub(super) mismatches: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_in_the_help_parse() {
        let parse = |text: &str| text.parse::<Threshold>().unwrap();
        let t = parse("p99<50ms");
        assert_eq!(
            (t.figure, t.op, t.bound),
            (Figure::Quantile(0.99), Op::Lt, 0.05)
        );
        let t = parse("p50<=2ms");
        assert_eq!((t.figure, t.op), (Figure::Quantile(0.5), Op::Le));
        let t = parse("errors<0.1%");
        assert_eq!(t.figure, Figure::Errors { share: true });
        assert!((t.bound - 0.001).abs() < 1e-12);
        let t = parse("rate>=10000/s");
        assert_eq!((t.figure, t.op, t.bound), (Figure::Rate, Op::Ge, 10000.0));
        let t = parse("unpaired=0");
        assert_eq!((t.figure, t.op, t.bound), (Figure::Unpaired, Op::Eq, 0.0));
        assert_eq!(parse("p99.9 < 1.5s").bound, 1.5);
        assert_eq!(parse("max<250us").bound, 250e-6);
    }

    #[test]
    fn malformed_thresholds_say_what_is_wrong() {
        for (text, why) in [
            ("p99", "expected FIGURE<BOUND"),
            ("p99<50", "needs a unit"),
            ("p99<50 parsecs", "unknown unit"),
            ("latency<5ms", "no figure 'latency'"),
            ("p101<5ms", "no figure 'p101'"),
            ("errors<lots", "'lots' is not a number"),
        ] {
            let err = text.parse::<Threshold>().unwrap_err();
            assert!(err.contains(why) && err.contains(text), "{text}: {err}");
        }
    }
}
