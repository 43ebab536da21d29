//! Message-size rules shared by both sides: a question or an answer is one string field, so a
//! limit on the encoded message is a limit on the text plus a few bytes of framing; and a message
//! over the limit is RESOURCE_EXHAUSTED, whichever side received it.

use tonic::{Code, Status};

/// gRPC's customary default, for questions and answers alike.
pub(crate) const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// The longest text whose message (StreamRequest or StreamResponse, both one string field) fits
/// in `max_message_size` bytes: one tag byte and a varint length come before the text.
pub(crate) fn max_text_len(max_message_size: usize) -> usize {
    let mut len = max_message_size.saturating_sub(1);
    while len > 0 && 1 + prost::encoding::encoded_len_varint(len as u64) + len > max_message_size {
        len -= 1;
    }
    len
}

/// A message of `size` bytes against the limit, in the words every side uses: `Err` says which
/// message (`what`), how big it was and the limit.
pub(crate) fn within_limit(what: &str, size: usize, limit: usize) -> Result<(), String> {
    match size > limit {
        true => Err(too_big(what, Some(size), limit)),
        false => Ok(()),
    }
}

/// A message over the limit, with its size where it is known (a line cut short at the limit
/// has none).
pub(crate) fn too_big(what: &str, size: Option<usize>, limit: usize) -> String {
    match size {
        Some(size) => format!("{what} of {size} bytes over the {limit}-byte message limit"),
        None => format!("{what} over the {limit}-byte message limit"),
    }
}

/// tonic's decoder refuses a message over the receive limit with OUT_OF_RANGE; gRPC's own
/// implementations say RESOURCE_EXHAUSTED, which grpc-convo promises. tonic's status carries no
/// typed cause, so its words are the only sign: a peer's own OUT_OF_RANGE passes unchanged.
pub(crate) fn over_limit(status: Status, what: &str, limit: usize) -> Status {
    if status.code() != Code::OutOfRange
        || !status
            .message()
            .starts_with("Error, decoded message length too large")
    {
        return status;
    }
    Status::resource_exhausted(format!(
        "{what} over the {limit}-byte message limit (--max-message-size; {})",
        status.message()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{StreamRequest, StreamResponse};
    use prost::Message;

    #[test]
    fn only_tonics_own_refusal_becomes_resource_exhausted() {
        let tonic = Status::out_of_range("Error, decoded message length too large: found 9 bytes");
        let mapped = over_limit(tonic, "answer", 8);
        assert_eq!(mapped.code(), Code::ResourceExhausted);
        assert!(
            mapped
                .message()
                .starts_with("answer over the 8-byte message limit")
        );
        let peer = Status::out_of_range("page 9 of 8");
        assert_eq!(over_limit(peer, "answer", 8).code(), Code::OutOfRange);
    }

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
