//! What an operator relies on: the drain on SIGTERM, limits, backpressure, health, reflection,
//! Unix sockets and JSON logs. Each test runs the real `grpc-convo serve`.

mod common;

use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use grpc_convo::proto::{StreamRequest, stream_client::StreamClient};
use tonic::transport::Channel;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

#[test]
fn sigterm_lets_a_conversation_in_progress_finish_refuses_new_ones_and_exits_0() {
    let mut server = Serve::start(&["--grace", "1h"]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("before");
    assert_eq!(coprocess.read_line().unwrap(), echo(1, "before"));

    server.kill("TERM");
    server.wait_for_log("shutting down");
    // Draining: the open conversation goes on...
    coprocess.send("during");
    assert_eq!(coprocess.read_line().unwrap(), echo(2, "during"));
    // ...while a new one is refused.
    let refused = ask(&server.addr, &["new"], b"");
    assert_eq!(refused.status.code(), Some(78), "{}", stderr_text(&refused));

    drop(coprocess.stdin.take());
    assert_eq!(coprocess.read_line(), None);
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
    // With an hour of grace, only the end of the last conversation lets the server go.
    assert_eq!(server.wait().code(), Some(0), "{}", server.stderr());
}

#[test]
fn after_the_grace_period_conversations_end_with_unavailable_and_the_server_exits_0() {
    let mut server = Serve::start(&["--grace", "200ms"]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("q");
    assert_eq!(coprocess.read_line().unwrap(), echo(1, "q"));
    server.kill("INT");
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert_eq!(stderr, "grpc-convo: UNAVAILABLE: server shutting down\n");
    assert_eq!(server.wait().code(), Some(0));
    server.wait_for_log("ending 1 conversations");
}

#[test]
fn a_second_signal_stops_at_once() {
    let mut server = Serve::start(&["--grace", "1h"]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("q");
    assert_eq!(coprocess.read_line().unwrap(), echo(1, "q"));
    server.kill("TERM");
    server.wait_for_log("shutting down");
    server.kill("TERM");
    assert_eq!(server.wait().code(), Some(0), "{}", server.stderr());
    server.wait_for_log("terminated again");
}

#[test]
fn one_conversation_over_the_limit_is_refused_and_those_in_progress_go_on() {
    let server = Serve::start(&["--max-conversations", "2"]);
    let mut open: Vec<_> = (0..2)
        .map(|_| Coprocess::start(&server.addr, &[]))
        .collect();
    for coprocess in &mut open {
        coprocess.send("hold");
        assert_eq!(coprocess.read_line().unwrap(), echo(1, "hold"));
    }
    let refused = ask(&server.addr, &["one too many"], b"");
    assert_eq!(refused.status.code(), Some(64 + 8));
    assert_eq!(
        stderr_text(&refused),
        "grpc-convo: RESOURCE_EXHAUSTED: server busy: 2 conversations in progress\n"
    );
    for coprocess in &mut open {
        coprocess.send("still here");
        assert_eq!(coprocess.read_line().unwrap(), echo(2, "still here"));
    }
}

#[test]
fn an_oversize_question_ends_only_its_own_conversation() {
    let server = Serve::start(&["--max-message-size", "1000"]);
    let mut bystander = Coprocess::start(&server.addr, &[]);
    bystander.send("first");
    assert_eq!(bystander.read_line().unwrap(), echo(1, "first"));

    let oversize = ask(&server.addr, &[&"x".repeat(998)], b"");
    assert_eq!(
        oversize.status.code(),
        Some(64 + 8),
        "{}",
        stderr_text(&oversize)
    );

    bystander.send("second");
    assert_eq!(bystander.read_line().unwrap(), echo(2, "second"));
}

#[test]
fn idle_timeout_ends_a_silent_conversation_with_deadline_exceeded() {
    let server = Serve::start(&["--idle-timeout", "300ms"]);
    // One question, then a client that stays but says nothing more. Whether the question beats
    // the idle timer depends on the machine's load; if it does, its answer is printed.
    let output = ask(&server.addr, &["--keep-open", "then nothing"], b"");
    let printed = stdout_lines(&output);
    assert!(
        printed.is_empty() || printed == [echo(1, "then nothing")],
        "{printed:?}"
    );
    assert_eq!(
        output.status.code(),
        Some(64 + 4),
        "{}",
        stderr_text(&output)
    );
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: DEADLINE_EXCEEDED: no question for 300ms (--idle-timeout)\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_cannot_grow_the_server() {
    let server = Serve::start(&[]);
    let channel = channel(&server.addr).await;
    // Warm up allocator and runtime so the baseline is a running server's.
    let mut client = StreamClient::new(channel.clone());
    let warm = futures_util::stream::iter((0..1000).map(|n| StreamRequest {
        question: format!("warm {n}"),
    }));
    let mut answers = client.conversations(warm).await.unwrap().into_inner();
    while answers.message().await.unwrap().is_some() {}
    let before = rss_kib(server.pid());

    const OFFERED: u64 = 1_000_000;
    let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = taken.clone();
    let questions = futures_util::stream::iter(0..OFFERED).map(move |n| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        StreamRequest {
            question: format!("question number {n}"),
        }
    });
    // The answers are never read. The experiment runs for a fixed span: with backpressure the
    // client is stopped within milliseconds, without it a million questions get through.
    let unread = client.conversations(questions).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kib(server.pid());
    let taken = taken.load(std::sync::atomic::Ordering::Relaxed);
    drop(unread);

    assert!(
        taken < OFFERED / 10,
        "flow control let {taken} questions through"
    );
    assert!(
        after < before + 16 * 1024,
        "server grew from {before} KiB to {after} KiB while {taken} questions were sent"
    );
}

async fn health_status(client: &mut HealthClient<Channel>, service: &str) -> ServingStatus {
    let response = client
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .unwrap();
    response.into_inner().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_serving_then_not_serving_during_the_drain() {
    let server = Serve::start(&["--grace", "1h"]);
    let channel = channel(&server.addr).await;
    let mut health = HealthClient::new(channel.clone());
    for service in ["", "proto.Stream"] {
        assert_eq!(
            health_status(&mut health, service).await,
            ServingStatus::Serving
        );
    }
    let mut watch = health
        .watch(HealthCheckRequest {
            service: "proto.Stream".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.message().await.unwrap().unwrap().status(),
        ServingStatus::Serving
    );

    // A conversation in progress keeps the drain going while the health flips.
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("keep the drain open");
    assert!(coprocess.read_line().is_some());
    server.kill("TERM");
    assert_eq!(
        watch.message().await.unwrap().unwrap().status(),
        ServingStatus::NotServing
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflection_lists_the_service_in_v1_and_v1alpha() {
    use tonic_reflection::pb::{v1, v1alpha};
    let server = Serve::start(&[]);
    let channel = channel(&server.addr).await;

    let mut client = v1::server_reflection_client::ServerReflectionClient::new(channel.clone());
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut responses = client
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        responses.message().await.unwrap().unwrap().message_response
    else {
        panic!("not a service list");
    };
    let names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"proto.Stream".to_owned()), "{names:?}");
    assert!(
        names.contains(&"grpc.health.v1.Health".to_owned()),
        "{names:?}"
    );

    let mut client = v1alpha::server_reflection_client::ServerReflectionClient::new(channel);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                "proto.Stream".into(),
            ),
        ),
    };
    let mut responses = client
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().unwrap().message_response;
    assert!(
        matches!(
            response,
            Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(_))
        ),
        "{response:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reflection_turns_it_off() {
    use tonic_reflection::pb::v1;
    let server = Serve::start(&["--no-reflection"]);
    let mut client =
        v1::server_reflection_client::ServerReflectionClient::new(channel(&server.addr).await);
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let status = match client
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
    {
        Err(status) => status,
        Ok(response) => response.into_inner().message().await.unwrap_err(),
    };
    assert_eq!(status.code(), tonic::Code::Unimplemented);
}

#[test]
fn a_unix_socket_works_end_to_end_and_is_removed_on_exit() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("convo.sock");
    let addr = format!("unix:{}", path.display());
    let mut server = Serve::start_at(&addr, &[]);
    assert_eq!(server.addr, addr);
    let output = ask(&addr, &["over a socket"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "over a socket")]);
    server.wait_for_log("peer=unix");
    assert_eq!(server.signal("TERM").code(), Some(0));
    assert!(!path.exists(), "socket file left behind");
    std::fs::remove_dir(dir).unwrap();
}

