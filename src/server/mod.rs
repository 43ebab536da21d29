//! `serve`: accepts connections and wires each conversation to a [`Responder`]. The service only
//! connects streams, counts, logs and enforces limits; answering is the responder's business.
//!
//! - `listen`: the server's life: bind, serve, drain, close, and health and reflection beside;
//! - `conversation`: one conversation on the wire, from its slot to its closing log line;
//! - `respond`: the responders, echo and exec, and the trait they share;
//! - `deadline`, `idle`, `memory`: the client's deadline, `--idle-timeout`, giving memory back.

pub mod bridge;
mod conversation;
mod deadline;
mod idle;
mod listen;
mod memory;
pub mod respond;

use std::time::Duration;

use tonic::transport::ServerTlsConfig;

use crate::{message::DEFAULT_MAX_MESSAGE_SIZE, token::Token};
pub use bridge::{BridgeFlags, Bridges};
pub use conversation::Wire;
pub use listen::run;
pub use respond::{AnswerStream, Conversation, Echo, Exec, QuestionStream, Responder};

#[derive(Clone, Debug)]
pub struct Config {
    /// The largest encoded message accepted or sent, in bytes.
    pub max_message_size: usize,
    /// Conversations in progress at once; one more is refused with RESOURCE_EXHAUSTED.
    pub max_conversations: u32,
    /// End a conversation that has sent no question for this long.
    pub idle_timeout: Option<Duration>,
    /// HTTP/2 ping interval, so that dead peers are noticed; zero for none.
    pub keepalive: Duration,
    /// How long conversations in progress may go on after shutdown begins.
    pub grace: Duration,
    /// Serve gRPC reflection (v1 and v1alpha).
    pub reflection: bool,
    /// Serve over TLS (and require client certificates if it names a client CA).
    pub tls: Option<ServerTlsConfig>,
    /// Require `authorization: Bearer <token>` on every conversation.
    pub token: Option<Token>,
    /// Methods from the user's files, bridged to a command, served instead of the tutorial's.
    pub bridges: Option<Bridges>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_conversations: 10_000,
            idle_timeout: None,
            keepalive: Duration::from_secs(30),
            grace: Duration::from_secs(10),
            reflection: true,
            tls: None,
            token: None,
            bridges: None,
        }
    }
}
