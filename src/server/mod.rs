//! `serve`: accepts connections and wires each conversation to a [`Responder`]. The service only
//! connects streams, counts, logs and enforces limits; answering is the responder's business.
//!
//! - `listen`: the server's life: bind, serve, drain, close, and health and reflection beside;
//! - `accept`, `handshake`, `connection`, `exchange`, `inbox`: connections, their limits and
//!   first bytes, HTTP/2 on h2, and each call's bodies between h2 and its route;
//! - `front`: the same connections for another's routes (`proxy`), every call a conversation;
//! - `direct`: the tutorial's conversations read and answered on the call's own loop, without
//!   tonic's per-call layers;
//! - `conversation`: one conversation on the wire, from its slot to its closing log line;
//! - `respond`: the responders, echo and exec, and the trait they share;
//! - `cutoff`: what ends any call from outside it (deadline, drain, idleness) and the seats of
//!   health, reflection and other calls that are not conversations;
//! - `meter`: what `--metrics-listen` shows, counted around each call's route;
//! - `deadline`, `idle`, `memory`: the client's deadline, `--idle-timeout`, giving memory back.

mod accept;
pub mod bridge;
mod compress;
mod connection;
mod conversation;
mod cores;
mod cutoff;
mod deadline;
mod direct;
mod exchange;
mod front;
mod handshake;
mod http1;
mod idle;
mod inbox;
mod listen;
mod memory;
mod meter;
mod replay;
pub mod respond;
mod translate;

use std::{sync::Arc, time::Duration};

use crate::{message::DEFAULT_MAX_MESSAGE_SIZE, token::Token};
pub use bridge::{BridgeFlags, Bridges};
pub use conversation::Wire;
pub use front::{Front, connection_state, serve_front};
pub use listen::{metrics, run};
pub use meter::Metrics;
pub use replay::Replays;
pub use respond::{AnswerStream, Conversation, Echo, Exec, Hold, QuestionStream, Responder};

#[derive(Clone, Debug)]
pub struct Config {
    /// The largest encoded message accepted or sent, in bytes.
    pub max_message_size: usize,
    /// Conversations in progress at once; one more is refused with RESOURCE_EXHAUSTED.
    pub max_conversations: u32,
    /// Conversations at once on one connection (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS);
    /// `None` leaves only `max_conversations`, as grpc-go's server does.
    pub max_conversations_per_connection: Option<u32>,
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: u32,
    /// How long a new connection may take to finish TLS and send HTTP/2's preface and SETTINGS.
    pub handshake_timeout: Duration,
    /// Compress answers with the encoding a client accepts (gzip or zstd).
    pub compress_answers: bool,
    /// End a conversation that has sent no question for this long.
    pub idle_timeout: Option<Duration>,
    /// Health, reflection and other calls that are not conversations, at once across the server.
    pub max_side_calls: u32,
    /// Reset such a call whose request stays open without a message, or whose answer waits for
    /// the client's window, this long.
    pub side_call_idle: Duration,
    /// HTTP/2 ping interval, so that dead peers are noticed; zero for none.
    pub keepalive: Duration,
    /// How long conversations in progress may go on after shutdown begins.
    pub grace: Duration,
    /// Serve gRPC reflection (v1 and v1alpha).
    pub reflection: bool,
    /// The origins whose pages may call over gRPC-Web and Connect (`*` for any).
    pub allow_origins: Vec<String>,
    /// Serve over TLS (and require client certificates if it names a client CA).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Require `authorization: Bearer <token>` on every conversation.
    pub token: Option<Token>,
    /// Methods from the user's files, bridged to a command, served instead of the tutorial's.
    pub bridges: Option<Bridges>,
    /// Recordings answered instead of the tutorial's method (`--replay`).
    pub replay: Option<Arc<Replays>>,
    /// Where calls, conversations and refusals are counted (`--metrics-listen`).
    pub metrics: Option<Arc<Metrics>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_conversations: 10_000,
            max_conversations_per_connection: None,
            max_connections: 10_000,
            handshake_timeout: Duration::from_secs(10),
            compress_answers: false,
            idle_timeout: None,
            max_side_calls: 1000,
            side_call_idle: Duration::from_secs(10),
            keepalive: Duration::from_secs(30),
            grace: Duration::from_secs(10),
            reflection: true,
            tls: None,
            token: None,
            bridges: None,
            replay: None,
            metrics: None,
            allow_origins: Vec::new(),
        }
    }
}
