//! `serve -- COMMAND`: each conversation with a process of its own, driven by programs every
//! machine has (sh, cat, sleep, yes).

mod common;

use std::{path::Path, time::Duration};

use common::*;
use grpc_convo::{
    addr::Listener,
    proto::{StreamRequest, stream_client::StreamClient},
    server::{self, Exec},
};

const ECHO_LINES: &str = "while IFS= read -r line; do printf '%s\\n' \"$line\"; done";

fn exec_server(command: &[&str], extra: &[&str]) -> Serve {
    let mut args = extra.to_vec();
    args.push("--");
    args.extend(command);
    Serve::start(&args)
}

fn alive(pid: &str) -> bool {
    // A zombie still has a /proc entry; one that was waited for has none.
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn one_answer_per_question() {
    let server = exec_server(&["sh", "-c", ECHO_LINES], &[]);
    let output = ask(&server.addr, &["a", "b c", ""], b"");
    assert_eq!(stdout_lines(&output), ["a", "b c", ""]);
    assert!(output.status.success(), "{}", stderr_text(&output));
}

#[test]
fn many_answers_per_question_each_the_moment_it_is_written() {
    let script = "while IFS= read -r line; do echo \"$line\"; echo \"$line$line\"; done";
    let server = exec_server(&["sh", "-c", script], &[]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("x");
    assert_eq!(coprocess.read_line().unwrap(), "x");
    assert_eq!(coprocess.read_line().unwrap(), "xx");
    coprocess.send("y");
    assert_eq!(coprocess.read_line().unwrap(), "y");
    assert_eq!(coprocess.read_line().unwrap(), "yy");
}

#[test]
fn answers_can_come_before_any_question() {
    let server = exec_server(&["sh", "-c", "echo hello; exec cat"], &[]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    assert_eq!(coprocess.read_line().unwrap(), "hello");
    coprocess.send("then this");
    assert_eq!(coprocess.read_line().unwrap(), "then this");
    drop(coprocess.stdin.take());
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn a_failing_command_ends_the_conversation_with_unknown_and_its_last_stderr_line() {
    let script = "read -r line; echo \"got $line\"; echo first >&2; echo \"cannot go on with $line\" >&2; exit 3";
    let server = exec_server(&["sh", "-c", script], &[]);
    let output = ask(&server.addr, &["q"], b"");
    assert_eq!(stdout_lines(&output), ["got q"]);
    assert_eq!(output.status.code(), Some(64 + 2));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with("grpc-convo: UNKNOWN: sh -c "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("exited with status 3: cannot go on with q\n"),
        "{stderr}"
    );
    // The process's stderr went to the server's log, not to the client.
    assert!(server.wait_for_log("stderr=first").contains("id=1"));

    let server = exec_server(&["sh", "-c", "kill -KILL $$"], &[]);
    let output = ask(&server.addr, &["q"], b"");
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("was killed by signal 9 (SIGKILL)"),
        "{stderr}"
    );
}

#[test]
fn a_client_that_cancels_gets_its_process_stopped_within_the_grace() {
    let server = exec_server(&["sh", "-c", "echo $$; exec cat"], &[]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    let pid = coprocess.read_line().unwrap();
    assert!(alive(&pid));
    coprocess.signal("INT");
    let stopped = server.wait_for_log("stopped the process");
    assert!(stopped.contains("signal=SIGTERM"), "{stopped}");
    assert!(!alive(&pid), "process {pid} still there");
}

#[test]
fn a_process_that_ignores_sigterm_gets_sigkill_after_the_kill_grace() {
    // An ignored signal stays ignored across exec, so sleep ignores SIGTERM too (and, unlike
    // tail -f, does not leave when its output closes).
    let script = "trap '' TERM; echo $$; exec sleep 600";
    let server = exec_server(&["sh", "-c", script], &["--kill-grace", "200ms"]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    let pid = coprocess.read_line().unwrap();
    coprocess.signal("TERM");
    let stopped = server.wait_for_log("stopped the process");
    assert!(stopped.contains("signal=SIGKILL"), "{stopped}");
    assert!(!alive(&pid), "process {pid} still there");
}

#[test]
fn the_drain_stops_processes_and_the_server_waits_for_them_before_exiting() {
    let mut server = exec_server(&["sh", "-c", "echo $$; exec cat"], &["--grace", "100ms"]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    let pid = coprocess.read_line().unwrap();
    assert_eq!(server.signal("TERM").code(), Some(0));
    assert!(!alive(&pid), "process {pid} outlived the server");
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(78), "{stderr}");
}

#[test]
fn the_process_sees_the_peer_the_conversation_and_the_metadata() {
    let script = "echo \"$GRPC_CONVO_PEER|$GRPC_CONVO_CONVERSATION|$GRPC_CONVO_META_X_TEAM\"";
    let server = exec_server(&["sh", "-c", script], &[]);
    let output = ask(&server.addr, &["-H", "X-Team: blue"], b"");
    let line = &stdout_lines(&output)[0];
    let fields: Vec<_> = line.split('|').collect();
    assert!(fields[0].starts_with("127.0.0.1:"), "{line}");
    assert_eq!(fields[1..], ["1", "blue"]);
}

#[test]
fn questions_never_reach_a_shell_or_argv() {
    let server = exec_server(&["sh", "-c", ECHO_LINES], &[]);
    let dangerous = "$(touch /tmp/grpc-convo-should-not-exist) `id` ; rm -rf x";
    let output = ask(&server.addr, &[dangerous], b"");
    assert_eq!(stdout_lines(&output), [dangerous]);
    assert!(!Path::new("/tmp/grpc-convo-should-not-exist").exists());
}

#[test]
fn a_line_that_is_not_utf8_is_sent_with_replacements_and_logged() {
    let server = exec_server(&["sh", "-c", "printf 'a\\377b\\n'"], &[]);
    let output = ask(&server.addr, &[], b"");
    assert_eq!(stdout_lines(&output), ["a\u{fffd}b"]);
    server.wait_for_log("not UTF-8");
}

#[test]
fn a_line_over_the_message_limit_ends_the_conversation_with_resource_exhausted() {
    let server = exec_server(
        &[
            "sh",
            "-c",
            "echo short; head -c 300 /dev/zero | tr '\\0' x; echo",
        ],
        &["--max-message-size", "100"],
    );
    let output = ask(&server.addr, &[], b"");
    assert_eq!(stdout_lines(&output), ["short"]);
    assert_eq!(output.status.code(), Some(64 + 8));
    assert!(
        stderr_text(&output).contains("wrote a line over the 100-byte message limit"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_command_that_does_not_exist_is_refused_at_startup_with_2() {
    for (command, why) in [
        ("no-such-command-anywhere", "command not found in PATH"),
        ("/no/such/file", "no such file"),
        ("/etc", "not an executable file"),
    ] {
        let output = bin()
            .args(["serve", "--addr", "127.0.0.1:0", "--", command])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert_eq!(
            stderr_text(&output),
            format!("grpc-convo: {command}: {why}\n")
        );
    }
}

#[test]
fn a_spawn_failure_later_ends_that_conversation_with_unavailable() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-vanishing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("vanishing-cat");
    std::fs::copy("/bin/cat", &program).unwrap();
    let server = exec_server(&[program.to_str().unwrap()], &[]);
    std::fs::remove_file(&program).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    let output = ask(&server.addr, &["q"], b"");
    assert_eq!(output.status.code(), Some(64 + 14));
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("cannot start") && stderr.contains("No such file"),
        "{stderr}"
    );
}

fn exec_test_server(command: &[&str]) -> TestServer {
    let command: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    let exec = Exec::new(&command, Duration::from_secs(2), 4 * 1024 * 1024, None).unwrap();
    TestServer::start(exec)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_conversations_each_have_their_own_process() {
    let server =
        tokio::task::spawn_blocking(|| exec_test_server(&["sh", "-c", "echo $$; exec cat"]))
            .await
            .unwrap();
    let channel = channel(&server.addr).await;
    let conversations = (0..100).map(|n| {
        let mut client = StreamClient::new(channel.clone());
        tokio::spawn(async move {
            let question = StreamRequest {
                question: format!("conversation {n}"),
            };
            let mut answers = client
                .conversations(futures_util::stream::iter([question]))
                .await
                .unwrap()
                .into_inner();
            let pid = answers.message().await.unwrap().unwrap().answer;
            let echoed = answers.message().await.unwrap().unwrap().answer;
            assert_eq!(echoed, format!("conversation {n}"));
            assert!(answers.message().await.unwrap().is_none());
            pid
        })
    });
    let mut pids: Vec<String> = futures_util::future::try_join_all(conversations)
        .await
        .unwrap();
    pids.sort();
    pids.dedup();
    assert_eq!(
        pids.len(),
        100,
        "each conversation has a process of its own"
    );
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fast_process_and_a_slow_reader_do_not_grow_the_server() {
    let server = exec_server(
        &[
            "yes",
            "an answer that is produced much faster than it is read",
        ],
        &[],
    );
    let channel = channel(&server.addr).await;
    let mut client = StreamClient::new(channel);
    let mut answers = client
        .conversations(futures_util::stream::pending::<StreamRequest>())
        .await
        .unwrap()
        .into_inner();
    for _ in 0..1000 {
        answers.message().await.unwrap().unwrap();
    }
    let before = rss_kib(server.pid());
    // Not reading, for a fixed span: with the process paced by the reader, the server holds
    // only what the windows and pipe buffers hold; without it, yes writes gigabytes.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(server.pid());
    assert!(
        after < before + 16 * 1024,
        "server grew from {before} KiB to {after} KiB"
    );
    // And it still answers, at the reader's pace.
    assert!(answers.message().await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_server_stops_its_processes_when_it_shuts_down() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let command = [
        "sh".to_owned(),
        "-c".to_owned(),
        "echo $$; exec cat".to_owned(),
    ];
    let exec = Exec::new(&command, Duration::from_secs(2), 1 << 20, None).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = server::Config {
        grace: Duration::ZERO,
        ..server::Config::default()
    };
    let running = tokio::spawn(server::run(
        Listener::Tcp(listener),
        config,
        std::sync::Arc::new(exec),
        async {
            let _ = stopped.await;
        },
        std::future::pending(),
    ));
    let mut client = StreamClient::connect(format!("http://{addr}"))
        .await
        .unwrap();
    let mut answers = client
        .conversations(futures_util::stream::pending::<StreamRequest>())
        .await
        .unwrap()
        .into_inner();
    let pid = answers.message().await.unwrap().unwrap().answer;
    assert!(alive(&pid));
    stop.send(()).unwrap();
    assert_eq!(
        answers.message().await.unwrap_err().code(),
        tonic::Code::Unavailable
    );
    drop(answers);
    // run returns only once the responder has stopped and waited for its processes.
    running.await.unwrap().unwrap();
    assert!(!alive(&pid), "process {pid} outlived the server");
}
