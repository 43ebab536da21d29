//! What every call to the server carries, set up in one place for ask and bench: its deadline,
//! its metadata, the bearer token, and the message limits both ways.

use std::time::Duration;

use tonic::{Request, transport::Channel};

use super::headers::Header;
use crate::{proto::stream_client::StreamClient, token::Token};

#[derive(Clone, Debug, Default)]
pub struct CallSetup {
    /// Deadline for the whole call, sent to the server as `grpc-timeout`.
    pub timeout: Option<Duration>,
    /// Request metadata (`-H`).
    pub headers: Vec<Header>,
    /// Sent as `authorization: Bearer <token>`.
    pub token: Option<Token>,
    /// The largest encoded message sent or accepted, in bytes.
    pub max_message_size: usize,
}

impl CallSetup {
    /// A client on `channel` that holds both directions to the message limit.
    pub fn client(&self, channel: Channel) -> StreamClient<Channel> {
        StreamClient::new(channel)
            .max_decoding_message_size(self.max_message_size)
            .max_encoding_message_size(self.max_message_size)
    }

    /// The request for one call, with its deadline, metadata and token.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(timeout) = self.timeout {
            request.set_timeout(timeout);
        }
        for header in &self.headers {
            header.insert_into(request.metadata_mut());
        }
        if let Some(token) = &self.token {
            request
                .metadata_mut()
                .insert("authorization", token.header_value());
        }
        request
    }
}
