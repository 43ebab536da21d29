//! `--junit FILE`: the outcome as JUnit XML, which CI systems show as tests: a test case per
//! recording, named by its place and method, the diff in the failure of one that differs.

use std::fmt::Write as _;

use super::Checked;

pub(super) fn xml(checked: &[Checked]) -> String {
    let failures = checked.iter().filter(|c| !c.diff.is_empty()).count();
    let seconds: f64 = checked.iter().map(|c| c.seconds).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"grpc-convo check\" tests=\"{}\" failures=\"{failures}\" time=\"{seconds:.3}\">",
        checked.len()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"grpc-convo check\" tests=\"{}\" failures=\"{failures}\" time=\"{seconds:.3}\">",
        checked.len()
    );
    for case in checked {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&case.place),
            escape(&case.method),
            case.seconds
        );
        if case.diff.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        let first = case.diff.first().map(String::as_str).unwrap_or_default();
        let _ = writeln!(
            xml,
            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
            escape(first),
            escape(&case.diff.join("\n"))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 has no way to write these.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => escaped.push('?'),
            c => escaped.push(c),
        }
    }
    escaped
}
