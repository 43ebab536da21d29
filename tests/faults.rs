//! The faults of real networks, injected by examples/faultproxy between ask (or bench) and
//! serve: latency, bytes one at a time, a connection cut with FIN or RST, a black hole that
//! neither forwards nor closes. Every wait is bounded by the harness's generous LIMIT, so a
//! loaded machine makes these slower, never flaky.

mod common;

use std::process::{Command, Stdio};

use common::*;

#[test]
fn with_20ms_latency_each_way_10000_pipelined_questions_are_all_answered_in_order() {
    let server = Serve::start(&[]);
    let proxy = FaultProxy::start(&server.addr, &["--latency", "20ms"]);
    let questions: String = (1..=10_000).map(|n| format!("{n}\n")).collect();
    let output = ask(&proxy.addr, &[], questions.as_bytes());
    assert!(output.status.success(), "{}", stderr_text(&output));
    let want: Vec<String> = (1..=10_000).map(|n| echo(n, &n.to_string())).collect();
    assert_eq!(stdout_lines(&output), want);
}

#[test]
fn one_byte_at_a_time_both_ways_a_conversation_is_answered_correctly() {
    let server = Serve::start(&[]);
    let proxy = FaultProxy::start(&server.addr, &["--bytewise"]);
    let questions: String = (1..=100).map(|n| format!("question {n}\n")).collect();
    let output = ask(&proxy.addr, &[], questions.as_bytes());
    assert!(output.status.success(), "{}", stderr_text(&output));
    let want: Vec<String> = (1..=100)
        .map(|n| echo(n, &format!("question {n}")))
        .collect();
    assert_eq!(stdout_lines(&output), want);
}

#[test]
fn a_cut_connection_keeps_the_answers_exits_78_and_frees_the_servers_slot() {
    for cut in ["close", "reset"] {
        let server = Serve::start(&["--max-conversations", "1"]);
        let mut proxy = FaultProxy::start(&server.addr, &[]);
        let mut coprocess = Coprocess::start(&proxy.addr, &[]);
        coprocess.send("before the cut");
        assert_eq!(coprocess.read_line().unwrap(), echo(1, "before the cut"));
        proxy.command(cut);
        let (status, stderr) = coprocess.finish();
        assert_eq!(status.code(), Some(78), "{cut}: {stderr}");
        assert!(
            stderr.starts_with("grpc-convo: UNAVAILABLE: connection lost"),
            "{cut}: {stderr}"
        );
        server.wait_for_log("conversation closed");
        // The one slot is free again: a new conversation is answered.
        let output = ask(&server.addr, &["after"], b"");
        assert_eq!(stdout_lines(&output), [echo(1, "after")], "{cut}");
    }
}

#[test]
fn a_cut_connection_leaves_no_process_behind() {
    let server = Serve::start(&["--", "sh", "-c", "echo $$; exec cat"]);
    let mut proxy = FaultProxy::start(&server.addr, &[]);
    let mut coprocess = Coprocess::start(&proxy.addr, &[]);
    let pid = coprocess.read_line().unwrap();
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    proxy.command("reset");
    let (status, _) = coprocess.finish();
    assert_eq!(status.code(), Some(78));
    server.wait_for_log("stopped the process");
    // Reaped, not a zombie: its /proc entry is gone.
    let gone = server.wait_for_log("conversation closed");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "{pid} still there after {gone}"
    );
}

#[test]
fn a_black_hole_mid_conversation_ends_both_sides_by_their_keepalive() {
    let server = Serve::start(&["--keepalive", "1s"]);
    let mut proxy = FaultProxy::start(&server.addr, &[]);
    let mut coprocess = Coprocess::start(&proxy.addr, &["--keepalive", "1s"]);
    coprocess.send("before the silence");
    assert_eq!(
        coprocess.read_line().unwrap(),
        echo(1, "before the silence")
    );
    proxy.command("blackhole");
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr,
        "grpc-convo: UNAVAILABLE: connection lost: no answer to a keepalive ping within 1s \
         (--keepalive)\n"
    );
    // The server's own pings go unanswered too: it ends its side without the client's word.
    let closed = server.wait_for_log("conversation closed");
    assert!(closed.contains("questions=1"), "{closed}");
}

#[test]
fn a_black_hole_at_connect_fails_within_the_connect_timeout() {
    let server = Serve::start(&[]);
    let mut proxy = FaultProxy::start(&server.addr, &[]);
    proxy.command("blackhole");
    for extra in [&[][..], &["--wait-ready"][..]] {
        let mut args = vec!["--connect-timeout", "1s"];
        args.extend(extra);
        args.push("never answered");
        let output = ask(&proxy.addr, &args, b"");
        assert_eq!(output.status.code(), Some(78), "{extra:?}");
        assert_eq!(
            stderr_text(&output),
            format!(
                "grpc-convo: no HTTP/2 answer from {} within 1s: is it a gRPC server?\n",
                proxy.addr
            ),
            "{extra:?}"
        );
    }
    let bench = output_limited(
        bin()
            .args(["bench", "--addr", &proxy.addr, "--connect-timeout", "1s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    assert_eq!(bench.status.code(), Some(78));
    assert!(stderr_text(&bench).contains("no HTTP/2 answer"));
}

#[test]
fn bench_reports_a_black_holed_conversation_as_unavailable() {
    let server = Serve::start(&[]);
    let mut proxy = FaultProxy::start(&server.addr, &[]);
    let bench = bin()
        .args(["bench", "--addr", &proxy.addr, "--keepalive", "1s"])
        .args(["--duration", "10m", "--rate", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    server.wait_for_log("conversation opened");
    proxy.command("blackhole");
    let output = output_limited(bench);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        report.contains("errors         UNAVAILABLE 1\n"),
        "{report}"
    );
}

#[test]
fn a_shell_loop_around_ask_stops_at_ctrl_c() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let server = Serve::start(&[]);
    let bin = env!("CARGO_BIN_EXE_grpc-convo");
    // --keep-open: each ask waits for a server that never ends the conversation.
    let script = format!(
        "for q in a b c; do '{bin}' ask --addr {} --keep-open \"$q\"; echo \"after $q\"; done",
        server.addr
    );
    let shell = Command::new("bash")
        .args(["-c", &script])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    server.wait_for_log("conversation opened");
    // Ctrl-C signals the whole foreground process group: the shell and ask alike.
    let group = format!("-{}", shell.id());
    interrupt(&group);
    let output = output_limited(shell);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains("after"), "the loop went on:\n{printed}");
    assert_eq!(output.status.signal(), Some(2), "{:?}", output.status);
}

#[test]
fn bench_prints_what_it_measured_then_dies_by_sigint() {
    use std::os::unix::process::ExitStatusExt;
    let server = Serve::start(&[]);
    let bench = bin()
        .args(["bench", "--addr", &server.addr, "--duration", "10m"])
        .args(["--rate", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    server.wait_for_log("conversation opened");
    interrupt(&bench.id().to_string());
    let output = output_limited(bench);
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.signal(),
        Some(2),
        "{:?}\n{report}",
        output.status
    );
    assert!(report.contains("interrupted    SIGINT"), "{report}");
    assert!(report.contains("errors         none\n"), "{report}");
}

/// SIGINT to a process, or to a process group given as `-PGID`.
fn interrupt(target: &str) {
    let status = Command::new("kill").args(["-INT", "--", target]).status();
    assert!(status.unwrap().success());
}
