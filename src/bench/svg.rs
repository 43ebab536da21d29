//! The plots of the HTML report, drawn as inline SVG by hand: a self-contained page is the point
//! (no script, no library, nothing fetched), and a line through points with round axes is all
//! they need.

use std::fmt::Write as _;

/// The plots fill the page's width (up to 1,100 px); this is their shape, and their size when
/// nothing scales them.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 240.0;
const MARGIN: f64 = 56.0;

/// Grid lines above the x axis: a fifth of a round maximum is round too.
const Y_LINES: u32 = 5;

/// The least round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) that is at
/// least `value`, so that the y axis reads 0, 30000, 60000 ... rather than 0, 26493, 52986 ...
pub(super) fn round_up(value: f64) -> f64 {
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

/// `2877075` as `2,877,075`, and `1234.5` as `1,234.5`; anything but a bare number as it is.
pub(super) fn grouped(value: &str) -> String {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let number = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !number || whole.len() <= 3 {
        return value.to_owned();
    }
    let mut out = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    match fraction {
        "" if !value.contains('.') => out,
        fraction => format!("{out}.{fraction}"),
    }
}

/// An axis label: as short as the value allows, to six decimals at most, which hides float
/// noise (0.30000000000000004) in small steps.
pub(super) fn figure(value: f64) -> f64 {
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

/// One point of a plot, with its figures as a title.
#[derive(Debug)]
pub(super) struct Dot {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) title: String,
}

/// A line through the dots, each with its title; x ticks as given, y from 0 to a round number.
pub(super) fn plot(id: &str, dots: &[Dot], ticks: &[(f64, &str)], unit: &str) -> String {
    let scale = Scale {
        x_max: ticks
            .iter()
            .map(|t| t.0)
            .chain(dots.iter().map(|dot| dot.x))
            .fold(f64::MIN_POSITIVE, f64::max),
        y_max: round_up(dots.iter().map(|dot| dot.y).fold(0.0, f64::max) * 1.05),
    };
    let mut svg = frame(id, &scale, ticks, unit);
    let points: Vec<String> = dots
        .iter()
        .map(|dot| format!("{:.1},{:.1}", scale.x(dot.x), scale.y(dot.y)))
        .collect();
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"2\" points=\"{}\"/>",
        points.join(" ")
    );
    for dot in dots {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#2a6fdb\"><title>{}</title></circle>",
            scale.x(dot.x),
            scale.y(dot.y),
            escape(&dot.title)
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
        let label = grouped(&figure(value).to_string());
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

/// Text made safe inside HTML and SVG.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_are_grouped_by_thousands_and_the_rest_left_alone() {
        assert_eq!(grouped("2877075"), "2,877,075");
        assert_eq!(grouped("1234.56"), "1,234.56");
        assert_eq!(grouped("999"), "999");
        assert_eq!(grouped("12.5 ms"), "12.5 ms");
        assert_eq!(grouped("2026-12-04"), "2026-12-04");
        assert_eq!(grouped("1.2.3"), "1.2.3");
        assert_eq!(grouped(""), "");
    }

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
