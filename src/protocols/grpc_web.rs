//! gRPC-Web's own parts (grpc/grpc PROTOCOL-WEB.md): the trailers sent as the body's last
//! envelope, and `-text`'s base64, which a client may send in chunks each padded on its own.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use bytes::Bytes;
use tonic::codegen::http::{HeaderMap, HeaderName, HeaderValue};

use super::envelope::{TRAILERS, envelope};

/// The trailers as gRPC-Web sends them: `name: value\r\n` lines in an envelope of their own.
pub fn trailers_envelope(trailers: &HeaderMap) -> Bytes {
    let mut block = Vec::new();
    for (name, value) in trailers {
        block.extend_from_slice(name.as_str().as_bytes());
        block.extend_from_slice(b": ");
        block.extend_from_slice(value.as_bytes());
        block.extend_from_slice(b"\r\n");
    }
    envelope(TRAILERS, &block)
}

/// The trailers of gRPC-Web's last envelope, from its `name: value` lines.
pub fn trailers_from(block: &[u8]) -> HeaderMap {
    let mut trailers = HeaderMap::new();
    for line in String::from_utf8_lossy(block).split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = HeaderName::try_from(name.trim().to_ascii_lowercase());
        if let (Ok(name), Ok(value)) = (name, HeaderValue::try_from(value.trim())) {
            trailers.append(name, value);
        }
    }
    trailers
}

/// `bytes` in base64, as `-text` sends them.
pub fn to_base64(bytes: &[u8]) -> Bytes {
    STANDARD.encode(bytes).into()
}

/// `-text`'s base64 undone as it arrives: whole groups of four characters are decoded, the
/// rest waits for the next chunk; a group with padding ends one chunk's base64 and the next
/// begins after it.
#[derive(Debug, Default)]
pub struct FromBase64 {
    pending: Vec<u8>,
}

impl FromBase64 {
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
        self.pending
            .extend(chunk.iter().filter(|b| !b.is_ascii_whitespace()));
        let whole = self.pending.len() / 4 * 4;
        let mut out = Vec::with_capacity(whole / 4 * 3);
        let mut start = 0;
        for group in (0..whole).step_by(4) {
            if self.pending[group + 3] == b'=' {
                STANDARD.decode_vec(&self.pending[start..group + 4], &mut out)?;
                start = group + 4;
            }
        }
        STANDARD.decode_vec(&self.pending[start..whole], &mut out)?;
        self.pending.drain(..whole);
        Ok(out)
    }

    /// Whether characters are left that make no whole group.
    pub fn is_partial(&self) -> bool {
        !self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_sent_in_padded_chunks_and_split_anywhere_decodes_whole() {
        let text = [to_base64(b"ab"), to_base64(b"cde"), to_base64(b"f")].concat();
        for split in 0..text.len() {
            let mut decode = FromBase64::default();
            let mut out = decode.push(&text[..split]).unwrap();
            out.extend(decode.push(&text[split..]).unwrap());
            assert_eq!(out, b"abcdef", "split at {split}");
            assert!(!decode.is_partial());
        }
        assert!(FromBase64::default().push(b"a!b=").is_err());
    }

    #[test]
    fn trailers_are_lines_in_an_envelope_flagged_0x80() {
        let mut trailers = HeaderMap::new();
        trailers.insert("grpc-status", "0".parse().unwrap());
        trailers.insert("x-id", "7".parse().unwrap());
        let sent = trailers_envelope(&trailers);
        assert_eq!(sent[0], TRAILERS);
        assert_eq!(&sent[5..], b"grpc-status: 0\r\nx-id: 7\r\n");
        assert_eq!(trailers_from(&sent[5..]), trailers);
        assert_eq!(
            trailers_from(b"Grpc-Status:5\r\nnot a line\r\n")["grpc-status"],
            "5"
        );
    }
}
