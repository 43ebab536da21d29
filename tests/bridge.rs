//! `serve --proto FILE --method METHOD -- COMMAND`: every kind of method of the test service
//! (tests/interop/proto/kinds.proto) answered by one shell script, called with ask. The interop
//! suite calls the same server from grpcio, grpc-go and grpcurl.

mod common;

use common::*;

/// One script behind every method, as GRPC_CONVO_METHOD says.
const SCRIPT: &str = r#"case "$GRPC_CONVO_METHOD" in
  kinds.Kinds/Chat) n=0; while IFS= read -r line; do n=$((n + 1)); echo "chat $n: $line"; done ;;
  kinds.Kinds/Feed) IFS= read -r line; for n in 1 2 3; do echo "feed $n: $line"; done ;;
  kinds.Kinds/Collect) paste -sd, - ;;
  kinds.Kinds/Echo) IFS= read -r line; case "$line" in
      none) ;;
      two) echo one; echo two ;;
      fail) echo "cannot echo that" >&2; exit 3 ;;
      *) echo "$line" ;;
    esac ;;
  kinds.Kinds/Pick) cat ;;
  *) echo "unknown method $GRPC_CONVO_METHOD" >&2; exit 9 ;;
esac"#;

/// serve with the methods named bridged to the script, and `extra` flags.
fn bridged(methods: &[&str], extra: &[&str]) -> Serve {
    let proto = kinds_proto();
    let mut args = vec!["--proto", proto.as_str()];
    for method in methods {
        args.extend(["--method", method]);
    }
    args.extend(extra);
    args.extend(["--", "sh", "-c", SCRIPT]);
    Serve::start(&args)
}

const ALL: [&str; 4] = [
    "kinds.Kinds/Chat",
    "kinds.Kinds/Feed",
    "kinds.Kinds/Collect",
    "kinds.Kinds.Echo",
];

#[test]
fn every_kind_of_method_is_answered_by_its_process() {
    let server = bridged(&ALL, &[]);
    let call = |method: &str, stdin: &[u8], extra: &[&str]| {
        let mut args = vec!["--method", method, "--answer-field", "said"];
        args.extend(extra);
        let output = ask(&server.addr, &args, stdin);
        assert!(
            output.status.success(),
            "{method}: {}",
            stderr_text(&output)
        );
        stdout_lines(&output)
    };
    assert_eq!(
        call("kinds.Kinds/Chat", b"a\nb\n", &[]),
        ["chat 1: a", "chat 2: b"]
    );
    assert_eq!(
        call("kinds.Kinds/Feed", b"x\ny\n", &[]),
        [
            "feed 1: x",
            "feed 2: x",
            "feed 3: x",
            "feed 1: y",
            "feed 2: y",
            "feed 3: y"
        ]
    );
    assert_eq!(call("kinds.Kinds/Collect", b"p\nq\nr\n", &[]), ["p,q,r"]);
    let lines: Vec<String> = (1..=20).map(|n| n.to_string()).collect();
    let input = lines.join("\n") + "\n";
    assert_eq!(
        call("kinds.Kinds/Echo", input.as_bytes(), &["--parallel", "4"]),
        lines
    );
}

#[test]
fn a_one_answer_method_needs_exactly_one_line_and_a_clean_exit() {
    let server = bridged(&ALL, &[]);
    let echo = |line: &str| ask(&server.addr, &["--method", "kinds.Kinds/Echo", line], b"");
    for (line, lines) in [("none", 0), ("two", 2)] {
        let output = echo(line);
        assert_eq!(output.status.code(), Some(64 + 13), "{line}");
        assert_eq!(
            stderr_text(&output),
            format!(
                "grpc-convo: INTERNAL: the command wrote {lines} lines; kinds.Kinds/Echo (unary) \
                 answers with exactly one\n"
            )
        );
    }
    let output = echo("fail");
    assert_eq!(output.status.code(), Some(64 + 2));
    assert!(stderr_text(&output).contains("exited with status 3: cannot echo that"));
}

