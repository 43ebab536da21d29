//! The WebSocket API's messages (docs/web.md), one JSON object per text message. Unknown keys
//! are refused, so that a typo is an error rather than a flag silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json, value::RawValue};
use tonic::{Status, metadata::MetadataMap};

use crate::{client::metadata, error::status_json, mapping::BytesAs};

/// The first message: what to call and how its lines map, as ask's flags of the same names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Start {
    pub method: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub field: Vec<String>,
    #[serde(default)]
    pub answer_field: Vec<String>,
    #[serde(default)]
    pub set: Vec<String>,
    #[serde(default)]
    pub input: Format,
    #[serde(default)]
    pub output: Format,
    /// Between the fields of a line (`--separator`); a tab unless given.
    pub separator: Option<String>,
    #[serde(default)]
    pub bytes: BytesAs,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Format {
    #[default]
    Text,
    Json,
}

/// Every later message: exactly one of a line, a whole request, or the end of the questions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    line: Option<String>,
    request: Option<Box<RawValue>>,
    end: Option<bool>,
}

#[derive(Debug)]
pub(super) enum Question {
    Line(String),
    Request(Box<RawValue>),
    End,
}

impl Question {
    pub(super) fn parse(text: &str) -> Result<Question, String> {
        let said: Said =
            serde_json::from_str(text).map_err(|err| format!("not a message of the API: {err}"))?;
        match (said.line, said.request, said.end) {
            (Some(line), None, None) => Ok(Question::Line(line)),
            (None, Some(request), None) => Ok(Question::Request(request)),
            (None, None, Some(true)) => Ok(Question::End),
            _ => Err(
                "a message after the first holds exactly one of line, request or end: true".into(),
            ),
        }
    }
}

pub(super) fn headers(map: &MetadataMap) -> String {
    json!({ "headers": metadata::json(map) }).to_string()
}

/// Written directly: one string per answer, not a JSON tree.
pub(super) fn answer(line: &[u8]) -> String {
    let text = serde_json::to_string(&String::from_utf8_lossy(line)).unwrap_or_default();
    format!("{{\"answer\":{text}}}")
}

/// A response already written as protobuf JSON, put in as it is.
pub(super) fn response(json: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(json).map_err(|err| err.to_string())?;
    let raw = RawValue::from_string(text.to_owned()).map_err(|err| err.to_string())?;
    serde_json::to_string(&json!({ "response": raw })).map_err(|err| err.to_string())
}

pub(super) fn status(status: &Status, trailers: Option<&MetadataMap>) -> String {
    let mut body = status_json(status);
    let trailers = trailers.unwrap_or(status.metadata());
    if let Value::Object(fields) = &mut body {
        fields.insert("trailers".into(), metadata::json(trailers));
    }
    json!({ "status": body }).to_string()
}

pub(super) fn error(why: &str) -> String {
    json!({ "error": why }).to_string()
}
