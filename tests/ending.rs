//! When a conversation ends, as ask decides it: enough answers, a pattern, an open end, silence,
//! a server still starting, a server that ends first, signals; and the transcript it leaves.

mod common;

use std::os::unix::process::ExitStatusExt;

use common::*;
use futures_util::{StreamExt, stream};
use grpc_convo::server::{AnswerStream, Conversation, QuestionStream, Responder};

#[test]
fn max_answers_stops_after_the_nth_answer_with_0() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &["--max-answers", "3", "a", "b", "c", "d", "e"],
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        [echo(1, "a"), echo(2, "b"), echo(3, "c")]
    );
    assert!(output.status.success(), "{}", stderr_text(&output));

    // The same with stdin still open: ask does not wait for more input.
    let mut coprocess = Coprocess::start(&server.addr, &["--max-answers", "2"]);
    coprocess.send("x");
    coprocess.send("y");
    assert_eq!(coprocess.read_line().unwrap(), echo(1, "x"));
    assert_eq!(coprocess.read_line().unwrap(), echo(2, "y"));
    assert_eq!(coprocess.read_line(), None);
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn until_stops_after_the_first_match_and_fails_without_one() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &["--until", "question is b+$", "a", "bb", "bbb"],
        b"",
    );
    assert_eq!(stdout_lines(&output), [echo(1, "a"), echo(2, "bb")]);
    assert!(output.status.success(), "{}", stderr_text(&output));

    let output = ask(&server.addr, &["--until", "never", "a", "b"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "a"), echo(2, "b")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: the conversation ended without an answer matching 'never' (--until)\n"
    );
}

#[test]
fn a_bad_until_pattern_is_a_usage_error() {
    let output = bin()
        .args(["ask", "--until", "(unclosed", "q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_text(&output).contains("--until"));
}

/// Echoes, and when the client half-closes, says so in one last answer.
struct ReportsHalfClose;

impl Responder for ReportsHalfClose {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        questions
            .map(|question| question.map(|q| format!("heard {q}")))
            .chain(stream::once(async { Ok("half-closed".to_owned()) }))
            .boxed()
    }
}

#[test]
fn keep_open_does_not_half_close_at_the_end_of_input() {
    let server = TestServer::start(ReportsHalfClose);
    let output = ask(&server.addr, &["q"], b"");
    assert_eq!(stdout_lines(&output), ["heard q", "half-closed"]);

    // Held open, the conversation outlives its input until something else ends it, here
    // SIGTERM: the server sees it cancelled, never half-closed.
    let (ends, ended) = std::sync::mpsc::channel();
    let server = TestServer::start(TellsHowItEnded(std::sync::Mutex::new(ends)));
    let mut coprocess = Coprocess::start(&server.addr, &["--keep-open", "q"]);
    assert_eq!(coprocess.read_line().unwrap(), "heard q");
    coprocess.signal("TERM");
    coprocess.finish();
    let how = ended.recv_timeout(LIMIT).expect("the conversation ended");
    assert_eq!(how, "cancelled");
}

/// Echoes, and says on its channel how each conversation ended: "half-closed" when the client
/// half-closed, "cancelled" when the conversation was dropped before that.
struct TellsHowItEnded(std::sync::Mutex<std::sync::mpsc::Sender<&'static str>>);

impl Responder for TellsHowItEnded {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        let ends = self.0.lock().unwrap().clone();
        let mut report = Report(Some(ends));
        let half_closed = stream::once(async move { report.say("half-closed") });
        questions
            .map(|question| question.map(|q| format!("heard {q}")))
            .chain(half_closed.filter_map(|()| std::future::ready(None)))
            .boxed()
    }
}

/// Says "cancelled" if dropped before it said anything else.
struct Report(Option<std::sync::mpsc::Sender<&'static str>>);

impl Report {
    fn say(&mut self, how: &'static str) {
        if let Some(ends) = self.0.take() {
            let _ = ends.send(how);
        }
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        self.say("cancelled");
    }
}

/// Reads questions and never answers, nor ends.
struct Silent;

impl Responder for Silent {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        questions
            .filter_map(|_| std::future::ready(None))
            .chain(stream::pending())
            .boxed()
    }
}

#[test]
fn idle_timeout_counts_only_once_a_question_has_been_sent() {
    let server = TestServer::start(Silent);
    let output = ask(&server.addr, &["--idle-timeout", "200ms", "hello?"], b"");
    assert_eq!(output.status.code(), Some(124), "{}", stderr_text(&output));

    // With no question yet there is nothing to wait for: only the overall deadline ends it.
    let coprocess = Coprocess::start(
        &server.addr,
        &["--idle-timeout", "200ms", "--timeout", "1s"],
    );
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(68), "{stderr}");
}

