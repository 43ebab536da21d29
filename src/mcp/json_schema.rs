//! A request message's JSON Schema, as an agent's tool input: the protobuf JSON mapping of its
//! fields (names in lowerCamelCase, 64-bit integers as strings, bytes as base64, enums by name,
//! maps as objects, well-known types in their JSON forms), each message once under `$defs` so
//! that a message that contains itself ends, and a oneof's members never two at once.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value, json};

use crate::schema::describe::leading_comment;

/// The schema of `message`, and its nested messages' schemas, which belong under the root
/// document's `$defs` (where its `$ref`s point).
pub(super) fn of_message(message: &MessageDescriptor) -> (Value, Map<String, Value>) {
    let mut defs = Map::new();
    let root = message_schema(message, &mut defs);
    (root, defs)
}

/// A reference to `message`, its schema added to `defs` the first time.
fn reference(message: &MessageDescriptor, defs: &mut Map<String, Value>) -> Value {
    if let Some(known) = well_known(message.full_name()) {
        return known;
    }
    let name = message.full_name().to_owned();
    if !defs.contains_key(&name) {
        // Reserved before it is built: a field of its own type refers to it.
        defs.insert(name.clone(), Value::Null);
        let schema = message_schema(message, defs);
        defs.insert(name.clone(), schema);
    }
    json!({ "$ref": format!("#/$defs/{name}") })
}

fn message_schema(message: &MessageDescriptor, defs: &mut Map<String, Value>) -> Value {
    let mut properties = Map::new();
    for field in message.fields() {
        let mut schema = field_schema(&field, defs);
        if let (Value::Object(schema), Some(text)) = (&mut schema, comment_of(&field)) {
            schema.insert("description".into(), text.into());
        }
        properties.insert(field.json_name().to_owned(), schema);
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    let exclusive: Vec<Value> = message.oneofs().flat_map(|oneof| pairs(&oneof)).collect();
    if !exclusive.is_empty() {
        schema["not"] = json!({ "anyOf": exclusive });
    }
    if let Some(text) = comment(
        message.parent_file().file_descriptor_proto(),
        message.path(),
    ) {
        schema["description"] = text.into();
    }
    schema
}

/// Each two members of a oneof, which may not both be set.
fn pairs(oneof: &prost_reflect::OneofDescriptor) -> Vec<Value> {
    let names: Vec<String> = oneof.fields().map(|f| f.json_name().to_owned()).collect();
    let mut pairs = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            pairs.push(json!({ "required": [a, b] }));
        }
    }
    pairs
}

fn field_schema(field: &FieldDescriptor, defs: &mut Map<String, Value>) -> Value {
    if field.is_map()
        && let Kind::Message(entry) = field.kind()
    {
        let value = entry.map_entry_value_field();
        return json!({ "type": "object", "additionalProperties": kind_schema(&value.kind(), defs) });
    }
    let one = kind_schema(&field.kind(), defs);
    match field.is_list() {
        true => json!({ "type": "array", "items": one }),
        false => one,
    }
}

fn kind_schema(kind: &Kind, defs: &mut Map<String, Value>) -> Value {
    match kind {
        Kind::Double | Kind::Float => json!({ "type": "number" }),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => json!({ "type": "integer" }),
        Kind::Uint32 | Kind::Fixed32 => json!({ "type": "integer", "minimum": 0 }),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            json!({ "type": "string", "pattern": "^-?[0-9]+$", "description": "a 64-bit integer, as a string" })
        }
        Kind::Uint64 | Kind::Fixed64 => {
            json!({ "type": "string", "pattern": "^[0-9]+$", "description": "a 64-bit integer, as a string" })
        }
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::String => json!({ "type": "string" }),
        Kind::Bytes => json!({ "type": "string", "contentEncoding": "base64" }),
        Kind::Enum(values) => {
            let names: Vec<String> = values.values().map(|v| v.name().to_owned()).collect();
            json!({ "type": "string", "enum": names })
        }
        Kind::Message(message) => reference(message, defs),
    }
}

/// The JSON forms of protobuf's well-known types.
fn well_known(name: &str) -> Option<Value> {
    Some(match name {
        "google.protobuf.Timestamp" => json!({ "type": "string", "format": "date-time" }),
        "google.protobuf.Duration" => {
            json!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?s$" })
        }
        "google.protobuf.FieldMask" => json!({ "type": "string" }),
        "google.protobuf.Struct" => json!({ "type": "object" }),
        "google.protobuf.ListValue" => json!({ "type": "array" }),
        "google.protobuf.Value" => json!({}),
        "google.protobuf.Empty" => json!({ "type": "object" }),
        "google.protobuf.StringValue" => json!({ "type": "string" }),
        "google.protobuf.BytesValue" => json!({ "type": "string", "contentEncoding": "base64" }),
        "google.protobuf.BoolValue" => json!({ "type": "boolean" }),
        "google.protobuf.Int32Value" | "google.protobuf.UInt32Value" => {
            json!({ "type": "integer" })
        }
        "google.protobuf.FloatValue" | "google.protobuf.DoubleValue" => json!({ "type": "number" }),
        "google.protobuf.Int64Value" | "google.protobuf.UInt64Value" => json!({ "type": "string" }),
        _ => return None,
    })
}

fn comment_of(field: &FieldDescriptor) -> Option<String> {
    comment(field.parent_file().file_descriptor_proto(), field.path())
}

/// The comment above an element, its lines trimmed, if it has one.
pub(super) fn comment(file: &prost_types::FileDescriptorProto, path: &[i32]) -> Option<String> {
    let text = leading_comment(file, path)?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}
