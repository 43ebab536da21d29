//! Lines back to calls. Whatever is wrong is refused naming the file and the line: a line cut
//! short, another version, bytes that are not base64 or not the recorded type, a call without
//! its status.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use base64::Engine as _;
use bytes::Bytes;
use prost_reflect::{DynamicMessage, MethodDescriptor};
use serde_json::Value;
use tonic::Code;

use super::{Event, Metadata, Recording, Side, Status, VERSION, What};
use crate::{error::Usage, schema::CallKind};

/// Where a recording begins: its file and the line of its first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// Every recording in the files and directories named (a directory's files in name order,
/// hidden ones left out), in order.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<Recording>, Usage> {
    let mut recordings = Vec::new();
    for path in paths {
        for file in files(path)? {
            let text = std::fs::read_to_string(&file)
                .map_err(|err| Usage(format!("{}: cannot read it: {err}", file.display())))?;
            recordings.extend(parse(&file, &text)?);
        }
    }
    Ok(recordings)
}

fn files(path: &Path) -> Result<Vec<PathBuf>, Usage> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|err| Usage(format!("{}: cannot read it: {err}", path.display())))?;
    let mut files: Vec<PathBuf> = (entries.filter_map(Result::ok))
        .map(|entry| entry.path())
        .filter(|file| file.is_file())
        .filter(|file| {
            !file
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The recordings in one file's text.
pub(super) fn parse(path: &Path, text: &str) -> Result<Vec<Recording>, Usage> {
    let at = |line: usize| Origin {
        path: path.to_owned(),
        line,
    };
    let mut done = Vec::new();
    let mut open: Option<Recording> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let refuse = |why: String| Usage(format!("{}: {why}", at(number)));
        let value: Value = serde_json::from_str(line)
            .map_err(|err| refuse(format!("not a JSON line (cut short?): {err}")))?;
        if value.get("recording").is_some() {
            if let Some(unfinished) = open.take() {
                return Err(unfinished_call(&unfinished));
            }
            open = Some(header(&value).map_err(refuse)?);
            if let Some(recording) = &mut open {
                recording.origin = Some(at(number));
            }
            continue;
        }
        let Some(recording) = open.as_mut() else {
            return Err(refuse(
                "not the first line of a recording (no \"recording\" version)".into(),
            ));
        };
        if body_line(recording, &value, number).map_err(refuse)? {
            let finished = open.take().ok_or_else(|| refuse("no call".into()))?;
            done.push(checked(finished)?);
        }
    }
    match open {
        Some(unfinished) => Err(unfinished_call(&unfinished)),
        None if done.is_empty() => Err(Usage(format!("{}: no recording in it", path.display()))),
        None => Ok(done),
    }
}

fn unfinished_call(recording: &Recording) -> Usage {
    Usage(format!(
        "{}: the call has no status line: the recording is cut short",
        recording.place()
    ))
}

fn header(value: &Value) -> Result<Recording, String> {
    let version = value["recording"].as_u64();
    if version != Some(VERSION) {
        return Err(format!(
            "recording version {}; this grpc-convo reads version {VERSION}",
            value["recording"]
        ));
    }
    let method = value["method"].as_str().filter(|m| m.starts_with('/'));
    let method = method.ok_or("no \"method\" as /pkg.Service/Method")?;
    let kind = match value.get("kind") {
        None | Some(Value::Null) => None,
        Some(kind) => Some(call_kind(kind)?),
    };
    Ok(Recording {
        method: method.to_owned(),
        kind,
        started: value["started"].as_str().unwrap_or_default().to_owned(),
        metadata: metadata(&value["metadata"])?,
        files: Vec::new(),
        events: Vec::new(),
        status: Status {
            ms: 0.0,
            code: Code::Unknown,
            message: String::new(),
        },
        origin: None,
    })
}

fn call_kind(kind: &Value) -> Result<CallKind, String> {
    let kinds = [
        CallKind::Unary,
        CallKind::ClientStreaming,
        CallKind::ServerStreaming,
        CallKind::Bidirectional,
    ];
    let found = kinds
        .into_iter()
        .find(|k| Some(k.to_string().as_str()) == kind.as_str());
    found.ok_or_else(|| {
        format!(
            "\"kind\" {kind} is none of unary, client-streaming, server-streaming, bidirectional"
        )
    })
}

/// Takes one line after the header; `true` when it was the status, the call's last.
fn body_line(recording: &mut Recording, value: &Value, line: usize) -> Result<bool, String> {
    if let Some(file) = value.get("file") {
        recording.files.push(base64_field(file, "file")?);
        return Ok(false);
    }
    let ms = value["ms"].as_f64().ok_or("no \"ms\" offset")?;
    let direction = value["direction"].as_str().unwrap_or_default();
    let what = match direction {
        "question" => What::Question(base64_field(&value["bytes"], "bytes")?),
        "answer" => What::Answer(base64_field(&value["bytes"], "bytes")?),
        "headers" => What::Headers(metadata(&value["metadata"])?),
        "trailers" => What::Trailers(metadata(&value["metadata"])?),
        "half-close" => What::HalfClose,
        "status" => {
            let code = value["number"].as_i64().filter(|n| (0..=16).contains(n));
            let code = code.ok_or("a status line with no \"number\" from 0 to 16")?;
            recording.status = Status {
                ms,
                code: Code::from(code as i32),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
            };
            return Ok(true);
        }
        other => {
            return Err(format!(
                "\"direction\" {other:?} is none of question, answer, headers, trailers, half-close, status"
            ));
        }
    };
    recording.events.push(Event { ms, what, line });
    Ok(false)
}

fn base64_field(value: &Value, name: &str) -> Result<Bytes, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("no \"{name}\" in base64"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|err| format!("\"{name}\" is not base64: {err}"))?;
    Ok(bytes.into())
}

