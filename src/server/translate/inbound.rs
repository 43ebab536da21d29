//! A gRPC-Web or Connect request body as gRPC's: base64 undone, JSON made protobuf, a unary
//! call's bare message put in its envelope. Each message is held to the size limit before it
//! is buffered.

use prost_reflect::MessageDescriptor;
use tonic::{Status, codegen::http::HeaderMap};

use super::json::to_proto;
use crate::protocols::{
    body::Translate,
    compression::{Encoding, Unpacked, decompress},
    envelope::{COMPRESSED, Unenvelope, envelope},
    grpc_web::FromBase64,
};

/// `-text`'s base64, undone.
pub(super) struct Base64In(pub(super) FromBase64);

impl Translate for Base64In {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        (self.0.push(data))
            .map_err(|err| Status::invalid_argument(format!("the body is not base64: {err}")))
    }

    fn end(&mut self, _: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        match self.0.is_partial() {
            true => Err(Status::invalid_argument(
                "the body's base64 ends inside a group of four",
            )),
            false => Ok(Vec::new()),
        }
    }
}

/// A Connect stream of JSON messages, each made protobuf in a gRPC envelope.
pub(super) struct JsonStreamIn {
    pub(super) envelopes: Unenvelope,
    pub(super) message: MessageDescriptor,
    pub(super) encoding: Encoding,
    pub(super) limit: usize,
}

impl Translate for JsonStreamIn {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        self.envelopes.push(data);
        let mut out = Vec::new();
        while let Some(one) = self.envelopes.pop().map_err(too_large)? {
            let json = match one.flags & COMPRESSED {
                0 => one.payload.to_vec(),
                _ => unpacked(self.encoding, &one.payload, self.limit)?,
            };
            out.extend_from_slice(&envelope(0, &to_proto(&json, &self.message)?));
        }
        Ok(out)
    }

    fn end(&mut self, _: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        match self.envelopes.is_partial() {
            true => Err(Status::invalid_argument(
                "the request ends inside an envelope",
            )),
            false => Ok(Vec::new()),
        }
    }
}

/// A Connect unary call's message: the whole body (or the GET's `message`), decompressed, made
/// protobuf when it is JSON, in one gRPC envelope.
pub(super) struct UnaryIn {
    pub(super) body: Vec<u8>,
    pub(super) encoding: Encoding,
    /// The request's type when the body is JSON.
    pub(super) json: Option<MessageDescriptor>,
    pub(super) limit: usize,
}

impl Translate for UnaryIn {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        if self.body.len() + data.len() > self.limit {
            return Err(too_large_body(self.limit));
        }
        self.body.extend_from_slice(data);
        Ok(Vec::new())
    }

    fn end(&mut self, _: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        let body = unpacked(self.encoding, &std::mem::take(&mut self.body), self.limit)?;
        let message = match &self.json {
            Some(message) => to_proto(&body, message)?,
            None => body,
        };
        Ok(envelope(0, &message).to_vec())
    }
}

fn unpacked(encoding: Encoding, bytes: &[u8], limit: usize) -> Result<Vec<u8>, Status> {
    decompress(encoding, bytes, limit).map_err(|err| match err {
        Unpacked::TooLarge(limit) => too_large_body(limit),
        Unpacked::Unknown => Status::unimplemented("a compression serve does not take"),
        err @ Unpacked::Broken(_) => Status::invalid_argument(format!("the message {err}")),
    })
}

fn too_large(err: crate::protocols::envelope::TooLarge) -> Status {
    Status::resource_exhausted(format!("{err} (--max-message-size)"))
}

fn too_large_body(limit: usize) -> Status {
    Status::resource_exhausted(format!(
        "a message over the limit of {limit} bytes (--max-message-size)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn question() -> MessageDescriptor {
        Schema::builtin()
            .pool()
            .get_message_by_name("proto.StreamRequest")
            .unwrap()
    }

    #[test]
    fn json_envelopes_become_protobuf_envelopes_and_bad_json_names_the_type() {
        let mut stream = JsonStreamIn {
            envelopes: Unenvelope::new(64),
            message: question(),
            encoding: Encoding::Identity,
            limit: 64,
        };
        let sent = [envelope(0, br#"{"question":"hi"}"#), envelope(0, b"{")].concat();
        assert_eq!(stream.data(&sent[..10]).unwrap(), b"");
        let err = stream.data(&sent[10..]).unwrap_err();
        assert!(
            err.message().contains("not a proto.StreamRequest"),
            "{err:?}"
        );
        let mut stream = JsonStreamIn {
            envelopes: Unenvelope::new(64),
            message: question(),
            encoding: Encoding::Identity,
            limit: 64,
        };
        let out = stream.data(&envelope(0, br#"{"question":"hi"}"#)).unwrap();
        assert_eq!(out, envelope(0, b"\x0a\x02hi"));
        stream.data(&[0, 0]).unwrap();
        assert!(stream.end(None).is_err());
    }

    #[test]
    fn a_unary_body_over_the_limit_is_refused_as_it_grows() {
        let mut unary = UnaryIn {
            body: Vec::new(),
            encoding: Encoding::Identity,
            json: None,
            limit: 8,
        };
        unary.data(b"12345678").unwrap();
        assert_eq!(
            unary.data(b"9").unwrap_err().code(),
            tonic::Code::ResourceExhausted
        );
    }
}
