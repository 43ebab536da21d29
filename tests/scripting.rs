//! `ask` for scripts and people: JSON and NUL framing, metadata, lockstep, stats and the
//! interactive prompt, each run through the real binary.

mod common;

use std::sync::{Mutex, mpsc};

use base64::Engine as _;
use common::*;
use futures_util::{FutureExt, StreamExt, stream};
use grpc_convo::server::{AnswerStream, Conversation, QuestionStream, Responder};
use tokio_stream::wrappers::UnboundedReceiverStream;

#[test]
fn json_output_parses_line_by_line_whatever_the_answers_hold() {
    let server = Serve::start(&[]);
    let questions = [
        "quote \" and backslash \\",
        "new\nline",
        "tab\there",
        "control \u{1} \u{1b}[31m \u{7f}",
        "ünïcødé ☃ 😀",
        "",
    ];
    let input: String = questions
        .iter()
        .map(|q| serde_json::json!({ "question": q }).to_string() + "\n")
        .collect();
    let output = ask(
        &server.addr,
        &["--input", "json", "-o", "json"],
        input.as_bytes(),
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), questions.len());
    for (n, (line, question)) in lines.iter().zip(questions).enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "answer": echo(n + 1, question) })
        );
    }
}

#[test]
fn json_output_reports_a_failed_status_as_json_on_stderr() {
    let output = ask(&unused_addr(), &["-o", "json", "q"], b"");
    assert_eq!(output.status.code(), Some(78));
    let status: serde_json::Value = serde_json::from_str(stderr_text(&output).trim()).unwrap();
    assert_eq!(status["code"], "UNAVAILABLE");
    assert_eq!(status["number"], 14);
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot reach 127.0.0.1:")
    );
}

#[test]
fn json_input_refuses_a_malformed_line_by_number_after_the_earlier_answers() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &["--input", "json"],
        b"{\"question\":\"fine\"}\n\n{\"question\": oops}\n{\"question\":\"never\"}\n",
    );
    assert_eq!(stdout_lines(&output), [echo(1, "fine")]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with("grpc-convo: line 3: not a proto.StreamRequest in JSON: "),
        "{stderr}"
    );
}

#[test]
fn null_framing_reads_nul_separated_questions_and_ends_answers_with_nul() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &["-0"], b"file one.txt\0two\nlines\0");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let want = format!("{}\0{}\0", echo(1, "file one.txt"), echo(2, "two\nlines"));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), want);
}

/// Answers each question with the request metadata it names: `name` → its values joined by
/// commas, `name-bin` → its values in base64.
struct MetadataEcho;

impl Responder for MetadataEcho {
    fn respond(&self, conversation: &Conversation, questions: QuestionStream) -> AnswerStream {
        let metadata = conversation.metadata.clone();
        questions
            .map(move |question| {
                let name = question?;
                let values: Vec<String> = if name.ends_with("-bin") {
                    metadata
                        .get_all_bin(name.as_str())
                        .iter()
                        .map(|v| {
                            base64::engine::general_purpose::STANDARD.encode(v.to_bytes().unwrap())
                        })
                        .collect()
                } else {
                    metadata
                        .get_all(name.as_str())
                        .iter()
                        .map(|v| v.to_str().unwrap().to_owned())
                        .collect()
                };
                Ok(values.join(","))
            })
            .boxed()
    }
}

