//! `check`: recordings as regression tests. Each recording's call is made again against a live
//! server (`call`), compared with what was recorded (`diff`), reported a line per call (with
//! the diff under one that differs) and, with `--junit`, as JUnit XML (`junit`); `--update`
//! writes the calls as they went now in place of the recordings.

mod call;
mod diff;
mod junit;

use std::{
    collections::HashMap,
    io::Write as _,
    path::PathBuf,
    time::{Duration, Instant},
};

use anyhow::Context as _;

use crate::{
    error::Usage,
    net::{CallSetup, ConnectConfig, connect},
    recording::{self, FieldPath, Matcher, Recording, Side, read_paths},
};

#[derive(Debug)]
pub struct CheckConfig {
    pub recordings: Vec<PathBuf>,
    pub connect: ConnectConfig,
    pub call: CallSetup,
    pub ignore: Vec<FieldPath>,
    pub check_metadata: bool,
    pub junit: Option<PathBuf>,
    pub update: bool,
    pub wait: Duration,
}

/// One recording's outcome.
#[derive(Debug)]
struct Checked {
    place: String,
    method: String,
    diff: Vec<String>,
    seconds: f64,
}

/// Checks every recording; fails when a call differs (unless `--update` wrote it anew).
pub async fn check(config: &CheckConfig) -> anyhow::Result<()> {
    let recordings = read_paths(&config.recordings)?;
    let matcher = matcher(config, &recordings)?;
    let (channel, _) = connect(&config.connect).await?;
    let mut checked = Vec::new();
    let mut again = Vec::new();
    let mut out = std::io::stdout().lock();
    for recorded in &recordings {
        let began = Instant::now();
        let received = call::again(&channel, config, recorded).await;
        let case = Checked {
            place: recorded.place(),
            method: recorded.method.trim_start_matches('/').to_owned(),
            diff: diff::diff(recorded, &received, &matcher, config.check_metadata),
            seconds: began.elapsed().as_secs_f64(),
        };
        writeln!(out, "{}", shown(&case))?;
        checked.push(case);
        again.push(received);
    }
    let failed = checked.iter().filter(|c| !c.diff.is_empty()).count();
    let total = checked.len();
    writeln!(
        out,
        "checked {total}: {} as recorded, {failed} otherwise",
        total - failed
    )?;
    out.flush()?;
    if let Some(path) = &config.junit {
        std::fs::write(path, junit::xml(&checked))
            .with_context(|| format!("--junit {}: cannot write it", path.display()))?;
    }
    if config.update {
        return update(&again);
    }
    match failed {
        0 => Ok(()),
        n => anyhow::bail!(
            "{n} of {} calls answered otherwise than recorded",
            checked.len()
        ),
    }
}

/// The fields to leave out, each one of a recorded answer's.
fn matcher(config: &CheckConfig, recordings: &[Recording]) -> Result<Matcher, Usage> {
    for path in &config.ignore {
        let named = (recordings.iter())
            .filter_map(|recording| recording.method_descriptor())
            .any(|method| path.names_a_field_of(&Side::Answer.of(&method)));
        if !named {
            return Err(Usage(format!(
                "--match-ignore {path}: no recorded response has this field"
            )));
        }
    }
    Ok(Matcher {
        ignore: config.ignore.clone(),
    })
}

fn shown(case: &Checked) -> String {
    if case.diff.is_empty() {
        return format!("ok   {} {}", case.place, case.method);
    }
    let mut text = format!("FAIL {} {}", case.place, case.method);
    for line in &case.diff {
        text.push_str("\n  ");
        text.push_str(line);
    }
    text
}

/// Writes each file again with its calls as they went now, in the order they were in it.
fn update(again: &[Recording]) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut by_file: HashMap<PathBuf, String> = HashMap::new();
    for received in again {
        let Some(origin) = &received.origin else {
            continue;
        };
        if !by_file.contains_key(&origin.path) {
            files.push(origin.path.clone());
        }
        (by_file.entry(origin.path.clone()).or_default()).push_str(&recording::lines(received));
    }
    for file in files {
        std::fs::write(&file, &by_file[&file])
            .with_context(|| format!("--update: cannot write {}", file.display()))?;
    }
    Ok(())
}
