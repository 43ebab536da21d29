//! The one place gRPC's status codes meet HTTP's: Connect's code names, the HTTP status of
//! each code's error and the code of an HTTP failure, and a status as trailers.

use tonic::{
    Code, Status,
    codegen::http::{HeaderMap, StatusCode, header},
};

/// Connect's name for a code (`invalid_argument`), and the HTTP status its errors carry.
const TABLE: [(Code, &str, u16); 16] = [
    (Code::Cancelled, "canceled", 499),
    (Code::Unknown, "unknown", 500),
    (Code::InvalidArgument, "invalid_argument", 400),
    (Code::DeadlineExceeded, "deadline_exceeded", 504),
    (Code::NotFound, "not_found", 404),
    (Code::AlreadyExists, "already_exists", 409),
    (Code::PermissionDenied, "permission_denied", 403),
    (Code::ResourceExhausted, "resource_exhausted", 429),
    (Code::FailedPrecondition, "failed_precondition", 400),
    (Code::Aborted, "aborted", 409),
    (Code::OutOfRange, "out_of_range", 400),
    (Code::Unimplemented, "unimplemented", 501),
    (Code::Internal, "internal", 500),
    (Code::Unavailable, "unavailable", 503),
    (Code::DataLoss, "data_loss", 500),
    (Code::Unauthenticated, "unauthenticated", 401),
];

/// Connect's name for `code`; OK has none (it is never an error).
pub fn connect_name(code: Code) -> &'static str {
    TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("unknown", |(_, name, _)| name)
}

/// The code Connect names `name`, if it names one.
pub fn from_connect_name(name: &str) -> Option<Code> {
    TABLE
        .iter()
        .find(|(_, n, _)| *n == name)
        .map(|(c, _, _)| *c)
}

/// The HTTP status of a Connect unary error with `code`.
pub fn http_status(code: Code) -> StatusCode {
    let status = TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, s)| *s);
    status
        .and_then(|status| StatusCode::from_u16(status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The code of a response that failed at the HTTP level, with no status of its own: gRPC's
/// table (doc/http-grpc-status-mapping.md), which Connect's clients follow too.
pub fn from_http_status(status: StatusCode) -> Code {
    match status.as_u16() {
        400 => Code::Internal,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::Unimplemented,
        429 | 502 | 503 | 504 => Code::Unavailable,
        _ => Code::Unknown,
    }
}

/// A status as gRPC's trailers: the headers tonic gives it, less the content type.
pub fn trailers(status: Status) -> HeaderMap {
    let (mut head, ()) = status.into_http::<()>().into_parts();
    head.headers.remove(header::CONTENT_TYPE);
    head.headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_name_that_leads_back_to_it() {
        for code in (1..=16).map(Code::from_i32) {
            assert_eq!(from_connect_name(connect_name(code)), Some(code));
            assert!(http_status(code).as_u16() >= 400, "{code:?}");
        }
        assert_eq!(
            http_status(Code::Unimplemented),
            StatusCode::NOT_IMPLEMENTED
        );
        assert_eq!(from_connect_name("nonsense"), None);
    }
}
