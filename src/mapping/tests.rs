//! The mapping both ways, on a schema with every kind of field (kinds.proto) and one shaped
//! like a real key-value store's API (kv.proto).

use super::*;
use crate::schema::{Schema, SchemaFiles, Tutorial};
use prost_reflect::{ReflectMessage, Value};

fn message(name: &str) -> MessageDescriptor {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = SchemaFiles {
        protos: vec![
            root.join("tests/interop/proto/kinds.proto"),
            root.join("examples/kv.proto"),
        ],
        ..SchemaFiles::default()
    };
    let schema = Schema::from_files(&files, Tutorial::Apart).unwrap();
    schema.pool().get_message_by_name(name).unwrap()
}

fn with(fields: &[&str], set: &[&str]) -> MappingArgs {
    MappingArgs {
        fields: fields.iter().map(|s| s.to_string()).collect(),
        set: set.iter().map(|s| s.to_string()).collect(),
        ..MappingArgs::default()
    }
}

fn printing(fields: &[&str]) -> MappingArgs {
    MappingArgs {
        answer_fields: fields.iter().map(|s| s.to_string()).collect(),
        ..MappingArgs::default()
    }
}

/// The message a line makes, decoded back.
fn filled(args: &MappingArgs, name: &str, line: &[u8]) -> Result<DynamicMessage, String> {
    let message = message(name);
    let mapping = to_message(&message, args).map_err(|err| err.to_string())?;
    let (outgoing, size) = mapping.request(line, false)?;
    let mut bytes = Vec::new();
    mapping.encode(&outgoing, &mut bytes);
    assert_eq!(bytes.len(), size);
    Ok(DynamicMessage::decode(message, bytes.as_slice()).unwrap())
}

fn field(message: &DynamicMessage, path: &str) -> Value {
    let (first, rest) = path.split_once('.').unwrap_or((path, ""));
    let value = message.get_field_by_name(first).unwrap().into_owned();
    match (rest, value) {
        ("", value) => value,
        (rest, Value::Message(inner)) => field(&inner, rest),
        (_, other) => panic!("{path}: {other:?}"),
    }
}

fn bytes(text: &str) -> Value {
    Value::Bytes(text.as_bytes().to_vec().into())
}

#[test]
fn a_line_fills_the_only_string_field_or_the_named_one_after_the_fixed_ones() {
    let plain = filled(&MappingArgs::default(), "kinds.Talk", b"hello").unwrap();
    assert_eq!(field(&plain, "text"), Value::String("hello".into()));

    let set = [
        "mood=HAPPY",
        "tags=a",
        "tags=b",
        "blob=hi",
        "big=-5",
        "meta.level=2",
    ];
    let nested = filled(&with(&["meta.note"], &set), "kinds.Talk", b"deep").unwrap();
    assert_eq!(field(&nested, "meta.note"), Value::String("deep".into()));
    assert_eq!(field(&nested, "meta.level"), Value::I32(2));
    assert_eq!(field(&nested, "mood"), Value::EnumNumber(1));
    let tags = Value::List(vec![Value::String("a".into()), Value::String("b".into())]);
    assert_eq!(field(&nested, "tags"), tags);
    assert_eq!(field(&nested, "blob"), bytes("hi"));
    assert_eq!(field(&nested, "big"), Value::I64(-5));
    assert_eq!(nested.descriptor().full_name(), "kinds.Talk");
}

#[test]
fn parts_fill_the_fields_in_order_and_the_last_takes_the_rest() {
    let put = with(&["key", "value", "lease"], &[]);
    let got = filled(
        &put,
        "store.PutRequest",
        b"greeting\thello\t9007199254740993",
    )
    .unwrap();
    assert_eq!(field(&got, "key"), bytes("greeting"));
    assert_eq!(field(&got, "value"), bytes("hello"));
    // Beyond 2^53, where a float would round it.
    assert_eq!(field(&got, "lease"), Value::I64(9_007_199_254_740_993));

    let rest = filled(
        &with(&["key", "value"], &[]),
        "store.PutRequest",
        b"k\tv\twith\ttabs",
    );
    assert_eq!(field(&rest.unwrap(), "value"), bytes("v\twith\ttabs"));

    let colon = MappingArgs {
        separator: Separator::new("::").unwrap(),
        ..with(&["key", "value"], &[])
    };
    let got = filled(&colon, "store.PutRequest", b"a::b\tc").unwrap();
    assert_eq!(field(&got, "value"), bytes("b\tc"));

    let few = filled(&put, "store.PutRequest", b"only\tkey").unwrap_err();
    assert_eq!(
        few,
        "2 of 3 fields (key, value, lease): they are separated by a tab (--separator)"
    );
}

