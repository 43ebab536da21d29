//! The framing gRPC, gRPC-Web and Connect streams share: a flags byte, a 4-byte big-endian
//! length, the payload. Read from a byte stream that may split or join them anywhere, each
//! refused before it is buffered when its length is over the limit (a 4 GiB prefix costs
//! nothing).

use bytes::{Buf, Bytes, BytesMut};

pub const PREFIX: usize = 5;
/// The payload is compressed (gRPC, gRPC-Web, Connect).
pub const COMPRESSED: u8 = 0x01;
/// Connect: the stream's last envelope, its end-of-stream message.
pub const END_STREAM: u8 = 0x02;
/// gRPC-Web: the trailers, as an HTTP/1 header block.
pub const TRAILERS: u8 = 0x80;

/// One envelope.
#[derive(Debug, PartialEq, Eq)]
pub struct Envelope {
    pub flags: u8,
    pub payload: Bytes,
}

/// `payload` in an envelope with `flags`.
pub fn envelope(flags: u8, payload: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(PREFIX + payload.len());
    out.extend_from_slice(&[flags]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out.freeze()
}

/// An envelope whose length is over the limit.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("a message of {length} bytes, over the limit of {limit}")]
pub struct TooLarge {
    pub length: usize,
    pub limit: usize,
}

/// Envelopes out of a byte stream.
#[derive(Debug)]
pub struct Unenvelope {
    buffered: BytesMut,
    limit: usize,
}

impl Unenvelope {
    /// Payloads over `limit` bytes are refused.
    pub fn new(limit: usize) -> Unenvelope {
        Unenvelope {
            buffered: BytesMut::new(),
            limit,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buffered.extend_from_slice(bytes);
    }

    /// The next whole envelope, if it has all come.
    pub fn pop(&mut self) -> Result<Option<Envelope>, TooLarge> {
        let Some(prefix) = self.buffered.get(..PREFIX) else {
            return Ok(None);
        };
        let length = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
        if length > self.limit {
            return Err(TooLarge {
                length,
                limit: self.limit,
            });
        }
        if self.buffered.len() < PREFIX + length {
            return Ok(None);
        }
        let flags = self.buffered[0];
        self.buffered.advance(PREFIX);
        let payload = self.buffered.split_to(length).freeze();
        Ok(Some(Envelope { flags, payload }))
    }

    /// Whether part of an envelope is left over.
    pub fn is_partial(&self) -> bool {
        !self.buffered.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_split_and_joined_anywhere_come_out_whole() {
        let stream = [envelope(0, b"one"), envelope(END_STREAM, b"{}")].concat();
        for split in 0..stream.len() {
            let mut read = Unenvelope::new(16);
            read.push(&stream[..split]);
            let mut got = Vec::new();
            while let Some(one) = read.pop().unwrap() {
                got.push(one);
            }
            read.push(&stream[split..]);
            while let Some(one) = read.pop().unwrap() {
                got.push(one);
            }
            assert_eq!(got.len(), 2, "split at {split}");
            assert_eq!(got[1].flags, END_STREAM);
            assert!(!read.is_partial());
        }
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_its_bytes_come() {
        let mut read = Unenvelope::new(1024);
        read.push(&[0, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(
            read.pop(),
            Err(TooLarge {
                length: u32::MAX as usize,
                limit: 1024
            })
        );
        let mut partial = Unenvelope::new(1024);
        partial.push(&[0, 0, 0]);
        assert_eq!(partial.pop(), Ok(None));
        assert!(partial.is_partial());
    }
}
