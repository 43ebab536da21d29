//! How any client reaches a server, below everything that calls one (ask, bench, list, describe,
//! health, the reflection client): the connection (`connect`: TCP or a Unix socket, our own TLS,
//! the first HTTP/2 bytes within --connect-timeout, keepalive, the token guard), what the socket
//! saw (`link`), what every call carries (`call`: deadline, metadata, token, limits;
//! `headers`: `-H`), and the protocol the calls speak (`wire`: gRPC, gRPC-Web or Connect).

mod call;
mod connect;
mod dial;
pub mod headers;
mod http1;
mod link;
mod wire;

pub(crate) use call::ready;
pub use call::{CallSetup, ENCODINGS, Started, Trace, parse_grpc_timeout};
pub use connect::{ConnectConfig, Link, TokenTransport, hint};
pub use dial::connect;
pub use link::GoAway;
pub use wire::{Channel, Wire, unary};
