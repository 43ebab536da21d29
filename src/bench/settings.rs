//! What a run was asked to do, as plain data: what a report describes, what a saved record
//! carries, and what `bench merge` checks is the same in every worker's record.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Joining, Length, Load, QuestionSource, Setup, Threshold};
use crate::schema::CallKind;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Settings {
    /// `pkg.Service/Method`.
    pub(super) method: String,
    pub(super) kind: CallKind,
    /// The address, as given.
    pub(super) target: String,
    /// `-c`: conversations or slots of the whole run, all shards together.
    pub(super) conversations: usize,
    pub(super) connections: usize,
    pub(super) length: Length,
    /// Client streaming: the questions of each call.
    pub(super) per_call: u64,
    pub(super) lockstep: bool,
    pub(super) rate: Option<Load>,
    pub(super) joining: Option<Joining>,
    /// The questions, in words.
    pub(super) questions: String,
    /// Generated questions' size, or the file they come from.
    pub(super) payload: Option<usize>,
    pub(super) questions_from: Option<String>,
    pub(super) check: bool,
    pub(super) answers_per_question: u64,
    pub(super) interval: Option<Duration>,
    /// The command line, secrets left out: it differs from worker to worker (the shard), so a
    /// merge does not compare it.
    pub(super) command_line: String,
    /// `--threshold`s, judged again on the merged figures (records before them have none).
    #[serde(default)]
    pub(super) thresholds: Vec<Threshold>,
}

impl Settings {
    pub(super) fn of(setup: &Setup) -> Settings {
        let config = &setup.config;
        Settings {
            method: config.method.method.to_string(),
            kind: setup.kind,
            target: config.connect.addr.to_string(),
            conversations: config.conversations,
            connections: config.connections,
            length: setup.length,
            per_call: setup.per_call,
            lockstep: config.lockstep,
            rate: config.rate,
            joining: config.joining,
            questions: setup.questions.describe(),
            payload: match config.source {
                QuestionSource::Generated { payload } => Some(payload),
                QuestionSource::File { .. } => None,
            },
            questions_from: match &config.source {
                QuestionSource::File { path, .. } => Some(path.display().to_string()),
                QuestionSource::Generated { .. } => None,
            },
            check: config.check,
            answers_per_question: config.answers_per_question,
            interval: config.interval,
            command_line: config.command_line.clone(),
            thresholds: config.thresholds.clone(),
        }
    }
}
