//! Recordings: one gRPC call as JSON Lines (docs/recordings.md), read and written here only.
//! `proxy --record` and `check --update` write them, `ask --transcript` writes the same lines,
//! `serve --replay` answers from them and `check` replays their questions.
//!
//! - `capture`: what of a live call's metadata and types goes into its recording;
//! - `write`: a call to its lines, the message bytes always, their JSON when the types are known;
//! - `read`: lines back to calls, each refusal naming the file and line;
//! - `compare`: whether two messages are the same, fields of `--match-ignore` left out.

mod capture;
mod compare;
mod read;
mod write;

use bytes::Bytes;
use prost_reflect::{DescriptorPool, MessageDescriptor, MethodDescriptor};
use tonic::Code;

use crate::schema::CallKind;
pub use capture::{REDACTED, files_of, metadata_map, metadata_of};
pub use compare::{FieldPath, Matcher};
pub use read::{Origin, read_paths};
pub use write::{Line, lines, rfc3339};

/// The version of the format this build reads and writes: the `recording` of each first line.
pub const VERSION: u64 = 1;

/// Request metadata, response headers or trailers: names and values in the order sent, `-bin`
/// values in base64.
pub type Metadata = Vec<(String, String)>;

/// One call.
#[derive(Clone, Debug)]
pub struct Recording {
    /// The path, `/pkg.Service/Method`.
    pub method: String,
    /// Known when the method's types were.
    pub kind: Option<CallKind>,
    /// When the call began, as RFC 3339 in UTC.
    pub started: String,
    pub metadata: Metadata,
    /// The types of the method, as serialized FileDescriptorProtos, dependencies first.
    pub files: Vec<Bytes>,
    pub events: Vec<Event>,
    pub status: Status,
    /// Where it was read from; `None` for one recorded now.
    pub origin: Option<Origin>,
}

/// Something that happened in a call, `ms` after it began.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub ms: f64,
    pub what: What,
    /// The line it was read from, to name in a refusal or a diff.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum What {
    Question(Bytes),
    Answer(Bytes),
    Headers(Metadata),
    /// The client said it had no more questions.
    HalfClose,
    Trailers(Metadata),
}

/// How the call ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub ms: f64,
    pub code: Code,
    pub message: String,
}

impl Recording {
    /// The questions, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Bytes> {
        self.events.iter().filter_map(|event| match &event.what {
            What::Question(bytes) => Some(bytes),
            _ => None,
        })
    }

    /// The answers, in order.
    pub fn answers(&self) -> impl Iterator<Item = &Bytes> {
        self.events.iter().filter_map(|event| match &event.what {
            What::Answer(bytes) => Some(bytes),
            _ => None,
        })
    }

    /// The response headers, if any were recorded.
    pub fn headers(&self) -> Option<&Metadata> {
        self.events.iter().find_map(|event| match &event.what {
            What::Headers(headers) => Some(headers),
            _ => None,
        })
    }

    /// The trailers, if any were recorded.
    pub fn trailers(&self) -> Option<&Metadata> {
        self.events.iter().find_map(|event| match &event.what {
            What::Trailers(trailers) => Some(trailers),
            _ => None,
        })
    }

    /// The recorded types, when the recording carries them: its method and the pool.
    pub fn method_descriptor(&self) -> Option<MethodDescriptor> {
        let pool = self.pool()?;
        let (service, method) = self.method.trim_start_matches('/').rsplit_once('/')?;
        let service = pool.get_service_by_name(service)?;
        service.methods().find(|found| found.name() == method)
    }

    /// The pool the recorded files make, if they make one.
    pub fn pool(&self) -> Option<DescriptorPool> {
        if self.files.is_empty() {
            return None;
        }
        let mut pool = DescriptorPool::new();
        let files = self
            .files
            .iter()
            .map(|bytes| prost::Message::decode(bytes.as_ref()));
        let files: Result<Vec<prost_types::FileDescriptorProto>, _> = files.collect();
        pool.add_file_descriptor_protos(files.ok()?).ok()?;
        Some(pool)
    }

    /// Where it came from, as `FILE` or `FILE:LINE`, for messages.
    pub fn place(&self) -> String {
        match &self.origin {
            Some(origin) => origin.to_string(),
            None => "this call".to_owned(),
        }
    }
}

/// Which side of a call a message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Question,
    Answer,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Question => "question",
            Side::Answer => "answer",
        }
    }

    /// The message type this side carries.
    pub fn of(self, method: &MethodDescriptor) -> MessageDescriptor {
        match self {
            Side::Question => method.input(),
            Side::Answer => method.output(),
        }
    }
}

/// A message as JSON, for people: its fields when `message` says what it is and the bytes
/// decode, else its length and bytes in base64.
pub fn shown(bytes: &[u8], message: Option<&MessageDescriptor>) -> serde_json::Value {
    if let Some(json) = message.and_then(|message| write::json(bytes, message)) {
        return json;
    }
    serde_json::json!({ "length": bytes.len(), "base64": write::base64(bytes) })
}

/// When replayed answers go (`--replay-timing`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timing {
    /// As soon as the question they followed is in.
    None,
    /// At their offset in the recording, `speed` times as fast (1 for `recorded`), never before
    /// the question they followed.
    Recorded { speed: f64 },
}

impl std::str::FromStr for Timing {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let speed = match text {
            "none" => return Ok(Timing::None),
            "recorded" => 1.0,
            _ => text
                .strip_prefix('x')
                .and_then(|n| n.parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n > 0.0)
                .ok_or_else(|| {
                    format!(
                        "'{text}' is none of none, recorded, or xN (N times as fast, as x2 or x0.5)"
                    )
                })?,
        };
        Ok(Timing::Recorded { speed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_takes_none_recorded_and_a_speed() {
        assert_eq!("none".parse(), Ok(Timing::None));
        assert_eq!("recorded".parse(), Ok(Timing::Recorded { speed: 1.0 }));
        assert_eq!("x2".parse(), Ok(Timing::Recorded { speed: 2.0 }));
        assert_eq!("x0.5".parse(), Ok(Timing::Recorded { speed: 0.5 }));
        for bad in ["", "x", "x0", "x-1", "2", "xinf", "fast"] {
            assert!(bad.parse::<Timing>().is_err(), "{bad:?}");
        }
    }
}