#[test]
fn bytes_are_the_lines_own_unless_base64_is_asked_for() {
    let raw = filled(
        &with(&["key", "value"], &[]),
        "store.PutRequest",
        b"\xff\x00k\t\xfe",
    );
    let raw = raw.unwrap();
    assert_eq!(field(&raw, "key"), Value::Bytes(vec![0xff, 0, b'k'].into()));
    assert_eq!(field(&raw, "value"), Value::Bytes(vec![0xfe].into()));

    let base64 = MappingArgs {
        bytes: BytesAs::Base64,
        ..with(&["key"], &["value=aGk="])
    };
    let got = filled(&base64, "store.PutRequest", b"Z3JlZXRpbmc=").unwrap();
    assert_eq!(field(&got, "key"), bytes("greeting"));
    assert_eq!(field(&got, "value"), bytes("hi"));
    let bad = filled(&base64, "store.PutRequest", b"not base64!").unwrap_err();
    assert!(
        bad.starts_with("--field key: 'not base64!' is not base64"),
        "{bad}"
    );
}

#[test]
fn a_string_part_must_be_utf8_and_the_column_counts_from_the_line_start() {
    let args = with(&["left", "n"], &[]);
    let err = filled(&args, "kinds.Choice", b"ok\xff\t3").unwrap_err();
    assert_eq!(err, "--field left: not valid UTF-8 (byte 0xff at column 3)");
    let args = with(&["n", "left"], &[]);
    let err = filled(&args, "kinds.Choice", b"3\tok\xff").unwrap_err();
    assert_eq!(err, "--field left: not valid UTF-8 (byte 0xff at column 5)");
    let err = filled(&args, "kinds.Choice", b"three\tok").unwrap_err();
    assert_eq!(err, "--field n: 'three' is not a 32-bit integer");
}

#[test]
fn a_path_into_a_oneof_member_selects_it_and_one_through_a_list_fills_one_element() {
    let watch = with(&["create_request.key"], &[]);
    let got = filled(&watch, "store.WatchRequest", b"greeting").unwrap();
    assert_eq!(field(&got, "create_request.key"), bytes("greeting"));

    let range = with(&["kvs.key", "kvs.value", "count"], &["header.revision=7"]);
    let got = filled(&range, "store.RangeResponse", b"k\tv\t1").unwrap();
    let Value::List(kvs) = field(&got, "kvs") else {
        panic!("kvs is a list");
    };
    assert_eq!(kvs.len(), 1, "both parts fill the one element");
    let kv = kvs[0].as_message().unwrap();
    assert_eq!(field(kv, "key"), bytes("k"));
    assert_eq!(field(kv, "value"), bytes("v"));
    assert_eq!(field(&got, "header.revision"), Value::I64(7));
}

#[test]
fn without_exactly_one_candidate_the_user_must_choose() {
    let several = to_message(&message("kinds.Choice"), &MappingArgs::default()).unwrap_err();
    let several = several.to_string();
    assert!(
        several.contains("several string fields (left, right)"),
        "{several}"
    );
    let none = to_message(&message("kinds.Numbers"), &MappingArgs::default()).unwrap_err();
    assert!(none.to_string().contains("no string field"), "{none}");
    assert!(to_message(&message("kinds.Choice"), &with(&["left"], &["n=3"])).is_ok());
}

