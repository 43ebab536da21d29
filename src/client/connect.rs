//! Opening the HTTP/2 connection, over TCP or a Unix socket, and waiting for a server that is
//! still starting (`--wait-ready`).

use std::{fmt, time::Duration};

use tokio::time::Instant;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

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

/// How to reach the server.
#[derive(Clone, Debug)]
pub struct ConnectConfig {
    pub addr: Addr,
    pub connect_timeout: Duration,
    /// Retry connecting until `connect_timeout` runs out.
    pub wait_ready: bool,
    pub tls: Option<ClientTlsConfig>,
}

/// Connects within `connect_timeout`. With `wait_ready`, a refused or failed attempt is retried
/// with backoff until that time runs out, for servers still starting up.
pub async fn connect(config: &ConnectConfig) -> Result<Channel, Unreachable> {
    let ConnectConfig {
        addr,
        connect_timeout,
        wait_ready,
        tls,
    } = config;
    let (connect_timeout, wait_ready) = (*connect_timeout, *wait_ready);
    let unreachable = |cause: String| Unreachable {
        addr: addr.clone(),
        cause: hint(cause, tls.is_some()),
    };
    let mut endpoint = Endpoint::from_shared(addr.uri(tls.is_some()))
        .and_then(|endpoint| endpoint.user_agent(concat!("grpc-convo/", env!("CARGO_PKG_VERSION"))))
        .map_err(|err| unreachable(err.to_string()))?
        .tcp_nodelay(true)
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW);
    if let Some(tls) = tls.clone() {
        endpoint = endpoint
            .tls_config(tls)
            .map_err(|err| unreachable(format!("cannot set up TLS: {}", innermost(&err))))?;
    }
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

/// Adds what the usual cause of a failure is, when the bare error would leave a user guessing.
pub(super) fn hint(cause: String, tls: bool) -> String {
    let hint = if tls && cause.contains("InvalidContentType") {
        "is the server using TLS? without --tls-cert it is not; leave out --tls and --ca-cert"
    } else if tls && cause.contains("UnknownIssuer") {
        "the server's certificate is not signed by a CA this client trusts: --ca-cert names one"
    } else if tls && cause.contains("not valid for name") {
        "the server's certificate is for another name: --tls-server-name sets the one to verify"
    } else if tls && cause.contains("Expired") {
        "the server's certificate has expired"
    } else if tls && cause.contains("CertificateRequired") {
        "the server requires a client certificate: --cert and --key"
    } else if tls && (cause.contains("connection closed") || cause.contains("broken pipe")) {
        "if the server requires a client certificate, give --cert and --key"
    } else if !tls
        && [
            "connection closed",
            "invalid size",
            "reset by peer",
            "broken pipe",
            "http2 error",
        ]
        .iter()
        .any(|sign| cause.contains(sign))
    {
        "if the server uses TLS, add --tls or --ca-cert"
    } else {
        return cause;
    };
    format!("{cause} ({hint})")
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
    connected.map_err(|err| innermost(&err))
}

/// tonic wraps a cause in layers of "transport error"; the innermost says what happened.
pub fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
