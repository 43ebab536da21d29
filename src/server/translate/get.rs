//! Connect's GET: a unary call of a method that declares no side effects, its message in the
//! query (`?message=...&encoding=json&base64=1&compression=gzip&connect=v1`), so that it can be
//! cached and linked to.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use prost_reflect::{MethodDescriptor, Value};
use tonic::Status;

use crate::protocols::compression::Encoding;

/// A GET's message, as the query gave it.
#[derive(Debug)]
pub(super) struct Query {
    pub(super) message: Vec<u8>,
    pub(super) json: bool,
    pub(super) encoding: Encoding,
}

/// The query's message, or what is wrong with it.
pub(super) fn query(query: &str) -> Result<Query, Status> {
    let (mut message, mut json, mut base64, mut encoding) = (None, None, false, Encoding::Identity);
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "message" => message = Some(value.into_owned()),
            "encoding" => json = Some(value == "json"),
            "base64" => base64 = value == "1",
            "compression" => {
                encoding = match &*value {
                    "gzip" => Encoding::Gzip,
                    "identity" => Encoding::Identity,
                    other => {
                        return Err(Status::unimplemented(format!(
                            "compression {other}: serve takes gzip and identity"
                        )));
                    }
                }
            }
            _ => {}
        }
    }
    let missing = |what: &str| Status::invalid_argument(format!("a GET call needs {what}"));
    let message = message.ok_or_else(|| missing("its message (?message=)"))?;
    let json = json.ok_or_else(|| missing("its encoding (&encoding=json or proto)"))?;
    let message = match base64 {
        // Padding is optional in Connect's base64; the alphabet is the URL's.
        true => URL_SAFE_NO_PAD
            .decode(message.trim_end_matches('='))
            .map_err(|err| Status::invalid_argument(format!("?message= is not base64: {err}")))?,
        false => message.into_bytes(),
    };
    Ok(Query {
        message,
        json,
        encoding,
    })
}

/// Whether a method may be called with GET: its options say `idempotency_level =
/// NO_SIDE_EFFECTS`.
pub(super) fn allowed(method: &MethodDescriptor) -> bool {
    let options = method.options();
    let level = options.get_field_by_name("idempotency_level");
    matches!(level.as_deref(), Some(Value::EnumNumber(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_gives_its_message_in_json_or_base64() {
        let got =
            query("message=%7B%22question%22%3A%22hi%22%7D&encoding=json&connect=v1").unwrap();
        assert_eq!(got.message, br#"{"question":"hi"}"#);
        assert!(got.json);
        let got = query("message=CgJoaQ&encoding=proto&base64=1").unwrap();
        assert_eq!(got.message, b"\x0a\x02hi");
        assert!(!got.json);
        assert!(
            query("encoding=json")
                .unwrap_err()
                .message()
                .contains("?message=")
        );
        assert!(
            query("message=x")
                .unwrap_err()
                .message()
                .contains("encoding")
        );
        assert_eq!(
            query("message=x&encoding=json&compression=br")
                .unwrap_err()
                .code(),
            tonic::Code::Unimplemented
        );
    }
}
