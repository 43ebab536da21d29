//! A call to its lines. The bytes of each message are always written, so that a recording
//! replays exactly whatever its types; its JSON beside them is for people, jq and diffs.

use std::time::SystemTime;

use base64::Engine as _;
use prost_reflect::{DynamicMessage, MessageDescriptor, MethodDescriptor, SerializeOptions};
use serde_json::{Map, Value, json};

use super::{Event, Metadata, Recording, Side, Status, VERSION, What};
use crate::{error::code_name, schema::CallKind};

/// One line of a recording.
#[derive(Debug)]
pub enum Line<'a> {
    /// The first: the version, the method, when, and the request metadata.
    Header {
        method: &'a str,
        kind: Option<CallKind>,
        started: &'a str,
        metadata: &'a Metadata,
    },
    /// A file of the method's types.
    File(&'a [u8]),
    /// Something that happened; the method, when known, gives its messages' JSON.
    Event(&'a Event, Option<&'a MethodDescriptor>),
    /// The last.
    Status(&'a Status),
}

impl Line<'_> {
    pub fn json(&self) -> Value {
        match self {
            Line::Header {
                method,
                kind,
                started,
                metadata,
            } => {
                let mut line =
                    json!({ "recording": VERSION, "method": method, "started": started });
                if let Some(kind) = kind {
                    line["kind"] = kind.to_string().into();
                }
                line["metadata"] = metadata_json(metadata);
                line
            }
            Line::File(bytes) => json!({ "file": base64(bytes) }),
            Line::Event(event, method) => event_json(event, *method),
            Line::Status(status) => json!({
                "direction": "status",
                "ms": status.ms,
                "code": code_name(status.code),
                "number": status.code as i32,
                "message": status.message,
            }),
        }
    }
}

/// The whole recording, a line each, each ending in a newline.
pub fn lines(recording: &Recording) -> String {
    let method = recording.method_descriptor();
    let mut out = String::new();
    let mut push = |line: Line<'_>| {
        out.push_str(&line.json().to_string());
        out.push('\n');
    };
    push(Line::Header {
        method: &recording.method,
        kind: recording.kind,
        started: &recording.started,
        metadata: &recording.metadata,
    });
    recording
        .files
        .iter()
        .for_each(|file| push(Line::File(file)));
    (recording.events.iter()).for_each(|event| push(Line::Event(event, method.as_ref())));
    push(Line::Status(&recording.status));
    out
}

fn event_json(event: &Event, method: Option<&MethodDescriptor>) -> Value {
    let (direction, mut line) = match &event.what {
        What::Question(bytes) => ("question", message_json(bytes, method, Side::Question)),
        What::Answer(bytes) => ("answer", message_json(bytes, method, Side::Answer)),
        What::Headers(metadata) => ("headers", json!({ "metadata": metadata_json(metadata) })),
        What::Trailers(metadata) => ("trailers", json!({ "metadata": metadata_json(metadata) })),
        What::HalfClose => ("half-close", json!({})),
    };
    line["direction"] = direction.into();
    line["ms"] = event.ms.into();
    line
}

fn message_json(bytes: &[u8], method: Option<&MethodDescriptor>, side: Side) -> Value {
    let mut line = json!({ "bytes": base64(bytes) });
    if let Some(json) = method.and_then(|method| json(bytes, &side.of(method))) {
        line["json"] = json;
    }
    line
}

/// The message's protobuf JSON (field names as in the .proto, defaults left out), or `None`
/// when the bytes are not one.
pub(super) fn json(bytes: &[u8], message: &MessageDescriptor) -> Option<Value> {
    let decoded = DynamicMessage::decode(message.clone(), bytes).ok()?;
    let options = SerializeOptions::new().use_proto_field_name(true);
    let mut serializer = serde_json::Serializer::new(Vec::new());
    decoded
        .serialize_with_options(&mut serializer, &options)
        .ok()?;
    serde_json::from_slice(&serializer.into_inner()).ok()
}

/// Names to values; a name sent more than once has its values in an array, in order.
fn metadata_json(metadata: &Metadata) -> Value {
    let mut object = Map::new();
    for (name, value) in metadata {
        match object.get_mut(name) {
            None => {
                object.insert(name.clone(), value.clone().into());
            }
            Some(Value::Array(values)) => values.push(value.clone().into()),
            Some(first) => *first = json!([first.take(), value]),
        }
    }
    Value::Object(object)
}

pub(super) fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The time now as RFC 3339 in UTC, to the microsecond.
pub fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_micros(at).to_string()
}
