//! gRPC-Web and Connect, the two protocols that carry gRPC's calls where HTTP/2 trailers cannot
//! go (HTTP/1.1, browsers, curl): which one a request speaks, their framings, and the one table
//! that maps gRPC's status codes to HTTP's and back. serve translates them into gRPC calls on
//! its routes (`server::translate`).

pub mod body;
pub mod compression;
pub mod connect;
pub mod envelope;
pub mod grpc_web;
pub mod status;

use tonic::codegen::http::{self, HeaderMap, header};

/// The protocol a client speaks (`--protocol`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Wire {
    #[default]
    Grpc,
    GrpcWeb,
    Connect,
}

/// The protocol a request speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Grpc,
    /// gRPC-Web; `text`: its body in base64 (`application/grpc-web-text`); `json`: its
    /// messages in JSON (`application/grpc-web+json`, binary only).
    GrpcWeb {
        text: bool,
        json: bool,
    },
    /// Connect: a unary call's bare message, or a stream's envelopes; JSON or protobuf.
    Connect {
        json: bool,
        streaming: bool,
    },
}

/// Every protocol, each named by its content type (and gRPC-Web's also by the short form).
const ALL: [Protocol; 8] = [
    Protocol::Grpc,
    Protocol::GrpcWeb {
        text: false,
        json: false,
    },
    Protocol::GrpcWeb {
        text: true,
        json: false,
    },
    Protocol::GrpcWeb {
        text: false,
        json: true,
    },
    Protocol::Connect {
        json: false,
        streaming: false,
    },
    Protocol::Connect {
        json: true,
        streaming: false,
    },
    Protocol::Connect {
        json: false,
        streaming: true,
    },
    Protocol::Connect {
        json: true,
        streaming: true,
    },
];

/// What a call ended at its deadline, where nothing else watches it, is told.
pub const DEADLINE_PASSED: &str = "the call passed its deadline";

/// What an HTTP/1.1 client that speaks none of them is told.
pub const SERVED: &str = "application/grpc (HTTP/2), application/grpc-web[+proto], \
                          application/grpc-web-text[+proto], application/grpc-web+json, application/proto, application/json, \
                          application/connect+proto, application/connect+json";

impl Protocol {
    /// The protocol of a request, by its method and content type; `None` for one none of them
    /// takes. A GET with a message in its query is a Connect unary call.
    pub fn of(method: &http::Method, query: Option<&str>, headers: &HeaderMap) -> Option<Protocol> {
        if method == http::Method::GET {
            let message =
                query.is_some_and(|query| query.split('&').any(|p| p.starts_with("message=")));
            return message.then_some(Protocol::Connect {
                json: true,
                streaming: false,
            });
        }
        let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        // Parameters (`; charset=utf-8`) say nothing a call needs; case says nothing either.
        let essence = content_type.split(';').next()?.trim();
        let named = |name: &str| essence.eq_ignore_ascii_case(name);
        if named("application/grpc") || named("application/grpc+proto") {
            return Some(Protocol::Grpc);
        }
        if named("application/grpc-web") {
            return Some(ALL[1]);
        }
        if named("application/grpc-web-text") {
            return Some(ALL[2]);
        }
        ALL.into_iter()
            .find(|protocol| named(protocol.content_type()))
    }

    /// The content type of an answer in this protocol.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::Grpc => "application/grpc",
            Protocol::GrpcWeb { json: true, .. } => "application/grpc-web+json",
            Protocol::GrpcWeb { text: false, .. } => "application/grpc-web+proto",
            Protocol::GrpcWeb { text: true, .. } => "application/grpc-web-text+proto",
            Protocol::Connect {
                json: false,
                streaming: false,
            } => "application/proto",
            Protocol::Connect {
                json: true,
                streaming: false,
            } => "application/json",
            Protocol::Connect {
                json: false,
                streaming: true,
            } => "application/connect+proto",
            Protocol::Connect {
                json: true,
                streaming: true,
            } => "application/connect+json",
        }
    }

    /// Whether its messages are JSON, which only a known schema turns into protobuf.
    pub fn json(self) -> bool {
        matches!(
            self,
            Protocol::Connect { json: true, .. } | Protocol::GrpcWeb { json: true, .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(method: &str, content_type: &str) -> Option<Protocol> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        Protocol::of(&method.parse().unwrap(), Some("message=%7B%7D"), &headers)
    }

    #[test]
    fn content_types_name_their_protocol_and_parameters_do_not_matter() {
        assert_eq!(of("POST", "application/grpc"), Some(Protocol::Grpc));
        assert_eq!(of("POST", "application/grpc-web-text+proto"), Some(ALL[2]));
        let json = Protocol::Connect {
            json: true,
            streaming: false,
        };
        assert_eq!(of("POST", "Application/JSON; charset=utf-8"), Some(json));
        assert_eq!(of("GET", "text/html"), Some(json));
        assert_eq!(of("POST", "text/plain"), None);
        assert_eq!(
            Protocol::of(&http::Method::GET, None, &HeaderMap::new()),
            None
        );
        assert_eq!(of("POST", "application/grpc-web"), Some(ALL[1]));
        for protocol in ALL {
            assert_eq!(of("POST", protocol.content_type()), Some(protocol));
        }
    }
}
