//! A line fills a field of any scalar type, not only a string: numbers (int64 exact beyond
//! 2^53), bools, enums by name or number, bytes as the line's own bytes, and a repeated scalar
//! one element a line; a line that does not parse is bad input naming its line and the field.
//! Against the test service of tests/interop/proto/kinds.proto (examples/kinds_server).

mod common;

use common::*;

/// ask with the test service's .proto and `args`, written as one line of words.
fn ask_kinds(server: &KindsServer, args: &str, stdin: &[u8]) -> std::process::Output {
    let proto = kinds_proto();
    let mut all = vec!["--proto", proto.as_str()];
    all.extend(args.split(' '));
    ask(&server.addr, &all, stdin)
}

/// The answers of kinds.Kinds/Echo to `stdin`, each line filling `field`, printing `answer`.
fn echo_field(server: &KindsServer, field: &str, answer: &str, stdin: &[u8]) -> Vec<String> {
    let args = format!("--method kinds.Kinds/Echo --field {field} --answer-field {answer}");
    let output = ask_kinds(server, &args, stdin);
    assert!(output.status.success(), "{}", stderr_text(&output));
    stdout_lines(&output)
}

#[test]
fn numbers_enums_and_repeated_scalars_are_filled_from_lines() {
    let server = KindsServer::start(&[]);
    // 2^53 + 1: a double would round it.
    let big = echo_field(&server, "big", "big", b"9007199254740993\n-5\n");
    assert_eq!(big, ["9007199254740993", "-5"]);
    assert_eq!(
        echo_field(&server, "mood", "mood", b"SAD\n1\n"),
        ["SAD", "HAPPY"]
    );
    // A repeated field takes the line as one element, after those --set gave it.
    let tags = echo_field(&server, "tags --set tags=first", "tags", b"second\n");
    assert_eq!(tags, [r#"["first","second"]"#]);

    let output = ask_kinds(&server, "--method kinds.Kinds/Count --field n", b"41\n");
    assert_eq!(stdout_lines(&output), [r#"{"n":42}"#]);
}

#[test]
fn a_line_that_does_not_parse_is_bad_input_after_the_answers_before_it() {
    let server = KindsServer::start(&[]);
    let args = "--method kinds.Kinds/Echo --field big --answer-field big";
    let output = ask_kinds(&server, args, b"7\nseven\n8\n");
    assert_eq!(stdout_lines(&output), ["7"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: line 2: --field big: 'seven' is not a 64-bit integer\n"
    );
    let output = ask_kinds(
        &server,
        "--method kinds.Kinds/Echo --field mood",
        b"GRUMPY\n",
    );
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_text(&output)
            .contains("'GRUMPY' is not one of kinds.common.Mood (CALM, HAPPY, SAD)"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_message_field_is_refused_and_named() {
    let server = KindsServer::start(&[]);
    let output = ask_kinds(&server, "--method kinds.Kinds/Echo --field meta", b"x\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains(
            "--field meta: a line fills a field of a scalar type (a string, bytes, a number, a \
             bool or an enum), and this one is a message, kinds.common.Meta: name a field inside it"
        ),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_bytes_field_takes_the_lines_own_bytes_or_base64_when_asked() {
    // serve hands the request's bytes field to its process as it is, or in base64 with
    // --bytes base64, and cat sends it back as the answer.
    let proto = kinds_proto();
    let bridge = format!(
        "--proto {proto} --method kinds.Kinds/Echo --field blob --answer-field said -- cat"
    );
    let server = Serve::start(&bridge.split(' ').collect::<Vec<_>>());
    let asked = [
        "--method",
        "kinds.Kinds/Echo",
        "--field",
        "blob",
        "--answer-field",
        "said",
    ];
    let output = ask(&server.addr, &asked, "hello\nnaïve\n".as_bytes());
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["hello", "naïve"]);

    let bridge = format!("{bridge} --bytes base64").replace(" -- cat", "");
    let mut args: Vec<&str> = bridge.split(' ').collect();
    args.extend(["--", "cat"]);
    let server = Serve::start(&args);
    let output = ask(&server.addr, &asked, "hello\nnaïve\n".as_bytes());
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["aGVsbG8=", "bmHDr3Zl"]);
}

#[test]
fn serve_reads_and_writes_number_fields_as_lines_for_its_process() {
    let proto = kinds_proto();
    let count = "--method kinds.Kinds/Count --field n --answer-field n";
    let bridge = format!("--proto {proto} {count} --");
    let mut args: Vec<&str> = bridge.split(' ').collect();
    args.extend(["sh", "-c", "read -r n; echo $((n * 2))"]);
    let server = Serve::start(&args);
    let args: Vec<&str> = count.split(' ').collect();
    let output = ask(&server.addr, &args, b"21\n-4\n");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["42", "-8"]);
}
