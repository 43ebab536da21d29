//! Messages counted in a gRPC body as it passes, by their envelopes (a flag byte and a 4-byte
//! length), for calls whose messages no service of ours reads: health, reflection, replayed
//! and proxied calls. Only the envelopes' headers are read; a message's bytes are skipped.

/// Where the count is in the stream of bytes.
#[derive(Debug, Default)]
pub(super) struct Envelopes {
    /// The bytes of the current envelope's header seen so far.
    header: [u8; 5],
    have: usize,
    /// The bytes of the current message still to pass.
    left: u64,
}

impl Envelopes {
    /// How many messages begin in `data` (trailers in a gRPC-Web body are not messages).
    pub(super) fn count(&mut self, mut data: &[u8]) -> u64 {
        let mut messages = 0;
        while !data.is_empty() {
            if self.left > 0 {
                let skipped = (data.len() as u64).min(self.left);
                self.left -= skipped;
                data = &data[skipped as usize..];
                continue;
            }
            let take = (5 - self.have).min(data.len());
            self.header[self.have..self.have + take].copy_from_slice(&data[..take]);
            (self.have, data) = (self.have + take, &data[take..]);
            if self.have == 5 {
                self.have = 0;
                let [flags, length @ ..] = self.header;
                self.left = u32::from_be_bytes(length).into();
                messages += u64::from(flags & 0x80 == 0);
            }
        }
        messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(flags: u8, message: &[u8]) -> Vec<u8> {
        let mut bytes = vec![flags];
        bytes.extend((message.len() as u32).to_be_bytes());
        bytes.extend(message);
        bytes
    }

    #[test]
    fn messages_are_counted_however_the_bytes_are_cut() {
        let mut stream = envelope(0, b"hello");
        stream.extend(envelope(1, b""));
        stream.extend(envelope(0, &[7; 300]));
        stream.extend(envelope(0x80, b"grpc-status: 0\r\n"));
        for cut in [1, 2, 3, 7, 64, stream.len()] {
            let mut envelopes = Envelopes::default();
            let counted: u64 = stream.chunks(cut).map(|chunk| envelopes.count(chunk)).sum();
            assert_eq!(counted, 3, "in chunks of {cut}");
        }
    }
}