#[test]
fn methods_not_bridged_are_unimplemented_and_health_and_reflection_see_the_service() {
    let server = bridged(&["kinds.Kinds/Chat"], &[]);
    let output = ask(
        &server.addr,
        &["--method", "kinds.Kinds/Pick", "--field", "left", "x"],
        b"",
    );
    assert_eq!(
        output.status.code(),
        Some(64 + 12),
        "{}",
        stderr_text(&output)
    );
    assert!(
        stderr_text(&output).contains(
            "UNIMPLEMENTED: kinds.Kinds/Pick is not served here; served: kinds.Kinds/Chat"
        ),
        "{}",
        stderr_text(&output)
    );
    let health = [
        "--method",
        "grpc.health.v1.Health/Check",
        "--answer-field",
        "status",
    ];
    let output = ask(&server.addr, &health, b"kinds.Kinds\n\n");
    assert_eq!(stdout_lines(&output), ["SERVING", "SERVING"]);
    // The tutorial's service is not served beside the bridged ones.
    let output = ask(&server.addr, &["q"], b"");
    assert_eq!(output.status.code(), Some(64 + 12));
    let listed = bin()
        .args(["list", "--addr", &server.addr])
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("kinds.Kinds\n") && !listed.contains("proto.Stream"),
        "{listed}"
    );
}

