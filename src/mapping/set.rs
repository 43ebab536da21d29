//! `--set PATH=VALUE`: fixed values for the message grpc-convo writes, parsed by the field's type.

use prost_reflect::{DynamicMessage, ReflectMessage, Value};

use super::{
    flag_error::FlagError,
    paths::{FieldPath, Through},
    value::{self, BytesAs},
};

/// Applies one `--set` to `message`; a repeated field takes one element per `--set`.
pub(super) fn apply(
    message: &mut DynamicMessage,
    assignment: &str,
    bytes: BytesAs,
) -> Result<FieldPath, FlagError> {
    let refuse = |why: String| FlagError::new("--set", assignment, why);
    let (path, text) = assignment
        .split_once('=')
        .ok_or_else(|| refuse("expected PATH=VALUE".into()))?;
    let path = FieldPath::resolve(&message.descriptor(), path, "--set", Through::Singular)
        .map_err(|err| refuse(err.why))?;
    let field = path.last();
    if field.is_map() {
        return Err(refuse(
            "map fields cannot be set from the command line".into(),
        ));
    }
    let value = value::parse(&field.kind(), text.as_bytes(), bytes, 0).map_err(refuse)?;
    let mut target = message;
    for outer in &path.fields[..path.fields.len() - 1] {
        target = match target.get_field_mut(outer) {
            Value::Message(inner) => inner,
            _ => unreachable!("a resolved path goes through message fields only"),
        };
    }
    match target.get_field_mut(field) {
        Value::List(values) => values.push(value),
        slot => *slot = value,
    }
    Ok(path)
}
