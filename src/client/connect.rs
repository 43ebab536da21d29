//! Opening the HTTP/2 connection, over TCP or a Unix socket, and waiting for a server that is
//! still starting (`--wait-ready`).

use std::{fmt, time::Duration};

use tokio::time::Instant;
use tonic::transport::{Channel, Endpoint};

use crate::{addr::Addr, flow};

/// The first pause between attempts under `--wait-ready`; it doubles up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The server could not be reached at all; exits as UNAVAILABLE.
#[derive(Debug)]
pub struct Unreachable {
    addr: Addr,
    cause: String,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot reach {}: {}", self.addr, self.cause)
    }
}

impl std::error::Error for Unreachable {}

/// Connects within `connect_timeout`. With `wait_ready`, a refused or failed attempt is retried
/// with backoff until that time runs out, for servers still starting up.
pub async fn connect(
    addr: &Addr,
    connect_timeout: Duration,
    wait_ready: bool,
) -> Result<Channel, Unreachable> {
    let unreachable = |cause: String| Unreachable {
        addr: addr.clone(),
        cause,
    };
    let endpoint = Endpoint::from_shared(addr.uri())
        .and_then(|endpoint| endpoint.user_agent(concat!("grpc-convo/", env!("CARGO_PKG_VERSION"))))
        .map_err(|err| unreachable(err.to_string()))?
        .tcp_nodelay(true)
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW);
    let deadline = Instant::now() + connect_timeout;
    let mut backoff = FIRST_BACKOFF;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        let cause = match attempt(addr, endpoint.clone().connect_timeout(left)).await {
            Ok(channel) => return Ok(channel),
            Err(cause) => cause,
        };
        if !wait_ready {
            return Err(unreachable(cause));
        }
        if Instant::now() + backoff >= deadline {
            let waited = humantime::format_duration(connect_timeout);
            return Err(unreachable(format!(
                "{cause} (still, after {attempts} attempts in {waited})"
            )));
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn attempt(addr: &Addr, endpoint: Endpoint) -> Result<Channel, String> {
    let connected = match addr {
        Addr::Tcp { .. } => endpoint.connect().await,
        Addr::Unix(path) => {
            let path = path.clone();
            let connector = tower::service_fn(move |_| {
                let path = path.clone();
                async move {
                    let stream = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
                }
            });
            endpoint.connect_with_connector(connector).await
        }
    };
    connected.map_err(|err| {
        // tonic wraps the cause in layers of "transport error"; the innermost says what happened.
        let mut cause: &dyn std::error::Error = &err;
        while let Some(source) = cause.source() {
            cause = source;
        }
        cause.to_string()
    })
}
