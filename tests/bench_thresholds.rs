//! bench's `--threshold`s (met and missed, in the text, JSON and HTML reports, with exit 5) and
//! `--metrics-listen` during a run: a scrape after it equals the report.

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Output, Stdio},
};

use common::*;

fn bench(addr: &str, args: &[&str]) -> Output {
    run(&[&["bench", "--addr", addr, "-c", "3", "-n", "50"], args].concat())
}

fn json(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn a_missed_threshold_is_marked_in_every_report_and_exits_5() {
    let server = Serve::start(&[]);
    let html = std::env::temp_dir().join(format!("thresholds-{}.html", std::process::id()));
    let thresholds = [
        "--threshold",
        "p99<1h",
        "--threshold",
        "p50<1ns",
        "--threshold",
        "unpaired=0",
    ];
    let output = bench(&server.addr, &thresholds);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_text(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap()
    };
    assert!(line("p99<1h").contains(" met "), "{text}");
    assert!(line("p50<1ns").contains("MISSED"), "{text}");
    assert!(line("unpaired=0").contains(" met "), "{text}");
    let said = stderr_text(&output);
    assert!(
        said.contains("missed --threshold p50<1ns (measured"),
        "{said}"
    );

    let html_flag = html.to_str().unwrap();
    let output = bench(
        &server.addr,
        &[&thresholds[..], &["-o", "json", "--html", html_flag]].concat(),
    );
    assert_eq!(output.status.code(), Some(5));
    let report = json(&output);
    let verdicts = report["thresholds"].as_array().unwrap();
    assert_eq!(verdicts.len(), 3, "{report}");
    assert_eq!(
        (
            verdicts[0]["threshold"].as_str(),
            verdicts[0]["met"].as_bool()
        ),
        (Some("p99<1h"), Some(true))
    );
    assert_eq!(verdicts[1]["met"], false);
    // The figure measured is the report's own p50, in seconds.
    let p50_us = report["latency_us"]["p50"].as_f64().unwrap();
    let measured = verdicts[1]["measured"].as_f64().unwrap();
    assert!(
        (measured * 1e6 - p50_us).abs() <= p50_us * 1e-3 + 1e-3,
        "{measured} s, p50 {p50_us} µs"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<tr class=\"missed\"><th>p50&lt;1ns</th><td>MISSED</td>"),
        "{page}"
    );
    assert!(
        page.contains("<tr class=\"met\"><th>p99&lt;1h</th><td>met</td>"),
        "{page}"
    );
    std::fs::remove_file(html).unwrap();

    let output = bench(
        &server.addr,
        &["--threshold", "p99<1h", "--threshold", "rate>0/s"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
}

#[test]
fn a_threshold_on_errors_decides_whether_they_fail_the_run() {
    // Room for the echo's answers (some 50 bytes), not for a question of 100.
    let server = Serve::start(&["--max-message-size", "64"]);
    // Four conversations of one question each, the lines in turn: the fourth is over the limit.
    let file = std::env::temp_dir().join(format!("threshold-questions-{}", std::process::id()));
    std::fs::write(&file, format!("a\nb\nc\n{}\n", "x".repeat(100))).unwrap();
    let run = |extra: &[&str]| {
        let args = [
            "--questions-file",
            file.to_str().unwrap(),
            "-c",
            "4",
            "-n",
            "1",
            "-o",
            "json",
        ];
        let output = common::run(&[&["bench", "--addr", &server.addr][..], &args, extra].concat());
        (output.status.code(), json(&output))
    };
    assert_eq!(
        run(&[]).0,
        Some(1),
        "errors fail a run with no threshold on them"
    );
    assert_eq!(run(&["--threshold", "errors<=30%"]).0, Some(0));
    let (code, report) = run(&["--threshold", "errors<10%"]);
    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["thresholds"][0]["measured_text"], "25.000% (1 of 4)");
    assert_eq!(
        report["errors"],
        serde_json::json!({ "RESOURCE_EXHAUSTED": 1 })
    );
    std::fs::remove_file(file).unwrap();
}

#[test]
fn malformed_thresholds_are_usage_errors_naming_the_flag() {
    let output = run(&["bench", "--addr", "127.0.0.1:1", "--threshold", "p99<50"]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr_text(&output);
    assert!(
        said.contains("--threshold") && said.contains("needs a unit"),
        "{said}"
    );
}

/// One scrape of `addr`'s /metrics.
fn scrape(addr: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /metrics HTTP/1.1\r\nhost: {addr}\r\n\r\n").unwrap();
    let mut reply = String::new();
    // The final scrape closes its connection once written.
    stream.read_to_string(&mut reply).unwrap();
    reply.split_once("\r\n\r\n").unwrap().1.to_owned()
}

fn sample(text: &str, name: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with(name) && l.as_bytes()[name.len()] == b' ');
    line.unwrap_or_else(|| panic!("no {name} in {text}"))[name.len() + 1..]
        .parse()
        .unwrap()
}

#[test]
fn a_scrape_after_the_run_equals_its_report() {
    let server = Serve::start(&[]);
    let mut bench = bin()
        .args([
            "bench",
            "--addr",
            &server.addr,
            "-c",
            "4",
            "-n",
            "300",
            "-o",
            "json",
        ])
        .args(["--metrics-listen", "127.0.0.1:0", "--metrics-linger", "60s"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watchdog = Watchdog::arm(bench.id());
    let mut stderr = BufReader::new(bench.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("metrics at http://")
        .unwrap()
        .trim_end_matches("/metrics")
        .to_owned();
    let mut report = String::new();
    BufReader::new(bench.stdout.take().unwrap())
        .read_line(&mut report)
        .unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let text = scrape(&addr);
    // That scrape was the one bench lingered for.
    assert!(bench.wait().unwrap().success());
    watchdog.disarm();
    assert_eq!(sample(&text, "grpc_convo_bench_running"), 0.0);
    for (name, key) in [
        ("grpc_convo_bench_questions_total", "questions"),
        ("grpc_convo_bench_answers_total", "answers"),
        ("grpc_convo_bench_latency_seconds_count", "answers"),
    ] {
        assert_eq!(sample(&text, name), report[key].as_f64().unwrap(), "{name}");
    }
    // The report's p99 lies in the bucket where the scrape's counts pass 99%, within the
    // HDR histogram's three significant figures.
    let total = report["answers"].as_f64().unwrap();
    let buckets: Vec<(f64, f64)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("grpc_convo_bench_latency_seconds_bucket{le=\""))
        .filter_map(|l| l.split_once("\"} "))
        .filter(|(le, _)| *le != "+Inf")
        .map(|(le, n)| (le.parse().unwrap(), n.parse().unwrap()))
        .collect();
    let at = buckets
        .iter()
        .position(|&(_, n)| n >= 0.99 * total)
        .unwrap();
    let p99 = report["latency_us"]["p99"].as_f64().unwrap() / 1e6;
    let lower = if at == 0 { 0.0 } else { buckets[at - 1].0 };
    assert!(
        p99 <= buckets[at].0 * 1.001 && p99 >= lower * 0.999,
        "p99 {p99} s, bucket ({lower}, {}]",
        buckets[at].0
    );
}
