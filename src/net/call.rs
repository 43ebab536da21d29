//! What every call to the server carries, set up in one place for ask and bench: its deadline,
//! its metadata, the bearer token, and the message limits both ways.

use std::time::Duration;

use tokio::time::Instant;

use tonic::{Request, Status, client::Grpc, codec::CompressionEncoding, transport::Channel};

use super::headers::Header;
use crate::token::Token;

/// The message encodings ask and bench accept (and send with `--compress`), and serve takes:
/// those grpc-go, grpc-java and grpcio clients and servers compress with.
pub const ENCODINGS: [CompressionEncoding; 2] =
    [CompressionEncoding::Gzip, CompressionEncoding::Zstd];

#[derive(Clone, Debug, Default)]
pub struct CallSetup {
    /// Deadline for the whole run, sent to the server as `grpc-timeout`: each call carries the
    /// time left of it once `start` has been called.
    pub timeout: Option<Duration>,
    /// Request metadata (`-H`).
    pub headers: Vec<Header>,
    /// Sent as `authorization: Bearer <token>`.
    pub token: Option<Token>,
    /// The largest encoded message sent or accepted, in bytes.
    pub max_message_size: usize,
    /// How questions are compressed (`--compress`); answers may come in any of `ENCODINGS`.
    pub compress: Option<CompressionEncoding>,
}

impl CallSetup {
    /// The same setup, its `--timeout` running from now: calls made later carry less of it.
    pub fn start(&self) -> Started {
        Started {
            deadline: self.timeout.map(|timeout| Instant::now() + timeout),
            setup: self.clone(),
        }
    }

    /// The request for one call, with the whole `--timeout` as its deadline, metadata and token.
    pub fn request<T>(&self, message: T) -> Request<T> {
        self.request_within(message, self.timeout)
    }

    fn request_within<T>(&self, message: T, timeout: Option<Duration>) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(timeout) = timeout {
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

/// A setup whose deadline is running: each call gets the time left.
#[derive(Clone, Debug)]
pub struct Started {
    pub setup: CallSetup,
    deadline: Option<Instant>,
}

impl Started {
    pub fn request<T>(&self, message: T) -> Request<T> {
        let left = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        // A call due with no time left still goes, with the least timeout gRPC can send, so
        // that the server and the local deadline end it together.
        let left = left.map(|left| left.max(Duration::from_millis(1)));
        self.setup.request_within(message, left)
    }
}

/// A client for one call of any method on `channel`, holding both directions to the setup's
/// limit and compressing as it says, once the connection can take the call.
pub(crate) async fn ready(channel: &Channel, setup: &CallSetup) -> Result<Grpc<Channel>, Status> {
    let limit = setup.max_message_size;
    let mut grpc = Grpc::new(channel.clone())
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    for encoding in ENCODINGS {
        grpc = grpc.accept_compressed(encoding);
    }
    if let Some(encoding) = setup.compress {
        grpc = grpc.send_compressed(encoding);
    }
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(format!("the connection is not ready: {err}")))?;
    Ok(grpc)
}
