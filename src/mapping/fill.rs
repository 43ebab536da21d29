//! Lines to messages: requests for ask and bench, responses for serve's process. A line that
//! fills one string or bytes field is encoded straight into the frame: the fixed `--set` fields
//! are encoded once as a prefix, and each line adds its field's tags, lengths and bytes
//! (protobuf merges what comes later into what came before, nested messages included, and
//! appends to a repeated field), so no message is built per line. A line cut into several
//! fields, or filling a number, a bool or an enum, is parsed and encoded the same way, part by
//! part, when it is read. With `--input json`, each line is the whole message in protobuf JSON.

use std::borrow::Cow;

use prost::Message;
use prost::bytes::{BufMut, Bytes, BytesMut};
use prost::encoding::{WireType, encode_key, encode_varint, encoded_len_varint, key_len};
use prost_reflect::{
    DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, Value,
};

use super::{
    paths::FieldPath,
    short::LineBytes,
    split::Separator,
    value::{self, BytesAs},
};

/// How a line becomes a message.
#[derive(Clone, Debug)]
pub enum ToMessage {
    /// The line is the value of one string (`utf8`) or bytes field, after the pre-encoded
    /// `--set` fields.
    Text {
        prefix: Bytes,
        numbers: Vec<u32>,
        utf8: bool,
    },
    /// The line's parts fill fields of any scalar type, after the pre-encoded `--set` fields.
    Parts(Box<Parts>),
    /// The line is the whole message in protobuf JSON.
    Json(MessageDescriptor),
}

#[derive(Clone, Debug)]
pub struct Parts {
    pub(super) prefix: Bytes,
    /// The `--set` fields as a message, when a field crosses a repeated message field: the
    /// parts then fill one element of it together, so the message is built.
    pub(super) built: Option<DynamicMessage>,
    pub(super) fields: Vec<Slot>,
    pub(super) separator: Separator,
    pub(super) bytes: BytesAs,
    /// The flag that named the fields, for complaints.
    pub(super) flag: &'static str,
}

/// One field a part fills: its path, and the numbers of the fields along it.
#[derive(Clone, Debug)]
pub(super) struct Slot {
    path: FieldPath,
    numbers: Vec<u32>,
}

impl Slot {
    pub(super) fn new(path: FieldPath) -> Slot {
        let numbers = path.numbers();
        Slot { path, numbers }
    }

    /// The numbers of the messages that hold the field.
    fn outer(&self) -> &[u32] {
        &self.numbers[..self.numbers.len() - 1]
    }
}

/// A message on its way out: a line that the codec encodes as it frames it (no message is
/// built per line), or a message already encoded, with the line it came from kept for the
/// transcript when asked.
#[derive(Clone, Debug)]
pub enum Outgoing {
    Line(LineBytes),
    /// Encoded as it was read.
    Message(Bytes),
    /// Encoded, with the record it came from. Boxed: lines are the common case, and batches of
    /// a million of them move around.
    Encoded(Box<Encoded>),
}

#[derive(Clone, Debug)]
pub struct Encoded {
    pub message: Bytes,
    pub text: String,
}

impl Outgoing {
    /// What was read for it: the line, or the record kept beside an encoded message (empty when
    /// none was kept).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Outgoing::Line(text) => String::from_utf8_lossy(text),
            Outgoing::Message(_) => Cow::Borrowed(""),
            Outgoing::Encoded(encoded) => Cow::Borrowed(&encoded.text),
        }
    }

    /// The bytes it holds, for batching.
    pub fn size(&self) -> usize {
        match self {
            Outgoing::Line(text) => text.len(),
            Outgoing::Message(message) => message.len(),
            Outgoing::Encoded(encoded) => encoded.message.len() + encoded.text.len(),
        }
    }
}

/// The deepest path encoded without allocating.
const MAX_DEPTH: usize = 16;

impl ToMessage {
    /// The message that `line` stands for, and its encoded size, or why it stands for none.
    /// `keep_text` keeps the line beside a message encoded as it is read.
    pub fn request(&self, line: &[u8], keep_text: bool) -> Result<(Outgoing, usize), String> {
        let message = match self {
            ToMessage::Text {
                prefix,
                numbers,
                utf8,
            } => {
                if *utf8 {
                    value::utf8(line, 0)?;
                }
                let size = prefix.len() + nested_size(numbers, line.len());
                return Ok((Outgoing::Line(LineBytes::from(line)), size));
            }
            ToMessage::Parts(parts) => parts.encode(line)?,
            ToMessage::Json(message) => json(message, line)?,
        };
        let size = message.len();
        if !keep_text {
            return Ok((Outgoing::Message(message), size));
        }
        let text = String::from_utf8_lossy(line).into_owned();
        Ok((Outgoing::Encoded(Box::new(Encoded { message, text })), size))
    }

