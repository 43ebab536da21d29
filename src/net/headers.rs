//! `-H 'name: value'`: request metadata as grpcurl takes it, checked when the command line is
//! parsed so that a malformed header is a usage error naming it.

use std::{fmt, str::FromStr};

use base64::Engine as _;
use tonic::metadata::{
    AsciiMetadataKey, AsciiMetadataValue, BinaryMetadataKey, BinaryMetadataValue, MetadataMap,
};

/// One `-H` header, ready to be sent.
#[derive(Clone, Debug)]
pub enum Header {
    Ascii(AsciiMetadataKey, AsciiMetadataValue),
    /// A `-bin` name: the value was given in base64 and is sent as the bytes it stands for.
    Binary(BinaryMetadataKey, BinaryMetadataValue),
}

impl Header {
    /// The name, lower case, as it goes on the wire.
    pub fn name(&self) -> &str {
        match self {
            Header::Ascii(key, _) => key.as_str(),
            Header::Binary(key, _) => key.as_str(),
        }
    }

    pub fn insert_into(&self, metadata: &mut MetadataMap) {
        match self {
            Header::Ascii(key, value) => {
                metadata.append(key.clone(), value.clone());
            }
            Header::Binary(key, value) => {
                metadata.append_bin(key.clone(), value.clone());
            }
        }
    }
}

impl FromStr for Header {
    type Err = HeaderError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refuse = |why: &str| HeaderError(format!("'{text}': {why}"));
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| refuse("expected 'name: value'"))?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim_start();
        if name.is_empty() {
            return Err(refuse("the name is empty"));
        }
        if name.starts_with("grpc-") || name == "te" || name == "content-type" {
            return Err(refuse("the name is reserved by the gRPC protocol"));
        }
        if name.ends_with("-bin") {
            let key = BinaryMetadataKey::from_bytes(name.as_bytes())
                .map_err(|_| refuse("not a valid metadata name"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(value))
                .map_err(|_| refuse("a -bin header takes a base64 value"))?;
            return Ok(Header::Binary(key, BinaryMetadataValue::from_bytes(&bytes)));
        }
        let key = AsciiMetadataKey::from_bytes(name.as_bytes())
            .map_err(|_| refuse("not a valid metadata name"))?;
        // gRPC allows printable ASCII only, stricter than HTTP, which tonic would accept.
        let printable = value.bytes().all(|b| (b' '..=b'~').contains(&b));
        let value = AsciiMetadataValue::try_from(value)
            .ok()
            .filter(|_| printable)
            .ok_or_else(|| {
                refuse("the value must be printable ASCII (use a -bin name for bytes)")
            })?;
        Ok(Header::Ascii(key, value))
    }
}

#[derive(Debug)]
pub struct HeaderError(String);

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HeaderError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(headers: &[&str]) -> MetadataMap {
        let mut map = MetadataMap::new();
        for header in headers {
            header.parse::<Header>().unwrap().insert_into(&mut map);
        }
        map
    }

    #[test]
    fn ascii_headers_keep_their_value_and_lowercase_their_name() {
        let map = metadata(&["X-Team: blue  green", "x-team:red", "empty:"]);
        let teams: Vec<_> = map
            .get_all("x-team")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(teams, ["blue  green", "red"]);
        assert_eq!(map.get("empty").unwrap(), "");
    }

    #[test]
    fn bin_headers_take_base64_padded_or_not() {
        let map = metadata(&["trace-bin: AAEC/w==", "other-bin: AAEC/w"]);
        for key in ["trace-bin", "other-bin"] {
            assert_eq!(
                map.get_bin(key).unwrap().to_bytes().unwrap().as_ref(),
                [0, 1, 2, 255]
            );
        }
    }

    #[test]
    fn malformed_headers_are_refused_naming_them() {
        for (header, why) in [
            ("no colon", "expected 'name: value'"),
            (": value", "the name is empty"),
            ("bad name: x", "not a valid metadata name"),
            ("grpc-timeout: 1S", "reserved"),
            ("content-type: text/plain", "reserved"),
            ("x-bin: not base64!", "base64"),
            ("x: caf\u{e9}", "printable ASCII"),
        ] {
            let err = header.parse::<Header>().unwrap_err().to_string();
            assert!(err.starts_with(&format!("'{header}': ")), "{err}");
            assert!(err.contains(why), "{header}: {err}");
        }
    }
}
