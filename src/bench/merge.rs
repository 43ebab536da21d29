//! `bench merge`: the `--save` records of the shards of one run, added up into the report one
//! bench with those flags would have printed. Workers must have run the same thing: any setting
//! but the command line that differs is refused by name. A shard that is missing is named, and
//! the report covers the others.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    time::{Duration, SystemTime},
};

use hdrhistogram::Histogram;

use super::{
    Report, Shard, histogram,
    intervals::Point,
    report::{Counts, Measured, Shards},
    saved::{Saved, decode, load_all},
};
use crate::error::Usage;

/// The merged report, and the shards that were not among the records.
pub fn merge(paths: &[PathBuf]) -> anyhow::Result<(Report, Vec<Shard>)> {
    let records = load_all(paths)?;
    check_alike(&records)?;
    let (count, missing) = shards(&records)?;
    let start = records.iter().map(|(_, s)| s.start_unix_ns).min();
    let end = records.iter().map(|(_, s)| s.end_unix_ns).max();
    let (start, end) = (start.unwrap_or(0), end.unwrap_or(0));
    let settings = records[0].1.settings.clone();
    let mut report = Report {
        shards: Shards::Merged {
            count,
            missing: missing.iter().map(|shard| shard.index).collect(),
        },
        counts: Counts::default(),
        measured: Measured {
            started_at: SystemTime::UNIX_EPOCH + Duration::from_nanos(start),
            // Throughput over the union of the workers' wall times.
            wall: Duration::from_nanos(end.saturating_sub(start)),
            latency: histogram(),
            each: histogram(),
            interrupted: None,
            series: match settings.interval {
                Some(every) => intervals(&records, start, every)?,
                None => Vec::new(),
            },
        },
        settings,
    };
    for (_, saved) in &records {
        add(&mut report, saved)?;
    }
    Ok((report, missing))
}

/// Counts and errors by status summed, histograms added.
fn add(report: &mut Report, saved: &Saved) -> anyhow::Result<()> {
    let theirs = saved.measured()?;
    let measured = &mut report.measured;
    measured.latency.add(&theirs.latency)?;
    measured.each.add(&theirs.each)?;
    measured.interrupted = measured.interrupted.or(theirs.interrupted);
    report.counts.add(&saved.counts);
    Ok(())
}

/// Every record ran the same thing: the first setting that differs is named, with both values.
fn check_alike(records: &[(PathBuf, Saved)]) -> Result<(), Usage> {
    let value = |saved: &Saved| serde_json::to_value(&saved.settings).unwrap_or_default();
    let (first_path, first) = &records[0];
    let first = value(first);
    for (path, saved) in &records[1..] {
        let theirs = value(saved);
        let differs =
            first.as_object().into_iter().flatten().find(|(key, ours)| {
                *key != "command_line" && theirs.get(key.as_str()) != Some(*ours)
            });
        if let Some((key, ours)) = differs {
            return Err(Usage(format!(
                "{} and {} are not shards of one run: {key} is {ours} in one, {} in the other",
                first_path.display(),
                path.display(),
                theirs.get(key.as_str()).cloned().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// How many shards the run had, and which are missing; a record that is no shard, of another
/// count, or twice the same shard is refused.
fn shards(records: &[(PathBuf, Saved)]) -> Result<(usize, Vec<Shard>), Usage> {
    let mut seen = BTreeMap::new();
    let mut count = None;
    for (path, saved) in records {
        let shown = path.display();
        let Some(shard) = saved.shard else {
            return Err(Usage(format!(
                "{shown}: not a shard's record (bench --shard K/N)"
            )));
        };
        if *count.get_or_insert(shard.count) != shard.count {
            return Err(Usage(format!(
                "{shown}: shard {shard}, of another count than the others"
            )));
        }
        if let Some(other) = seen.insert(shard.index, path) {
            return Err(Usage(format!(
                "shard {shard} twice: {} and {shown}",
                other.display()
            )));
        }
    }
    let count = count.unwrap_or(0);
    let missing = (0..count)
        .filter(|index| !seen.contains_key(index))
        .map(|index| Shard { index, count })
        .collect();
    Ok((count, missing))
}

/// The workers' intervals, each placed by its start from the run's start, added up.
fn intervals(
    records: &[(PathBuf, Saved)],
    start: u64,
    every: Duration,
) -> anyhow::Result<Vec<Point>> {
    let mut buckets: BTreeMap<u64, Interval> = BTreeMap::new();
    for (_, saved) in records {
        for interval in &saved.intervals {
            let offset = interval.start_unix_ns.saturating_sub(start) as f64;
            let index = (offset / every.as_nanos() as f64).round() as u64;
            let bucket = buckets.entry(index).or_insert_with(Interval::new);
            bucket.length_s = bucket.length_s.max(interval.length_s);
            bucket.errors += interval.errors;
            bucket.open += interval.open;
            bucket.latency.add(decode(&interval.latency)?)?;
        }
    }
    Ok(buckets
        .into_iter()
        .map(|(index, interval)| {
            let length = Duration::from_secs_f64(interval.length_s);
            let at = every * index as u32 + length;
            Point::new(
                at,
                length,
                Some(interval.latency),
                interval.errors,
                interval.open,
            )
        })
        .collect())
}

/// One interval of the merged run: every worker's share of it added.
struct Interval {
    length_s: f64,
    errors: u64,
    open: u64,
    latency: Histogram<u64>,
}

impl Interval {
    fn new() -> Interval {
        Interval {
            length_s: 0.0,
            errors: 0,
            open: 0,
            latency: histogram(),
        }
    }
}
