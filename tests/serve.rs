//! `grpc-convo serve`, run as a real process, and the library's server under concurrent load.

mod common;

use std::net::TcpListener;

use common::*;
use grpc_convo::{
    proto::{StreamRequest, stream_client::StreamClient},
    server::Echo,
};

#[test]
fn prints_the_bound_address_and_answers_on_it() {
    let server = Serve::start(&[]);
    let port: u16 = server.addr.rsplit_once(':').unwrap().1.parse().unwrap();
    assert_ne!(port, 0, "the real port, not the requested 0");
    let output = ask(&server.addr, &["ping"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "ping")]);
}

#[test]
fn numbering_starts_again_in_every_conversation() {
    let server = Serve::start(&[]);
    for _ in 0..2 {
        let output = ask(&server.addr, &["x", "y"], b"");
        assert_eq!(stdout_lines(&output), [echo(1, "x"), echo(2, "y")]);
    }
}

#[test]
fn logs_each_conversation_open_and_close_with_its_counts() {
    let mut server = Serve::start(&[]);
    let output = ask(&server.addr, &["a", "b", "c"], b"");
    assert!(output.status.success());
    // The close is logged when the server drops the conversation, which may come a moment after
    // ask exits; stopping the server flushes every line.
    assert!(server.signal("TERM").success());
    let log = server.stderr_after_exit();
    assert!(log.contains("conversation opened"), "{log}");
    let closed = log
        .lines()
        .find(|line| line.contains("conversation closed"))
        .unwrap_or_else(|| panic!("no close logged: {log}"));
    for field in [
        "questions=3",
        "answers=3",
        "peer=127.0.0.1:",
        "duration_ms=",
        "method=\"proto.Stream/Conversations\"",
        "status=OK",
    ] {
        assert!(closed.contains(field), "{field} missing from {closed}");
    }
    assert!(
        !log.contains("question=\"a\""),
        "questions are logged only at debug: {log}"
    );
}

#[test]
fn logs_each_question_at_debug_with_v() {
    let mut server = Serve::start(&["-v"]);
    ask(&server.addr, &["visible"], b"");
    server.signal("TERM");
    let log = server.stderr_after_exit();
    assert!(log.contains("question=\"visible\""), "{log}");
}

#[test]
fn a_port_in_use_is_one_line_naming_the_address() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = bin().args(["serve", "--addr", &addr]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with(&format!("grpc-convo: cannot listen on {addr}: ")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn an_unknown_host_is_named() {
    let output = bin()
        .args(["serve", "--addr", "no-such-host.invalid:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with("grpc-convo: cannot listen on no-such-host.invalid:0: "),
        "{stderr}"
    );
}

#[test]
fn the_address_can_come_from_the_environment() {
    let mut child = bin()
        .args(["serve"])
        .env("GRPC_CONVO_ADDR", "127.0.0.1:0")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("listening on 127.0.0.1:"), "{line}");
}

#[test]
fn sigterm_and_ctrl_c_stop_it_with_status_0() {
    for signal in ["TERM", "INT"] {
        let mut server = Serve::start(&[]);
        let status = server.signal(signal);
        assert_eq!(
            status.code(),
            Some(0),
            "after SIG{signal}: {}",
            server.stderr()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_conversations_on_one_server_each_count_their_own() {
    let server = tokio::task::spawn_blocking(|| TestServer::start(Echo))
        .await
        .unwrap();
    let channel = channel(&server.addr).await;
    const CONVERSATIONS: usize = 200;
    const QUESTIONS: usize = 50;
    let conversations = (0..CONVERSATIONS).map(|c| {
        let mut client = StreamClient::new(channel.clone());
        tokio::spawn(async move {
            let questions = (1..=QUESTIONS).map(move |q| StreamRequest {
                question: format!("c{c} q{q}"),
            });
            let mut answers = client
                .conversations(futures_util::stream::iter(questions))
                .await
                .unwrap()
                .into_inner();
            let mut got = Vec::new();
            while let Some(answer) = answers.message().await.unwrap() {
                got.push(answer.answer);
            }
            let want: Vec<_> = (1..=QUESTIONS)
                .map(|q| echo(q, &format!("c{c} q{q}")))
                .collect();
            assert_eq!(got, want, "conversation {c}");
        })
    });
    for conversation in futures_util::future::join_all(conversations).await {
        conversation.unwrap();
    }
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
}

/// The harness itself: a server that exits before it listens fails its test at once, with its
/// stderr, instead of after the harness's whole limit.
#[test]
#[should_panic(expected = "(it has ended)")]
fn a_server_that_cannot_start_fails_its_test_at_once() {
    Serve::start(&["--max-conversations", "0"]);
}