#[test]
fn fields_and_fixed_values_can_be_chosen_per_method() {
    let extra = [
        "--field",
        "Pick:right",
        "--answer-field",
        "Pick:left",
        "--set",
        "Pick:n=7",
        "--set",
        "Echo:mood=SAD",
    ];
    let server = bridged(&["kinds.Kinds/Pick", "kinds.Kinds/Echo"], &extra);
    let output = ask(
        &server.addr,
        &[
            "--method",
            "kinds.Kinds/Pick",
            "--field",
            "right",
            "-o",
            "json",
            "there",
        ],
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        [r#"{"left":"there","n":7}"#],
        "{}",
        stderr_text(&output)
    );
    let output = ask(
        &server.addr,
        &[
            "--method",
            "kinds.Kinds/Echo",
            "--answer-field",
            "mood",
            "x",
        ],
        b"",
    );
    assert_eq!(stdout_lines(&output), ["SAD"]);
}

#[test]
fn the_process_can_read_and_write_whole_messages_in_json() {
    let server = bridged(&["kinds.Kinds/Pick"], &["--process-format", "json"]);
    let args = [
        "--method",
        "kinds.Kinds/Pick",
        "--input",
        "json",
        "-o",
        "json",
    ];
    let output = ask(&server.addr, &args, b"{\"right\":\"r\",\"n\":2}\n");
    assert_eq!(
        stdout_lines(&output),
        [r#"{"right":"r","n":2}"#],
        "{}",
        stderr_text(&output)
    );
    let output = ask(&server.addr, &args, b"{\"left\":\"not json back\"}\n");
    assert!(output.status.success());

    let echo = bridged(&["kinds.Kinds/Echo"], &["--process-format", "json"]);
    // The script echoes the request's JSON; a Talk is no Reply, so the line does not parse.
    let output = ask(&echo.addr, &["--method", "kinds.Kinds/Echo", "plain"], b"");
    assert_eq!(
        output.status.code(),
        Some(64 + 13),
        "{}",
        stderr_text(&output)
    );
    assert!(
        stderr_text(&output).contains("the command wrote a line that is not a"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn what_cannot_be_served_is_refused_before_anything_listens() {
    let proto = kinds_proto();
    let serve = |method| ["--proto", &proto, "--method", method, "--", "cat"];
    let (pick, count) = (serve("kinds.Kinds/Pick"), serve("kinds.Kinds/Count"));
    let cases: [(&[&str], &str); 7] = [
        // What clap says (and --help shows): the files, the methods and a COMMAND go together.
        (
            &["--proto", &proto, "--", "cat"],
            "not provided:\n  --method <METHOD>",
        ),
        (
            &["--method", "kinds.Kinds/Chat", "--", "cat"],
            "not provided:\n  <--proto <FILE>|--protoset <FILE>>",
        ),
        (
            &["--proto", &proto, "--method", "kinds.Kinds/Chat"],
            "not provided:\n  <COMMAND>...",
        ),
        (&serve("kinds.Kinds/Nope"), "kinds.Kinds/Nope"),
        (&["--field", "x", "--", "cat"], "--method <METHOD>"),
        // serve's complaints name serve's flags, not ask's.
        (
            &pick,
            "several string fields (left, right): choose the one the process reads as a line \
             with --field",
        ),
        (
            &count,
            "name one inside it with --field (its fields: n (int32)), or pass whole messages in \
             JSON with --process-format json",
        ),
    ];
    for (args, why) in cases {
        let output = bin()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        let stderr = stderr_text(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(why) && !stderr.contains("listening") && !stderr.contains("--input"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn the_readme_calculator_answers_from_its_script() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let proto = format!("{dir}/examples/calc.proto");
    let script = format!("{dir}/examples/calc.sh");
    let server = Serve::start(&[
        "--proto",
        &proto,
        "--method",
        "calc.Calc/Eval",
        "--method",
        "calc.Calc/Session",
        "--",
        &script,
    ]);
    let output = ask(
        &server.addr,
        &["--method", "calc.Calc/Eval", "6*7", "2+2"],
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        ["42", "4"],
        "{}",
        stderr_text(&output)
    );
    let output = ask(
        &server.addr,
        &["--method", "calc.Calc/Session"],
        b"1+1\n2*3\n",
    );
    assert_eq!(
        stdout_lines(&output),
        ["2", "6"],
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn describe_takes_a_method_as_ask_names_it_and_keeps_the_comments() {
    let proto = format!("{}/examples/calc.proto", env!("CARGO_MANIFEST_DIR"));
    let server = Serve::start(&["--proto", &proto, "--method", "calc.Calc/Eval", "--", "cat"]);
    let method = "calc.Calc/Eval is a method:\n// One expression, one value. It changes nothing: Connect clients may \
                  call it with GET.\n\
                  rpc Eval ( .calc.Expr ) returns ( .calc.Value );\n\n\
                  calc.Expr is a message:\nmessage Expr {\n  string text = 1;\n}\n\n\
                  calc.Value is a message:\nmessage Value {\n  string result = 1;\n}\n";
    for from in [&["--addr", &server.addr][..], &["--proto", &proto]] {
        let output = run(&[&["describe"], from, &["calc.Calc/Eval"]].concat());
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            method,
            "{from:?}: {}",
            stderr_text(&output)
        );
        let output = run(&[&["describe"], from, &["calc.Calc"]].concat());
        let service = String::from_utf8_lossy(&output.stdout);
        assert!(
            service
                .contains("  // A session: each expression answered as it comes.\n  rpc Session"),
            "{from:?}: {service}"
        );
    }
}

#[test]
fn a_bridged_method_is_behind_the_token_like_the_tutorials() {
    let token =
        std::env::temp_dir().join(format!("grpc-convo-bridge-token-{}", std::process::id()));
    std::fs::write(&token, "s3cret\n").unwrap();
    let token = token.to_str().unwrap().to_owned();
    let server = bridged(&["kinds.Kinds/Chat"], &["--token-file", &token]);
    let chat = [
        "--method",
        "kinds.Kinds/Chat",
        "--proto",
        &kinds_proto(),
        "--answer-field",
        "said",
        "hi",
    ];
    let output = ask(&server.addr, &chat, b"");
    assert_eq!(
        output.status.code(),
        Some(64 + 16),
        "{}",
        stderr_text(&output)
    );
    let output = ask(
        &server.addr,
        &[&chat[..], &["--token-file", &token]].concat(),
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        ["chat 1: hi"],
        "{}",
        stderr_text(&output)
    );
    std::fs::remove_file(&token).unwrap();
}

#[test]
fn bridged_methods_take_compressed_questions_and_can_compress_answers() {
    for extra in [&[][..], &["--compress-answers"][..]] {
        let server = bridged(&ALL, extra);
        for encoding in ["gzip", "zstd"] {
            for (method, stdin, want) in [
                (
                    "kinds.Kinds/Chat",
                    &b"a\nb\n"[..],
                    &["chat 1: a", "chat 2: b"][..],
                ),
                ("kinds.Kinds/Collect", b"p\nq\n", &["p,q"]),
                ("kinds.Kinds/Echo", b"e\n", &["e"]),
            ] {
                let output = ask(
                    &server.addr,
                    &[
                        "--method",
                        method,
                        "--answer-field",
                        "said",
                        "--compress",
                        encoding,
                    ],
                    stdin,
                );
                assert!(
                    output.status.success(),
                    "{method} {encoding} {extra:?}: {output:?}"
                );
                assert_eq!(stdout_lines(&output), want, "{method} {encoding} {extra:?}");
            }
        }
    }
}
