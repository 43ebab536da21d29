//! The one table that turns an error into an exit status, so that every command agrees on what a
//! code means and the README can quote it.

use std::{fmt, io};

use tonic::{Code, Status};

use crate::signals::Signal;

/// Exit statuses. Codes from 64 up are `64 + gRPC status code`, as grpcurl uses them.
pub mod code {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const BAD_INPUT: u8 = 3;
    pub const RPC_BASE: u8 = 64;
    /// ask's `--idle-timeout`: a local time limit, numbered as timeout(1) numbers its own.
    pub const IDLE: u8 = 124;
    // SIGINT and SIGTERM end the process by the signal itself (`Signal::die`).
}

/// A conversation that ended with a non-OK gRPC status. Its text is `CODE: message`, the form
/// grpcurl users already read.
#[derive(Debug)]
pub struct RpcError(pub Status);

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", code_name(self.0.code()))?;
        match self.0.message() {
            "" => Ok(()),
            message => write!(f, ": {message}"),
        }
    }
}

impl std::error::Error for RpcError {}

/// Something given on the command line cannot be used: a file that cannot be read or parsed, a
/// command that does not exist. Found at startup, it exits as a usage error.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Input that cannot be sent, named by where it was found.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

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
        if cause.is::<crate::client::Unreachable>() {
            return Outcome::Report(rpc_code(Code::Unavailable));
        }
        if cause.is::<Usage>() {
            return Outcome::Report(code::USAGE);
        }
        if cause.is::<crate::client::Idle>() {
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

/// The gRPC status an error ended a conversation with, if it did: a server's status, or
/// UNAVAILABLE for a server that could not be reached.
pub fn rpc_status(err: &anyhow::Error) -> Option<Status> {
    err.chain().find_map(|cause| {
        if let Some(RpcError(status)) = cause.downcast_ref() {
            return Some(status.clone());
        }
        cause
            .downcast_ref::<crate::client::Unreachable>()
            .map(|unreachable| Status::unavailable(unreachable.to_string()))
    })
}

/// A status as one JSON object, for scripts that read `--output json`.
pub fn status_json(status: &Status) -> String {
    serde_json::json!({
        "code": code_name(status.code()),
        "number": status.code() as i32,
        "message": status.message(),
    })
    .to_string()
}

/// `64 + code`: 78 for UNAVAILABLE, 68 for DEADLINE_EXCEEDED, as grpcurl exits.
pub fn rpc_code(code: Code) -> u8 {
    code::RPC_BASE + code as u8
}

/// The canonical upper-case name of a status code, as every gRPC implementation prints it.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn rpc_errors_map_to_64_plus_code_through_context() {
        let err = anyhow::Error::new(RpcError(Status::unavailable("down")))
            .context("talking to localhost:1");
        assert_eq!(outcome(&err), Outcome::Report(78));
        let err = anyhow::Error::new(RpcError(Status::deadline_exceeded("slow")));
        assert_eq!(outcome(&err), Outcome::Report(68));
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
    fn bad_input_and_interruption_have_their_own_codes() {
        let bad = anyhow::Error::new(BadInput("line 3: not UTF-8".into()));
        assert_eq!(outcome(&bad), Outcome::Report(3));
        assert_eq!(
            outcome(&anyhow::Error::new(Signal::Interrupt)),
            Outcome::Killed(Signal::Interrupt)
        );
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        assert_eq!(Signal::Terminate.exit_code(), 143);
    }

    #[test]
    fn rpc_error_text_is_code_then_message() {
        let text = RpcError(Status::resource_exhausted("too big")).to_string();
        assert_eq!(text, "RESOURCE_EXHAUSTED: too big");
        assert_eq!(RpcError(Status::internal("")).to_string(), "INTERNAL");
    }

    #[test]
    fn status_json_names_and_numbers_the_code() {
        let err = anyhow::Error::new(RpcError(Status::unavailable("gone \"away\"")));
        let json = status_json(&rpc_status(&err).unwrap());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::json!({"code": "UNAVAILABLE", "number": 14, "message": "gone \"away\""})
        );
        assert!(rpc_status(&anyhow::Error::new(BadInput("x".into()))).is_none());
    }

    #[test]
    fn every_code_has_a_distinct_name() {
        let names: std::collections::HashSet<_> =
            (0..=16).map(|n| code_name(Code::from(n))).collect();
        assert_eq!(names.len(), 17);
    }
}
