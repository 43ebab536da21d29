//! One field's value as text, both ways: parsed from a line's part or a `--set`, encoded on the
//! wire, and printed into a line. Numbers as protobuf JSON writes them, enums by name, bytes as
//! they are or in base64 (`--bytes`), messages, maps and whole repeated fields as compact JSON.

use std::borrow::Cow;

use base64::Engine as _;
use prost::bytes::{BufMut, Bytes};
use prost::encoding;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, ReflectMessage, SerializeOptions, Value,
};

/// How `bytes` fields are written in lines (`--bytes`, web's `"bytes"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BytesAs {
    /// The bytes themselves.
    #[default]
    Raw,
    /// Standard base64, as protobuf JSON writes them.
    Base64,
}

/// A value of `kind` written as `text`: a number, `true`/`false`, an enum by name or number,
/// bytes as `bytes_as` says, a string as it is (which must then be UTF-8; `column` is where
/// `text` starts in its line, for the complaint).
pub(super) fn parse(
    kind: &Kind,
    text: &[u8],
    bytes_as: BytesAs,
    column: usize,
) -> Result<Value, String> {
    if let (Kind::Bytes, BytesAs::Raw) = (kind, bytes_as) {
        return Ok(Value::Bytes(Bytes::copy_from_slice(text)));
    }
    let text = utf8(text, column)?;
    let not = |what: &str| format!("'{text}' is not {what}");
    Ok(match kind {
        Kind::Double => Value::F64(float(text).ok_or_else(|| not("a number"))?),
        Kind::Float => Value::F32(float32(text).ok_or_else(|| not("a float (±3.4e38)"))?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(text.parse().map_err(|_| not("a 32-bit integer"))?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            Value::I64(text.parse().map_err(|_| not("a 64-bit integer"))?)
        }
        Kind::Uint32 | Kind::Fixed32 => Value::U32(
            text.parse()
                .map_err(|_| not("an unsigned 32-bit integer"))?,
        ),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(
            text.parse()
                .map_err(|_| not("an unsigned 64-bit integer"))?,
        ),
        Kind::Bool => Value::Bool(text.parse().map_err(|_| not("true or false"))?),
        Kind::String => Value::String(text.to_owned()),
        Kind::Bytes => Value::Bytes(base64(text).ok_or_else(|| not("base64 (--bytes base64)"))?),
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

/// `text` as UTF-8, or where it is not; `column` is where `text` starts in its line.
pub(super) fn utf8(text: &[u8], column: usize) -> Result<&str, String> {
    std::str::from_utf8(text).map_err(|err| {
        let at = err.valid_up_to();
        format!(
            "not valid UTF-8 (byte 0x{:02x} at column {})",
            text[at],
            column + at + 1
        )
    })
}

/// A float as protobuf JSON writes one, its special values included.
fn float(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok().filter(|n: &f64| n.is_finite()),
    }
}

/// A `float`: a finite number past its range (`1e39`) is refused, never made infinity.
fn float32(text: &str) -> Option<f32> {
    let wide = float(text)?;
    let narrow = wide as f32;
    (narrow.is_finite() || !wide.is_finite()).then_some(narrow)
}

fn base64(text: &str) -> Option<Bytes> {
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|engine| engine.decode(text).ok().map(Bytes::from))
}

/// `value` of `field` as its message holds it on the wire, field key included: an element of a
/// repeated field as one unpacked element, which every parser takes.
pub(super) fn encode(field: &FieldDescriptor, value: &Value, out: &mut impl BufMut) {
    let tag = field.number();
    match (field.kind(), value) {
        (Kind::Sint32, Value::I32(n)) => encoding::sint32::encode(tag, n, out),
        (Kind::Sfixed32, Value::I32(n)) => encoding::sfixed32::encode(tag, n, out),
        (_, Value::I32(n)) => encoding::int32::encode(tag, n, out),
        (Kind::Sint64, Value::I64(n)) => encoding::sint64::encode(tag, n, out),
        (Kind::Sfixed64, Value::I64(n)) => encoding::sfixed64::encode(tag, n, out),
        (_, Value::I64(n)) => encoding::int64::encode(tag, n, out),
        (Kind::Fixed32, Value::U32(n)) => encoding::fixed32::encode(tag, n, out),
        (_, Value::U32(n)) => encoding::uint32::encode(tag, n, out),
        (Kind::Fixed64, Value::U64(n)) => encoding::fixed64::encode(tag, n, out),
        (_, Value::U64(n)) => encoding::uint64::encode(tag, n, out),
        (_, Value::F32(n)) => encoding::float::encode(tag, n, out),
        (_, Value::F64(n)) => encoding::double::encode(tag, n, out),
        (_, Value::Bool(b)) => encoding::bool::encode(tag, b, out),
        (_, Value::EnumNumber(n)) => encoding::int32::encode(tag, n, out),
        (_, Value::String(text)) => encoding::string::encode(tag, text, out),
        (_, Value::Bytes(bytes)) => encoding::bytes::encode(tag, bytes, out),
        (_, Value::Message(_) | Value::List(_) | Value::Map(_)) => {
            unreachable!("a line's part is parsed as a scalar")
        }
    }
}

/// How a field's value is printed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Printing {
    pub bytes: BytesAs,
    pub proto_names: bool,
}

/// The value of `field` in `holder`, printed onto `out`: scalars as text, everything else as
/// compact protobuf JSON; why not, when it cannot be written.
pub(super) fn print(
    holder: &DynamicMessage,
    field: &FieldDescriptor,
    how: Printing,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let value = holder.get_field(field);
    let text: Cow<'_, [u8]> = match (&*value, field.kind()) {
        (Value::List(_) | Value::Map(_), _) => return field_json(holder, field, how, out),
        (Value::Message(message), _) => return json(message, how.proto_names, out),
        (Value::String(text), _) => Cow::Borrowed(text.as_bytes()),
        (Value::Bytes(bytes), _) if how.bytes == BytesAs::Raw => Cow::Borrowed(bytes),
        (Value::Bytes(bytes), _) => Cow::Owned(
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .into_bytes(),
        ),
        (Value::EnumNumber(number), Kind::Enum(values)) => match values.get_value(*number) {
            Some(value) => Cow::Owned(value.name().as_bytes().to_vec()),
            None => Cow::Owned(number.to_string().into_bytes()),
        },
        (scalar, _) => Cow::Owned(number_text(scalar).into_bytes()),
    };
    out.extend_from_slice(&text);
    Ok(())
}

