//! How any client reaches a server, below everything that calls one (ask, bench, list, describe,
//! health, the reflection client): the connection (`connect`: TCP or a Unix socket, our own TLS,
//! the first HTTP/2 bytes within --connect-timeout, keepalive, the token guard), what the socket
//! saw (`link`), and what every call carries (`call`: deadline, metadata, token, limits;
//! `headers`: `-H`).

mod call;
mod connect;
pub mod headers;
mod link;

pub(crate) use call::ready;
pub use call::{CallSetup, ENCODINGS, Started, parse_grpc_timeout};
pub use connect::{ConnectConfig, Link, TokenTransport, connect, hint};
pub use link::GoAway;
