//! Lines to request messages. A text line fills one field: the fixed `--set` fields are encoded
//! once as a prefix, and each line adds its field's tags, lengths and bytes (protobuf merges what
//! comes later into what came before, nested messages included, and appends to a repeated
//! field), so no message is built per line for a string field. A field of another scalar type
//! (a number, a bool, an enum, bytes) is parsed from the line as `--set` parses its values and
//! encoded when the line is read. With `--input json`, each line is the whole request in
//! protobuf JSON.

use prost::Message;
use prost::bytes::{BufMut, Bytes, BytesMut};
use prost::encoding::{WireType, encode_key, encode_varint, encoded_len_varint, key_len};
use prost_reflect::{DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor};

use super::{paths::FieldPath, set};

/// How a line becomes a request.
#[derive(Clone, Debug)]
pub enum Requests {
    /// The line is the text of one string field, after the pre-encoded `--set` fields.
    Field { prefix: Bytes, numbers: Vec<u32> },
    /// The line is the value of one field of another scalar type, parsed and encoded as it is
    /// read, after the pre-encoded `--set` fields.
    Scalar {
        prefix: Bytes,
        path: FieldPath,
        /// The message holding the field, and the numbers of the fields that lead to it.
        holder: MessageDescriptor,
        outer: Vec<u32>,
    },
    /// The line is the whole request in protobuf JSON.
    Json(MessageDescriptor),
}

/// A request on its way out: a line that the codec encodes as it frames it (no message is
/// built per line), or a request already encoded from JSON, with its JSON kept for the
/// transcript.
#[derive(Clone, Debug)]
pub enum Outgoing {
    Line(String),
    /// Boxed: lines are the common case, and batches of a million of them move around.
    Encoded(Box<Encoded>),
}

#[derive(Clone, Debug)]
pub struct Encoded {
    pub message: Bytes,
    pub json: String,
}

impl Outgoing {
    /// What was read for it: the line, or the JSON (empty when no transcript kept it).
    pub fn text(&self) -> &str {
        match self {
            Outgoing::Line(text) => text,
            Outgoing::Encoded(encoded) => &encoded.json,
        }
    }
}

/// The deepest `--field` path encoded without allocating.
const MAX_DEPTH: usize = 16;

impl Requests {
    pub fn field(base: &DynamicMessage, path: &FieldPath) -> Requests {
        let prefix = base.encode_to_vec().into();
        let numbers: Vec<u32> = path.fields.iter().map(|field| field.number()).collect();
        if path.is_string() {
            return Requests::Field { prefix, numbers };
        }
        Requests::Scalar {
            prefix,
            holder: path.last().parent_message().clone(),
            outer: numbers[..numbers.len() - 1].to_vec(),
            path: path.clone(),
        }
    }

    /// The request that `line` stands for, and its encoded size, or why it stands for none.
    /// `keep_json` keeps a JSON line's text beside its request.
    pub fn request(&self, line: &str, keep_json: bool) -> Result<(Outgoing, usize), String> {
        match self {
            Requests::Field { prefix, numbers } => {
                let size = prefix.len() + nested_size(numbers, line.len());
                Ok((Outgoing::Line(line.to_owned()), size))
            }
            Requests::Scalar {
                prefix,
                path,
                holder,
                outer,
            } => {
                let field = scalar_field(holder, path.last(), line)
                    .map_err(|why| format!("--field {}: {why}", path.shown))?;
                let mut message = BytesMut::with_capacity(prefix.len() + field.len() + 8);
                message.put_slice(prefix);
                encode_nested(outer, &field, &mut message);
                let message = message.freeze();
                let size = message.len();
                let json = line.to_owned();
                Ok((Outgoing::Encoded(Box::new(Encoded { message, json })), size))
            }
            Requests::Json(message) => {
                let options = DeserializeOptions::new().deny_unknown_fields(true);
                let mut json = serde_json::Deserializer::from_str(line);
                let request =
                    DynamicMessage::deserialize_with_options(message.clone(), &mut json, &options)
                        .and_then(|request| json.end().map(|()| request))
                        .map_err(|err| format!("not a {} in JSON: {err}", message.full_name()))?;
                let message = Bytes::from(request.encode_to_vec());
                let size = message.len();
                let json = if keep_json {
                    line.to_owned()
                } else {
                    String::new()
                };
                Ok((Outgoing::Encoded(Box::new(Encoded { message, json })), size))
            }
        }
    }

    /// Writes `outgoing` as its request.
    pub fn encode(&self, outgoing: &Outgoing, out: &mut impl BufMut) {
        match (self, outgoing) {
            (Requests::Field { prefix, numbers }, Outgoing::Line(text)) => {
                if !prefix.is_empty() {
                    out.put_slice(prefix);
                }
                encode_nested(numbers, text.as_bytes(), out);
            }
            (_, Outgoing::Encoded(encoded)) => out.put_slice(&encoded.message),
            (Requests::Json(_) | Requests::Scalar { .. }, Outgoing::Line(_)) => {
                unreachable!("JSON and scalar requests are encoded when they are read")
            }
        }
    }
}