#[test]
fn bad_paths_values_and_clashes_are_usage_errors_naming_them() {
    let cases = [
        (
            with(&["nope"], &[]),
            "--field nope: kinds.Talk has no field 'nope'",
        ),
        (
            with(&["meta"], &[]),
            "--field meta: a line fills a field of a scalar type",
        ),
        (
            with(&[], &["mood=GLAD"]),
            "'GLAD' is not one of kinds.common.Mood (CALM, HAPPY, SAD)",
        ),
        (
            with(&[], &["big=many"]),
            "--set big=many: 'many' is not a 64-bit integer",
        ),
        (
            with(&[], &["meta=x"]),
            "is a message: set the fields inside it",
        ),
        (
            with(&[], &["text=x"]),
            "--set text=x: each line fills text (--field text)",
        ),
        (
            with(&[], &["novalue"]),
            "--set novalue: expected PATH=VALUE",
        ),
        (
            with(&["text", "text"], &[]),
            "--field text: already filled by --field text",
        ),
    ];
    for (args, want) in cases {
        let err = to_message(&message("kinds.Talk"), &args)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn two_members_of_one_oneof_cannot_both_be_filled() {
    let rival = to_message(&message("kinds.Choice"), &with(&["left"], &["right=x"]));
    assert!(
        rival
            .unwrap_err()
            .to_string()
            .contains("a member of the same oneof")
    );
    let both = to_message(&message("kinds.Choice"), &with(&["left", "right"], &[]));
    assert!(
        both.unwrap_err()
            .to_string()
            .contains("a member of the same oneof")
    );
    let json = MappingArgs {
        json_in: true,
        ..with(&["text"], &[])
    };
    let err = to_message(&message("kinds.Talk"), &json).unwrap_err();
    assert!(err.to_string().contains("--field goes with text"));
}

/// The lines a response prints.
fn printed(args: &MappingArgs, response: &DynamicMessage) -> Result<Vec<String>, String> {
    let mapping = to_line(&response.descriptor(), args).map_err(|err| err.to_string())?;
    let lines = mapping.decode(&prost::Message::encode_to_vec(response))?;
    Ok(lines
        .iter()
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect())
}

fn from_json(name: &str, json: &str) -> DynamicMessage {
    let mut de = serde_json::Deserializer::from_str(json);
    DynamicMessage::deserialize(message(name), &mut de).unwrap()
}

fn reply() -> DynamicMessage {
    from_json(
        "kinds.Reply",
        r#"{"said":"hi","mood":"SAD","big":"-7","tags":["x"],"meta":{"note":"n"}}"#,
    )
}

#[test]
fn answers_print_a_lone_field_the_named_fields_or_json() {
    let answer = |args: MappingArgs| printed(&args, &reply()).unwrap().join("|");
    // One string among other fields would hide them: the whole message, unless fields are named.
    let whole: serde_json::Value = serde_json::from_str(&answer(MappingArgs::default())).unwrap();
    assert_eq!(whole["said"], "hi");
    assert_eq!(whole["big"], "-7");
    // So also a string beside a number (the tutorial's StreamResponse, its one field, prints as
    // text: every tutorial test).
    let meta = from_json("kinds.common.Meta", r#"{"note":"only","level":2}"#);
    let meta = printed(&MappingArgs::default(), &meta).unwrap().join("|");
    assert_eq!(meta, r#"{"note":"only","level":2}"#);
    assert_eq!(answer(printing(&["mood"])), "SAD");
    assert_eq!(answer(printing(&["big"])), "-7");
    assert_eq!(answer(printing(&["tags"])), r#"["x"]"#);
    assert_eq!(answer(printing(&["meta"])), r#"{"note":"n","level":0}"#);
    assert_eq!(answer(printing(&["meta.note", "said", "big"])), "n\thi\t-7");
    let all = answer(MappingArgs {
        json_out: true,
        ..MappingArgs::default()
    });
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    let want = serde_json::json!({"said": "hi", "mood": "SAD", "big": "-7", "tags": ["x"],
        "meta": {"note": "n", "level": 0}});
    assert_eq!(all, want);
}

fn range() -> DynamicMessage {
    from_json(
        "store.RangeResponse",
        r#"{"header":{"revision":"5"},"count":"2","kvs":[
            {"key":"azE=","value":"aGVsbG8=","modRevision":"3"},
            {"key":"azI=","value":"d29ybGQ=","modRevision":"4"}]}"#,
    )
}

#[test]
fn a_path_through_a_repeated_field_prints_a_line_per_element() {
    let answer = |fields: &[&str]| printed(&printing(fields), &range()).unwrap();
    assert_eq!(answer(&["kvs.value"]), ["hello", "world"]);
    assert_eq!(
        answer(&["kvs.key", "kvs.value"]),
        ["k1\thello", "k2\tworld"]
    );
    assert_eq!(answer(&["header.revision", "kvs.key"]), ["5\tk1", "5\tk2"]);
    assert_eq!(answer(&["count"]), ["2"]);
    let none = from_json("store.RangeResponse", r#"{"count":"0"}"#);
    assert!(printed(&printing(&["kvs.key"]), &none).unwrap().is_empty());

    let whole = answer(&["kvs"]).join("");
    let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(whole[1]["value"], "d29ybGQ=", "elements are JSON objects");
    let base64 = MappingArgs {
        bytes: BytesAs::Base64,
        ..printing(&["kvs.key"])
    };
    assert_eq!(printed(&base64, &range()).unwrap(), ["azE=", "azI="]);
}

#[test]
fn nested_repeated_fields_print_every_element_with_its_parents_values() {
    let watch = from_json(
        "store.WatchResponse",
        r#"{"watchId":"1","events":[
            {"type":"PUT","kv":{"key":"YQ==","value":"MQ=="}},
            {"type":"DELETE","kv":{"key":"Yg=="}}]}"#,
    );
    let fields = [
        "watch_id",
        "events.type",
        "events.kv.key",
        "events.kv.value",
    ];
    let lines = printed(&printing(&fields), &watch).unwrap();
    assert_eq!(lines, ["1\tPUT\ta\t1", "1\tDELETE\tb\t"]);
}

#[test]
fn paths_through_different_repeated_fields_cannot_print_together() {
    let whole = to_line(&message("kinds.Reply"), &printing(&["tags", "said"]));
    assert!(whole.is_ok(), "a whole repeated field crosses nothing");
    let err = to_line(
        &message("store.BatchResponse"),
        &printing(&["put.key", "deleted.key"]),
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "--answer-field deleted.key: it crosses other repeated fields than --answer-field \
         put.key does: fields printed together are read an element of the same repeated \
         field at a time"
    );
    let mut serve = printing(&["put.key", "deleted.key"]);
    serve.flags = Flags::SERVE;
    let err = to_line(&message("store.BatchResponse"), &serve).unwrap_err();
    assert!(
        err.to_string().starts_with("--field deleted.key: "),
        "{err}"
    );
}
