//! Message-size arithmetic shared by both sides: a question or an answer is one string field, so
//! a limit on the encoded message is a limit on the text plus a few bytes of framing.

/// gRPC's customary default, for questions and answers alike.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// The longest text whose message (StreamRequest or StreamResponse, both one string field) fits
/// in `max_message_size` bytes: one tag byte and a varint length come before the text.
pub fn max_text_len(max_message_size: usize) -> usize {
    let mut len = max_message_size.saturating_sub(1);
    while len > 0 && 1 + prost::encoding::encoded_len_varint(len as u64) + len > max_message_size {
        len -= 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{StreamRequest, StreamResponse};
    use prost::Message;

    #[test]
    fn max_text_len_is_exactly_the_largest_that_fits() {
        for limit in [
            1,
            2,
            127,
            128,
            129,
            130,
            16_384,
            16_387,
            DEFAULT_MAX_MESSAGE_SIZE,
        ] {
            let len = max_text_len(limit);
            let request = |n| StreamRequest {
                question: "x".repeat(n),
            };
            let response = |n| StreamResponse {
                answer: "x".repeat(n),
            };
            assert!(request(len).encoded_len() <= limit, "limit {limit}");
            assert!(request(len + 1).encoded_len() > limit, "limit {limit}");
            assert_eq!(request(len).encoded_len(), response(len).encoded_len());
        }
    }
}
