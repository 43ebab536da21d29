//! The questions of a run: text made up to `--payload` bytes, or the lines of `--questions-file`
//! cycled, each read once at the start (by the method's mapping, so that a bad line is refused
//! with its number before anything is sent).

use std::borrow::Cow;

use crate::{
    error::{BadInput, Usage},
    mapping::{Outgoing, ToMessage},
    message::within_limit,
    net::CallSetup,
};

use super::{QuestionSource, plan::ticket};

#[derive(Debug)]
pub(super) enum QuestionPool {
    Generated {
        payload: usize,
    },
    /// Each line's request, in the file's order, and how the report names them.
    Lines {
        requests: Vec<Outgoing>,
        shown: String,
    },
}

impl QuestionPool {
    pub(super) fn load(
        source: &QuestionSource,
        requests: &ToMessage,
        call: &CallSetup,
    ) -> anyhow::Result<QuestionPool> {
        let (path, json) = match source {
            QuestionSource::Generated { payload } => {
                return Ok(QuestionPool::Generated { payload: *payload });
            }
            QuestionSource::File { path, json } => (path, *json),
        };
        let shown = path.display();
        let bytes =
            std::fs::read(path).map_err(|err| Usage(format!("--questions-file {shown}: {err}")))?;
        let mut lines = Vec::new();
        for (number, line) in file_lines(&bytes).enumerate() {
            let at = format!("--questions-file {shown}:{}", number + 1);
            if json && line.trim_ascii().is_empty() {
                continue;
            }
            lines.push(read(line, &at, requests, call)?);
        }
        if lines.is_empty() {
            return Err(BadInput(format!("--questions-file {shown}: no questions in it")).into());
        }
        let what = if json { "JSON requests" } else { "questions" };
        let shown = format!("{} {what} from {shown}", lines.len());
        Ok(QuestionPool::Lines {
            requests: lines,
            shown,
        })
    }

    /// Ticket `i` of slot `n` of `slots`; the run's tickets take the file's lines in turn.
    pub(super) fn get(&self, n: usize, i: u64, slots: usize) -> Outgoing {
        match self {
            QuestionPool::Generated { payload } => {
                Outgoing::Line(generated(n, i, *payload).into_bytes().into())
            }
            QuestionPool::Lines { requests, .. } => {
                requests[line(n, i, slots, requests.len())].clone()
            }
        }
    }

    /// The text of ticket `i` of slot `n`, as `get` makes it.
    pub(super) fn text(&self, n: usize, i: u64, slots: usize) -> Cow<'_, str> {
        match self {
            QuestionPool::Generated { payload } => Cow::Owned(generated(n, i, *payload)),
            QuestionPool::Lines { requests, .. } => {
                requests[line(n, i, slots, requests.len())].text()
            }
        }
    }

    /// How the questions are described in a report.
    pub(super) fn describe(&self) -> String {
        match self {
            QuestionPool::Generated { payload } => format!("{payload}-byte questions"),
            QuestionPool::Lines { shown, .. } => shown.clone(),
        }
    }
}

/// The lines of a file: split at each newline, a carriage return before it dropped, and no
/// empty line after the last newline (as `str::lines` reads them).
fn file_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let pieces = (!bytes.is_empty()).then(|| {
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes.split(|&byte| byte == b'\n')
    });
    pieces
        .into_iter()
        .flatten()
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// One line's request, checked against the message limit; `at` names the line.
fn read(
    line: &[u8],
    at: &str,
    requests: &ToMessage,
    call: &CallSetup,
) -> Result<Outgoing, BadInput> {
    let (request, size) = requests
        .request(line, false)
        .map_err(|why| BadInput(format!("{at}: {why}")))?;
    within_limit("request", size, call.max_message_size)
        .map_err(|why| BadInput(format!("{at}: {why} (--max-message-size)")))?;
    Ok(request)
}

fn line(n: usize, i: u64, slots: usize, lines: usize) -> usize {
    (ticket(n, i, slots) % lines as u64) as usize
}

/// The text of question `i` of slot `n`, `payload` bytes long (or its number alone when that
/// does not fit).
fn generated(n: usize, i: u64, payload: usize) -> String {
    let mut text = format!("{n}.{i}");
    if text.len() < payload {
        text.extend(std::iter::repeat_n('.', payload - text.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_have_the_payload_size_unless_their_number_is_longer() {
        assert_eq!(generated(3, 7, 10), "3.7.......");
        assert_eq!(generated(12, 345, 2), "12.345");
    }

    #[test]
    fn a_files_lines_are_read_as_str_lines_reads_them() {
        fn lines(bytes: &[u8]) -> Vec<&[u8]> {
            file_lines(bytes).collect()
        }
        assert_eq!(lines(b"a\r\nb\n"), [b"a".as_slice(), b"b"]);
        assert_eq!(lines(b"a\n\nb"), [b"a".as_slice(), b"", b"b"]);
        assert_eq!(lines(b"\n"), [b"".as_slice()]);
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn the_run_takes_the_lines_in_turn() {
        let lines: Vec<_> = (0..4)
            .map(|i| Outgoing::Line(format!("line {i}").into_bytes().into()))
            .collect();
        let questions = QuestionPool::Lines {
            requests: lines,
            shown: String::new(),
        };
        // Three slots: tickets 0, 1, 2 are the slots' first questions, 3, 4, 5 their second.
        let order: Vec<_> = (0..2u64)
            .flat_map(|i| (0..3).map(move |n| (n, i)))
            .map(|(n, i)| questions.text(n, i, 3).into_owned())
            .collect();
        assert_eq!(
            order,
            ["line 0", "line 1", "line 2", "line 3", "line 0", "line 1"]
        );
    }
}
