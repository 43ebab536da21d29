//! Lines to messages and messages to lines, for any method: which field a line fills (`--field`),
//! which fields are fixed (`--set`), which field an answer prints (`--answer-field`), or JSON for
//! the whole message. One mapping, whichever side writes and whichever reads.

mod paths;
mod request;
mod response;
mod set;

use prost_reflect::{DynamicMessage, MessageDescriptor};

use crate::error::Usage;
pub use paths::{FieldPath, only_candidate, request_field};
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
}

/// Requests from lines, for messages of type `message`.
pub fn requests(message: &MessageDescriptor, args: &MappingArgs) -> Result<Requests, Usage> {
    if args.json_in {
        if let Some(flag) = [
            args.field.as_ref().map(|_| "--field"),
            (!args.set.is_empty()).then_some("--set"),
        ]
        .into_iter()
        .flatten()
        .next()
        {
            return Err(Usage(format!(
                "{flag} goes with text lines, not with --input json, where each line is the whole request"
            )));
        }
        return Ok(Requests::Json(message.clone()));
    }
    let field = request_field(message, args.field.as_deref())?;
    let mut base = DynamicMessage::new(message.clone());
    for assignment in &args.set {
        let set = set::apply(&mut base, "--set", assignment)?;
        check_not_the_field(&set, &field, assignment)?;
    }
    Ok(Requests::field(&base, &field))
}

/// A `--set` may not fill the line's field, nor another member of its oneof, which the line would
/// silently replace.
fn check_not_the_field(set: &FieldPath, field: &FieldPath, assignment: &str) -> Result<(), Usage> {
    let same = set
        .fields
        .iter()
        .map(|f| f.full_name())
        .eq(field.fields.iter().map(|f| f.full_name()));
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
            "--set {assignment}: each line fills {} (--field){}",
            field.shown,
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
