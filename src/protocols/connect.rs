//! Connect's own parts (connectrpc.com/docs/protocol): its error, as a unary call's JSON body or
//! in a stream's end-of-stream message with the trailers, and its timeout header.

use serde_json::{Map, Value, json};
use tonic::{
    Code, Status,
    codegen::http::{HeaderMap, HeaderName, HeaderValue},
};

use super::status::{connect_name, from_connect_name, trailers};

/// The JSON of an error: `{"code": "not_found", "message": "..."}`.
pub fn error(status: &Status) -> Value {
    let mut error = Map::new();
    error.insert("code".into(), connect_name(status.code()).into());
    if !status.message().is_empty() {
        error.insert("message".into(), status.message().into());
    }
    Value::Object(error)
}

/// A stream's end-of-stream message: the error unless `status` is OK, and the trailers.
pub fn end_of_stream(status: &Status, trailers: &HeaderMap) -> Vec<u8> {
    let mut end = Map::new();
    if status.code() != Code::Ok {
        end.insert("error".into(), error(status));
    }
    let metadata = metadata(trailers);
    if !metadata.is_empty() {
        end.insert("metadata".into(), Value::Object(metadata));
    }
    Value::Object(end).to_string().into_bytes()
}

/// Metadata as Connect's JSON holds it: each name, its values in a list.
fn metadata(headers: &HeaderMap) -> Map<String, Value> {
    let mut metadata = Map::new();
    for name in headers.keys() {
        let values = (headers.get_all(name).iter())
            .filter_map(|value| value.to_str().ok())
            .map(|value| json!(value))
            .collect();
        metadata.insert(name.as_str().to_owned(), Value::Array(values));
    }
    metadata
}

/// An end-of-stream message as gRPC's trailers: its error's status, and its metadata.
pub fn end_of_stream_trailers(json: &[u8]) -> HeaderMap {
    let end: Value = serde_json::from_slice(json).unwrap_or_default();
    let mut trailers = trailers(error_status(&end["error"]));
    metadata_into(&end["metadata"], &mut trailers);
    trailers
}

/// The status of an error's JSON (OK when there is none).
pub fn error_status(error: &Value) -> Status {
    if error.is_null() {
        return Status::ok("");
    }
    let code = (error["code"].as_str())
        .and_then(from_connect_name)
        .unwrap_or(Code::Unknown);
    Status::new(code, error["message"].as_str().unwrap_or_default())
}

/// Metadata JSON (`{"name": ["value", ...]}`) into `headers`; what is no header is left out.
fn metadata_into(json: &Value, headers: &mut HeaderMap) {
    let Some(names) = json.as_object() else {
        return;
    };
    for (name, values) in names {
        let Ok(name) = HeaderName::try_from(name.as_str()) else {
            continue;
        };
        let values = values.as_array().into_iter().flatten();
        for value in values.filter_map(|value| HeaderValue::try_from(value.as_str()?).ok()) {
            headers.append(name.clone(), value);
        }
    }
}

/// `Connect-Timeout-Ms` (up to 10 digits) as a `grpc-timeout` (at most 8), if it is sound.
pub fn grpc_timeout(connect_timeout: &HeaderValue) -> Option<HeaderValue> {
    let digits = connect_timeout.to_str().ok()?;
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms: u64 = digits.parse().ok()?;
    let timeout = if ms < 100_000_000 {
        format!("{ms}m")
    } else {
        format!("{}S", ms / 1000)
    };
    HeaderValue::from_str(&timeout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_of_stream_carries_the_error_and_every_trailer() {
        let mut trailers = HeaderMap::new();
        trailers.append("x-id", "1".parse().unwrap());
        trailers.append("x-id", "2".parse().unwrap());
        let end = end_of_stream(&Status::not_found("no such key"), &trailers);
        let end: Value = serde_json::from_slice(&end).unwrap();
        assert_eq!(
            end,
            json!({"error": {"code": "not_found", "message": "no such key"},
                   "metadata": {"x-id": ["1", "2"]}})
        );
        let ok = end_of_stream(&Status::ok(""), &HeaderMap::new());
        assert_eq!(ok, b"{}");
        // And back, as a client reads it.
        let read = end_of_stream_trailers(&end.to_string().into_bytes());
        assert_eq!(read["grpc-status"], "5");
        assert_eq!(read["grpc-message"], "no%20such%20key");
        let ids: Vec<_> = read.get_all("x-id").iter().collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(end_of_stream_trailers(&ok)["grpc-status"], "0");
    }

    #[test]
    fn connect_timeouts_become_grpc_timeouts_within_their_eight_digits() {
        let timeout = |ms: &str| grpc_timeout(&HeaderValue::from_str(ms).unwrap());
        assert_eq!(timeout("1500").unwrap(), "1500m");
        assert_eq!(timeout("9999999999").unwrap(), "9999999S");
        assert_eq!(timeout("12345678901"), None);
        assert_eq!(timeout("-1"), None);
    }
}
