//! `--set PATH=VALUE`: fixed values for the message grpc-convo writes, parsed by the field's type.

use base64::Engine as _;
use prost_reflect::{DynamicMessage, Kind, ReflectMessage, Value};

use super::paths::FieldPath;
use crate::error::Usage;

/// Applies one `--set` to `message`; a repeated field takes one element per `--set`.
pub(super) fn apply(
    message: &mut DynamicMessage,
    flag: &str,
    assignment: &str,
) -> Result<FieldPath, Usage> {
    let (path, text) = assignment
        .split_once('=')
        .ok_or_else(|| Usage(format!("{flag} {assignment}: expected PATH=VALUE")))?;
    let path = FieldPath::resolve(&message.descriptor(), path, flag)?;
    let field = path.last();
    if field.is_map() {
        return Err(Usage(format!(
            "{flag} {assignment}: map fields cannot be set from the command line"
        )));
    }
    let value =
        parse(&field.kind(), text).map_err(|why| Usage(format!("{flag} {assignment}: {why}")))?;
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

/// A value of `kind` written as text: a number, `true`/`false`, an enum by name or number, bytes
/// in base64, a string as it is.
pub(super) fn parse(kind: &Kind, text: &str) -> Result<Value, String> {
    let number = |what: &str| format!("'{text}' is not {what}");
    Ok(match kind {
        Kind::Double => Value::F64(text.parse().map_err(|_| number("a number"))?),
        Kind::Float => Value::F32(text.parse().map_err(|_| number("a number"))?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(text.parse().map_err(|_| number("a 32-bit integer"))?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            Value::I64(text.parse().map_err(|_| number("a 64-bit integer"))?)
        }
        Kind::Uint32 | Kind::Fixed32 => Value::U32(
            text.parse()
                .map_err(|_| number("an unsigned 32-bit integer"))?,
        ),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(
            text.parse()
                .map_err(|_| number("an unsigned 64-bit integer"))?,
        ),
        Kind::Bool => Value::Bool(text.parse().map_err(|_| number("true or false"))?),
        Kind::String => Value::String(text.to_owned()),
        Kind::Bytes => Value::Bytes(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
                .map_err(|_| number("base64"))?
                .into(),
        ),
        Kind::Enum(values) => match values.get_value_by_name(text) {
            Some(value) => Value::EnumNumber(value.number()),
            None => Value::EnumNumber(text.parse().map_err(|_| {
                let names: Vec<_> = values.values().map(|v| v.name().to_owned()).collect();
                format!(
                    "'{text}' is not one of {} ({})",
                    values.full_name(),
                    names.join(", ")
                )
            })?),
        },
        Kind::Message(message) => {
            return Err(format!(
                "{} is a message: set the fields inside it, as PATH.FIELD=VALUE",
                message.full_name()
            ));
        }
    })
}