/// `line` as the value of `field` of `holder`, encoded as that message would hold it alone; a
/// `bytes` field takes the line's own bytes.
fn scalar_field(
    holder: &MessageDescriptor,
    field: &FieldDescriptor,
    line: &str,
) -> Result<Vec<u8>, String> {
    let value = match field.kind() {
        Kind::Bytes => prost_reflect::Value::Bytes(Bytes::copy_from_slice(line.as_bytes())),
        kind => set::parse(&kind, line)?,
    };
    let mut message = DynamicMessage::new(holder.clone());
    let value = match field.is_list() {
        true => prost_reflect::Value::List(vec![value]),
        false => value,
    };
    message.set_field(field, value);
    Ok(message.encode_to_vec())
}

/// The size of `text` wrapped in the fields `numbers`, each holding the next.
fn nested_size(numbers: &[u32], text: usize) -> usize {
    numbers.iter().rev().fold(text, |inner, &number| {
        inner + key_len(number) + encoded_len_varint(inner as u64)
    })
}

/// The size of `text` wrapped in the fields `numbers`, each holding the next, and the size each
/// level holds (innermost last), for up to `MAX_DEPTH` levels.
fn nested_len(numbers: &[u32], text: usize) -> (usize, [usize; MAX_DEPTH]) {
    let mut holds = [0; MAX_DEPTH];
    let mut inner = text;
    for (level, &number) in numbers.iter().enumerate().rev() {
        if level < MAX_DEPTH {
            holds[level] = inner;
        }
        inner += key_len(number) + encoded_len_varint(inner as u64);
    }
    (inner, holds)
}

/// `text` as the length-delimited field at the end of the path of field `numbers` (with no
/// numbers, `text` itself: a message's encoded fields).
fn encode_nested(numbers: &[u32], text: &[u8], out: &mut impl BufMut) {
    if let [number] = numbers {
        // The common case, a top-level field, as prost would write it.
        encode_key(*number, WireType::LengthDelimited, out);
        encode_varint(text.len() as u64, out);
        out.put_slice(text);
        return;
    }
    if numbers.len() > MAX_DEPTH {
        // Deeper than any real schema nests: encode the inner levels first, then wrap them.
        let mut inner = BytesMut::new();
        encode_nested(&numbers[1..], text, &mut inner);
        encode_key(numbers[0], WireType::LengthDelimited, out);
        encode_varint(inner.len() as u64, out);
        out.put_slice(&inner);
        return;
    }
    let (_, holds) = nested_len(numbers, text.len());
    for (level, &number) in numbers.iter().enumerate() {
        encode_key(number, WireType::LengthDelimited, out);
        encode_varint(holds[level] as u64, out);
    }
    out.put_slice(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_field(prefix: &[u8], numbers: &[u32], text: &str) -> Vec<u8> {
        let mut out = prefix.to_vec();
        encode_nested(numbers, text.as_bytes(), &mut out);
        assert_eq!(out.len(), prefix.len() + nested_len(numbers, text.len()).0);
        out
    }

    #[test]
    fn a_line_in_a_top_level_field_encodes_as_prost_would() {
        let question = crate::proto::StreamRequest {
            question: "what is grpc?".into(),
        };
        let encoded = encode_field(&[], &[1], "what is grpc?");
        assert_eq!(encoded, question.encode_to_vec());
    }

    #[test]
    fn paths_deeper_than_the_fast_path_encode_the_same_way() {
        let numbers: Vec<u32> = (1..=20).collect();
        let deep = encode_field(&[], &numbers, "x");
        let mut manual = vec![b'x'];
        for &number in numbers.iter().rev() {
            let mut wrapped = Vec::new();
            encode_key(number, WireType::LengthDelimited, &mut wrapped);
            encode_varint(manual.len() as u64, &mut wrapped);
            wrapped.extend_from_slice(&manual);
            manual = wrapped;
        }
        assert_eq!(deep, manual);
    }

    #[test]
    fn a_nested_field_wraps_the_line_in_its_messages_after_the_prefix() {
        // field 2 { field 3 { field 1: "hi" } } after a prefix
        let encoded = encode_field(&[8, 1], &[2, 3, 1], "hi");
        assert_eq!(encoded, [8, 1, 0x12, 6, 0x1a, 4, 0x0a, 2, b'h', b'i']);
        let long = "x".repeat(300);
        let encoded = encode_field(&[], &[2, 1], &long);
        assert_eq!(&encoded[..5], [0x12, 0xaf, 0x02, 0x0a, 0xac].as_slice());
        assert_eq!(encoded.len(), 5 + 1 + 300);
    }
}
