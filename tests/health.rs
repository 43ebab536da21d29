//! `grpc-convo health`: grpc-health-probe's exit statuses (0 SERVING, 4 any other status) and
//! grpc-convo's own for everything else, and `--watch` following the status as it changes.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::Stdio,
};

use common::{Coprocess, Serve, bin, run, stderr_text, unused_addr, wait_limited};

#[test]
fn watch_prints_each_change_and_exits_4_when_the_last_is_not_serving() {
    let mut server = Serve::start(&["--grace", "30s"]);
    // A conversation in progress keeps the drain going while health flips.
    let mut conversation = Coprocess::start(&server.addr, &[]);
    conversation.send("still here");
    assert!(conversation.read_line().is_some());

    let mut watch = bin()
        .args(["health", "--watch", "--addr", &server.addr])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut statuses = BufReader::new(watch.stdout.take().unwrap()).lines();
    assert_eq!(statuses.next().unwrap().unwrap(), "SERVING");
    server.kill("TERM");
    assert_eq!(statuses.next().unwrap().unwrap(), "NOT_SERVING");
    // The drain lets the watch end once the conversation does.
    drop(conversation);
    assert_eq!(wait_limited(&mut watch).code(), Some(4));
    server.wait();
}

#[test]
fn an_unknown_service_is_not_found_and_an_absent_server_unavailable() {
    let server = Serve::start(&[]);
    let unknown = run(&["health", "--addr", &server.addr, "no.Such"]);
    assert_eq!(unknown.status.code(), Some(69), "{}", stderr_text(&unknown));
    assert!(stderr_text(&unknown).contains("NOT_FOUND"));
    assert!(unknown.stdout.is_empty());

    let absent = run(&["health", "--addr", &unused_addr()]);
    assert_eq!(absent.status.code(), Some(78), "{}", stderr_text(&absent));
    assert!(stderr_text(&absent).starts_with("grpc-convo: cannot reach"));
}

#[test]
fn the_whole_server_is_serving() {
    let server = Serve::start(&[]);
    let whole = run(&["health", "--addr", &server.addr]);
    assert_eq!(whole.status.code(), Some(0), "{}", stderr_text(&whole));
    assert_eq!(String::from_utf8_lossy(&whole.stdout), "SERVING\n");
}
