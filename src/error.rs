//! Every cause of failure a user can meet, as types, on the ground floor: every module may name
//! them and none of them depends on anything above. Which exit status each one earns is decided
//! once, at the edge, in `exit`.

use std::{
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use thiserror::Error;
use tonic::{Code, Status};

/// A conversation that ended with a non-OK gRPC status. Its text is `CODE: message`, the form
/// grpcurl users already read.
#[derive(Debug, Error)]
#[error("{}", status_line(.0))]
pub struct RpcError(pub Status);

/// Something given on the command line cannot be used: a file that cannot be read or parsed, a
/// command that does not exist. Found at startup, it exits as a usage error.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Input that cannot be sent, named by where it was found.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The server could not be reached at all; exits as UNAVAILABLE.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct Unreachable(String);

impl Unreachable {
    pub fn new(addr: impl std::fmt::Display, cause: impl std::fmt::Display) -> Unreachable {
        Unreachable(format!("cannot reach {addr}: {cause}"))
    }

    /// A whole sentence that names the address itself.
    pub fn said(sentence: String) -> Unreachable {
        Unreachable(sentence)
    }
}

/// `health` heard a status other than SERVING; the status itself is the output, so nothing more
/// is said. Exits 4, as grpc-health-probe does, for scripts and probes written against it.
#[derive(Debug, Error)]
#[error("the service is {0}, not SERVING")]
pub struct NotServing(pub String);

/// bench ran, but a `--threshold` was missed; exits 5, so that CI tells it from a run that
/// failed outright.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ThresholdMissed(pub String);

/// Nothing moved for `--idle-timeout`; exits 124, as timeout(1) does.
#[derive(Debug, Error)]
#[error("no answer for {} (--idle-timeout)", humantime::format_duration(*.0))]
pub struct Idle(pub Duration);

/// The gRPC status an error ended a conversation with, if it did: a server's status, or
/// UNAVAILABLE for a server that could not be reached.
pub fn rpc_status(err: &anyhow::Error) -> Option<Status> {
    err.chain().find_map(|cause| {
        if let Some(RpcError(status)) = cause.downcast_ref() {
            return Some(status.clone());
        }
        cause
            .downcast_ref::<Unreachable>()
            .map(|unreachable| Status::unavailable(unreachable.to_string()))
    })
}

fn status_line(status: &Status) -> String {
    match status.message() {
        "" => code_name(status.code()).to_owned(),
        message => format!("{}: {message}", code_name(status.code())),
    }
}

/// A status as a JSON object, for scripts: `--output json`'s stderr and the transcript's last line.
pub fn status_json(status: &Status) -> serde_json::Value {
    serde_json::json!({
        "code": code_name(status.code()),
        "number": status.code() as i32,
        "message": status.message(),
    })
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

/// tonic and hyper wrap a cause in layers of "transport error"; the innermost says what happened.
pub fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// The first error of type `E` in a chain of sources. An `io::Error` that wraps another error
/// hides it from `source()`; this looks inside.
pub fn find_cause<'a, E: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(found) = err.downcast_ref::<E>() {
            return Some(found);
        }
        let wrapped = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        cause = match wrapped {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// Whether a call's status is its connection failing under it rather than the server's word: an
/// UNKNOWN, INTERNAL or UNAVAILABLE with an HTTP/2, hyper or socket error as its source (no
/// server sends those), or hyper cancelling a call whose connection closed. gRPC gives such a
/// call UNAVAILABLE.
pub fn lost_connection(status: &Status) -> bool {
    match status.code() {
        Code::Unknown | Code::Internal | Code::Unavailable => {
            find_cause::<h2::Error>(status).is_some()
                || find_cause::<hyper::Error>(status).is_some()
                || find_cause::<std::io::Error>(status).is_some()
        }
        // A server's RST_STREAM CANCEL stays the CANCELLED it is.
        Code::Cancelled => find_cause::<hyper::Error>(status).is_some_and(|err| err.is_canceled()),
        _ => false,
    }
}

/// Locks a mutex whose data a panic elsewhere cannot leave half-written (a counter, a line, a
/// set), so that one panicking thread does not take the others down with it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_from_a_socket_error_is_a_lost_connection_and_a_servers_is_not() {
        let broken = Status::from_error(Box::new(std::io::Error::other("broken pipe")));
        assert_eq!(broken.code(), Code::Unknown);
        assert!(lost_connection(&broken));
        assert!(!lost_connection(&Status::unknown("the server said so")));
        assert!(!lost_connection(&Status::cancelled("reset by the server")));
        assert!(!lost_connection(&Status::not_found("no such key")));
    }

    #[test]
    fn rpc_error_text_is_code_then_message() {
        let text = RpcError(Status::resource_exhausted("too big")).to_string();
        assert_eq!(text, "RESOURCE_EXHAUSTED: too big");
        assert_eq!(RpcError(Status::internal("")).to_string(), "INTERNAL");
    }

    #[test]
    fn status_json_names_and_numbers_the_code() {
        let json = status_json(&Status::unavailable("gone \"away\""));
        assert_eq!(
            json,
            serde_json::json!({"code": "UNAVAILABLE", "number": 14, "message": "gone \"away\""})
        );
    }

    #[test]
    fn every_code_has_a_distinct_name() {
        let names: std::collections::HashSet<_> =
            (0..=16).map(|n| code_name(Code::from(n))).collect();
        assert_eq!(names.len(), 17);
    }

    #[test]
    fn idle_says_how_long_and_which_flag() {
        let idle = Idle(Duration::from_millis(1500)).to_string();
        assert_eq!(idle, "no answer for 1s 500ms (--idle-timeout)");
    }
}