#[test]
fn json_logs_are_one_object_per_line() {
    let mut server = Serve::start(&["--log-format", "json"]);
    ask(&server.addr, &["logged"], b"");
    assert_eq!(server.signal("TERM").code(), Some(0));
    let log = server.stderr_after_exit();
    let mut lines = log.lines();
    assert!(lines.next().unwrap().starts_with("listening on "));
    let records: Vec<serde_json::Value> = lines
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let closed = records
        .iter()
        .find(|r| r["fields"]["message"] == "conversation closed")
        .unwrap_or_else(|| panic!("no close record in {log}"));
    assert_eq!(closed["fields"]["answers"], 1);
    assert_eq!(closed["level"], "INFO");
}

/// Opens `count` conversations on `channel`, each answered once, and holds them: dropping the
/// senders ends them.
async fn hold_conversations(
    channel: &Channel,
    count: usize,
) -> Vec<tokio::sync::mpsc::Sender<StreamRequest>> {
    let opened = (0..count).map(|n| {
        let mut client = StreamClient::new(channel.clone());
        async move {
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            tx.send(StreamRequest {
                question: format!("held {n}"),
            })
            .await
            .unwrap();
            let questions = tokio_stream::wrappers::ReceiverStream::new(rx);
            let mut answers = client.conversations(questions).await.unwrap().into_inner();
            let answer = answers.message().await.unwrap().unwrap();
            assert_eq!(answer.answer, echo(1, &format!("held {n}")));
            // The answers are drained in the background until the conversation ends.
            tokio::spawn(async move { while let Ok(Some(_)) = answers.message().await {} });
            tx
        }
    });
    futures_util::future::join_all(opened).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_goes_back_once_conversations_and_their_connection_close() {
    let server = Serve::start(&[]);
    // A first crowd, come and gone, so that the baseline is a warm server's.
    let warm = channel(&server.addr).await;
    drop(hold_conversations(&warm, 200).await);
    drop(warm);
    let before = rss_kib(server.pid());

    let crowd = channel(&server.addr).await;
    let held = hold_conversations(&crowd, 5000).await;
    let open = rss_kib(server.pid());
    assert!(
        open > before + 8 * 1024,
        "5000 conversations took only {before} -> {open} KiB: nothing to give back"
    );
    drop(held);
    drop(crowd);
    // The server trims once it falls idle; give it up to 20 s on a loaded machine.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut after = rss_kib(server.pid());
    while after > before + 3 * 1024 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = rss_kib(server.pid());
    }
    assert!(
        after <= before + 3 * 1024,
        "the server held {after} KiB after its conversations and connection closed \
         ({before} KiB before, {open} KiB while open)"
    );
}