fn number_text(value: &Value) -> String {
    let float = |n: f64| match n {
        n if n.is_nan() => "NaN".to_owned(),
        n if n.is_infinite() && n > 0.0 => "Infinity".to_owned(),
        n if n.is_infinite() => "-Infinity".to_owned(),
        n => n.to_string(),
    };
    match value {
        Value::Bool(b) => b.to_string(),
        Value::I32(n) | Value::EnumNumber(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F32(n) => float(f64::from(*n)),
        Value::F64(n) => float(*n),
        _ => String::new(),
    }
}

/// A repeated or map field as the JSON value protobuf JSON gives it: serialized in a message of
/// its own, then taken out, so that its elements are real JSON, not JSON text in strings.
fn field_json(
    holder: &DynamicMessage,
    field: &FieldDescriptor,
    how: Printing,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let mut alone = DynamicMessage::new(holder.descriptor());
    alone.set_field(field, holder.get_field(field).into_owned());
    let mut whole = Vec::new();
    json(&alone, how.proto_names, &mut whole)?;
    let fields: std::collections::HashMap<&str, &serde_json::value::RawValue> =
        serde_json::from_slice(&whole).map_err(|err| cannot_write(&err))?;
    let name = match how.proto_names {
        true => field.name(),
        false => field.json_name(),
    };
    let value = fields.get(name).map_or("null", |raw| raw.get());
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

/// Compact protobuf JSON with every field written, defaults included, as `-o json` promises.
pub(super) fn json(
    message: &DynamicMessage,
    proto_names: bool,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let options = SerializeOptions::new()
        .skip_default_fields(false)
        .use_proto_field_name(proto_names);
    let mut serializer = serde_json::Serializer::new(out);
    message
        .serialize_with_options(&mut serializer, &options)
        .map_err(|err| cannot_write(&err))
}

fn cannot_write(err: &dyn std::fmt::Display) -> String {
    format!("cannot write it as JSON: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_float_past_its_range_is_refused_and_its_special_values_kept() {
        assert_eq!(float32("3.4e38"), Some(3.4e38));
        assert_eq!(float32("1e39"), None);
        assert_eq!(float32("-1e39"), None);
        assert_eq!(float32("Infinity"), Some(f32::INFINITY));
        assert!(float32("NaN").is_some_and(f32::is_nan));
        assert_eq!(float32("1e-50"), Some(0.0));
    }
}
