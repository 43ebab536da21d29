//! grpc-convo: bidirectional-streaming gRPC conversations from the shell. The binary is a thin
//! shell over this library, which the tests drive directly too.

pub mod addr;
pub mod bench;
pub mod cli;
pub mod client;
pub mod codec;
pub mod error;
pub mod exit;
pub mod flow;
pub mod lines;
pub mod lockstep;
pub mod message;
pub mod proto;
pub mod server;
pub mod signals;
pub mod tls;
pub mod token;
