//! The one table that turns an error into an exit status, so that every command agrees on what a
//! code means and the README can quote it. It reads the causes in `error` and `signals` and
//! depends on nothing else in the crate.

use std::io;

use tonic::Code;

use crate::{
    error::{BadInput, Idle, NotServing, RpcError, ThresholdMissed, Unreachable, Usage},
    signals::Signal,
};

/// Exit statuses. Codes from 64 up are `64 + gRPC status code`, as grpcurl uses them.
pub mod code {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const BAD_INPUT: u8 = 3;
    /// `health`: the server answered with a status other than SERVING.
    pub const NOT_SERVING: u8 = 4;
    /// `bench`: the run missed a `--threshold`.
    pub const THRESHOLD_MISSED: u8 = 5;
    pub const RPC_BASE: u8 = 64;
    /// ask's `--idle-timeout`: a local time limit, numbered as timeout(1) numbers its own.
    pub const IDLE: u8 = 124;
    // SIGINT and SIGTERM end the process by the signal itself (`Signal::die`).
}

/// A row of a command's exit-status table in its `--help`: the status comes from [`code`], so
/// that no help text copies a number by hand.
#[derive(Clone, Copy, Debug)]
pub enum Exit {
    Code(u8),
    /// `64 + CODE`, a gRPC status.
    Rpc,
    /// Killed by SIGINT or SIGTERM.
    Signal,
}

/// The width the meanings are wrapped to, after the status column.
const MEANING_WIDTH: usize = 83;

/// `text` (which ends with its table's heading), then each row: the status, and what it means
/// for this command, wrapped under itself.
pub fn help(text: &str, rows: &[(Exit, &str)]) -> String {
    let mut help = text.to_owned();
    for (exit, meaning) in rows {
        let status = match exit {
            Exit::Code(code) => code.to_string(),
            Exit::Rpc => format!("{}+CODE", code::RPC_BASE),
            Exit::Signal => "SIGINT".to_owned(),
        };
        let mut lines = wrapped(meaning, MEANING_WIDTH).into_iter();
        help += &format!("  {status:<8} {}\n", lines.next().unwrap_or_default());
        for line in lines {
            help += &format!("{:11}{line}\n", "");
        }
    }
    help.trim_end().to_owned()
}

/// Words filled into lines of at most `width` characters (a longer word has a line of its own).
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// What to do with an error that reached `main`.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Print it as one line and exit with this status.
    Report(u8),
    /// Exit with this status and print nothing: the reader of our output has gone (`| head -1`).
    Quiet(u8),
    /// Print nothing and die by this signal: it asked us to stop and whoever sent it knows.
    Killed(Signal),
}

/// Decides how an error ends the process. The first recognised cause in the chain wins, so
/// context added on the way up never changes the code.
pub fn outcome(err: &anyhow::Error) -> Outcome {
    for cause in err.chain() {
        if let Some(RpcError(status)) = cause.downcast_ref() {
            return Outcome::Report(rpc_code(status.code()));
        }
        if cause.is::<Unreachable>() {
            return Outcome::Report(rpc_code(Code::Unavailable));
        }
        if cause.is::<Usage>() {
            return Outcome::Report(code::USAGE);
        }
        if cause.is::<NotServing>() {
            return Outcome::Quiet(code::NOT_SERVING);
        }
        if cause.is::<ThresholdMissed>() {
            return Outcome::Report(code::THRESHOLD_MISSED);
        }
        if cause.is::<Idle>() {
            return Outcome::Report(code::IDLE);
        }
        if cause.is::<BadInput>() {
            return Outcome::Report(code::BAD_INPUT);
        }
        if let Some(signal) = cause.downcast_ref::<Signal>() {
            return Outcome::Killed(*signal);
        }
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return Outcome::Quiet(code::SUCCESS);
        }
    }
    Outcome::Report(code::FAILURE)
}

/// `64 + code`: 78 for UNAVAILABLE, 68 for DEADLINE_EXCEEDED, as grpcurl exits.
pub fn rpc_code(code: Code) -> u8 {
    code::RPC_BASE + code as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::rpc_status;
    use anyhow::Context;
    use tonic::Status;

    #[test]
    fn help_tables_take_their_numbers_from_the_codes_and_wrap_under_themselves() {
        let long = "word ".repeat(30);
        let table = help(
            "Exit status:\n",
            &[(Exit::Code(code::USAGE), "usage"), (Exit::Rpc, long.trim())],
        );
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[1], "  2        usage");
        assert!(lines[2].starts_with("  64+CODE  word word"), "{table}");
        assert!(lines[3].starts_with("           word"), "{table}");
        assert!(
            lines
                .iter()
                .all(|line| line.chars().count() <= 11 + MEANING_WIDTH)
        );
    }

    #[test]
    fn rpc_errors_map_to_64_plus_code_through_context() {
        let err = anyhow::Error::new(RpcError(Status::unavailable("down")))
            .context("talking to localhost:1");
        assert_eq!(outcome(&err), Outcome::Report(78));
        let err = anyhow::Error::new(RpcError(Status::deadline_exceeded("slow")));
        assert_eq!(outcome(&err), Outcome::Report(68));
        let err = anyhow::Error::new(Unreachable::new("localhost:1", "refused"));
        assert_eq!(outcome(&err), Outcome::Report(78));
        assert_eq!(rpc_status(&err).unwrap().code(), Code::Unavailable);
    }

    #[test]
    fn broken_pipe_is_quiet_success_and_other_io_is_failure() {
        let pipe: anyhow::Result<()> =
            Err(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing answers");
        assert_eq!(outcome(&pipe.unwrap_err()), Outcome::Quiet(0));
        let other = anyhow::Error::new(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(outcome(&other), Outcome::Report(1));
    }

    #[test]
    fn bad_input_idleness_and_interruption_have_their_own_codes() {
        let bad = anyhow::Error::new(BadInput("line 3: not UTF-8".into()));
        assert_eq!(outcome(&bad), Outcome::Report(3));
        let idle = anyhow::Error::new(Idle(std::time::Duration::from_secs(1)));
        assert_eq!(outcome(&idle), Outcome::Report(124));
        let down = anyhow::Error::new(NotServing("NOT_SERVING".into()));
        assert_eq!(outcome(&down), Outcome::Quiet(4));
        assert_eq!(
            outcome(&anyhow::Error::new(Signal::Interrupt)),
            Outcome::Killed(Signal::Interrupt)
        );
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        assert_eq!(Signal::Terminate.exit_code(), 143);
    }

    #[test]
    fn only_statuses_and_unreachable_servers_have_a_status() {
        assert!(rpc_status(&anyhow::Error::new(BadInput("x".into()))).is_none());
    }
}
