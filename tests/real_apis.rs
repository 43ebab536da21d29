//! Plain lines against an API shaped like a real key-value store's (examples/kv.proto, served by
//! `serve --proto` with examples/kv-store.sh behind it): several fields a line, bytes that are
//! not text, answers through repeated fields, NUL records, and the response metadata. The rules
//! one by one are unit-tested in src/mapping/tests.rs; the README's pipeline runs in tests/docs.rs.

mod common;

use std::process::{Command, Stdio};

use common::*;

/// A store in a fresh directory, Put and Range bridged, with `extra` flags for serve.
fn store(extra: &[&str]) -> (Serve, std::path::PathBuf) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("grpc-convo-kv-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let (proto, script) = (
        format!("{root}/examples/kv.proto"),
        format!("{root}/examples/kv-store.sh"),
    );
    let mut args = vec![
        "--proto",
        &proto,
        "--method",
        "store.KV/Put",
        "--method",
        "store.KV/Range",
        "--field",
        "Put:key",
        "--field",
        "Put:value",
        "--answer-field",
        "Put:header.revision",
        "--field",
        "Range:prefix",
        "--answer-field",
        "Range:header.revision",
        "--answer-field",
        "Range:kvs.key",
        "--answer-field",
        "Range:kvs.value",
    ];
    args.extend(extra);
    let dir_arg = dir.to_str().unwrap().to_owned();
    args.extend(["--", &script, &dir_arg]);
    (Serve::start(&args), dir)
}

const PUT: &[&str] = &[
    "--method",
    "store.KV/Put",
    "--field",
    "key",
    "--field",
    "value",
    "--answer-field",
    "header.revision",
];

fn range(value_field: &str) -> Vec<&str> {
    vec![
        "--method",
        "store.KV/Range",
        "--field",
        "prefix",
        "--answer-field",
        value_field,
    ]
}

#[test]
fn bytes_that_are_not_text_reach_the_server_and_come_back_exactly() {
    // The script stores text, so serve hands it the bytes in base64; ask sends and prints them
    // as they are.
    let (server, _dir) = store(&["--bytes", "base64"]);
    let output = ask(&server.addr, PUT, b"k\t\xff\x00\xfe\r\x01\n");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["1"]);
    let output = ask(&server.addr, &range("kvs.value"), b"k\n");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(output.stdout, b"\xff\x00\xfe\r\x01\n");
    // Both ways: the key is read in base64 too.
    let base64 = [&range("kvs.value")[..], &["--bytes", "base64"]].concat();
    let output = ask(&server.addr, &base64, b"aw==\n");
    assert_eq!(stdout_lines(&output), ["/wD+DQE="]);

    // Without base64, a process cannot be handed bytes that are not text: said plainly.
    let (server, _dir) = store(&[]);
    let output = ask(&server.addr, PUT, b"k\t\xff\n");
    assert_eq!(
        output.status.code(),
        Some(64 + 3),
        "{}",
        stderr_text(&output)
    );
    assert!(
        stderr_text(&output).contains("serve with --bytes base64"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_line_with_too_few_parts_is_bad_input_after_the_answers_before_it() {
    let (server, _dir) = store(&[]);
    let output = ask(&server.addr, PUT, b"a\t1\nb\t2\nc\n");
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["1", "2"]);
    assert_eq!(
        stderr_text(&output).trim(),
        "grpc-convo: line 3: 1 of 2 fields (key, value): they are separated by a tab (--separator)"
    );
}

#[test]
fn nul_records_carry_values_that_hold_newlines_and_the_tab_still_cuts_them() {
    let (server, _dir) = store(&["--bytes", "base64"]);
    let put = [PUT, &["-0"]].concat();
    let output = ask(&server.addr, &put, b"poem\troses\nare red\0");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(output.stdout, b"1\0");
    let fields = ["--answer-field", "kvs.key", "-0"];
    let output = ask(
        &server.addr,
        &[&range("kvs.value")[..], &fields].concat(),
        b"poem\0",
    );
    assert_eq!(output.stdout, b"roses\nare red\tpoem\0");
}

#[test]
fn serve_cuts_and_joins_its_process_lines_at_its_separator() {
    let proto = kinds_proto();
    let mapping = "--method kinds.Kinds/Echo --field text --field big --answer-field said \
                   --answer-field big";
    let mapping: Vec<&str> = mapping.split_whitespace().collect();
    let script =
        "read -r line; case $line in hello,5) echo 'hi there,6' ;; *) echo \"$line\" >&2 ;; esac";
    let serve = [
        &["--proto", &proto][..],
        &mapping,
        &["--separator", ",", "--", "sh", "-c", script],
    ];
    let server = Serve::start(&serve.concat());
    let output = ask(
        &server.addr,
        &[&["--proto", &proto][..], &mapping].concat(),
        b"hello\t5\n",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    // The process read the request's fields joined by a comma, and its line was cut at one.
    assert_eq!(stdout_lines(&output), ["hi there\t6"]);
}

#[test]
fn show_metadata_prints_headers_then_the_answers_then_the_trailers() {
    let server = Serve::start(&[]);
    let script = format!(
        "exec {} ask --addr {} --show-metadata --lockstep one two 2>&1",
        env!("CARGO_BIN_EXE_grpc-convo"),
        server.addr
    );
    let mut sh = Command::new("sh");
    sh.args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let output = output_limited(sh.spawn().unwrap());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|line| line.starts_with(needle))
            .unwrap()
    };
    assert!(
        at("Response headers received:") < at(&echo(1, "one")),
        "{text}"
    );
    assert!(
        at(&echo(2, "two")) < at("Response trailers received:"),
        "{text}"
    );
    assert_eq!(
        lines[at("Response headers received:") + 1],
        "content-type: application/grpc"
    );
}

/// The first hour's hang (issue 32): a watch stays open after its questions, so a line that is
/// refused must end the call, with the events before it printed.
#[test]
fn a_refused_line_ends_a_watch_with_the_events_before_it() {
    let (server, _dir) = store(&[
        "--method",
        "store.KV/Watch",
        "--field",
        "Watch:create_request.key",
        "--field",
        "Watch:create_request.start_revision",
        "--answer-field",
        "Watch:events.type",
        "--answer-field",
        "Watch:events.kv.key",
        "--answer-field",
        "Watch:events.kv.value",
    ]);
    assert!(
        ask(&server.addr, PUT, b"greeting\thello\n")
            .status
            .success()
    );
    let watch = [
        "--method",
        "store.KV/Watch",
        "--field",
        "create_request.key",
        "--field",
        "create_request.start_revision",
        "--answer-field",
        "events.kv.value",
    ];
    let output = ask(&server.addr, &watch, b"greeting\t1\ngreeting\tabc\n");
    assert_eq!(output.status.code(), Some(3), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["hello"]);
    assert!(
        stderr_text(&output).contains("line 2: --field create_request.start_revision: 'abc'"),
        "{}",
        stderr_text(&output)
    );
}
