//! `bench --method` against examples/kinds_server (the test service in tonic, no process per
//! call), every kind measured by its own figures; and what bench refuses. Counts, never timings.

mod common;

use common::*;
use serde_json::{Value, json};

const CHAT: &str = "kinds.Kinds/Chat";
const FEED: &str = "kinds.Kinds/Feed";
const COLLECT: &str = "kinds.Kinds/Collect";
const ECHO: &str = "kinds.Kinds/Echo";
const COUNT: &str = "kinds.Kinds/Count";

/// bench of `method`, known only from the .proto, with `args`.
fn bench(addr: &str, method: &str, args: &[&str]) -> std::process::Output {
    let proto = kinds_proto();
    let head = [
        "bench", "--addr", addr, "--proto", &proto, "--method", method,
    ];
    run(&[&head[..], args].concat())
}

fn report(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{}", stderr_text(output));
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn f64_at(report: &Value, key: &str) -> f64 {
    report[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}: {report}"))
}

#[test]
fn a_bidirectional_method_is_measured_per_answer() {
    let server = KindsServer::start(&[]);
    let report = report(&bench(
        &server.addr,
        CHAT,
        &["-c", "3", "-n", "20", "-o", "json"],
    ));
    assert_eq!(report["kind"], "bidirectional");
    assert_eq!(
        (report["questions"].as_u64(), report["answers"].as_u64()),
        (Some(60), Some(60))
    );
    assert!(
        report["latency_of"]
            .as_str()
            .unwrap()
            .contains("matched to question k")
    );
    assert_eq!(report["calls"], Value::Null);
    assert!(report["latency_us"]["p50"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_server_stream_is_timed_to_its_first_response_and_to_each() {
    let server = KindsServer::start(&["--feed", "4"]);
    let path = std::env::temp_dir().join(format!("grpc-convo-feed-{}.html", std::process::id()));
    let html = path.to_str().unwrap().to_owned();
    let args = ["-c", "2", "-n", "5", "-o", "json", "--html", &html];
    let report = report(&bench(&server.addr, FEED, &args));
    let page = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(report["kind"], "server-streaming");
    assert_eq!(
        (report["calls"].as_u64(), report["answers"].as_u64()),
        (Some(10), Some(40))
    );
    let per_call = f64_at(&report, "answers_per_s") / f64_at(&report, "calls_per_s");
    assert!(
        (per_call - 4.0).abs() < 1e-6,
        "{per_call} responses per call"
    );
    // Every first response is also one of "each": the later ones can only raise its figures.
    let (first, each) = (&report["latency_us"], &report["each_response_us"]);
    for key in ["p50", "max"] {
        assert!(
            each[key].as_f64() >= first[key].as_f64(),
            "{key}: {first} {each}"
        );
    }
    assert!(
        page.contains("<svg id=\"each\""),
        "no plot of each response"
    );

    let output = bench(&server.addr, FEED, &["-n", "3"]);
    let text = String::from_utf8(output.stdout).unwrap();
    for label in [
        "calls          3\n",
        "responses      12\n",
        "responses/s",
        "first response ",
        "each response ",
    ] {
        assert!(text.contains(label), "{label:?} missing from\n{text}");
    }
}

#[test]
fn unary_calls_are_counted_and_a_failed_call_does_not_end_its_slot() {
    let server = KindsServer::start(&[]);
    let report_ = report(&bench(
        &server.addr,
        ECHO,
        &["-c", "3", "-n", "7", "-o", "json"],
    ));
    assert_eq!(report_["kind"], "unary");
    assert_eq!(
        (report_["calls"].as_u64(), report_["answers"].as_u64()),
        (Some(21), Some(21))
    );
    assert_eq!(report_["calls_per_slot"], 7);
    assert!(f64_at(&report_, "calls_per_s") > 0.0);

    // Every other request fails: each slot still makes all its calls.
    let file = tempfile("count.jsonl", "{\"n\": 1}\n\n{\"n\": -1}\n");
    let args = [
        "-c",
        "2",
        "-n",
        "5",
        "--questions-file",
        &file,
        "--input",
        "json",
        "-o",
        "json",
    ];
    let output = bench(&server.addr, COUNT, &args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_text(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let failed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(failed["calls"], 10);
    assert_eq!(failed["errors"], json!({ "INVALID_ARGUMENT": 5 }));
    assert_eq!(failed["answers"], 5);

    let text = bench(&server.addr, ECHO, &["-n", "2"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("calls/s") && !text.contains("answers/s"),
        "{text}"
    );
}

#[test]
fn a_client_stream_sends_n_questions_per_call() {
    let server = KindsServer::start(&[]);
    let report_ = report(&bench(
        &server.addr,
        COLLECT,
        &["-c", "2", "-n", "50", "-o", "json"],
    ));
    assert_eq!(report_["kind"], "client-streaming");
    assert_eq!(
        (report_["calls"].as_u64(), report_["questions"].as_u64()),
        (Some(2), Some(100))
    );
    assert_eq!(report_["questions_per_call"], 50);

    // Calls go on, one after another, for the duration; each one started sends all its questions.
    let args = ["-c", "2", "-n", "10", "--duration", "500ms", "-o", "json"];
    let report_ = report(&bench(&server.addr, COLLECT, &args));
    let calls = report_["calls"].as_u64().unwrap();
    assert!(calls > 2, "{calls} calls");
    assert_eq!(report_["questions"].as_u64(), Some(calls * 10));
    assert_eq!(report_["errors"], json!({}));
}

#[test]
fn a_rate_paces_calls_as_it_paces_questions() {
    let server = KindsServer::start(&[]);
    let args = [
        "-c",
        "2",
        "--rate",
        "100",
        "--duration",
        "500ms",
        "-o",
        "json",
    ];
    let report = report(&bench(&server.addr, ECHO, &args));
    // 100 calls a second for half a second: at most 50 (two at the very start), however fast.
    let calls = report["calls"].as_u64().unwrap();
    assert!((1..=52).contains(&calls), "{calls} calls");
}

#[test]
fn questions_come_from_a_file_its_lines_in_turn() {
    // The echo server's answers, checked against the file's lines: a question that was not
    // the file's line would be a mismatch.
    let server = Serve::start(&[]);
    let file = tempfile("questions.txt", "first\nsecond one\nthird, the last\n");
    let args = [
        "bench",
        "--addr",
        &server.addr,
        "-c",
        "2",
        "-n",
        "10",
        "--check",
    ];
    let output = run(&[&args[..], &["-o", "json", "--questions-file", &file]].concat());
    let report = report(&output);
    assert_eq!(
        (report["answers"].as_u64(), report["mismatches"].as_u64()),
        (Some(20), Some(0))
    );
    assert_eq!(report["questions_from"], file.as_str());

    // A line that is no request is refused by its number, before anything is sent.
    let bad = tempfile("bad.jsonl", "{\"text\": \"fine\"}\n{\"txt\": 1}\n");
    // Nothing listens there: the file is read before connecting.
    let output = bench(
        &unused_addr(),
        ECHO,
        &["--questions-file", &bad, "--input", "json"],
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    assert!(
        stderr_text(&output).contains(&format!("{bad}:2: not a kinds.Talk")),
        "{}",
        stderr_text(&output)
    );
    let binary = tempfile("binary.txt", "");
    std::fs::write(&binary, b"fine\n\xff\xfe\n").unwrap();
    let output = bench(&unused_addr(), ECHO, &["--questions-file", &binary]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    assert!(
        stderr_text(&output).contains(&format!(
            "{binary}:2: not valid UTF-8 (byte 0xff at column 1)"
        )),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_questions_file_line_is_cut_into_fields_as_asks_lines_are() {
    let fields = ["--field", "text", "--field", "big"];
    let bad = tempfile("two-bad.txt", "hello\t1\nbye\tx\n");
    let output = bench(
        &unused_addr(),
        ECHO,
        &[&["--questions-file", &bad][..], &fields].concat(),
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    let says = format!("{bad}:2: --field big: 'x' is not a 64-bit integer");
    assert!(
        stderr_text(&output).contains(&says),
        "{}",
        stderr_text(&output)
    );

    let server = KindsServer::start(&[]);
    let good = tempfile("two.txt", "hello\t1\nbye\t-9007199254740993\n");
    let run = [
        "--questions-file",
        &good,
        "-c",
        "1",
        "-n",
        "4",
        "-o",
        "json",
    ];
    let output = bench(&server.addr, ECHO, &[&run[..], &fields].concat());
    assert!(output.status.success(), "{}", stderr_text(&output));
    let report = report(&output);
    assert_eq!(report["answers"].as_u64(), Some(4));
    assert_eq!(report["errors"], serde_json::json!({}));
}

#[test]
fn what_bench_cannot_mean_is_refused_with_exit_2_before_connecting() {
    // Nothing listens there: the method's kind is known from the .proto.
    let addr = unused_addr();
    let file = tempfile("refused.txt", "a\n");
    for (method, args, says) in [
        (ECHO, &["--check"][..], "--check"),
        (
            ECHO,
            &["--lockstep"][..],
            "--lockstep is for bidirectional methods",
        ),
        (
            ECHO,
            &["-n", "5", "--duration", "1s"][..],
            "-n and --duration",
        ),
        (
            CHAT,
            &["-n", "5", "--duration", "1s"][..],
            "-n and --duration",
        ),
        (ECHO, &["--input", "json"][..], "--questions-file"),
        (
            ECHO,
            &["--payload", "9", "--questions-file", &file][..],
            "--payload",
        ),
    ] {
        let output = bench(&addr, method, args);
        let stderr = stderr_text(&output);
        assert_eq!(output.status.code(), Some(2), "{method} {args:?}: {stderr}");
        assert!(stderr.contains(says), "{method} {args:?}: {stderr}");
    }
}

/// A file of `text` in the temporary directory, named for this test process.
fn tempfile(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("grpc-convo-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn each_response_of_a_server_stream_counts_in_the_interval_it_came_in() {
    let server = KindsServer::start(&[]);
    // Each slot calls every 100 ms, longer than an interval waits for late samples: a slot's
    // samples reach their interval only because each call hands them over as it ends.
    let args = [
        "-c",
        "2",
        "--rate",
        "20",
        "--duration",
        "2s",
        "--interval",
        "500ms",
    ];
    let report = report(&bench(
        &server.addr,
        FEED,
        &[&args[..], &["-o", "json"]].concat(),
    ));
    let answers = report["answers"].as_f64().unwrap();
    let series = report["intervals"].as_array().unwrap();
    let mut at = 0.0;
    let mut counted = 0.0;
    for point in series {
        let end = point["at_s"].as_f64().unwrap();
        counted += point["answers_per_s"].as_f64().unwrap() * (end - at);
        at = end;
    }
    // Three responses a call, every one an answer of its interval (a stalled machine may lose
    // the odd call's to a closed interval).
    assert!(answers >= 90.0, "{answers} responses");
    assert!(
        counted >= 0.9 * answers && counted <= answers + 0.5,
        "{counted} of {answers} responses in the intervals: {series:?}"
    );
}

#[test]
fn questions_fill_the_field_of_a_method_found_by_reflection() {
    // serve's own health service, by reflection: an empty service name is the server's health,
    // any other name is NOT_FOUND, so the errors count the calls that carried "nope".
    let server = Serve::start(&[]);
    let file = tempfile("services.txt", "\nnope\n");
    let args = [
        "bench",
        "--addr",
        &server.addr,
        "-c",
        "2",
        "-n",
        "3",
        "-o",
        "json",
    ];
    let method = [
        "--method",
        "grpc.health.v1.Health/Check",
        "--field",
        "service",
    ];
    let output = run(&[&args[..], &method, &["--questions-file", &file]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", stderr_text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // Six calls take the file's two lines in turn: three of each.
    assert_eq!(report["calls"], 6);
    assert_eq!(report["errors"], json!({ "NOT_FOUND": 3 }));
    assert_eq!(report["answers"], 3);
}
