//! `grpc-convo ask`, run as a real process against real servers on port 0.

mod common;

use common::*;
use futures_util::{StreamExt, stream};
use grpc_convo::server::{AnswerStream, Conversation, QuestionStream, Responder};
use tonic::{Code, Status};

fn answers(questions: &[&str]) -> Vec<String> {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| echo(i + 1, q))
        .collect()
}

#[test]
fn arguments_are_the_questions() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &["one", "two words", ""], b"ignored\n");
    assert_eq!(stdout_lines(&output), answers(&["one", "two words", ""]));
    assert!(output.status.success(), "{}", stderr_text(&output));
}

#[test]
fn stdin_lines_keep_blanks_and_unicode_drop_crlf_and_count_a_last_unterminated_line() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &[],
        "crlf\r\n\nünïcødé ☃\n  spaced  \nlast".as_bytes(),
    );
    assert_eq!(
        stdout_lines(&output),
        answers(&["crlf", "", "ünïcødé ☃", "  spaced  ", "last"])
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
}

#[test]
fn empty_input_is_an_empty_conversation() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &[], b"");
    assert!(output.stdout.is_empty());
    assert!(output.status.success(), "{}", stderr_text(&output));
}

#[test]
fn a_hundred_thousand_lines_are_answered_in_order() {
    let server = Serve::start(&[]);
    let input: String = (1..=100_000).map(|n| format!("q{n}\n")).collect();
    let output = ask(&server.addr, &[], input.as_bytes());
    assert!(output.status.success(), "{}", stderr_text(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 100_000);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(*line, echo(i + 1, &format!("q{}", i + 1)));
    }
}

#[test]
fn a_coprocess_gets_each_answer_before_it_closes_stdin() {
    let server = Serve::start(&[]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    for (n, question) in ["first", "second", "third"].iter().enumerate() {
        coprocess.send(question);
        assert_eq!(
            coprocess.read_line().as_deref(),
            Some(echo(n + 1, question).as_str())
        );
    }
    drop(coprocess.stdin.take());
    assert_eq!(coprocess.read_line(), None);
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn an_unreachable_server_is_named_and_exits_78() {
    let addr = unused_addr();
    let output = ask(&addr, &["hello"], b"");
    assert_eq!(output.status.code(), Some(78));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with(&format!("grpc-convo: cannot reach {addr}: ")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// Answers like the echo server, then ends the conversation with `status` after `n` answers.
struct FailAfter {
    n: usize,
    code: Code,
}

impl Responder for FailAfter {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        let failure = Status::new(self.code, "gave up on purpose");
        questions
            .take(self.n)
            .enumerate()
            .map(|(i, question)| question.map(|q| echo(i + 1, &q)))
            .chain(stream::once(async move { Err(failure) }))
            .boxed()
    }
}

#[test]
fn answers_before_a_server_error_are_printed_then_the_error_with_64_plus_code() {
    let server = TestServer::start(FailAfter {
        n: 3,
        code: Code::ResourceExhausted,
    });
    // stdin stays open: ask must not wait for it once the server has ended the conversation.
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    for question in ["a", "b", "c", "d"] {
        coprocess.send(question);
    }
    for (n, question) in ["a", "b", "c"].iter().enumerate() {
        assert_eq!(
            coprocess.read_line().as_deref(),
            Some(echo(n + 1, question).as_str())
        );
    }
    assert_eq!(coprocess.read_line(), None);
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(64 + 8));
    assert_eq!(
        stderr,
        "grpc-convo: RESOURCE_EXHAUSTED: gave up on purpose\n"
    );
}

#[test]
fn invalid_utf8_names_its_line_after_the_earlier_answers_and_exits_3() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &[],
        b"fine\nalso fine\nbad\xc3\x28\nnever sent\n",
    );
    assert_eq!(stdout_lines(&output), answers(&["fine", "also fine"]));
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: line 3: not valid UTF-8 (byte 0xc3 at column 4)\n"
    );
}

#[test]
fn a_line_over_the_default_4_mib_limit_is_refused_by_line_number() {
    let server = Serve::start(&[]);
    let mut input = b"small\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 4 * 1024 * 1024 + 1));
    input.extend(b"\nafter\n");
    let output = ask(&server.addr, &[], &input);
    assert_eq!(stdout_lines(&output), answers(&["small"]));
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: line 2: question over the 4194304-byte message limit (--max-message-size)\n"
    );
}

/// Answers each question with its length, so that answers stay small whatever the question.
struct Lengths;

impl Responder for Lengths {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        questions.map(|q| q.map(|q| q.len().to_string())).boxed()
    }
}

