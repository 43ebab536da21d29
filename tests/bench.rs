//! `grpc-convo bench`, run briefly: counts and the JSON report, never its timings.

mod common;

use common::*;

fn bench(addr: &str, args: &[&str]) -> std::process::Output {
    run(&[&["bench", "--addr", addr], args].concat())
}

fn report(output: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn pipelined_conversations_are_all_answered_and_checked() {
    let server = Serve::start(&[]);
    let output = bench(
        &server.addr,
        &[
            "-c",
            "20",
            "-n",
            "50",
            "--connections",
            "3",
            "--check",
            "-o",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let report = report(&output);
    assert_eq!(report["questions"], 1000);
    assert_eq!(report["answers"], 1000);
    assert_eq!(report["mismatches"], 0);
    assert_eq!(report["errors"], serde_json::json!({}));
    assert_eq!(report["connections"], 3);
    let latency = &report["latency_us"];
    for key in ["p50", "p90", "p99", "p99_9", "max"] {
        assert!(latency[key].as_f64().unwrap() > 0.0, "{key}: {latency}");
    }
    assert!(latency["p50"].as_f64() <= latency["max"].as_f64());
    assert!(report["answers_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn lockstep_and_rate_and_duration_runs_report_what_they_did() {
    let server = Serve::start(&[]);
    let output = bench(&server.addr, &["-n", "100", "--lockstep", "-o", "json"]);
    let report_ = report(&output);
    assert_eq!(
        (report_["answers"].as_u64(), report_["lockstep"].as_bool()),
        (Some(100), Some(true))
    );

    let output = bench(
        &server.addr,
        &[
            "-c",
            "2",
            "--duration",
            "300ms",
            "--rate",
            "200",
            "-o",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let report_ = report(&output);
    let answers = report_["answers"].as_u64().unwrap();
    assert_eq!(report_["questions"].as_u64(), Some(answers));
    // 200 a second for 0.3 s is at most 60 questions (two at the very start): the schedule
    // holds them back, however fast the server. A slow machine may send fewer.
    assert!((1..=62).contains(&answers), "{answers} answers");
}

#[test]
fn the_text_report_names_every_figure() {
    let server = Serve::start(&[]);
    let output = bench(&server.addr, &["-c", "2", "-n", "10"]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    for label in [
        "answers        20\n",
        "errors         none\n",
        "wall time",
        "answers/s",
        "p50",
        "p99.9",
        "max",
    ] {
        assert!(text.contains(label), "{label:?} missing from\n{text}");
    }
}

#[test]
fn failed_conversations_are_counted_by_status_and_fail_the_run() {
    let server = Serve::start(&["--max-message-size", "20"]);
    let output = bench(
        &server.addr,
        &["-c", "3", "-n", "5", "--payload", "100", "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr_text(&output));
    assert_eq!(
        report(&output)["errors"],
        serde_json::json!({ "RESOURCE_EXHAUSTED": 3 })
    );
}

#[test]
fn check_catches_answers_that_are_not_the_echo() {
    let server = Serve::start(&["--", "cat"]);
    let output = bench(
        &server.addr,
        &["-n", "10", "--lockstep", "--check", "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(report(&output)["mismatches"], 10);
}

#[test]
fn bench_reaches_a_server_over_a_unix_socket() {
    let path = std::env::temp_dir().join(format!("grpc-convo-bench-{}.sock", std::process::id()));
    let addr = format!("unix:{}", path.display());
    let _server = Serve::start_at(&addr, &[]);
    let output = bench(&addr, &["-c", "4", "-n", "25", "-o", "json"]);
    assert_eq!(report(&output)["answers"], 100);
}

#[test]
fn intervals_are_printed_while_the_run_goes_on_and_kept_in_the_report() {
    use std::io::{BufRead, BufReader};
    let server = Serve::start(&[]);
    let mut child = bin()
        .args(["bench", "--addr", &server.addr, "-c", "2", "--rate", "400"])
        .args(["--duration", "3s", "--interval", "500ms", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // The first interval's line came while the run was still going.
    assert!(
        child.try_wait().unwrap().is_none(),
        "bench had ended: {first}"
    );
    assert!(
        first.contains("answers/s") && first.contains("open 2"),
        "{first}"
    );
    let live = 1 + lines.map_while(Result::ok).count();
    let output = output_limited(child);
    let report = report(&output);
    let series = report["intervals"].as_array().unwrap();
    assert_eq!(series.len(), live, "one point per line printed");
    assert!((5..=7).contains(&series.len()), "{series:?}");
    for point in &series[..series.len() - 1] {
        // 400 questions a second were due: every full interval saw some of them answered.
        assert!(point["answers_per_s"].as_f64().unwrap() > 0.0, "{point}");
        assert!(point["p99_us"].as_f64().unwrap() >= point["p50_us"].as_f64().unwrap());
    }
}

/// The `intervals` of a JSON report, for a run of 3 s in 1 s intervals with `args`.
fn intervals(addr: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--duration", "3s", "--interval", "1s", "-o", "json"];
    all.extend(args);
    let output = bench(addr, &all);
    assert!(output.status.success(), "{}", stderr_text(&output));
    report(&output)["intervals"].as_array().unwrap().clone()
}

fn rates(series: &[serde_json::Value]) -> Vec<f64> {
    series
        .iter()
        .map(|point| point["answers_per_s"].as_f64().unwrap())
        .collect()
}

#[test]
fn a_rate_schedule_rises_along_its_line_or_its_steps() {
    let server = Serve::start(&[]);
    let line = [
        "-c",
        "4",
        "--rate-schedule",
        "line",
        "--rate-start",
        "100",
        "--rate-end",
        "1000",
    ];
    let got = rates(&intervals(&server.addr, &line));
    // About 250, 550 and 850 answers a second: each interval well above the one before.
    assert!(got[1] > got[0] * 1.5 && got[2] > got[1] * 1.2, "{got:?}");
    let steps = [
        "-c",
        "4",
        "--rate-schedule",
        "step",
        "--rate-start",
        "100",
        "--rate-end",
        "400",
        "--rate-step",
        "150",
        "--rate-step-duration",
        "1s",
    ];
    let got = rates(&intervals(&server.addr, &steps));
    // 100, 250 and 400 answers a second.
    assert!(got[1] > got[0] * 1.8 && got[2] > got[1] * 1.3, "{got:?}");
}

#[test]
fn conversations_can_join_in_steps() {
    let server = Serve::start(&[]);
    let joining = [
        "-c",
        "6",
        "--lockstep",
        "--conversations-start",
        "2",
        "--conversations-step",
        "2",
        "--conversations-step-duration",
        "1s",
    ];
    let series = intervals(&server.addr, &joining);
    let open: Vec<u64> = series.iter().map(|p| p["open"].as_u64().unwrap()).collect();
    let full = &open[..open.len() - 1];
    assert!(full.windows(2).all(|w| w[0] <= w[1]), "{open:?}");
    assert!(full[0] < 6 && full.contains(&6), "{open:?}");
}

#[test]
fn schedules_refuse_what_they_cannot_mean() {
    for args in [
        &[
            "--rate",
            "10",
            "--conversations-start",
            "1",
            "--conversations-step",
            "1",
            "--conversations-step-duration",
            "1s",
            "--duration",
            "1s",
        ][..],
        &[
            "--rate-schedule",
            "line",
            "--rate-start",
            "1",
            "--rate-end",
            "2",
        ][..],
        &[
            "--rate-schedule",
            "step",
            "--rate-start",
            "1",
            "--rate-end",
            "2",
            "--duration",
            "1s",
        ][..],
        &[
            "--rate-schedule",
            "step",
            "--rate-start",
            "5",
            "--rate-end",
            "2",
            "--rate-step",
            "1",
            "--rate-step-duration",
            "1s",
            "--duration",
            "1s",
        ][..],
    ] {
        let output = bench(&unused_addr(), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_text(&output)
        );
    }
    // 1000, 2000, 3000: the step to 4000 would come as the run ends.
    let short = bench(
        &unused_addr(),
        &[
            "--rate-schedule",
            "step",
            "--rate-start",
            "1000",
            "--rate-end",
            "4000",
            "--rate-step",
            "1000",
            "--rate-step-duration",
            "1s",
            "--duration",
            "3s",
        ],
    );
    assert_eq!(short.status.code(), Some(2), "{}", stderr_text(&short));
    assert!(
        stderr_text(&short).contains("reach only 3000 within --duration 3s"),
        "{}",
        stderr_text(&short)
    );
}

#[test]
fn the_html_report_stands_alone_and_its_plots_hold_the_runs_figures() {
    let server = Serve::start(&[]);
    let path = std::env::temp_dir().join(format!("grpc-convo-report-{}.html", std::process::id()));
    let html_arg = path.to_str().unwrap().to_owned();
    let args = [
        "-c",
        "2",
        "--rate",
        "600",
        "--duration",
        "2s",
        "--interval",
        "500ms",
        "-H",
        "authorization: Bearer s3cret",
    ];
    let output = bench(
        &server.addr,
        &[&args[..], &["-o", "json", "--html", &html_arg]].concat(),
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let report = report(&output);
    let page = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    for outside in [
        "http:", "https:", "<script", "<link", "src=", "url(", "@import",
    ] {
        assert!(!page.contains(outside), "{outside} in the page");
    }
    // Each interval is a point of the throughput plot, titled with its figure.
    let throughput = &page[page.find("<svg id=\"throughput\"").unwrap()..];
    let throughput = &throughput[..throughput.find("</svg>").unwrap()];
    let series = report["intervals"].as_array().unwrap();
    assert_eq!(throughput.matches("<circle").count(), series.len());
    for point in series {
        let title = format!(
            "{:.1} s: {:.1} answers/s",
            point["at_s"].as_f64().unwrap(),
            point["answers_per_s"].as_f64().unwrap()
        );
        assert!(throughput.contains(&title), "{title} not in the plot");
    }
    let p50 = format!(
        "p50: {}",
        in_its_unit(report["latency_us"]["p50"].as_f64().unwrap())
    );
    assert!(page.contains(&p50), "{p50} not in the percentile plot");
    assert!(page.contains("<svg id=\"p99\""));
    // Where, how and when the run was made; the header's value is no one's business.
    let settings = &page[page.find("<h2>Settings").unwrap()..page.find("<h2>Summary").unwrap()];
    let target = format!(
        "<tr><th>target</th><td class=\"n\">{}</td></tr>",
        server.addr
    );
    assert!(settings.contains(&target), "{settings}");
    assert!(
        settings.contains("bench --addr")
            && settings.contains("--rate 600")
            && settings.contains("-H 'authorization: …'")
            && !page.contains("s3cret"),
        "{settings}"
    );
    assert!(
        settings.contains(concat!("grpc-convo ", env!("CARGO_PKG_VERSION"), " on "))
            && !settings.contains("<th>shards</th>"),
        "{settings}"
    );
    // Counts are grouped by thousands, as a person reads them.
    let answers = report["answers"].as_u64().unwrap();
    let grouped = format!("{},{:03}", answers / 1000, answers % 1000);
    assert!(
        answers >= 1000 && page.contains(&grouped),
        "{grouped} not in the page"
    );
    let year = settings
        .find("<th>started</th><td class=\"n\">20")
        .map(|at| &settings[at..]);
    assert!(
        year.is_some_and(|started| started.contains('T') && started.contains("Z</td>")),
        "{settings}"
    );
}

/// A latency in µs as the reports write it: µs, ms or s, whichever fits.
fn in_its_unit(us: f64) -> String {
    if us < 999.95 {
        format!("{us:.1} µs")
    } else if us < 999_995.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.3} s", us / 1e6)
    }
}

#[test]
fn a_server_that_does_not_answer_each_question_once_fails_the_run() {
    let silent = Serve::start(&["--", "sh", "-c", "cat >/dev/null"]);
    let output = bench(&silent.addr, &["-c", "2", "-n", "50"]);
    let stderr = stderr_text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 of 2 conversations did not get 1 answer to each question")
            && stderr.contains("(the first: 50 questions, 0 answers)")
            && stderr.contains("latency per question means nothing"),
        "{stderr}"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("unpaired       2 of 2 conversations"),
        "{text}"
    );

    let twice = Serve::start(&[
        "--",
        "sh",
        "-c",
        "while IFS= read -r q; do echo \"$q\"; echo \"$q\"; done",
    ]);
    let output = bench(&twice.addr, &["-n", "40"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_text(&output).contains("1 of 1 conversation did not get 1 answer to each question (the first: 40 questions, 80 answers)"),
        "{}",
        stderr_text(&output)
    );
    // Told how many to expect, it pairs them, pipelined or in lockstep.
    for mode in [&[][..], &["--lockstep"]] {
        let args = [
            &["-n", "40", "--answers-per-question", "2", "-o", "json"][..],
            mode,
        ]
        .concat();
        let output = bench(&twice.addr, &args);
        assert!(
            output.status.success(),
            "{mode:?}: {}",
            stderr_text(&output)
        );
        let report = report(&output);
        assert_eq!(
            (
                report["answers"].as_u64(),
                report["unpaired_conversations"].as_u64()
            ),
            (Some(80), Some(0))
        );
    }
    // A method that is not bidirectional has no questions to pair answers with.
    let proto = kinds_proto();
    let refused = bench(
        &unused_addr(),
        &[
            "--answers-per-question",
            "2",
            "--proto",
            &proto,
            "--method",
            "kinds.Kinds/Echo",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr_text(&refused));
}

#[test]
fn reports_count_in_words_and_time_in_the_unit_that_fits() {
    let server = Serve::start(&[]);
    let output = bench(&server.addr, &["-n", "20"]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("1 conversation over 1 connection, 20 questions each"),
        "{text}"
    );
    let latency = text.lines().find(|l| l.starts_with("latency  ")).unwrap();
    let figures: Vec<&str> = latency.split_whitespace().skip(1).collect();
    // p50 X UNIT p90 X UNIT ...: each figure in its unit's range.
    for figure in figures.chunks(3) {
        let value: f64 = figure[1].parse().unwrap();
        let fits = match figure[2] {
            "µs" => value < 1000.0,
            "ms" | "s" => (1.0..1000.0).contains(&value),
            other => panic!("unit {other} in {latency}"),
        };
        assert!(fits, "{latency}");
    }
}
