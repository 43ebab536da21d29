//! `--save FILE` and `bench merge`: a worker's whole record as JSON, and the records of the
//! shards of one run added up into the report one bench would have printed. Histograms travel
//! in HdrHistogram's interchange form (V2, deflated, base64: strings beginning `HISTF`), which
//! HdrHistogram's own libraries read in every language; they add exactly, so merged percentiles
//! are those of the whole run, never averages.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use anyhow::Context as _;
use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use hdrhistogram::{
    Histogram,
    serialization::{Deserializer, Serializer as _, V2DeflateSerializer},
};
use serde::{Deserialize, Serialize};

use super::{
    Report, Shard, histogram,
    report::{Counts, Measured, Shards},
    settings::Settings,
};
use crate::{error::Usage, signals::Signal};

/// What a record says it is, so that `bench merge` refuses anything else by name.
const FORMAT: &str = "grpc-convo bench record, version 1";

/// One worker's run.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Saved {
    format: String,
    pub(super) settings: Settings,
    pub(super) shard: Option<Shard>,
    /// Wall-clock start and end, Unix nanoseconds.
    pub(super) start_unix_ns: u64,
    pub(super) end_unix_ns: u64,
    #[serde(flatten)]
    pub(super) counts: Counts,
    pub(super) interrupted: Option<Signal>,
    /// Nanoseconds, as the report's latency; for server streaming, to each call's first
    /// response.
    pub(super) latency: String,
    /// Server streaming: nanoseconds to each response.
    pub(super) each: String,
    pub(super) intervals: Vec<SavedInterval>,
}

/// One `--interval`, placed by its absolute start so that workers' intervals line up.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SavedInterval {
    pub(super) start_unix_ns: u64,
    pub(super) length_s: f64,
    pub(super) errors: u64,
    pub(super) open: u64,
    pub(super) latency: String,
}

impl Saved {
    pub(super) fn of(report: &Report) -> anyhow::Result<Saved> {
        let measured = &report.measured;
        let shard = match report.shards {
            Shards::One(shard) => Some(shard),
            _ => None,
        };
        let start = unix_ns(measured.started_at);
        let intervals = measured
            .series
            .iter()
            .map(|point| {
                let from_start = Duration::from_secs_f64(point.at_s - point.length_s);
                Ok(SavedInterval {
                    start_unix_ns: start + from_start.as_nanos() as u64,
                    length_s: point.length_s,
                    errors: point.errors,
                    open: point.open,
                    latency: encode(point.latency.as_ref())?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Saved {
            format: FORMAT.into(),
            settings: report.settings.clone(),
            shard,
            start_unix_ns: start,
            end_unix_ns: start + measured.wall.as_nanos() as u64,
            counts: report.counts.clone(),
            interrupted: measured.interrupted,
            latency: encode(Some(&measured.latency))?,
            each: encode(Some(&measured.each))?,
            intervals,
        })
    }

    /// Reads a record, refusing a file that is not one with a usage error naming it. The
    /// record is the file's line that begins as one does, so a pod's log with the interval
    /// lines around it (`kubectl logs` mixes stdout and stderr) reads as well as a file.
    pub(super) fn load(path: &Path) -> Result<Saved, Usage> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|err| Usage(format!("{shown}: cannot read it: {err}")))?;
        let line = text
            .lines()
            .rfind(|line| line.starts_with("{\"format\":"))
            .unwrap_or(&text);
        let saved: Saved = serde_json::from_str(line)
            .map_err(|err| Usage(format!("{shown}: not a bench --save record: {err}")))?;
        if saved.format != FORMAT {
            return Err(Usage(format!(
                "{shown}: a record of another kind ({}), not \"{FORMAT}\"",
                saved.format
            )));
        }
        Ok(saved)
    }

    /// The measurements of the record, as a report builds on them.
    pub(super) fn measured(&self) -> anyhow::Result<Measured> {
        Ok(Measured {
            started_at: SystemTime::UNIX_EPOCH + Duration::from_nanos(self.start_unix_ns),
            wall: Duration::from_nanos(self.end_unix_ns.saturating_sub(self.start_unix_ns)),
            latency: decode(&self.latency)?,
            each: decode(&self.each)?,
            interrupted: self.interrupted,
            series: Vec::new(),
        })
    }
}

/// Writes the record of a run, to a file or (for `-`) to stdout.
pub fn save(report: &Report, path: &Path) -> anyhow::Result<()> {
    let text = serde_json::to_string(&Saved::of(report)?)? + "\n";
    if path == Path::new("-") {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        return Ok(stdout.flush()?);
    }
    std::fs::write(path, text)
        .with_context(|| format!("--save {}: cannot write it", path.display()))
}

fn unix_ns(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64)
}

/// A histogram in HdrHistogram's compressed interchange form; none, as an empty one.
pub(super) fn encode(histogram: Option<&Histogram<u64>>) -> anyhow::Result<String> {
    let empty;
    let histogram = match histogram {
        Some(histogram) => histogram,
        None => {
            empty = super::histogram();
            &empty
        }
    };
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(histogram, &mut bytes)
        .map_err(|err| anyhow::anyhow!("cannot encode a histogram: {err:?}"))?;
    Ok(BASE64.encode(bytes))
}

pub(super) fn decode(text: &str) -> anyhow::Result<Histogram<u64>> {
    let bytes = BASE64
        .decode(text)
        .context("a histogram that is not base64")?;
    let decoded: Histogram<u64> = Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|err| anyhow::anyhow!("a histogram that does not decode: {err:?}"))?;
    // Into the run's own bounds, so that adding never fails on a narrower one.
    let mut wide = histogram();
    wide.add(&decoded).context("a histogram out of bounds")?;
    Ok(wide)
}

/// The records named, read.
pub(super) fn load_all(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Saved)>, Usage> {
    paths
        .iter()
        .map(|path| Saved::load(path).map(|saved| (path.clone(), saved)))
        .collect()
}