#[test]
fn ask_sends_the_largest_question_its_limit_allows_and_refuses_one_byte_more() {
    let server = TestServer::start(Lengths);
    // 1 tag byte + 2 length bytes + 997 bytes = 1000.
    let input = format!("{}\n{}\n", "y".repeat(997), "y".repeat(998));
    let output = ask(
        &server.addr,
        &["--max-message-size", "1000"],
        input.as_bytes(),
    );
    assert_eq!(stdout_lines(&output), ["997"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: line 2: question over the 1000-byte message limit (--max-message-size)\n"
    );
}

#[test]
fn an_answer_over_the_ask_limit_ends_with_resource_exhausted() {
    let server = Serve::start(&[]);
    let question = "z".repeat(60);
    let output = ask(
        &server.addr,
        &["--max-message-size", "100", "short", &question],
        b"",
    );
    assert_eq!(stdout_lines(&output), answers(&["short"]));
    assert_eq!(output.status.code(), Some(64 + 8));
    let stderr = stderr_text(&output);
    assert!(
        stderr
            .starts_with("grpc-convo: RESOURCE_EXHAUSTED: answer over the 100-byte message limit"),
        "{stderr}"
    );
}

#[test]
fn a_question_over_the_server_limit_ends_that_conversation_with_resource_exhausted() {
    let server = Serve::start(&["--max-message-size", "1000"]);
    let output = ask(
        &server.addr,
        &[],
        format!("ok\n{}\n", "y".repeat(998)).as_bytes(),
    );
    assert_eq!(stdout_lines(&output), answers(&["ok"]));
    assert_eq!(output.status.code(), Some(64 + 8));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with(
            "grpc-convo: RESOURCE_EXHAUSTED: question over the 1000-byte message limit"
        ),
        "{stderr}"
    );
    // The server carries on with other conversations.
    let output = ask(&server.addr, &["still here"], b"");
    assert_eq!(stdout_lines(&output), answers(&["still here"]));
}

#[test]
fn a_closed_stdout_ends_quietly_with_0() {
    let server = Serve::start(&[]);
    let mut coprocess = Coprocess::start(&server.addr, &[]);
    let mut stdin = coprocess.stdin.take().unwrap();
    // An endless stream of questions, as `yes | grpc-convo ask | head -1` would send.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        while stdin.write_all(b"again and again\n").is_ok() {}
    });
    assert_eq!(
        coprocess.read_line().as_deref(),
        Some(echo(1, "again and again").as_str())
    );
    coprocess.close_stdout();
    let (status, stderr) = coprocess.finish();
    writer.join().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn a_reader_that_pauses_longer_than_the_keepalive_timeout_loses_nothing() {
    // The server pings every second and gives up on a peer that has not answered in a second.
    let server = Serve::start(&["--keepalive", "1s"]);
    let mut child = bin()
        .args(["ask", "--addr", &server.addr])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let questions: String = (1..=300_000).map(|n| format!("{n}\n")).collect();
        let _ = stdin.write_all(questions.as_bytes());
    });
    // The pause is the experiment: ask blocks writing to a full pipe for longer than the
    // server waits for a ping's answer.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let output = output_limited(child);
    writer.join().unwrap();
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output).len(), 300_000);
}

#[test]
fn timeout_ends_the_conversation_with_68() {
    let server = Serve::start(&[]);
    // A question, then silence with stdin open: only the deadline can end it. Whether its
    // answer beats the deadline depends on the machine's load; if it does, it is printed.
    let mut coprocess = Coprocess::start(&server.addr, &["--timeout", "300ms"]);
    coprocess.send("before the deadline");
    let printed: Vec<String> = std::iter::from_fn(|| coprocess.read_line()).collect();
    assert!(
        printed.is_empty() || printed == [echo(1, "before the deadline")],
        "{printed:?}"
    );
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(68), "{stderr}");
    assert!(
        stderr.starts_with("grpc-convo: DEADLINE_EXCEEDED"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_bad_flag_value_is_a_usage_error_naming_the_flag() {
    for (args, flag) in [
        (["--addr", "nowhere"], "--addr"),
        (["--timeout", "soon"], "--timeout"),
        (["--max-message-size", "0"], "--max-message-size"),
    ] {
        let output = bin().arg("ask").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = stderr_text(&output);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}

/// Answers each question like the echo server, and keeps the conversation open after the last,
/// as a watch or a chat does.
struct NeverEnds;

impl Responder for NeverEnds {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        questions
            .enumerate()
            .map(|(i, question)| question.map(|q| echo(i + 1, &q)))
            .chain(stream::pending())
            .boxed()
    }
}

/// Refused input against a server that keeps the call open: the answers before it, the
/// refusal naming the line, exit 3; never a silent hang.
#[test]
fn refused_input_ends_a_call_the_server_keeps_open() {
    let server = TestServer::start(NeverEnds);
    let output = ask(&server.addr, &[], b"a\nb\n\xff\nnever sent\n");
    assert_eq!(stdout_lines(&output), [echo(1, "a"), echo(2, "b")]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    let stderr = stderr_text(&output);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
