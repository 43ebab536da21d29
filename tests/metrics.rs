//! `--metrics-listen` on serve, web and proxy, and trace context: the counts a scrape shows
//! against what the clients did, a refusal of each kind moving its own counter, the listener
//! from an unwelcome client's side, and a traceparent from the client to a bridged process
//! (through the proxy too) and into serve's JSON log lines. promtool checks every exposition
//! when Debian's `prometheus` package is installed (the interop suite installs it).

mod common;
#[path = "common/ws.rs"]
mod ws;

use std::{
    io::{Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::*;

/// An HTTP/1.1 request of `path` at `addr`: the status and the body.
fn get(addr: &str, method: &str, path: &str) -> (u16, String) {
    try_get(addr, method, path).unwrap_or_else(|err| panic!("{method} {path} at {addr}: {err}"))
}

/// As `get`, or the error of a connection refused or cut (a listener at its limit).
fn try_get(addr: &str, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    let request = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head.get(9..12).and_then(|status| status.parse().ok());
    let status =
        status.ok_or_else(|| std::io::Error::other(format!("no HTTP reply: {reply:?}")))?;
    Ok((status, body.to_owned()))
}

/// The metrics address a server printed.
fn metrics_addr(server: &Serve) -> String {
    let line = server.wait_for_log("metrics at http://");
    let url = line.split("http://").nth(1).unwrap();
    url.strip_suffix("/metrics").unwrap().to_owned()
}

/// One scrape, checked by promtool when it is installed.
fn scrape(addr: &str) -> String {
    let (status, text) = get(addr, "GET", "/metrics");
    assert_eq!(status, 200, "{text}");
    promtool_check(&text);
    text
}

fn promtool_check(text: &str) {
    let Ok(mut promtool) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("promtool not installed (Debian's prometheus package): exposition not linted");
        return;
    };
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = output_limited(promtool);
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr_text(&output);
    assert!(output.status.success(), "promtool: {said}\n{text}");
}

/// The value of the sample `name` (with its labels, as written) in a scrape.
fn value(text: &str, sample: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(sample)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

/// Scrapes until `sample` reads `expected`: the server counts some events a moment after the
/// client has seen their outcome (a connection closed, a process reaped).
fn wait_for(addr: &str, sample: &str, expected: f64) -> String {
    let deadline = Instant::now() + LIMIT;
    loop {
        let text = scrape(addr);
        if value(&text, sample) == Some(expected) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{sample} never reached {expected}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const TUTORIAL: &str =
    r#"grpc_type="bidi_stream",grpc_service="proto.Stream",grpc_method="Conversations""#;

fn refusals(reason: &str) -> String {
    format!("grpc_convo_refusals_total{{reason=\"{reason}\"}}")
}

#[test]
fn a_scrape_counts_exactly_what_the_clients_did() {
    let server = Serve::start(&["--metrics-listen", "127.0.0.1:0"]);
    let metrics = metrics_addr(&server);
    for _ in 0..3 {
        let output = ask(&server.addr, &["one", "two"], b"");
        assert!(output.status.success(), "{}", stderr_text(&output));
    }
    assert!(run(&["health", "--addr", &server.addr]).status.success());
    let handled = format!("grpc_server_handled_total{{{TUTORIAL},grpc_code=\"OK\"}}");
    let text = wait_for(&metrics, &handled, 3.0);
    for (sample, expected) in [
        (format!("grpc_server_started_total{{{TUTORIAL}}}"), 3.0),
        (format!("grpc_server_msg_received_total{{{TUTORIAL}}}"), 6.0),
        (format!("grpc_server_msg_sent_total{{{TUTORIAL}}}"), 6.0),
        (format!("grpc_server_handling_seconds_count{{{TUTORIAL}}}"), 3.0),
        (
            r#"grpc_server_handled_total{grpc_type="unary",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"}"#.to_owned(),
            1.0,
        ),
        (
            r#"grpc_server_msg_sent_total{grpc_type="unary",grpc_service="grpc.health.v1.Health",grpc_method="Check"}"#.to_owned(),
            1.0,
        ),
        ("grpc_convo_draining".to_owned(), 0.0),
    ] {
        assert_eq!(value(&text, &sample), Some(expected), "{sample}:\n{text}");
    }
    assert!(value(&text, "grpc_convo_received_bytes_total").unwrap() > 0.0);
}

#[test]
fn each_refusal_moves_its_own_counter() {
    let dir = std::env::temp_dir().join(format!("metrics-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, "s3cret").unwrap();
    let token = token.to_str().unwrap();
    let server = Serve::start(&[
        "--metrics-listen",
        "127.0.0.1:0",
        "--max-conversations",
        "1",
        "--max-side-calls",
        "1",
        "--max-message-size",
        "64",
        "--token-file",
        token,
    ]);
    let metrics = metrics_addr(&server);
    let refused = |args: &[&str]| {
        let output = ask(&server.addr, args, b"");
        assert!(!output.status.success());
        stderr_text(&output)
    };
    assert!(refused(&["no token"]).contains("UNAUTHENTICATED"));
    wait_for(&metrics, &refusals("token"), 1.0);
    let long = "x".repeat(100);
    assert!(refused(&["--token-file", token, &long]).contains("RESOURCE_EXHAUSTED"));
    wait_for(&metrics, &refusals("message_size"), 1.0);
    // One conversation held open takes the only seat.
    let mut held = Coprocess::start(&server.addr, &["--token-file", token]);
    held.send("hold");
    assert_eq!(held.read_line().unwrap(), echo(1, "hold"));
    assert!(refused(&["--token-file", token, "busy"]).contains("RESOURCE_EXHAUSTED"));
    wait_for(&metrics, &refusals("conversations"), 1.0);
    let handled =
        format!("grpc_server_handled_total{{{TUTORIAL},grpc_code=\"ResourceExhausted\"}}");
    wait_for(&metrics, &handled, 2.0);
    wait_for(&metrics, "grpc_convo_conversations_open", 1.0);
    // A health watch holds the only side seat.
    let mut watch = Command::new(env!("CARGO_BIN_EXE_grpc-convo"))
        .args(["health", "--watch", "--addr", &server.addr])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0; 7];
    watch
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert_eq!(&first, b"SERVING");
    assert!(!run(&["health", "--addr", &server.addr]).status.success());
    wait_for(&metrics, &refusals("side_calls"), 1.0);
    let _ = watch.kill();
    let _ = watch.wait();
    held.stdin = None;
    let (status, said) = held.finish();
    assert!(status.success(), "{said}");
    wait_for(&metrics, "grpc_convo_conversations_open", 0.0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn connections_past_the_limit_and_silent_ones_are_counted() {
    let server = Serve::start(&[
        "--metrics-listen",
        "127.0.0.1:0",
        "--max-connections",
        "1",
        "--handshake-timeout",
        "2s",
    ]);
    let metrics = metrics_addr(&server);
    // A connection that never says a word holds the only place until its handshake times out.
    let silent = TcpStream::connect(&server.addr).unwrap();
    wait_for(&metrics, "grpc_convo_connections_open", 1.0);
    let mut turned_away = TcpStream::connect(&server.addr).unwrap();
    let mut byte = [0; 1];
    assert_eq!(
        turned_away.read(&mut byte).unwrap_or(0),
        0,
        "closed at once"
    );
    wait_for(&metrics, &refusals("connections"), 1.0);
    wait_for(&metrics, &refusals("handshake_timeout"), 1.0);
    wait_for(&metrics, "grpc_convo_connections_open", 0.0);
    drop(silent);
}

#[test]
fn the_metrics_listener_answers_only_scrapes() {
    let server = Serve::start(&["--metrics-listen", "127.0.0.1:0"]);
    let metrics = metrics_addr(&server);
    assert_eq!(get(&metrics, "GET", "/").0, 404);
    assert_eq!(get(&metrics, "POST", "/metrics").0, 405);
    assert_eq!(get(&metrics, "HEAD", "/metrics").0, 200);
    // A flood of idle connections is capped: past 16, each is closed as it is accepted. The
    // listener takes connections in the order they came, so a scrape behind 32 idle ones finds
    // every place held (by 16 of them, until their heads time out in 10 s).
    let idle: Vec<TcpStream> = (0..32)
        .map(|_| TcpStream::connect(&metrics).unwrap())
        .collect();
    assert!(
        try_get(&metrics, "GET", "/metrics").is_err(),
        "a 17th connection was served"
    );
    // Scrapes go on once they are gone.
    drop(idle);
    let deadline = Instant::now() + LIMIT;
    while try_get(&metrics, "GET", "/metrics").is_err() {
        assert!(
            Instant::now() < deadline,
            "no scrape served after the flood"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The gRPC port knows nothing of it.
    let (status, _) = get(&server.addr, "GET", "/metrics");
    assert_ne!(status, 200);
}

const TRACE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_bridged_process_gets_the_client_s_trace_context_through_the_proxy_too() {
    let script = r#"read q; echo "$TRACEPARENT|$TRACESTATE|$q""#;
    let server = Serve::start(&[
        "--metrics-listen",
        "127.0.0.1:0",
        "--log-format",
        "json",
        "--",
        "sh",
        "-c",
        script,
    ]);
    let metrics = metrics_addr(&server);
    let proxy = Serve::spawn(
        &[
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            &server.addr,
            "--no-print",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
        "listening on ",
        "",
    );
    for addr in [&server.addr, &proxy.addr] {
        let args = ["--traceparent", TRACE, "-H", "tracestate: vendor=1", "q"];
        let output = ask(addr, &args, b"");
        assert_eq!(
            stdout_lines(&output),
            [format!("{TRACE}|vendor=1|q")],
            "{}",
            stderr_text(&output)
        );
    }
    let output = ask(&server.addr, &["q"], b"");
    assert_eq!(
        stdout_lines(&output),
        ["||q"],
        "no trace context, none passed on"
    );
    // The proxy counts the path its client called, learnt as it came.
    let proxied = format!(
        "grpc_server_handled_total{{{},grpc_code=\"OK\"}}",
        TUTORIAL.replace("bidi_stream", "unknown")
    );
    wait_for(&metrics_addr(&proxy), &proxied, 1.0);
    // --trace makes one, shown with --show-metadata.
    let output = ask(&server.addr, &["--trace", "--show-metadata", "q"], b"");
    let sent = stderr_text(&output);
    let made = sent
        .lines()
        .find_map(|l| l.strip_prefix("traceparent: "))
        .unwrap();
    assert_eq!(stdout_lines(&output), [format!("{made}||q")]);
    wait_for(
        &metrics,
        r#"grpc_convo_process_exits_total{status="0"}"#,
        4.0,
    );
    wait_for(&metrics, "grpc_convo_processes_running", 0.0);
    let closed = server.wait_for_log(TRACE);
    let line: serde_json::Value = serde_json::from_str(&closed).unwrap();
    assert_eq!(line["fields"]["traceparent"], TRACE, "{closed}");
    let closed = server.wait_for_log(r#""message":"conversation closed""#);
    let closed: serde_json::Value = serde_json::from_str(&closed).unwrap();
    let fields = &closed["fields"];
    for field in [
        "id",
        "peer",
        "method",
        "status",
        "duration_ms",
        "questions",
        "answers",
    ] {
        assert!(!fields[field].is_null(), "{field} missing: {closed}");
    }
    assert!(fields["duration_ms"].is_f64(), "{closed}");
}

#[test]
fn trace_makes_one_trace_per_conversation_shown_and_recorded() {
    let mut server = Serve::start(&["--log-format", "json"]);
    let dir = std::env::temp_dir().join(format!("trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let transcript = dir.join("t.jsonl");
    let args = [
        "--trace",
        "--show-metadata",
        "--transcript",
        transcript.to_str().unwrap(),
        "q",
    ];
    let output = ask(&server.addr, &args, b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let said = stderr_text(&output);
    let shown = said
        .lines()
        .find_map(|l| l.strip_prefix("traceparent: "))
        .unwrap();
    let first = std::fs::read_to_string(&transcript).unwrap();
    let header: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert!(header["metadata"].to_string().contains(shown), "{header}");
    // bench makes a trace for each conversation.
    let output = run(&[
        "bench",
        "--addr",
        &server.addr,
        "-c",
        "3",
        "-n",
        "2",
        "--trace",
    ]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(server.signal("TERM").code(), Some(0));
    let log = server.stderr_after_exit();
    let mut traces: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("conversation opened"))
        .filter_map(|line| line.split("\"traceparent\":\"").nth(1))
        .map(|rest| &rest[..55])
        .collect();
    traces.sort();
    traces.dedup();
    assert_eq!(
        traces.len(),
        4,
        "ask's and bench's three, all different: {log}"
    );
    assert!(traces.contains(&shown));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_malformed_traceparent_is_refused_by_name() {
    let output = run(&[
        "ask",
        "--addr",
        "127.0.0.1:1",
        "--traceparent",
        "00-xyz",
        "q",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr_text(&output);
    assert!(
        said.contains("--traceparent") && said.contains("not a W3C traceparent"),
        "{said}"
    );
}

#[test]
fn web_counts_what_it_refuses_and_its_sockets() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &["--metrics-listen", "127.0.0.1:0"]);
    let metrics = metrics_addr(&web);
    let port = web.addr.rsplit_once(':').unwrap().1;
    let raw = |host: &str, origin: &str| {
        let mut stream = TcpStream::connect(&web.addr).unwrap();
        let request = format!(
            "GET /ws HTTP/1.1\r\nhost: {host}\r\norigin: {origin}\r\nupgrade: websocket\r\n\
             connection: upgrade\r\nsec-websocket-version: 13\r\n\
             sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut head = [0; 12];
        stream.read_exact(&mut head).unwrap();
        (String::from_utf8_lossy(&head[9..12]).into_owned(), stream)
    };
    assert_eq!(
        raw(&format!("evil.example:{port}"), "http://evil.example").0,
        "403"
    );
    assert_eq!(
        raw(&format!("127.0.0.1:{port}"), "http://evil.example").0,
        "403"
    );
    wait_for(
        &metrics,
        r#"grpc_convo_web_refusals_total{reason="host"}"#,
        1.0,
    );
    wait_for(
        &metrics,
        r#"grpc_convo_web_refusals_total{reason="origin"}"#,
        1.0,
    );
    let (status, socket) = raw(
        &format!("127.0.0.1:{port}"),
        &format!("http://127.0.0.1:{port}"),
    );
    assert_eq!(status, "101");
    wait_for(&metrics, "grpc_convo_web_sockets_open", 1.0);
    drop(socket);
    wait_for(&metrics, "grpc_convo_web_sockets_open", 0.0);
}

#[tokio::test]
async fn web_counts_the_upstream_s_failures_by_code() {
    let server = Serve::start(&["--max-message-size", "64"]);
    let web = Serve::web(&server.addr, &["--metrics-listen", "127.0.0.1:0"]);
    let metrics = metrics_addr(&web);
    let said = [
        serde_json::json!({"method": "proto.Stream/Conversations"}),
        serde_json::json!({"line": "x".repeat(100)}),
        serde_json::json!({"end": true}),
    ];
    let (messages, _) = ws::converse(&web, &said).await;
    let status = &messages.last().unwrap()["status"];
    assert_eq!(status["code"], "RESOURCE_EXHAUSTED", "{messages:?}");
    let failed = r#"grpc_convo_web_upstream_errors_total{grpc_code="ResourceExhausted"}"#;
    let text = tokio::task::spawn_blocking(move || wait_for(&metrics, failed, 1.0));
    let text = text.await.unwrap();
    assert_eq!(
        value(&text, "grpc_convo_web_conversations_total"),
        Some(1.0)
    );
}

#[test]
fn the_kubernetes_deployment_serves_metrics_where_its_annotations_say() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/kubernetes.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    let args = &yaml[yaml.find("args: [").unwrap() + 6..];
    let args: Vec<String> = serde_json::from_str(&args[..=args.find(']').unwrap()]).unwrap();
    let at = args.iter().position(|a| a == "--metrics-listen").unwrap();
    let port = args[at + 1].trim_start_matches(':').to_owned();
    assert!(
        yaml.contains(&format!("prometheus.io/port: \"{port}\"")),
        "{yaml}"
    );
    assert!(yaml.contains(&format!("containerPort: {port}")), "{yaml}");
    assert!(yaml.contains("prometheus.io/path: /metrics"), "{yaml}");
    // Run as written, but on free ports.
    let args: Vec<&str> = (args.iter())
        .map(|a| {
            if a.starts_with(':') {
                "127.0.0.1:0"
            } else {
                a.as_str()
            }
        })
        .collect();
    let server = Serve::spawn(&args, "listening on ", "");
    assert!(ask(&server.addr, &["hi"], b"").status.success());
    let handled = format!("grpc_server_handled_total{{{TUTORIAL},grpc_code=\"OK\"}}");
    wait_for(&metrics_addr(&server), &handled, 1.0);
}