/// The CPU time (in clock ticks) of each of serve's core threads, by name.
fn core_ticks(pid: u32) -> std::collections::BTreeMap<String, u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.ok()?.path().join("stat")).ok()?;
            // The name is in parentheses; utime and stime are the 12th and 13th fields after it.
            let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
            let fields: Vec<&str> = rest.split(' ').collect();
            let ticks = fields[11].parse::<u64>().ok()? + fields[12].parse::<u64>().ok()?;
            name.starts_with("serve-").then(|| (name.to_owned(), ticks))
        })
        .collect()
}

#[test]
fn each_connection_is_served_on_one_core_and_the_next_on_the_next() {
    let mut command = bin();
    command
        .env("TOKIO_WORKER_THREADS", "2")
        .args(["serve", "--addr", "127.0.0.1:0"]);
    let server = Serve::spawn_command(command, "listening on ", "");
    let questions: String = (0..200_000).map(|n| format!("{n}\n")).collect();
    let busy = |ticks: &std::collections::BTreeMap<String, u64>| -> Vec<String> {
        let most = ticks.values().copied().max().unwrap_or(0);
        // Idle threads may catch a tick or two; a served connection takes many.
        let mut busy: Vec<String> = (ticks.iter())
            .filter(|&(_, &t)| most > 0 && t * 4 > most)
            .map(|(name, _)| name.clone())
            .collect();
        busy.sort();
        busy
    };

    let first = ask(&server.addr, &[], questions.as_bytes());
    assert!(first.status.success(), "{}", stderr_text(&first));
    let after_first = core_ticks(server.pid());
    assert_eq!(
        after_first.keys().collect::<Vec<_>>(),
        ["serve-0", "serve-1"],
        "TOKIO_WORKER_THREADS=2 should make two core threads"
    );
    assert_eq!(busy(&after_first), ["serve-0"], "{after_first:?}");

    let second = ask(&server.addr, &[], questions.as_bytes());
    assert!(second.status.success(), "{}", stderr_text(&second));
    let after_second = core_ticks(server.pid());
    let added: std::collections::BTreeMap<String, u64> = (after_second.iter())
        .map(|(name, t)| (name.clone(), t - after_first[name]))
        .collect();
    assert_eq!(busy(&added), ["serve-1"], "{added:?}");
}
