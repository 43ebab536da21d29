//! grpc-convo: bidirectional-streaming gRPC conversations from the shell. The binary is a thin
//! shell over this library, which the tests drive directly too.

// What a user or a peer controls must never end in a panic; tests may unwrap.
#![warn(clippy::unwrap_used)]

pub mod addr;
pub mod bench;
pub mod check;
pub mod cli;
pub mod client;
pub(crate) mod codec;
pub mod commands;
pub mod error;
pub mod exit;
pub(crate) mod figures;
pub(crate) mod flow;
pub(crate) mod lines;
pub(crate) mod lockstep;
pub mod mapping;
pub mod mcp;
pub(crate) mod message;
pub mod metrics;
pub mod net;
pub mod proto;
pub mod protocols;
pub mod proxy;
pub mod recording;
pub(crate) mod refusals;
pub mod schema;
pub mod server;
pub mod settings;
pub mod signals;
pub mod tls;
pub mod token;
pub mod trace;
pub mod tutorial;
pub mod web;
pub(crate) mod write_through;