    /// Writes `outgoing` as its message.
    pub fn encode(&self, outgoing: &Outgoing, out: &mut impl BufMut) {
        match (self, outgoing) {
            (
                ToMessage::Text {
                    prefix, numbers, ..
                },
                Outgoing::Line(text),
            ) => {
                if !prefix.is_empty() {
                    out.put_slice(prefix);
                }
                encode_nested(numbers, text, out);
            }
            (_, Outgoing::Message(message)) => out.put_slice(message),
            (_, Outgoing::Encoded(encoded)) => out.put_slice(&encoded.message),
            (ToMessage::Json(_) | ToMessage::Parts(_), Outgoing::Line(_)) => {
                unreachable!("JSON and parted lines are encoded when they are read")
            }
        }
    }
}

/// A whole message in protobuf JSON, its unknown fields refused.
fn json(message: &MessageDescriptor, line: &[u8]) -> Result<Bytes, String> {
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    let not = |err: &dyn std::fmt::Display| format!("not a {} in JSON: {err}", message.full_name());
    let mut json = serde_json::Deserializer::from_slice(line);
    let request = DynamicMessage::deserialize_with_options(message.clone(), &mut json, &options)
        .and_then(|request| json.end().map(|()| request))
        .map_err(|err| not(&err))?;
    Ok(Bytes::from(request.encode_to_vec()))
}

impl Parts {
    /// The line cut at the separator, each part parsed for its field and encoded after the
    /// prefix.
    fn encode(&self, line: &[u8]) -> Result<Bytes, String> {
        let count = self.fields.len();
        if let Some(base) = &self.built {
            let parts: Vec<_> = self.separator.split(line, count).collect();
            if parts.len() < count {
                return Err(self.too_few(parts.len()));
            }
            return self.build(base, &parts);
        }
        let mut message = BytesMut::with_capacity(self.prefix.len() + line.len() + 8 * count);
        message.put_slice(&self.prefix);
        let mut found = 0;
        for (slot, (column, part)) in self.fields.iter().zip(self.separator.split(line, count)) {
            self.encode_part(slot, column, part, &mut message)
                .map_err(|why| format!("{} {}: {why}", self.flag, slot.path.shown))?;
            found += 1;
        }
        if found < count {
            return Err(self.too_few(found));
        }
        Ok(message.freeze())
    }

    fn encode_part(
        &self,
        slot: &Slot,
        column: usize,
        part: &[u8],
        out: &mut BytesMut,
    ) -> Result<(), String> {
        let field = slot.path.last();
        let as_it_is = match field.kind() {
            Kind::String => {
                value::utf8(part, column)?;
                true
            }
            Kind::Bytes => self.bytes == BytesAs::Raw,
            _ => false,
        };
        if as_it_is {
            encode_nested(&slot.numbers, part, out);
            return Ok(());
        }
        let value = value::parse(&field.kind(), part, self.bytes, column)?;
        if slot.outer().is_empty() {
            value::encode(field, &value, out);
            return Ok(());
        }
        let mut leaf = Vec::with_capacity(16);
        value::encode(field, &value, &mut leaf);
        encode_nested(slot.outer(), &leaf, out);
        Ok(())
    }

    /// The message built field by field, each path through a repeated field filling its one
    /// element.
    fn build(&self, base: &DynamicMessage, parts: &[(usize, &[u8])]) -> Result<Bytes, String> {
        let mut message = base.clone();
        for (slot, &(column, part)) in self.fields.iter().zip(parts) {
            let value = value::parse(&slot.path.last().kind(), part, self.bytes, column)
                .map_err(|why| format!("{} {}: {why}", self.flag, slot.path.shown))?;
            fill_along(&mut message, &slot.path.fields, value);
        }
        Ok(message.encode_to_vec().into())
    }

    fn too_few(&self, found: usize) -> String {
        let names: Vec<&str> = self
            .fields
            .iter()
            .map(|slot| slot.path.shown.as_str())
            .collect();
        format!(
            "{found} of {} fields ({}): they are separated by {} (--separator)",
            self.fields.len(),
            names.join(", "),
            self.separator.shown()
        )
    }
}

/// Sets the field at the end of `fields` to `value` (appends, to a repeated one), through the
/// last element of each repeated message field on the way, made when there is none.
fn fill_along(message: &mut DynamicMessage, fields: &[FieldDescriptor], value: Value) {
    let Some((first, rest)) = fields.split_first() else {
        return;
    };
    let slot = message.get_field_mut(first);
    if rest.is_empty() {
        match slot {
            Value::List(values) => values.push(value),
            slot => *slot = value,
        }
        return;
    }
    let inner = match slot {
        Value::List(elements) => {
            if elements.is_empty()
                && let Kind::Message(kind) = first.kind()
            {
                elements.push(Value::Message(DynamicMessage::new(kind)));
            }
            elements.last_mut()
        }
        slot => Some(slot),
    };
    if let Some(Value::Message(inner)) = inner {
        fill_along(inner, rest, value);
    }
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
