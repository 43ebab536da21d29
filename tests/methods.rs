//! ask, list and describe for methods other than the tutorial's, against serve's own health and
//! reflection services (reflection v1), and from .proto and protoset files. The interop suite
//! adds servers that are not grpc-convo (grpcio, v1alpha only) and every kind of method.

mod common;

use std::path::PathBuf;

use common::*;

const CHECK: &str = "grpc.health.v1.Health/Check";
const WATCH: &str = "grpc.health.v1.Health.Watch";

#[test]
fn a_unary_method_found_by_reflection_answers_each_line_in_order() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &["--method", CHECK], b"\nproto.Stream\n");
    assert!(output.status.success(), "{}", stderr_text(&output));
    // No string field in the response: each answer is the whole response in JSON.
    assert_eq!(stdout_lines(&output), [r#"{"status":"SERVING"}"#; 2]);

    let output = ask(
        &server.addr,
        &[
            "--method",
            CHECK,
            "--answer-field",
            "status",
            "",
            "nope",
            "proto.Stream",
        ],
        b"",
    );
    // The second call fails: the answer before it is printed, then its status, exit 64 + 5.
    assert_eq!(stdout_lines(&output), ["SERVING"]);
    assert_eq!(output.status.code(), Some(69));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: NOT_FOUND: service not registered\n"
    );
}

