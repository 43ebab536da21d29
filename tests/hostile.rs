//! serve against clients one step off the honest path, from the client's side, on h2 itself:
//! one that grants no window to calls with deadlines, one that dies or resets while its bridged
//! process works, and floods of health and reflection calls that never end their requests. Each
//! defence is checked by what the server does (its log, its seats, its processes), and an honest
//! client is served beside or after the attack.

mod common;

use std::{io::Write as _, path::Path, time::Duration};

use bytes::Bytes;
use common::*;
use h2::client::{ResponseFuture, SendRequest};
use tokio::net::TcpStream;
use tonic::codegen::http;

const CONVERSATIONS: &str = "/proto.Stream/Conversations";
const HEALTH_CHECK: &str = "/grpc.health.v1.Health/Check";
const REFLECTION: &str = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

/// An h2 client on its own connection to `addr`, with this stream window for the server's data.
async fn client(addr: &str, window: u32) -> SendRequest<Bytes> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, connection) = h2::client::Builder::new()
        .initial_window_size(window)
        .handshake(tcp)
        .await
        .unwrap();
    // The connection task answers the server's pings for as long as the test holds the client.
    tokio::spawn(connection);
    client
}

/// Opens a call on `path` with one message (a string in field 1) and no end of the request.
async fn open(
    client: &SendRequest<Bytes>,
    path: &str,
    timeout: Option<&str>,
) -> (ResponseFuture, h2::SendStream<Bytes>) {
    let (response, mut send) = open_silent(client, path, timeout).await;
    send.send_data(message(b"hold"), false).unwrap();
    (response, send)
}