#[test]
fn wait_ready_waits_for_a_server_that_is_still_starting() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-ready-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let addr = format!("unix:{}", dir.join("late.sock").display());
    let asking = std::process::Command::new(env!("CARGO_BIN_EXE_grpc-convo"))
        .args([
            "ask",
            "--addr",
            &addr,
            "--wait-ready",
            "--connect-timeout",
            "60s",
            "early",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _server = Serve::start_at(&addr, &[]);
    let output = output_limited(asking);
    assert_eq!(stdout_lines(&output), [echo(1, "early")]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    drop(_server);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn wait_ready_gives_up_when_the_connect_timeout_runs_out() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-never-{}", std::process::id()));
    let addr = format!("unix:{}", dir.join("never.sock").display());
    let output = ask(
        &addr,
        &["--wait-ready", "--connect-timeout", "300ms", "q"],
        b"",
    );
    assert_eq!(output.status.code(), Some(78));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with(&format!("grpc-convo: cannot reach {addr}: "))
            && stderr.contains("attempts"),
        "{stderr}"
    );
}

/// Answers the first question, then ends the conversation with OK.
struct OneAndDone;

impl Responder for OneAndDone {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        questions
            .take(1)
            .map(|q| q.map(|q| format!("only {q}")))
            .boxed()
    }
}

#[test]
fn when_the_server_ends_first_ask_exits_at_once_though_stdin_is_open() {
    let server = TestServer::start(OneAndDone);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    coprocess.send("one");
    assert_eq!(coprocess.read_line().unwrap(), "only one");
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn signals_cancel_the_conversation_print_nothing_and_end_ask_by_the_same_signal() {
    // Killed by the signal itself (130 and 143 in a shell), so that a loop around ask stops too.
    for (signal, number) in [("INT", 2), ("TERM", 15)] {
        let server = Serve::start(&[]);
        let mut coprocess = Coprocess::start(&server.addr, &[]);
        coprocess.send("q");
        assert_eq!(coprocess.read_line().unwrap(), echo(1, "q"));
        coprocess.signal(signal);
        assert_eq!(
            coprocess.read_line(),
            None,
            "nothing printed after SIG{signal}"
        );
        let (status, stderr) = coprocess.finish();
        assert_eq!(
            status.signal(),
            Some(number),
            "SIG{signal}: {status:?} {stderr}"
        );
        assert_eq!(stderr, "");
        let closed = server.wait_for_log("conversation closed");
        assert!(closed.contains("status=CANCELLED"), "{closed}");
    }
}

#[test]
fn the_transcript_records_both_directions_in_order_and_the_status_last() {
    let server = Serve::start(&[]);
    let path = std::env::temp_dir().join(format!(
        "grpc-convo-transcript-{}.jsonl",
        std::process::id()
    ));
    let path_arg = path.to_str().unwrap();
    let output = ask(
        &server.addr,
        &["--transcript", path_arg, "--lockstep", "a", "b"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // A recording: its first line names the method, the files of its types follow.
    assert_eq!(lines[0]["recording"], 1);
    assert_eq!(lines[0]["method"], "/proto.Stream/Conversations");
    assert_eq!(lines[0]["kind"], "bidirectional");
    assert!(lines[1]["file"].is_string(), "{:?}", lines[1]);
    let records: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line.get("direction").is_some())
        .collect();
    let directions: Vec<&str> = records
        .iter()
        .map(|r| r["direction"].as_str().unwrap())
        .collect();
    // The headers come before the first answer (whether before or after the first question is
    // the server's to choose), the trailers right before the status.
    let headers = directions.iter().position(|&d| d == "headers").unwrap();
    let first_answer = directions.iter().position(|&d| d == "answer").unwrap();
    assert!(headers < first_answer, "{directions:?}");
    assert_eq!(directions[directions.len() - 2..], ["trailers", "status"]);
    let shape: Vec<_> = records
        .iter()
        .filter(|r| {
            let direction = r["direction"].as_str();
            !matches!(direction, Some("headers" | "trailers" | "half-close"))
        })
        .map(|r| {
            (
                r["direction"].as_str().unwrap(),
                r["text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let (a, b) = (echo(1, "a"), echo(2, "b"));
    assert_eq!(
        shape,
        [
            ("question", "a"),
            ("answer", &a[..]),
            ("question", "b"),
            ("answer", &b[..]),
            ("status", "")
        ]
    );
    // In lockstep the questions end once the last is sent, before or after its answer.
    let half_close = directions.iter().position(|&d| d == "half-close").unwrap();
    let last_question = directions.iter().rposition(|&d| d == "question").unwrap();
    assert!(half_close > last_question, "{directions:?}");
    // Each message with its bytes, and as JSON.
    assert_eq!(records[0]["bytes"], "CgFh");
    assert_eq!(records[0]["json"]["question"], "a");
    assert_eq!(records.last().unwrap()["code"], "OK");
    let times: Vec<f64> = records.iter().map(|r| r["ms"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
}