fn metadata(value: &Value) -> Result<Metadata, String> {
    let Some(object) = value.as_object() else {
        return match value {
            Value::Null => Ok(Vec::new()),
            _ => Err("\"metadata\" is not an object of names and values".into()),
        };
    };
    let mut entries = Vec::new();
    for (name, values) in object {
        let values = match values {
            Value::Array(values) => values.iter().collect(),
            single => vec![single],
        };
        for value in values {
            let text = value
                .as_str()
                .ok_or_else(|| format!("metadata {name} is not a string"))?;
            entries.push((name.clone(), text.to_owned()));
        }
    }
    Ok(entries)
}

/// The recorded types, when there are any, define the method, and every message decodes as its
/// side's type.
fn checked(recording: Recording) -> Result<Recording, Usage> {
    if recording.files.is_empty() {
        return Ok(recording);
    }
    let place = recording.place();
    let method = method(&recording).map_err(|why| Usage(format!("{place}: {why}")))?;
    for event in &recording.events {
        let (bytes, side) = match &event.what {
            What::Question(bytes) => (bytes, Side::Question),
            What::Answer(bytes) => (bytes, Side::Answer),
            _ => continue,
        };
        let message = side.of(&method);
        if let Err(err) = DynamicMessage::decode(message.clone(), bytes.as_ref()) {
            let origin = recording
                .origin
                .as_ref()
                .map(|o| o.path.display().to_string());
            return Err(Usage(format!(
                "{}:{}: the {} bytes do not decode as {}: {err}",
                origin.unwrap_or_default(),
                event.line,
                side.name(),
                message.full_name()
            )));
        }
    }
    Ok(recording)
}

fn method(recording: &Recording) -> Result<MethodDescriptor, String> {
    if recording.pool().is_none() {
        return Err("the recorded files are not valid descriptors".into());
    }
    recording
        .method_descriptor()
        .ok_or_else(|| format!("the recorded files do not define {}", recording.method))
}
