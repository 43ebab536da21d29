//! `--transcript FILE`: the conversation as a recording (docs/recordings.md), so that
//! `serve --replay` can answer from it and `check` can check a server against it: the method
//! and its types, every question sent and answer received with its bytes, its text and a
//! millisecond offset from the start, the response metadata, and the final status last.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
    sync::{Mutex, OnceLock},
    time::{Instant, SystemTime},
};

use anyhow::Context as _;
use prost_reflect::MethodDescriptor;
use tonic::{Status, metadata::MetadataMap};

use super::{metadata::Part, target::Target};
use crate::{
    error::lock,
    mapping::Lines,
    net::CallSetup,
    recording::{self, Event, Line, What, files_of, metadata_of, rfc3339},
};

pub(super) struct Transcript {
    started: Instant,
    method: OnceLock<MethodDescriptor>,
    out: Mutex<BufWriter<File>>,
}

impl Transcript {
    pub(super) fn create(path: &Path) -> anyhow::Result<Transcript> {
        let file = File::create(path)
            .with_context(|| format!("cannot write the transcript {}", path.display()))?;
        Ok(Transcript {
            started: Instant::now(),
            method: OnceLock::new(),
            out: Mutex::new(BufWriter::new(file)),
        })
    }

    /// The first lines: the method, the request metadata, the method's types.
    pub(super) fn begin(&self, target: &Target, call: &CallSetup) {
        let _ = self.method.set(target.method.clone());
        let mut metadata = MetadataMap::new();
        call.stamp(&mut metadata);
        let metadata = metadata_of(&metadata.into_headers());
        self.record(Line::Header {
            method: target.path.as_str(),
            kind: Some(target.kind),
            started: &rfc3339(SystemTime::now()),
            metadata: &metadata,
        });
        for file in files_of(&target.method) {
            self.record(Line::File(&file));
        }
    }

    pub(super) fn question(&self, text: &str, bytes: &[u8]) {
        let what = What::Question(bytes.to_vec().into());
        self.record_with_text(what, text);
    }

    pub(super) fn answer(&self, lines: &Lines, bytes: &[u8]) {
        let text: Vec<String> = lines
            .iter()
            .map(|line| String::from_utf8_lossy(line).into())
            .collect();
        self.record_with_text(What::Answer(bytes.to_vec().into()), &text.join("\n"));
    }

    /// The questions' end.
    pub(super) fn half_close(&self) {
        let event = Event {
            ms: self.ms(),
            what: What::HalfClose,
            line: 0,
        };
        self.record(Line::Event(&event, None));
    }

    /// The response headers or trailers.
    pub(super) fn metadata(&self, part: Part, map: &MetadataMap) {
        let metadata = metadata_of(&map.clone().into_headers());
        let what = match part {
            Part::Headers => What::Headers(metadata),
            Part::Trailers => What::Trailers(metadata),
        };
        let event = Event {
            ms: self.ms(),
            what,
            line: 0,
        };
        self.record(Line::Event(&event, self.method.get()));
    }

    /// The last line: how the conversation ended.
    pub(super) fn status(&self, status: &Status) -> io::Result<()> {
        let status = recording::Status {
            ms: self.ms(),
            code: status.code(),
            message: status.message().to_owned(),
        };
        self.record(Line::Status(&status));
        lock(&self.out).flush()
    }

    fn ms(&self) -> f64 {
        // Microsecond resolution, in milliseconds: enough to see the time between two answers.
        (self.started.elapsed().as_micros() as f64) / 1000.0
    }

    /// A message's line, with its text as ask read or printed it.
    fn record_with_text(&self, what: What, text: &str) {
        let event = Event {
            ms: self.ms(),
            what,
            line: 0,
        };
        let mut line = Line::Event(&event, self.method.get()).json();
        line["text"] = text.into();
        self.write(&line);
    }

    fn record(&self, line: Line<'_>) {
        self.write(&line.json());
    }

    fn write(&self, line: &serde_json::Value) {
        let mut out = lock(&self.out);
        // A failed write shows up again, and is reported, when the status is flushed.
        let _ = serde_json::to_writer(&mut *out, line);
        let _ = out.write_all(b"\n");
    }
}
