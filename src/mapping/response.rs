//! Response messages to lines. A string answer field is read straight off the bytes, skipping the
//! other fields by their wire type; anything else is decoded into a dynamic message first. With
//! `-o json`, or when the response has no single string field, the line is the whole response in
//! compact protobuf JSON.

use base64::Engine as _;
use prost::encoding::{WireType, decode_key, decode_varint};
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, SerializeOptions, Value};

use super::paths::FieldPath;

/// How a response becomes a line.
#[derive(Clone, Debug)]
pub enum Answers {
    /// A string field read straight off the bytes, skipping the rest: the numbers of its path.
    Text {
        message: MessageDescriptor,
        numbers: Vec<u32>,
    },
    /// The value of any other field, as plain text.
    Field {
        message: MessageDescriptor,
        path: FieldPath,
    },
    /// The whole response in protobuf JSON, every field written.
    Json {
        message: MessageDescriptor,
        proto_names: bool,
    },
    /// Nothing: bench counts answers without reading them, as a load generator should cost
    /// the least it can beside the server it measures.
    Unread,
}

impl Answers {
    /// Prints `path` of responses of type `message`.
    pub fn field(message: &MessageDescriptor, path: FieldPath) -> Answers {
        let message = message.clone();
        match path.is_string() {
            true => Answers::Text {
                message,
                numbers: path.fields.iter().map(|field| field.number()).collect(),
            },
            false => Answers::Field { message, path },
        }
    }

    /// The line for one response, or why the response could not be read.
    pub fn decode(&self, bytes: &[u8]) -> Result<String, String> {
        match self {
            Answers::Text { message, numbers } => {
                let text = last_string(bytes, numbers)
                    .map_err(|err| malformed(message, err))?
                    .unwrap_or_default();
                String::from_utf8(text.to_vec())
                    .map_err(|_| malformed(message, "a string field is not valid UTF-8"))
            }
            Answers::Field { message, path } => {
                let response = DynamicMessage::decode(message.clone(), bytes)
                    .map_err(|err| malformed(message, err))?;
                Ok(field_text(&response, path))
            }
            Answers::Json {
                message,
                proto_names,
            } => {
                let response = DynamicMessage::decode(message.clone(), bytes)
                    .map_err(|err| malformed(message, err))?;
                Ok(json(&response, *proto_names))
            }
            Answers::Unread => Ok(String::new()),
        }
    }
}

fn malformed(message: &MessageDescriptor, err: impl std::fmt::Display) -> String {
    format!("the answer is not a valid {}: {err}", message.full_name())
}

/// The last value of the string at the end of the path of field `numbers` (protobuf keeps the
/// last of a singular field, and merges a message field that comes more than once).
fn last_string<'a>(mut bytes: &'a [u8], numbers: &[u32]) -> Result<Option<&'a [u8]>, String> {
    let Some((&number, deeper)) = numbers.split_first() else {
        return Ok(None);
    };
    let mut found = None;
    while !bytes.is_empty() {
        let (field, wire_type) = decode_key(&mut bytes).map_err(|err| err.to_string())?;
        if field != number || wire_type != WireType::LengthDelimited {
            prost::encoding::skip_field(wire_type, field, &mut bytes, Default::default())
                .map_err(|err| err.to_string())?;
            continue;
        }
        let len = decode_varint(&mut bytes).map_err(|err| err.to_string())? as usize;
        if len > bytes.len() {
            return Err(format!("field {number} is cut short"));
        }
        let (value, rest) = bytes.split_at(len);
        bytes = rest;
        found = match deeper {
            [] => Some(value),
            _ => last_string(value, deeper)?.or(found),
        };
    }
    Ok(found)
}

/// A field's value as a line: strings as they are, numbers and bools as text, enums by name,
/// bytes in base64, messages and lists in compact JSON.
fn field_text(response: &DynamicMessage, path: &FieldPath) -> String {
    let mut message = response.clone();
    for outer in &path.fields[..path.fields.len() - 1] {
        message = match message.get_field(outer).into_owned() {
            Value::Message(inner) => inner,
            _ => return String::new(),
        };
    }
    let field = path.last();
    value_text(&message.get_field(field), &field.kind())
}

fn value_text(value: &Value, kind: &Kind) -> String {
    match (value, kind) {
        (Value::String(text), _) => text.clone(),
        (Value::Bytes(bytes), _) => base64::engine::general_purpose::STANDARD.encode(bytes),
        (Value::EnumNumber(number), Kind::Enum(values)) => match values.get_value(*number) {
            Some(value) => value.name().to_owned(),
            None => number.to_string(),
        },
        (Value::Message(message), _) => json(message, false),
        (Value::List(values), _) => {
            let items: Vec<String> = values.iter().map(|v| value_text(v, kind)).collect();
            serde_json::to_string(&items).unwrap_or_default()
        }
        (Value::Bool(b), _) => b.to_string(),
        (Value::I32(n), _) | (Value::EnumNumber(n), _) => n.to_string(),
        (Value::I64(n), _) => n.to_string(),
        (Value::U32(n), _) => n.to_string(),
        (Value::U64(n), _) => n.to_string(),
        (Value::F32(n), _) => n.to_string(),
        (Value::F64(n), _) => n.to_string(),
        (Value::Map(_), _) => String::new(),
    }
}

/// Compact protobuf JSON with every field written, defaults included, as `-o json` promises.
fn json(message: &DynamicMessage, proto_names: bool) -> String {
    let options = SerializeOptions::new()
        .skip_default_fields(false)
        .use_proto_field_name(proto_names);
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut out);
    match message.serialize_with_options(&mut serializer, &options) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(err) => format!("{{\"error\":{:?}}}", err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_occurrence_wins_at_every_level_and_other_fields_are_skipped() {
        // field 1 varint, field 2 { field 1: "a" }, field 3 fixed32, field 2 { field 1: "b" }
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x03, 0x0a, 0x01, b'a', 0x1d, 1, 2, 3, 4, 0x12, 0x03, 0x0a,
            0x01, b'b',
        ];
        assert_eq!(last_string(&bytes, &[2, 1]).unwrap(), Some(&b"b"[..]));
        assert_eq!(last_string(&bytes, &[5]).unwrap(), None);
        assert!(last_string(&[0x12, 0x09, 0x0a], &[2, 1]).is_err());
    }
}
