//! Browsers: a page may call serve only from an origin `--allow-origin` names. Its preflight is
//! answered here, and a request that carries any other origin is refused before it becomes a
//! call, so that a hostile page (or one rebinding a name to this address) cannot drive serve,
//! not even with the GETs and simple POSTs that need no preflight.

use tonic::{
    body::Body,
    codegen::http::{self, HeaderMap, HeaderValue, Method, StatusCode, header},
};

/// What browsers may read of an answer besides the safelisted headers.
const EXPOSED: &str = "grpc-status, grpc-message, grpc-status-details-bin, grpc-encoding, \
                       connect-content-encoding, content-encoding";
/// How long a browser may keep a preflight's answer, in seconds.
const MAX_AGE: &str = "7200";

/// The origins allowed to call: `*` for any.
#[derive(Clone, Debug, Default)]
pub(in crate::server) struct Origins(pub(in crate::server) Vec<String>);

impl Origins {
    fn allows(&self, origin: &HeaderValue) -> bool {
        (self.0.iter()).any(|allowed| allowed == "*" || allowed.as_bytes() == origin.as_bytes())
    }
}

/// How a request's origin is taken.
pub(super) enum Screened {
    /// No origin: not a browser's page.
    NoOrigin,
    /// An allowed origin, to name in the answer's CORS headers.
    Allowed(HeaderValue),
    /// Answered here: a preflight, or a refusal.
    Answered(http::Response<Body>),
}

pub(super) fn screen(origins: &Origins, method: &Method, headers: &HeaderMap) -> Screened {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Screened::NoOrigin;
    };
    if !origins.allows(origin) {
        let why = format!(
            "origin {} is not allowed to call this server (serve --allow-origin)\n",
            String::from_utf8_lossy(origin.as_bytes())
        );
        return Screened::Answered(plain(StatusCode::FORBIDDEN, why));
    }
    if method != Method::OPTIONS {
        return Screened::Allowed(origin.clone());
    }
    let mut answer = plain(StatusCode::NO_CONTENT, String::new());
    let answered = answer.headers_mut();
    allow(answered, origin);
    answered.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET"),
    );
    if let Some(asked) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        answered.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    answered.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
    Screened::Answered(answer)
}

/// The CORS headers of an answer to an allowed origin.
pub(super) fn allow(headers: &mut HeaderMap, origin: &HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}

/// A plain-text answer that is no call's.
pub(super) fn plain(status: StatusCode, text: String) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(http_body_util::Full::new(
        bytes::Bytes::from(text),
    )));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