/// Opens a call on `path` and sends nothing more.
async fn open_silent(
    client: &SendRequest<Bytes>,
    path: &str,
    timeout: Option<&str>,
) -> (ResponseFuture, h2::SendStream<Bytes>) {
    let mut request = http::Request::post(format!("http://test{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    if let Some(timeout) = timeout {
        request = request.header("grpc-timeout", timeout);
    }
    let mut client = client.clone().ready().await.unwrap();
    client
        .send_request(request.body(()).unwrap(), false)
        .unwrap()
}

/// A gRPC frame of a message whose field 1 is `text`.
fn message(text: &[u8]) -> Bytes {
    let mut frame = vec![0, 0, 0, 0, text.len() as u8 + 2, 0x0a, text.len() as u8];
    frame.extend_from_slice(text);
    Bytes::from(frame)
}

/// How the server ended a stream whose head it sent: the reset's reason.
async fn reset_reason(response: ResponseFuture) -> h2::Reason {
    let response = response.await.unwrap();
    let mut body = response.into_body();
    loop {
        match body.data().await {
            Some(Ok(_)) => continue,
            Some(Err(err)) => return err.reason().expect("a reset"),
            None => panic!("the stream ended without a reset"),
        }
    }
}

fn honest_ask_is_answered(addr: &str) {
    let output = ask(addr, &["honest"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), [echo(1, "honest")]);
}

/// Ten conversations that grant no window, each with a deadline: before, they kept the ten
/// seats as long as their client stayed connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_that_grant_no_window_end_at_their_deadline_and_give_their_seats_back() {
    let server = Serve::start(&["--max-conversations", "10"]);
    let attacker = client(&server.addr, 0).await;
    let mut calls = Vec::new();
    for _ in 0..10 {
        calls.push(open(&attacker, CONVERSATIONS, Some("1S")).await);
    }
    server.wait_for_logs(
        "DEADLINE_EXCEEDED (reset: its deadline (grpc-timeout) passed)",
        10,
    );
    for (response, _send) in calls {
        assert_eq!(reset_reason(response).await, h2::Reason::CANCEL);
    }
    let addr = server.addr.clone();
    tokio::task::spawn_blocking(move || honest_ask_is_answered(&addr))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_stalled_both_ways_ends_at_the_idle_timeout() {
    let server = Serve::start(&["--idle-timeout", "1s"]);
    let attacker = client(&server.addr, 0).await;
    let (response, _send) = open(&attacker, CONVERSATIONS, None).await;
    assert_eq!(reset_reason(response).await, h2::Reason::CANCEL);
    server.wait_for_log("DEADLINE_EXCEEDED (reset: idle for 1s)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drain_ends_a_conversation_whose_answer_waits_for_window() {
    let mut server = Serve::start(&["--grace", "1s"]);
    let attacker = client(&server.addr, 0).await;
    let (response, _send) = open(&attacker, CONVERSATIONS, None).await;
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200);
    server.kill("TERM");
    server.wait_for_log("UNAVAILABLE (reset: the drain's grace is over)");
    assert!(server.wait().success());
}

/// A bridged unary method whose process writes its pid, takes no SIGTERM, and answers only once
/// the file `go` appears.
fn stubborn_server(dir: &Path) -> Serve {
    let script = format!(
        "IFS= read -r line; echo $$ >> {dir}/pids; trap '' TERM; \
         while [ ! -e {dir}/go ]; do sleep 0.05; done; echo \"$line\"",
        dir = dir.display()
    );
    let proto = kinds_proto();
    Serve::start(&[
        "--proto",
        &proto,
        "--method",
        "kinds.Kinds/Echo",
        "--max-conversations",
        "1",
        "--kill-grace",
        "60s",
        "--",
        "sh",
        "-c",
        &script,
    ])
}

fn pids(dir: &Path) -> Vec<i32> {
    let text = std::fs::read_to_string(dir.join("pids")).unwrap_or_default();
    text.lines().map(|pid| pid.parse().unwrap()).collect()
}

fn alive(pid: i32) -> bool {
    // Signal 0 checks that the process exists; a zombie would be reaped by serve.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// A client killed while its bridged call works: the call ends, its process is signalled, and
/// its seat stays taken until the process is gone.
#[test]
fn a_dead_clients_call_is_dropped_and_its_seat_waits_for_its_process() {
    let dir = tempdir("dead-client");
    let server = stubborn_server(&dir);
    let mut client = spawn_ask(
        &server.addr,
        &["--method", "kinds.Kinds/Echo", "--field", "text"],
    );
    client.stdin.take().unwrap().write_all(b"first\n").unwrap();
    wait_until(|| !pids(&dir).is_empty());
    client.kill().unwrap();
    client.wait().unwrap();
    server.wait_for_log("conversation closed");
    let pid = pids(&dir)[0];
    assert!(
        alive(pid),
        "the process took no SIGTERM: it goes only when told"
    );
    let busy = ask(
        &server.addr,
        &["--method", "kinds.Kinds/Echo", "--field", "text", "second"],
        b"",
    );
    assert!(
        stderr_text(&busy).contains("server busy"),
        "the seat was given back while the process ran: {}",
        stderr_text(&busy)
    );
    std::fs::write(dir.join("go"), "").unwrap();
    server.wait_for_log("stopped the process of an ended conversation");
    let output = ask(
        &server.addr,
        &["--method", "kinds.Kinds/Echo", "--field", "text", "third"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(!alive(pid));
}

/// The same with a reset stream on a connection that stays: hyper dropped such a call's future,
/// and so must serve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_stream_drops_its_bridged_call() {
    let dir = tempdir("reset");
    let server = stubborn_server(&dir);
    let attacker = client(&server.addr, 65_535).await;
    let (_response, mut send) = open(&attacker, "/kinds.Kinds/Echo", None).await;
    send.send_data(Bytes::new(), true).unwrap();
    let dir2 = dir.clone();
    tokio::task::spawn_blocking(move || wait_until(|| !pids(&dir2).is_empty()))
        .await
        .unwrap();
    send.send_reset(h2::Reason::CANCEL);
    server.wait_for_log("CANCELLED by client");
    std::fs::write(dir.join("go"), "").unwrap();
    server.wait_for_log("stopped the process of an ended conversation");
}

/// Health and reflection calls take seats of their own, and one whose request stays open and
/// silent is reset: a flood of them neither grows serve without bound nor takes the
/// conversations' seats.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_reflection_floods_are_bounded_and_reset_when_idle() {
    let server = Serve::start(&["--max-side-calls", "20", "--side-call-idle", "1s"]);
    let attacker = client(&server.addr, 65_535).await;
    let mut calls = Vec::new();
    for _ in 0..15 {
        calls.push(open(&attacker, HEALTH_CHECK, None).await);
        calls.push(open_silent(&attacker, REFLECTION, None).await);
    }
    let addr = server.addr.clone();
    tokio::task::spawn_blocking(move || honest_ask_is_answered(&addr))
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    for (response, _send) in calls {
        outcomes.push(side_outcome(response).await);
    }
    let refused = outcomes
        .iter()
        .filter(|o| o.contains("--max-side-calls"))
        .count();
    let reset = outcomes.iter().filter(|o| *o == "reset CANCEL").count();
    assert_eq!((refused, reset), (10, 20), "{outcomes:?}");
    let output = run(&["health", "--addr", &server.addr]);
    assert!(output.status.success(), "{}", stderr_text(&output));
}

/// What became of a side call: its refusal's grpc-message, or the reset that ended it.
async fn side_outcome(response: ResponseFuture) -> String {
    let response = match response.await {
        Ok(response) => response,
        Err(err) => return format!("reset {}", reason(&err)),
    };
    if let Some(status) = response.headers().get("grpc-status") {
        let message = response.headers().get("grpc-message");
        return format!("status {status:?}: {message:?}");
    }
    let mut body = response.into_body();
    loop {
        match body.data().await {
            Some(Ok(_)) => continue,
            Some(Err(err)) => return format!("reset {}", reason(&err)),
            None => {
                let trailers = body.trailers().await;
                return format!("ended: {trailers:?}");
            }
        }
    }
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("grpc-convo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Polls a condition that a child process makes true, up to the harness's limit.
fn wait_until(done: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < LIMIT, "still not so after {LIMIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn reason(err: &h2::Error) -> String {
    err.reason()
        .map_or_else(|| err.to_string(), |r| format!("{r:?}"))
}
