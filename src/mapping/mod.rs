//! Lines to messages and messages to lines, for any method: which field a line fills (`--field`),
//! which fields are fixed (`--set`), which field an answer prints (`--answer-field`), or JSON for
//! the whole message. One mapping, whichever side writes and whichever reads.

mod paths;
mod request;
mod response;
mod set;

use prost_reflect::{DynamicMessage, MessageDescriptor};

use crate::error::Usage;
pub use paths::{FieldPath, Flags, only_candidate, request_field};
pub use request::{Encoded, Outgoing, Requests};
pub use response::Answers;

/// What the user said about the mapping of one direction.
#[derive(Clone, Debug, Default)]
pub struct MappingArgs {
    /// `--field PATH`: the string field a line fills.
    pub field: Option<String>,
    /// `--set PATH=VALUE`, in order.
    pub set: Vec<String>,
    /// `--answer-field PATH`: the field an answer prints.
    pub answer_field: Option<String>,
    /// `--input json`: each line is a whole request.
    pub json_in: bool,
    /// `-o json`: each answer is a whole response.
    pub json_out: bool,
    /// `--proto-names`: JSON keeps the field names of the .proto.
    pub proto_names: bool,
    /// The flags the side that reads these arguments calls them by, for its complaints.
    pub flags: Flags,
}

/// Requests from lines, for messages of type `message`.
pub fn requests(message: &MessageDescriptor, args: &MappingArgs) -> Result<Requests, Usage> {
    if args.json_in {
        if let Some(flag) = [
            args.field.as_ref().map(|_| args.flags.field),
            (!args.set.is_empty()).then_some("--set"),
        ]
        .into_iter()
        .flatten()
        .next()
        {
            return Err(Usage(format!(
                "{flag} goes with text lines, not with {}, where each line is a whole message",
                args.flags.whole
            )));
        }
        return Ok(Requests::Json(message.clone()));
    }
    let field = request_field(message, args.field.as_deref(), args.flags)?;
    let mut base = DynamicMessage::new(message.clone());
    for assignment in &args.set {
        let set = set::apply(&mut base, "--set", assignment)?;
        check_not_the_field(&set, &field, assignment, args.flags)?;
    }
    Ok(Requests::field(&base, &field))
}

/// A `--set` may not fill the line's field, nor another member of its oneof, which the line would
/// silently replace; a repeated field takes both, the `--set` elements first.
fn check_not_the_field(
    set: &FieldPath,
    field: &FieldPath,
    assignment: &str,
    flags: Flags,
) -> Result<(), Usage> {
    let same = set
        .fields
        .iter()
        .map(|f| f.full_name())
        .eq(field.fields.iter().map(|f| f.full_name()))
        && !field.last().is_list();
    let parents = |path: &FieldPath| {
        path.fields[..path.fields.len() - 1]
            .iter()
            .map(|f| f.full_name().to_owned())
            .collect::<Vec<_>>()
    };
    let oneof = |path: &FieldPath| {
        path.last()
            .containing_oneof()
            .map(|o| o.full_name().to_owned())
    };
    let rival =
        parents(set) == parents(field) && oneof(set).is_some() && oneof(set) == oneof(field);
    if same || rival {
        return Err(Usage(format!(
            "--set {assignment}: {} {} ({}){}",
            flags.line,
            field.shown,
            flags.field,
            if same {
                ""
            } else {
                ", a member of the same oneof"
            }
        )));
    }
    Ok(())
}

/// Lines from responses of type `message`.
pub fn answers(message: &MessageDescriptor, args: &MappingArgs) -> Result<Answers, Usage> {
    if args.json_out {
        if args.answer_field.is_some() {
            return Err(Usage(
                "--answer-field picks one field to print; -o json prints whole responses".into(),
            ));
        }
        return Ok(json(message, args.proto_names));
    }
    if let Some(path) = &args.answer_field {
        let path = FieldPath::resolve(message, path, "--answer-field")?;
        return Ok(Answers::field(message, path));
    }
    Ok(match only_candidate(message) {
        Ok(path) => Answers::field(message, path),
        Err(_) => json(message, args.proto_names),
    })
}

