//! A gRPC user's first hour, with grpcurl's habits (issue 32): a `--proto` found under `-I`, an
//! address where a name goes, `describe` of everything, a misspelt method, a request with no
//! string field, and the default method asked of a server that serves others. Each one ends in
//! a line that says what to do.

mod common;

use common::*;

fn kv_proto() -> String {
    format!("{}/examples/kv.proto", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_proto_is_found_under_an_import_path_as_protoc_finds_it() {
    let vendor = std::env::temp_dir().join(format!("grpc-convo-vendor-{}", std::process::id()));
    let dir = vendor.join("go.example/api");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(kv_proto(), dir.join("kv.proto")).unwrap();
    let vendor_arg = vendor.to_str().unwrap();
    let nowhere = unused_addr();
    let args = ["describe", "--addr", &nowhere, "-I", vendor_arg, "--proto"];
    let found = run(&[&args[..], &["go.example/api/kv.proto", "store.KV"]].concat());
    assert!(found.status.success(), "{}", stderr_text(&found));
    assert!(stdout_lines(&found)[0].starts_with("store.KV is a service"));
    let missing = run(&[&args[..], &["go.example/api/nope.proto", "store.KV"]].concat());
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr_text(&missing).trim(),
        format!(
            "grpc-convo: --proto go.example/api/nope.proto: no such file, nor under -I {vendor_arg}"
        )
    );
    std::fs::remove_dir_all(&vendor).unwrap();
}

#[test]
fn an_address_where_a_name_goes_is_named_with_the_flag_that_takes_it() {
    for command in ["list", "describe"] {
        let output = run(&[command, "localhost:2379"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = stderr_text(&output);
        assert!(
            stderr.contains("give it with --addr localhost:2379"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("cannot reach"), "{command}: {stderr}");
    }
}

#[test]
fn describe_without_a_symbol_describes_every_service() {
    let server = Serve::start(&[]);
    let output = run(&["describe", "--addr", &server.addr]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    for service in ["grpc.health.v1.Health", "proto.Stream"] {
        assert!(text.contains(&format!("{service} is a service:")), "{text}");
    }
}

#[test]
fn a_misspelt_method_is_answered_with_that_services_methods() {
    let server = Serve::start(&[]);
    let output = ask(
        &server.addr,
        &["--method", "grpc.health.v1.Health/Chek", "x"],
        b"",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains(
            "no method grpc.health.v1.Health/Chek here; the methods of grpc.health.v1.Health \
             are: Check, Watch"
        ),
        "{}",
        stderr_text(&output)
    );
}

/// A request with no string field (etcd's Put: bytes key and value) lists what could be named.
#[test]
fn a_request_with_no_string_field_lists_its_fields() {
    let server = Serve::start(&[]);
    let proto = kv_proto();
    let output = ask(
        &server.addr,
        &["--proto", &proto, "--method", "store.KV/Put", "x"],
        b"",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("(its fields: key (bytes), value (bytes), lease (int64))"),
        "{}",
        stderr_text(&output)
    );
}

/// The tutorial's method asked of a server that serves others: UNIMPLEMENTED, and how to name one.
#[test]
fn the_default_method_asked_of_another_server_says_how_to_name_one() {
    let proto = kv_proto();
    let server = Serve::start(&[
        "--proto",
        &proto,
        "--method",
        "store.KV/Range",
        "--process-format",
        "json",
        "--",
        "cat",
    ]);
    let output = ask(&server.addr, &["hello"], b"");
    assert_eq!(output.status.code(), Some(64 + 12));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with("grpc-convo: UNIMPLEMENTED: "),
        "{stderr}"
    );
    assert!(stderr.contains("unless --method names another"), "{stderr}");
    assert!(stderr.contains("grpc-convo list"), "{stderr}");
}

/// A response with one string among other fields (etcd's LeaseGrant: ID, TTL and an `error`)
/// prints whole: its lone string would have been an empty line hiding the rest.
#[test]
fn a_response_that_is_more_than_one_string_prints_whole() {
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let args = [
        "--proto",
        &proto,
        "--method",
        "kinds.Kinds/Echo",
        "--set",
        "big=7",
    ];
    let output = ask(&kinds.addr, &args, b"\n");
    assert!(output.status.success(), "{}", stderr_text(&output));
    let printed: serde_json::Value = serde_json::from_str(&stdout_lines(&output)[0]).unwrap();
    assert_eq!(printed["big"], "7", "{printed}");
    let output = ask(
        &kinds.addr,
        &[&args[..], &["--answer-field", "said", "hi"]].concat(),
        b"",
    );
    assert_eq!(stdout_lines(&output), ["hi"]);
}