#[test]
fn a_coprocess_gets_each_answer_of_a_unary_method_before_it_asks_again() {
    let server = Serve::start(&[]);
    let mut coprocess = Coprocess::start(
        &server.addr,
        &["--method", CHECK, "--answer-field", "status"],
    );
    for service in ["", "proto.Stream", ""] {
        coprocess.send(service);
        assert_eq!(coprocess.read_line().unwrap(), "SERVING");
    }
    drop(coprocess.stdin.take());
    let (status, stderr) = coprocess.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn a_server_streaming_method_prints_answers_as_they_come_and_stops_when_told() {
    let server = Serve::start(&[]);
    let args = [
        "--method",
        WATCH,
        "--answer-field",
        "status",
        "--max-answers",
        "1",
        "",
    ];
    let output = ask(&server.addr, &args, b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(stdout_lines(&output), ["SERVING"]);
}

#[test]
fn json_output_writes_every_field_and_can_keep_proto_names() {
    let server = Serve::start(&[]);
    let output = ask(&server.addr, &["-o", "json", "hi"], b"");
    assert_eq!(
        stdout_lines(&output),
        [format!(r#"{{"answer":"{}"}}"#, echo(1, "hi"))]
    );
    let args = ["--method", CHECK, "-o", "json", "--proto-names", "x"];
    let output = ask(&server.addr, &args, b"");
    assert_eq!(output.status.code(), Some(69));
    let args = [
        "--method",
        CHECK,
        "-o",
        "json",
        "--answer-field",
        "status",
        "x",
    ];
    assert_eq!(ask(&server.addr, &args, b"").status.code(), Some(2));
}

#[test]
fn flags_that_need_a_bidirectional_method_are_refused_for_the_others() {
    let server = Serve::start(&[]);
    for flag in ["--lockstep", "--keep-open"] {
        let output = ask(&server.addr, &["--method", CHECK, flag, "x"], b"");
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            stderr_text(&output),
            format!("grpc-convo: {flag} is for bidirectional methods; {CHECK} is unary\n")
        );
    }
}

#[test]
fn a_missing_method_or_service_is_named_with_the_services_there_are() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &["--method", "grpc.health.v1.Health/Nope", "x"],
        b"",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_text(&output).contains("no method grpc.health.v1.Health/Nope"));
    let output = ask(&server.addr, &["--method", "no.Such/Thing", "x"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("the server has no no.Such; its services are: "),
        "{}",
        stderr_text(&output)
    );
    assert!(stderr_text(&output).contains("proto.Stream"));
}

#[test]
fn a_server_without_reflection_is_named_with_the_way_out() {
    let server = Serve::start(&["--no-reflection"]);
    let output = ask(&server.addr, &["--method", CHECK, "x"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_text(&output),
        "grpc-convo: the server has no reflection service (v1 or v1alpha): give its types with \
         --proto or --protoset\n"
    );
    // The tutorial's method needs no reflection.
    let output = ask(&server.addr, &["hi"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "hi")]);
}

#[test]
fn list_and_describe_ask_the_server_by_reflection() {
    let server = Serve::start(&[]);
    let output = run(&["list", "--addr", &server.addr]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    let services = stdout_lines(&output);
    assert!(
        services.contains(&"proto.Stream".to_owned()),
        "{services:?}"
    );
    assert!(services.is_sorted());
    let output = run(&["list", "--addr", &server.addr, "proto.Stream"]);
    assert_eq!(stdout_lines(&output), ["proto.Stream.Conversations"]);
    let output = run(&["describe", "--addr", &server.addr, "proto.StreamResponse"]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "proto.StreamResponse is a message:\nmessage StreamResponse {\n  string answer = 1;\n}\n"
    );
}

#[test]
fn list_and_describe_read_files_and_connect_to_nothing() {
    // An address nothing listens on: a connection attempt would fail.
    let nowhere = unused_addr();
    let from_files = |command: &str, symbol: Option<&str>| {
        let proto = kinds_proto();
        let mut args = vec![command, "--addr", &nowhere, "--proto", &proto];
        args.extend(symbol);
        let output = run(&args);
        assert!(output.status.success(), "{}", stderr_text(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(from_files("list", None), "kinds.Kinds\n");
    let methods = from_files("list", Some("kinds.Kinds"));
    assert!(
        methods.starts_with("kinds.Kinds.Chat\nkinds.Kinds.Feed\n"),
        "{methods}"
    );
    let choice = from_files("describe", Some("kinds.Choice"));
    let oneof = "  oneof pick {\n    string left = 1;\n    string right = 2;\n  }\n";
    assert!(choice.contains(oneof), "{choice}");
    assert_eq!(
        from_files("describe", Some("kinds.Kinds.Feed")),
        "kinds.Kinds.Feed is a method:\n// Three replies, \"feed 1: TEXT\" to \"feed 3: TEXT\".\n\
         rpc Feed ( .kinds.Talk ) returns ( stream .kinds.Reply );\n\n\
         kinds.Talk is a message:\nmessage Talk {\n  string text = 1;\n  .kinds.common.Meta meta = 2;\n  \
         .kinds.common.Mood mood = 3;\n  repeated string tags = 4;\n  bytes blob = 5;\n  int64 big = 6;\n}\n\n\
         kinds.Reply is a message:\nmessage Reply {\n  string said = 1;\n  .kinds.common.Mood mood = 2;\n  \
         .kinds.common.Meta meta = 3;\n  repeated string tags = 4;\n  int64 big = 5;\n}\n"
    );
}

#[test]
fn a_protoset_or_a_proto_file_gives_the_types_without_reflection() {
    let server = Serve::start(&["--no-reflection"]);
    let dir = std::env::temp_dir().join(format!("grpc-convo-protoset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let health = dir.join("health.proto");
    std::fs::write(
        &health,
        "syntax = \"proto3\";\npackage grpc.health.v1;\nmessage HealthCheckRequest { string \
         service = 1; }\nmessage HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING \
         = 1; NOT_SERVING = 2; } ServingStatus status = 1; }\nservice Health { rpc \
         Check(HealthCheckRequest) returns (HealthCheckResponse); }\n",
    )
    .unwrap();
    let set = protox::compile([&health], [&dir]).unwrap();
    let protoset: PathBuf = dir.join("health.protoset");
    std::fs::write(&protoset, prost::Message::encode_to_vec(&set)).unwrap();
    for source in [
        ["--proto", health.to_str().unwrap()],
        ["--protoset", protoset.to_str().unwrap()],
    ] {
        let mut args = vec!["--method", CHECK, "--answer-field", "status"];
        args.extend(source);
        args.push("proto.Stream");
        let output = ask(&server.addr, &args, b"");
        assert_eq!(
            stdout_lines(&output),
            ["SERVING"],
            "{source:?}: {}",
            stderr_text(&output)
        );
    }
    let output = ask(
        &server.addr,
        &[
            "--method",
            CHECK,
            "--protoset",
            health.to_str().unwrap(),
            "x",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "a .proto is not a protoset");
    assert!(stderr_text(&output).contains("not a FileDescriptorSet"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_users_file_that_defines_the_tutorial_service_shadows_the_built_in_one() {
    let server = Serve::start(&[]);
    let dir = std::env::temp_dir().join(format!("grpc-convo-shadow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let proto = dir.join("mine.proto");
    // Its own field names: the answer is read by the user's name for field 1.
    std::fs::write(
        &proto,
        "syntax = \"proto3\";\npackage proto;\nmessage StreamRequest { string ask = 1; }\nmessage \
         StreamResponse { string reply = 1; int32 extra = 2; }\nservice Stream { rpc \
         Conversations(stream StreamRequest) returns (stream StreamResponse); }\n",
    )
    .unwrap();
    let output = ask(
        &server.addr,
        &["--proto", proto.to_str().unwrap(), "-o", "json", "hi"],
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        [format!(r#"{{"reply":"{}","extra":0}}"#, echo(1, "hi"))],
        "{}",
        stderr_text(&output)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn timeout_bounds_the_whole_run_of_calls() {
    let server = Serve::start(&[]);
    let args = [
        "--method",
        CHECK,
        "--answer-field",
        "status",
        "--timeout",
        "300ms",
    ];
    let mut coprocess = Coprocess::start(&server.addr, &args);
    // A call, then input that stays open: only the run's deadline ends it. Whether the answer
    // beats the deadline depends on the machine's load; if it does, it is printed.
    coprocess.send("");
    let printed: Vec<String> = std::iter::from_fn(|| coprocess.read_line()).collect();
    assert!(printed.is_empty() || printed == ["SERVING"], "{printed:?}");
    let (status, stderr) = coprocess.finish();
    assert_eq!(status.code(), Some(68), "{stderr}");
    assert!(
        stderr.starts_with("grpc-convo: DEADLINE_EXCEEDED"),
        "{stderr}"
    );
}

#[test]
fn a_proto_error_says_where_what_and_how_to_fix_an_import() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-proto-errors-{}", std::process::id()));
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let typo = write(
        "typo.proto",
        "syntax = \"proto3\";\npackage p;\n\nmessage A {\n  strin question = 1;\n}\n",
    );
    let importer = write(
        "importer.proto",
        "syntax = \"proto3\";\npackage p;\nimport \"common.proto\";\nmessage B { p.C c = 1; }\n",
    );
    std::fs::write(
        lib.join("common.proto"),
        "syntax = \"proto3\";\npackage p;\nmessage C { int32 n = 1; }\n",
    )
    .unwrap();
    let one_line = |args: &[&str], fragments: &[String]| {
        let output = run(args);
        let stderr = stderr_text(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for fragment in fragments {
            assert!(
                stderr.contains(fragment.as_str()),
                "{fragment:?} not in {stderr}"
            );
        }
    };
    one_line(
        &["describe", "--proto", &typo, "p.A"],
        &[format!(
            "{typo}:5:3: name 'strin' is not defined (at 'strin')"
        )],
    );
    one_line(
        &["list", "--proto", &importer],
        &[
            format!("{importer}:3:1: {importer} imports 'common.proto', not found in"),
            "give the directory that holds it with -I DIR".into(),
        ],
    );
    let lib = lib.to_str().unwrap();
    let found = run(&["describe", "--proto", &importer, "-I", lib, "p.B"]);
    assert!(found.status.success(), "{}", stderr_text(&found));
    let _ = std::fs::remove_dir_all(dir);
}
