//! Record, replay and check (docs/recordings.md), by running the real binary: calls recorded
//! through `proxy` and by `ask --transcript`, answered again by `serve --replay`, and checked
//! against live servers by `check`, for the tutorial's method and for unary and server-streaming
//! methods of a service with nested messages, enums and repeated fields.

mod common;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::Stdio,
};

use common::{KindsServer, Serve, ask, bin, echo, kinds_proto, stderr_text, stdout_lines};

fn proxy(upstream: &str, extra: &[&str]) -> Serve {
    let args = [
        &["proxy", "--listen", "127.0.0.1:0", "--upstream", upstream][..],
        extra,
    ]
    .concat();
    Serve::spawn(&args, "listening on ", "")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("grpc-convo-rec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn check(recordings: &Path, addr: &str, extra: &[&str]) -> std::process::Output {
    let mut command = bin();
    command
        .args(["check", arg(recordings), "--addr", addr])
        .args(extra);
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    common::output_limited(child)
}

/// A server that answers as serve does, except "b", answered otherwise.
fn changed_server() -> Serve {
    let script = r#"n=0; while read -r q; do n=$((n+1));
        if [ "$q" = b ]; then echo changed; else echo "from stream server answer: the $n question is $q"; fi
    done"#;
    Serve::start(&["--", "sh", "-c", script])
}

#[test]
fn a_conversation_through_the_proxy_is_recorded_replayed_and_checked() {
    let dir = scratch("tutorial");
    let server = Serve::start(&[]);
    let recorded = dir.join("calls");
    let front = proxy(
        &server.addr,
        &["--record", &format!("{}/", arg(&recorded)), "--no-print"],
    );
    let output = ask(&front.addr, &["--lockstep", "a", "b", "c"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let answers = stdout_lines(&output);
    assert_eq!(answers, [echo(1, "a"), echo(2, "b"), echo(3, "c")]);
    // The recording is written before the client has the status.
    let files: Vec<_> = std::fs::read_dir(&recorded).unwrap().collect();
    assert_eq!(files.len(), 1, "{files:?}");

    drop(front);
    drop(server);
    let mock = Serve::start(&["--replay", arg(&recorded)]);
    let replayed = ask(&mock.addr, &["--lockstep", "a", "b", "c"], b"");
    assert!(replayed.status.success(), "{}", stderr_text(&replayed));
    assert_eq!(stdout_lines(&replayed), answers);
    // Pipelined, the same questions get the same answers.
    let pipelined = ask(&mock.addr, &[], b"a\nb\nc\n");
    assert_eq!(stdout_lines(&pipelined), answers);
    // Another question is refused, naming the recording and the question.
    let other = ask(&mock.addr, &["--lockstep", "a", "x"], b"");
    assert_eq!(other.status.code(), Some(64 + 5), "{}", stderr_text(&other));
    let said = stderr_text(&other);
    assert!(said.contains("question 2 differs"), "{said}");
    assert!(said.contains(r#"{"question":"x"}"#), "{said}");
    assert!(
        said.contains("000001-proto.Stream.Conversations.jsonl:1"),
        "{said}"
    );

    let live = Serve::start(&[]);
    let checked = check(&recorded, &live.addr, &[]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}

#[test]
fn check_names_the_answer_that_differs_writes_junit_and_update_makes_it_pass() {
    let dir = scratch("check");
    let server = Serve::start(&[]);
    let transcript = dir.join("abc.jsonl");
    let output = ask(
        &server.addr,
        &[
            "--lockstep",
            "--transcript",
            arg(&transcript),
            "a",
            "b",
            "c",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));

    let changed = changed_server();
    let junit = dir.join("junit.xml");
    let checked = check(&transcript, &changed.addr, &["--junit", arg(&junit)]);
    assert_eq!(checked.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&checked.stdout).into_owned();
    assert!(printed.starts_with("FAIL "), "{printed}");
    assert!(
        printed.contains(r#"answer 2, after question 2 {"question":"b"}:"#),
        "{printed}"
    );
    assert!(
        printed.contains(r#"- {"answer":"from stream server answer: the 2 question is b"}"#),
        "{printed}"
    );
    assert!(printed.contains(r#"+ {"answer":"changed"}"#), "{printed}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 1, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(xml.contains("tests=\"1\" failures=\"1\""), "{xml}");

    let updated = check(&transcript, &changed.addr, &["--update"]);
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stdout)
    );
    let again = check(&transcript, &changed.addr, &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    // And the original server now differs.
    let original = check(&transcript, &server.addr, &[]);
    assert_eq!(original.status.code(), Some(1));
}

#[test]
fn unary_and_server_streaming_calls_of_a_typed_service_replay_as_recorded() {
    let dir = scratch("kinds");
    let kinds = KindsServer::start(&[]);
    let file = dir.join("calls.jsonl");
    let proto = kinds_proto();
    let front = proxy(
        &kinds.addr,
        &["--record", arg(&file), "--no-print", "--proto", &proto],
    );
    let calls: [&[&str]; 2] = [
        &[
            "--method",
            "kinds.Kinds/Echo",
            "--proto",
            &proto,
            "one",
            "two",
        ],
        &["--method", "kinds.Kinds/Feed", "--proto", &proto, "three"],
    ];
    let answered: Vec<Vec<String>> = (calls.iter())
        .map(|args| {
            let output = ask(&front.addr, args, b"");
            assert!(output.status.success(), "{}", stderr_text(&output));
            stdout_lines(&output)
        })
        .collect();
    drop(front);
    drop(kinds);
    let text = std::fs::read_to_string(&file).unwrap();
    // Three calls, each a recording with its kind and its types.
    let headers: Vec<serde_json::Value> = (text.lines())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|line| line.get("recording").is_some())
        .collect();
    let kinds_seen: Vec<&str> = headers
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds_seen, ["unary", "unary", "server-streaming"]);

    let mock = Serve::start(&["--replay", arg(&file)]);
    for (args, answers) in calls.iter().zip(&answered) {
        let output = ask(&mock.addr, args, b"");
        assert!(output.status.success(), "{}", stderr_text(&output));
        assert_eq!(&stdout_lines(&output), answers);
    }
    // Reflection describes the replayed API from the recorded types.
    let listed = common::run(&["list", "--addr", &mock.addr, "kinds.Kinds"]);
    let methods = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        methods.contains("kinds.Kinds.Echo") && methods.contains("kinds.Kinds.Feed"),
        "{methods}"
    );
}

/// A recording of `/proto.Stream/Conversations` with one question and `status`.
fn recording(question: &str, answer: &str, status: u8, message: &str) -> String {
    use base64::Engine as _;
    let encode = |text: &str| {
        let mut bytes = vec![0x0a, text.len() as u8];
        bytes.extend_from_slice(text.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let mut lines = vec![
        r#"{"recording":1,"method":"/proto.Stream/Conversations","metadata":{}}"#.to_owned(),
        format!(
            r#"{{"direction":"question","ms":1,"bytes":"{}"}}"#,
            encode(question)
        ),
    ];
    if !answer.is_empty() {
        lines.push(format!(
            r#"{{"direction":"answer","ms":2,"bytes":"{}"}}"#,
            encode(answer)
        ));
    }
    lines.push(format!(
        r#"{{"direction":"status","ms":3,"number":{status},"message":"{message}"}}"#
    ));
    lines.join("\n") + "\n"
}

#[test]
fn recordings_of_the_same_questions_answer_in_turn() {
    let dir = scratch("turns");
    let file = dir.join("retry.jsonl");
    let text = recording("q", "", 14, "try again") + &recording("q", "fine", 0, "");
    std::fs::write(&file, text).unwrap();
    let mock = Serve::start(&["--replay", arg(&file)]);
    let first = ask(&mock.addr, &["q"], b"");
    assert_eq!(
        first.status.code(),
        Some(64 + 14),
        "{}",
        stderr_text(&first)
    );
    assert!(stderr_text(&first).contains("try again"));
    let second = ask(&mock.addr, &["--output", "json", "q"], b"");
    assert!(second.status.success(), "{}", stderr_text(&second));
    assert_eq!(stdout_lines(&second), [r#"{"answer":"fine"}"#]);
}

#[test]
fn bad_recordings_are_refused_naming_the_file_and_line() {
    let dir = scratch("bad");
    let good = recording("q", "a", 0, "");
    let cases = [
        (
            "truncated.jsonl",
            good.lines().take(3).collect::<Vec<_>>().join("\n"),
            ":1: the call has no status line",
        ),
        (
            "version.jsonl",
            good.replacen("\"recording\":1", "\"recording\":7", 1),
            ":1: recording version 7",
        ),
        (
            "cut.jsonl",
            good.replacen("\"direction\":\"answer\"", "\"direction\":\"ans", 1),
            ":3: not a JSON line",
        ),
        (
            "base64.jsonl",
            good.replacen("\"bytes\":\"", "\"bytes\":\"!", 1),
            ":2: \"bytes\" is not base64",
        ),
        (
            "orphan.jsonl",
            good.lines().skip(1).collect::<Vec<_>>().join("\n"),
            ":1: not the first line of a recording",
        ),
    ];
    for (name, text, said) in cases {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let output = common::run(&["serve", "--addr", "127.0.0.1:0", "--replay", arg(&file)]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name}: {}",
            stderr_text(&output)
        );
        let error = stderr_text(&output);
        assert!(error.contains(&format!("{name}{said}")), "{name}: {error}");
    }
}

#[test]
fn bytes_that_are_not_the_recorded_type_are_refused() {
    let dir = scratch("types");
    let server = Serve::start(&[]);
    let transcript = dir.join("t.jsonl");
    let output = ask(&server.addr, &["--transcript", arg(&transcript), "a"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let text = std::fs::read_to_string(&transcript).unwrap();
    // A varint field 1 where a string is: not a StreamRequest.
    let broken = text.replacen("\"bytes\":\"CgFh\"", "\"bytes\":\"CP//\"", 1);
    let line = broken.lines().position(|l| l.contains("CP//")).unwrap() + 1;
    std::fs::write(&transcript, broken).unwrap();
    let output = common::run(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--replay",
        arg(&transcript),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr_text(&output);
    assert!(
        error.contains(&format!(
            "t.jsonl:{line}: the question bytes do not decode as proto.StreamRequest"
        )),
        "{error}"
    );
}

#[test]
fn the_proxy_passes_metadata_deadlines_compression_and_cancellation() {
    let server = Serve::start(&["--", "sh", "-c", "echo \"$GRPC_CONVO_META_X_ID\"; cat"]);
    let front = proxy(&server.addr, &[]);
    let output = ask(
        &front.addr,
        &["-H", "x-id: 42", "--compress", "gzip", "--lockstep", "hi"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["42", "hi"]);
    // The client's reset reaches the upstream as a cancel.
    let mut child = common::spawn_ask(&front.addr, &["--keep-open", "--lockstep", "one"]);
    server.wait_for_logs("conversation opened", 2);
    child.kill().unwrap();
    let _ = child.wait();
    let closed = server.wait_for_log("status=CANCELLED");
    assert!(closed.contains("conversation closed"), "{closed}");
    // A deadline the upstream never meets ends the call with DEADLINE_EXCEEDED.
    let slow = Serve::start(&["--", "sleep", "30"]);
    let slow_front = proxy(&slow.addr, &[]);
    let output = ask(
        &slow_front.addr,
        &["--timeout", "300ms", "--keep-open", "q"],
        b"",
    );
    assert_eq!(
        output.status.code(),
        Some(64 + 4),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn the_proxy_prints_each_message_decoded_even_compressed() {
    let server = Serve::start(&[]);
    let mut child = bin()
        .args([
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            &server.addr,
            "--print",
            "-o",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watchdog = common::Watchdog::arm(child.id());
    let mut errors = BufReader::new(child.stderr.take().unwrap()).lines();
    let listening = errors.next().unwrap().unwrap();
    let addr = listening.strip_prefix("listening on ").unwrap().to_owned();
    let output = ask(&addr, &["--compress", "gzip", "--lockstep", "hi"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let mut printed = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut lines = Vec::new();
    while let Some(Ok(line)) = printed.next() {
        let line: serde_json::Value = serde_json::from_str(&line).unwrap();
        let status = line["direction"] == "status";
        lines.push(line);
        if status {
            break;
        }
    }
    watchdog.disarm();
    let _ = child.kill();
    let _ = child.wait();
    let shown: Vec<(String, String)> = (lines.iter())
        .map(|l| {
            (
                l["direction"].as_str().unwrap().to_owned(),
                l["message"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("question".to_owned(), r#"{"question":"hi"}"#.to_owned()),
            (
                "answer".to_owned(),
                format!(r#"{{"answer":"{}"}}"#, echo(1, "hi"))
            ),
            (
                "status".to_owned(),
                r#"{"code":"OK","message":""}"#.to_owned()
            ),
        ]
    );
    assert!(
        lines.iter().all(|l| l["connection"] == 1 && l["call"] == 1),
        "{lines:?}"
    );
}

#[test]
fn match_ignore_leaves_a_field_out_of_the_match() {
    let dir = scratch("ignore");
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let transcript = dir.join("echo.jsonl");
    let echo = ["--method", "kinds.Kinds/Echo", "--proto", &proto];
    let args = [&echo[..], &["--transcript", arg(&transcript), "one"]].concat();
    let recorded = ask(&kinds.addr, &args, b"");
    assert!(recorded.status.success(), "{}", stderr_text(&recorded));
    let strict = Serve::start(&["--replay", arg(&transcript)]);
    let other = ask(&strict.addr, &[&echo[..], &["two"]].concat(), b"");
    assert_eq!(other.status.code(), Some(64 + 5), "{}", stderr_text(&other));
    let lenient = Serve::start(&["--replay", arg(&transcript), "--match-ignore", "text"]);
    let other = ask(&lenient.addr, &[&echo[..], &["two"]].concat(), b"");
    assert!(other.status.success(), "{}", stderr_text(&other));
    assert_eq!(stdout_lines(&other), stdout_lines(&recorded));
    // A field no recorded request has is refused before anything listens.
    let output = common::run(&[
        "serve",
        "--replay",
        arg(&transcript),
        "--match-ignore",
        "nope",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("--match-ignore nope: no recorded request has this field")
    );
}

#[test]
fn the_proxy_adds_its_token_and_passes_an_error_status_through() {
    let dir = scratch("token");
    let token = dir.join("token");
    std::fs::write(&token, "s3cret\n").unwrap();
    let guarded = Serve::start(&["--token-file", arg(&token)]);
    let front = proxy(&guarded.addr, &["--token-file", arg(&token)]);
    let output = ask(&front.addr, &["hi"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let bare = proxy(&guarded.addr, &[]);
    let output = ask(&bare.addr, &["hi"], b"");
    assert_eq!(
        output.status.code(),
        Some(64 + 16),
        "{}",
        stderr_text(&output)
    );
    let failing = Serve::start(&[
        "--",
        "sh",
        "-c",
        "read q; echo \"got $q\"; echo broken >&2; exit 3",
    ]);
    let front = proxy(&failing.addr, &[]);
    let output = ask(&front.addr, &["hi"], b"");
    assert_eq!(stdout_lines(&output), ["got hi"]);
    assert_eq!(
        output.status.code(),
        Some(64 + 2),
        "{}",
        stderr_text(&output)
    );
    assert!(
        stderr_text(&output).contains("broken"),
        "{}",
        stderr_text(&output)
    );
}