fn json(message: &MessageDescriptor, proto_names: bool) -> Answers {
    Answers::Json {
        message: message.clone(),
        proto_names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Schema, SchemaFiles, Tutorial};
    use prost_reflect::{ReflectMessage, Value};

    fn schema() -> Schema {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/proto");
        let files = SchemaFiles {
            protos: vec![dir.join("kinds.proto")],
            ..SchemaFiles::default()
        };
        Schema::from_files(&files, Tutorial::Apart).unwrap()
    }

    fn message(name: &str) -> MessageDescriptor {
        schema().pool().get_message_by_name(name).unwrap()
    }

    fn with(field: Option<&str>, set: &[&str]) -> MappingArgs {
        MappingArgs {
            field: field.map(str::to_owned),
            set: set.iter().map(|s| s.to_string()).collect(),
            ..MappingArgs::default()
        }
    }

    /// The request a line makes, decoded back.
    fn request(requests: &Requests, message: &MessageDescriptor, line: &str) -> DynamicMessage {
        let (outgoing, size) = requests.request(line, false).unwrap();
        let mut bytes = Vec::new();
        requests.encode(&outgoing, &mut bytes);
        assert_eq!(bytes.len(), size);
        DynamicMessage::decode(message.clone(), bytes.as_slice()).unwrap()
    }

    #[test]
    fn a_line_fills_the_only_string_field_or_the_named_one_after_the_fixed_ones() {
        let talk = message("kinds.Talk");
        let plain = requests(&talk, &MappingArgs::default()).unwrap();
        let got = request(&plain, &talk, "hello");
        assert_eq!(
            got.get_field_by_name("text").unwrap().as_str(),
            Some("hello")
        );

        let set = [
            "mood=HAPPY",
            "tags=a",
            "tags=b",
            "blob=aGk=",
            "big=-5",
            "meta.level=2",
        ];
        let nested = requests(&talk, &with(Some("meta.note"), &set)).unwrap();
        let got = request(&nested, &talk, "deep");
        let meta = got.get_field_by_name("meta").unwrap();
        let meta = meta.as_message().unwrap();
        assert_eq!(
            meta.get_field_by_name("note").unwrap().as_str(),
            Some("deep")
        );
        assert_eq!(meta.get_field_by_name("level").unwrap().as_i32(), Some(2));
        assert_eq!(
            got.get_field_by_name("mood").unwrap().as_enum_number(),
            Some(1)
        );
        let tags = got.get_field_by_name("tags").unwrap().into_owned();
        assert_eq!(
            tags,
            Value::List(vec![Value::String("a".into()), Value::String("b".into())])
        );
        assert_eq!(
            got.get_field_by_name("blob")
                .unwrap()
                .as_bytes()
                .unwrap()
                .as_ref(),
            b"hi"
        );
        assert_eq!(got.get_field_by_name("big").unwrap().as_i64(), Some(-5));
        assert_eq!(got.descriptor().full_name(), "kinds.Talk");
    }

    #[test]
    fn without_exactly_one_candidate_the_user_must_choose() {
        let several = requests(&message("kinds.Choice"), &MappingArgs::default()).unwrap_err();
        assert!(
            several
                .to_string()
                .contains("several string fields (left, right)"),
            "{several}"
        );
        let none = requests(&message("kinds.Numbers"), &MappingArgs::default()).unwrap_err();
        assert!(none.to_string().contains("no string field"), "{none}");
        let chosen = requests(&message("kinds.Choice"), &with(Some("left"), &["n=3"]));
        assert!(chosen.is_ok());
    }

    #[test]
    fn bad_paths_values_and_clashes_are_usage_errors_naming_them() {
        let talk = message("kinds.Talk");
        let cases = [
            (
                with(Some("nope"), &[]),
                "--field nope: kinds.Talk has no field 'nope'",
            ),
            (
                with(Some("meta"), &[]),
                "--field meta: a line fills a field of a scalar type",
            ),
            (
                with(None, &["mood=GLAD"]),
                "'GLAD' is not one of kinds.common.Mood (CALM, HAPPY, SAD)",
            ),
            (
                with(None, &["big=many"]),
                "--set big=many: 'many' is not a 64-bit integer",
            ),
            (
                with(None, &["meta=x"]),
                "is a message: set the fields inside it",
            ),
            (
                with(None, &["text=x"]),
                "--set text=x: each line fills text (--field)",
            ),
            (
                with(None, &["novalue"]),
                "--set novalue: expected PATH=VALUE",
            ),
        ];
        for (args, want) in cases {
            let err = requests(&talk, &args).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
        let rival = requests(&message("kinds.Choice"), &with(Some("left"), &["right=x"]));
        assert!(
            rival
                .unwrap_err()
                .to_string()
                .contains("a member of the same oneof")
        );
        let json = MappingArgs {
            json_in: true,
            ..with(Some("text"), &[])
        };
        assert!(
            requests(&talk, &json)
                .unwrap_err()
                .to_string()
                .contains("--field goes with text")
        );
    }

    fn reply() -> Vec<u8> {
        let mut reply = DynamicMessage::new(message("kinds.Reply"));
        reply.set_field_by_name("said", Value::String("hi".into()));
        reply.set_field_by_name("mood", Value::EnumNumber(2));
        reply.set_field_by_name("big", Value::I64(-7));
        reply.set_field_by_name("tags", Value::List(vec![Value::String("x".into())]));
        prost::Message::encode_to_vec(&reply)
    }

    #[test]
    fn answers_print_the_only_string_field_the_named_field_or_json() {
        let reply_type = message("kinds.Reply");
        let answer = |args: MappingArgs| {
            answers(&reply_type, &args)
                .unwrap()
                .decode(&reply())
                .unwrap()
        };
        assert_eq!(answer(MappingArgs::default()), "hi");
        let field = |path: &str| MappingArgs {
            answer_field: Some(path.into()),
            ..MappingArgs::default()
        };
        assert_eq!(answer(field("mood")), "SAD");
        assert_eq!(answer(field("big")), "-7");
        assert_eq!(answer(field("tags")), "[\"x\"]");
        assert_eq!(answer(field("meta")), "{\"note\":\"\",\"level\":0}");
        assert_eq!(answer(field("meta.note")), "");
        let json = MappingArgs {
            json_out: true,
            ..MappingArgs::default()
        };
        let all = answer(json);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&all).unwrap(),
            serde_json::json!({"said": "hi", "mood": "SAD", "big": "-7", "tags": ["x"]})
        );
    }
}
