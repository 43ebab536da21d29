//! `--transcript FILE`: every question sent and every answer received, in order, as JSON Lines
//! with a millisecond offset from the start, and the final status as the last line, so that a
//! conversation's timing can be read back with jq.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
    sync::Mutex,
    time::Instant,
};

use anyhow::Context as _;
use serde_json::json;
use tonic::{Status, metadata::MetadataMap};

use super::metadata::{self, Part};
use crate::error::{lock, status_json};

pub(super) struct Transcript {
    started: Instant,
    out: Mutex<BufWriter<File>>,
}

impl Transcript {
    pub(super) fn create(path: &Path) -> anyhow::Result<Transcript> {
        let file = File::create(path)
            .with_context(|| format!("cannot write the transcript {}", path.display()))?;
        Ok(Transcript {
            started: Instant::now(),
            out: Mutex::new(BufWriter::new(file)),
        })
    }

    pub(super) fn question(&self, text: &str) {
        self.record(json!({ "direction": "question", "ms": self.ms(), "text": text }));
    }

    pub(super) fn answer(&self, text: &[u8]) {
        let text = String::from_utf8_lossy(text);
        self.record(json!({ "direction": "answer", "ms": self.ms(), "text": text }));
    }

    /// The response headers or trailers, as an object of names and values.
    pub(super) fn metadata(&self, part: Part, map: &MetadataMap) {
        let entries = metadata::json(map);
        self.record(json!({ "direction": part.name(), "ms": self.ms(), "metadata": entries }));
    }

    /// The last line: how the conversation ended.
    pub(super) fn status(&self, status: &Status) -> io::Result<()> {
        let mut line = json!({ "direction": "status", "ms": self.ms() });
        if let (Some(line), serde_json::Value::Object(status)) =
            (line.as_object_mut(), status_json(status))
        {
            line.extend(status);
        }
        self.record(line);
        self.lock().flush()
    }

    fn ms(&self) -> f64 {
        // Microsecond resolution, in milliseconds: enough to see the time between two answers.
        (self.started.elapsed().as_micros() as f64) / 1000.0
    }

    fn record(&self, line: serde_json::Value) {
        let mut out = self.lock();
        // A failed write shows up again, and is reported, when the status is flushed.
        let _ = serde_json::to_writer(&mut *out, &line);
        let _ = out.write_all(b"\n");
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BufWriter<File>> {
        lock(&self.out)
    }
}