#[test]
fn headers_reach_the_server_and_the_user_agent_names_grpc_convo() {
    let server = TestServer::start(MetadataEcho);
    let output = ask(
        &server.addr,
        &[
            "-H",
            "X-Team: blue",
            "--header",
            "x-team:green",
            "-H",
            "trace-bin: AAEC/w==",
            "x-team",
            "trace-bin",
            "user-agent",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines[..2], ["blue,green", "AAEC/w=="]);
    let version = concat!("grpc-convo/", env!("CARGO_PKG_VERSION"));
    assert!(lines[2].starts_with(version), "{}", lines[2]);
}

#[test]
fn a_malformed_header_is_a_usage_error_naming_it() {
    let output = bin()
        .args(["ask", "-H", "no-colon-here", "q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("'no-colon-here'") && stderr.contains("--header"),
        "{stderr}"
    );
}

/// Answers each question with whether the next question had already arrived when it was
/// answered: "ahead" means the client did not wait for the answer before sending more.
struct SeesAhead;

impl Responder for SeesAhead {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        stream::unfold((questions, None), |(mut questions, peeked)| async move {
            let question = match peeked {
                Some(question) => question,
                None => questions.next().await?,
            };
            let (ahead, peeked) = match questions.next().now_or_never() {
                Some(Some(next)) => ("ahead", Some(next)),
                Some(None) => ("alone", None),
                None => ("alone", None),
            };
            let answer = question.map(|q| format!("{q} {ahead}"));
            Some((answer, (questions, peeked)))
        })
        .boxed()
    }
}

#[test]
fn lockstep_sends_each_question_only_after_the_previous_answer() {
    let server = TestServer::start(SeesAhead);
    let questions = ["a", "b", "c", "d", "e"];
    let output = ask(
        &server.addr,
        &[&["--lockstep"], &questions[..]].concat(),
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let want: Vec<_> = questions.iter().map(|q| format!("{q} alone")).collect();
    assert_eq!(stdout_lines(&output), want);

    // Without it, the questions go out together and the server sees them ahead.
    let output = ask(&server.addr, &questions, b"");
    assert_eq!(stdout_lines(&output)[0], "a ahead");
}

#[test]
fn stats_summarise_the_conversation_on_stderr() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &["--stats"], b"1\n2\n3\n");
    assert_eq!(stdout_lines(&output).len(), 3);
    let stderr = stderr_text(&output);
    let line = stderr.trim_end();
    assert!(
        line.starts_with("3 questions sent, 3 answers received, ") && line.ends_with(" answers/s"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    let one = ask(&server.addr, &["--stats", "q"], b"");
    assert!(
        stderr_text(&one).starts_with("1 question sent, 1 answer received, "),
        "{}",
        stderr_text(&one)
    );
}

/// The test speaks for the server: questions are handed to the test, answers come from it.
struct Puppet {
    link: Mutex<
        Option<(
            mpsc::Sender<String>,
            tokio::sync::mpsc::UnboundedReceiver<String>,
        )>,
    >,
}

impl Responder for Puppet {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        let (heard, say) = self.link.lock().unwrap().take().expect("one conversation");
        let forwarded = questions.filter_map(move |question| {
            let outcome = match question {
                Ok(question) => {
                    let _ = heard.send(question);
                    None
                }
                Err(status) => Some(Err(status)),
            };
            std::future::ready(outcome)
        });
        stream::select(forwarded, UnboundedReceiverStream::new(say).map(Ok)).boxed()
    }
}

fn assert_exit(terminal: &rexpect::session::PtySession, code: i32) {
    match terminal.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, status) => assert_eq!(status, code),
        other => panic!("not an exit: {other:?}"),
    }
}

fn prompt_session(addr: &str) -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_grpc-convo"));
    command.args(["ask", "--addr", addr]).env_remove("RUST_LOG");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(LIMIT.as_millis() as u64))
        .strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(command, options).unwrap()
}

#[test]
fn at_a_terminal_answers_arrive_above_the_prompt_without_garbling_the_line_being_typed() {
    let (heard_tx, heard) = mpsc::channel();
    let (say, said) = tokio::sync::mpsc::unbounded_channel();
    let server = TestServer::start(Puppet {
        link: Mutex::new(Some((heard_tx, said))),
    });
    let mut terminal = prompt_session(&server.addr);
    terminal.exp_string("> ").unwrap();

    terminal.send_line("first question").unwrap();
    assert_eq!(heard.recv_timeout(LIMIT).unwrap(), "first question");

    terminal.send("half typ").unwrap();
    terminal.flush().unwrap();
    terminal.exp_string("half typ").unwrap();
    say.send("an answer that arrives mid-line".into()).unwrap();
    terminal
        .exp_string("an answer that arrives mid-line")
        .unwrap();
    // The prompt comes back with what was typed so far, and typing goes on from there.
    terminal.exp_string("> half typ").unwrap();
    terminal.send_line("ed").unwrap();
    assert_eq!(heard.recv_timeout(LIMIT).unwrap(), "half typed");

    // Ctrl-D half-closes; the conversation ends when the server ends it.
    terminal.send_control('d').unwrap();
    drop(say);
    terminal.exp_eof().unwrap();
    assert_exit(&terminal, 0);
}

#[test]
fn at_a_terminal_ctrl_c_ends_ask_by_sigint() {
    let server = Serve::start(&[]);
    let mut terminal = prompt_session(&server.addr);
    terminal.exp_string("> ").unwrap();
    terminal.send_line("hello").unwrap();
    terminal.exp_string(&echo(1, "hello")).unwrap();
    terminal.send("abandoned").unwrap();
    terminal.send_control('c').unwrap();
    terminal.exp_eof().unwrap();
    // Killed by SIGINT (130 in a shell), as if the key had been a signal.
    match terminal.process().wait().unwrap() {
        rexpect::process::WaitStatus::Signaled(_, signal, _) => {
            assert_eq!(signal, rexpect::process::Signal::SIGINT)
        }
        other => panic!("not killed by SIGINT: {other:?}"),
    }
}
