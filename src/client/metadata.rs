//! `--show-metadata`: the response headers and trailers, `name: value` a line on stderr under
//! the headings grpcurl's `-v` uses, binary (`-bin`) values in base64; and as the transcript
//! records them.

use base64::Engine as _;
use tonic::metadata::{KeyAndValueRef, MetadataMap};

/// Which metadata a call sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Headers,
    Trailers,
}

/// Each entry as a name and a printable value, in the order received.
pub(crate) fn entries(map: &MetadataMap) -> Vec<(String, String)> {
    (map.iter())
        .map(|entry| match entry {
            KeyAndValueRef::Ascii(key, value) => (
                key.to_string(),
                String::from_utf8_lossy(value.as_encoded_bytes()).into_owned(),
            ),
            KeyAndValueRef::Binary(key, value) => {
                let bytes = value.to_bytes().unwrap_or_default();
                let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                (key.to_string(), text)
            }
        })
        .collect()
}

/// The entries as one JSON object of names and values, as the transcript and web's API carry
/// them.
pub(crate) fn json(map: &MetadataMap) -> serde_json::Value {
    let entries = entries(map).into_iter();
    serde_json::Value::Object(entries.map(|(name, value)| (name, value.into())).collect())
}

/// The block `--show-metadata` writes on stderr.
pub(super) fn shown(part: Part, map: &MetadataMap) -> String {
    let mut text = match part {
        Part::Headers => "Response headers received:\n".to_owned(),
        Part::Trailers => "Response trailers received:\n".to_owned(),
    };
    let entries = entries(map);
    if entries.is_empty() {
        text.push_str("(empty)\n");
    }
    for (name, value) in entries {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text
}

/// The block `--show-metadata` writes before the call, as grpcurl's `-v` does: what each call
/// carries (`-H`, the trace context), the token's value left out.
pub(super) fn to_send(call: &crate::net::CallSetup) -> String {
    let mut map = MetadataMap::new();
    call.stamp(&mut map);
    let mut text = "Request metadata to send:\n".to_owned();
    let entries = entries(&map);
    if entries.is_empty() {
        text.push_str("(empty)\n");
    }
    for (name, value) in entries {
        let value = if name == "authorization" {
            "(the token)".to_owned()
        } else {
            value
        };
        text.push_str(&format!("{name}: {value}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::metadata::{BinaryMetadataValue, MetadataValue};

    #[test]
    fn entries_print_as_name_value_lines_binary_ones_in_base64() {
        let mut map = MetadataMap::new();
        map.insert("x-id", MetadataValue::from_static("42"));
        map.insert_bin("x-raw-bin", BinaryMetadataValue::from_bytes(&[0, 255, 1]));
        assert_eq!(
            shown(Part::Trailers, &map),
            "Response trailers received:\nx-id: 42\nx-raw-bin: AP8B\n"
        );
        assert_eq!(
            shown(Part::Headers, &MetadataMap::new()),
            "Response headers received:\n(empty)\n"
        );
    }
}
