//! Opening the HTTP/2 connection, over TCP or a Unix socket, with TLS when asked, and waiting
//! for a server that is still starting (`--wait-ready`).
//!
//! `--connect-timeout` bounds the whole set-up: TCP, TLS and the server's first HTTP/2 bytes.
//! h2's client handshake only sends our preface and does not wait for the server's SETTINGS, so a
//! process that accepts and then says nothing (a hung server, the wrong port, a half-dead proxy)
//! would pass for a connection. The connector here therefore does TCP and TLS itself and hands
//! hyper a socket that reports its first bytes; tonic's own TLS would sit outside it, where those
//! bytes are handshake records that say nothing about HTTP/2.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU8, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpStream, UnixStream},
    sync::watch,
    time::Instant,
};
use tonic::transport::{Channel, Endpoint, Uri};

use crate::protocols::Wire;

use super::link::Frames;
pub use super::link::Link;
use crate::{
    addr::Addr,
    error::{Unreachable, Usage, find_cause, innermost},
    flow,
    tls::ClientTls,
    write_through::write_through,
};

/// The first pause between attempts under `--wait-ready`; it doubles up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// How to reach the server.
#[derive(Clone, Debug)]
pub struct ConnectConfig {
    pub addr: Addr,
    pub connect_timeout: Duration,
    /// Retry connecting until `connect_timeout` runs out.
    pub wait_ready: bool,
    pub tls: Option<ClientTls>,
    /// Interval between HTTP/2 pings while a call is open; zero for none.
    pub keepalive: Duration,
    /// Conversations this client may open at once on one connection, which sizes its windows.
    pub streams: usize,
    /// `--authority`: the `:authority` of every call, and the TLS name to verify unless
    /// `--tls-server-name` says otherwise.
    pub authority: Option<String>,
    /// Whether the calls carry a bearer token, and where it may go.
    pub token: TokenTransport,
    /// The protocol the calls speak (`--protocol`).
    pub wire: Wire,
    /// Over HTTP/1.1 (`--http1`, for gRPC-Web and Connect).
    pub http1: bool,
}

/// Where a bearer token may go: a token sent in plaintext, or over TLS that verifies nothing,
/// can be read by anyone on the path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenTransport {
    /// The calls carry no token.
    #[default]
    NoToken,
    /// Over verified TLS, or to this machine only.
    Guarded,
    /// Anywhere: `--allow-plaintext-token`.
    Anywhere,
}

impl ConnectConfig {
    /// How long a ping may go unanswered before the server counts as lost.
    pub fn ping_timeout(&self) -> Duration {
        flow::ping_timeout(self.keepalive)
    }
}

/// Connects over HTTP/2 within `connect_timeout` (see [`super::connect`]).
pub(super) async fn http2(
    config: &ConnectConfig,
    pinned: Option<Arc<[SocketAddr]>>,
) -> anyhow::Result<(Channel, Link)> {
    let endpoint = endpoint(config)?;
    let deadline = Instant::now() + config.connect_timeout;
    let mut backoff = FIRST_BACKOFF;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let failure = match attempt(config, &endpoint, deadline, pinned.clone()).await {
            Ok(connected) => return Ok(connected),
            Err(failure) => failure,
        };
        if failure.ending == Ending::Silence {
            return Err(Unreachable::said(failure.cause).into());
        }
        if !config.wait_ready || failure.ending == Ending::Foreign {
            return Err(Unreachable::new(&config.addr, failure.cause).into());
        }
        if Instant::now() + backoff >= deadline {
            let waited = humantime::format_duration(config.connect_timeout);
            let cause = format!(
                "{} (still, after {attempts} attempts in {waited})",
                failure.cause
            );
            return Err(Unreachable::new(&config.addr, cause).into());
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Why the token may not go to this server, if it may not: only to this machine when nothing
/// protects it on the way. Whether the address is this machine's (a name lookup) is asked only
/// then, and its answer is what the connection dials: `Ok(Some(addresses))`, so that a name
/// resolved to this machine for the check cannot be re-pointed elsewhere for the dial.
pub(super) async fn token_refusal(
    config: &ConnectConfig,
    local: impl Future<Output = Option<Vec<SocketAddr>>>,
) -> Result<Option<Vec<SocketAddr>>, Usage> {
    let exposed = match &config.tls {
        None => "in plaintext",
        Some(tls) if !tls.verifies => "over TLS that --insecure leaves unverified",
        Some(_) => return Ok(None),
    };
    if config.token != TokenTransport::Guarded {
        return Ok(None);
    }
    if let Some(addrs) = local.await {
        return Ok((!addrs.is_empty()).then_some(addrs));
    }
    Err(Usage(format!(
        "refusing to send the token {exposed} to {}: anyone on the path could read it; use \
         --tls or --ca-cert, or --allow-plaintext-token",
        config.addr
    )))
}

fn endpoint(config: &ConnectConfig) -> Result<Endpoint, Unreachable> {
    // The connector does TLS, so tonic must see plain `http`; the origin puts `https` back into
    // each request's `:scheme`.
    let unreachable =
        |err: tonic::transport::Error| Unreachable::new(&config.addr, err.to_string());
    let mut endpoint = Endpoint::from_shared(config.addr.uri(false))
        .and_then(|endpoint| endpoint.user_agent(concat!("grpc-convo/", env!("CARGO_PKG_VERSION"))))
        .map_err(unreachable)?
        .initial_stream_window_size(flow::client_stream_window(config.streams))
        .initial_connection_window_size(flow::CONNECTION_WINDOW);
    let scheme = match config.tls {
        Some(_) => "https",
        None => "http",
    };
    let origin = match &config.authority {
        Some(authority) => Some(format!("{scheme}://{authority}")),
        None => config.tls.as_ref().map(|_| config.addr.uri(true)),
    };
    if let Some(origin) = origin {
        // --authority was checked when it was parsed, the address too.
        let origin: Uri = origin
            .parse()
            .map_err(|err| Unreachable::new(&config.addr, format!("{err}")))?;
        endpoint = endpoint.origin(origin);
    }
    if !config.keepalive.is_zero() {
        endpoint = endpoint
            .http2_keep_alive_interval(config.keepalive)
            .keep_alive_timeout(config.ping_timeout())
            // Pings only while a call is open: grpc-go servers count pings on an idle
            // connection against the client.
            .keep_alive_while_idle(false);
    }
    Ok(endpoint)
}

/// Why one attempt failed, and how.
struct Failure {
    cause: String,
    ending: Ending,
}

/// How an attempt failed, which decides whether `--wait-ready` tries again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Something said no (refused, reset, closed): perhaps a server still starting.
    Refused,
    /// The server answered in another protocol: it will not start speaking gRPC.
    Foreign,
    /// The time ran out.
    Silence,
}

/// How far an attempt got, for the message when time runs out.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Stage {
    Connecting,
    Handshaking,
    AwaitingHttp2,
}

impl Stage {
    /// Where the connector has got to: it moves on from another task.
    fn reached(progress: &AtomicU8) -> Stage {
        match progress.load(Ordering::Relaxed) {
            0 => Stage::Connecting,
            1 => Stage::Handshaking,
            _ => Stage::AwaitingHttp2,
        }
    }
}

async fn attempt(
    config: &ConnectConfig,
    endpoint: &Endpoint,
    deadline: Instant,
    pinned: Option<Arc<[SocketAddr]>>,
) -> Result<(Channel, Link), Failure> {
    let stage = Arc::new(AtomicU8::new(Stage::Connecting as u8));
    let (heard, mut hearing) = watch::channel(None);
    let link = Link::default();
    let connector = {
        let (config, stage, link) = (config.clone(), stage.clone(), link.clone());
        let heard = Arc::new(heard);
        tower::service_fn(move |_: Uri| {
            let (config, stage, link, heard) =
                (config.clone(), stage.clone(), link.clone(), heard.clone());
            let pinned = pinned.clone();
            async move {
                let stream = open(&config, &stage, pinned.as_deref()).await?;
                stage.store(Stage::AwaitingHttp2 as u8, Ordering::Relaxed);
                Ok::<_, io::Error>(TokioIo::new(Watched::new(stream, heard, link)))
            }
        })
    };
    let connecting = async {
        let channel = endpoint
            .connect_with_connector(connector)
            .await
            .map_err(|err| refused(&err, config))?;
        // The connection task reads on its own; its first bytes are the server's SETTINGS.
        let first = hearing
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|first| first.clone());
        match first {
            Some(Err(err)) => Err(refused(err.as_ref(), config)),
            _ => Ok(channel),
        }
    };
    match tokio::time::timeout_at(deadline, connecting).await {
        Ok(Ok(channel)) => Ok((channel, link)),
        Ok(Err(failure)) => Err(failure),
        Err(_) => Err(Failure {
            cause: silence(config, Stage::reached(&stage)),
            ending: Ending::Silence,
        }),
    }
}

fn refused(err: &(dyn std::error::Error + 'static), config: &ConnectConfig) -> Failure {
    Failure {
        cause: hint(err, config.tls.is_some()),
        ending: match find_cause::<Foreign>(err) {
            Some(_) => Ending::Foreign,
            None => Ending::Refused,
        },
    }
}

/// What a connection that ran out of time was waiting for.
fn silence(config: &ConnectConfig, stage: Stage) -> String {
    let (addr, within) = (
        &config.addr,
        humantime::format_duration(config.connect_timeout),
    );
    match stage {
        Stage::Connecting => {
            format!("cannot reach {addr}: no connection within {within} (--connect-timeout)")
        }
        Stage::Handshaking => {
            format!("no TLS handshake with {addr} within {within}: is it a TLS server?")
        }
        Stage::AwaitingHttp2 => {
            format!("no HTTP/2 answer from {addr} within {within}: is it a gRPC server?")
        }
    }
}

pub(super) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A socket to the server, with TLS over it when configured; to the `pinned` addresses when the
/// token guard resolved the name.
pub(super) type BoxedIo = Box<dyn Io>;

pub(super) async fn open(
    config: &ConnectConfig,
    stage: &AtomicU8,
    pinned: Option<&[SocketAddr]>,
) -> io::Result<Box<dyn Io>> {
    let stream: Box<dyn Io> = match (&config.addr, pinned) {
        (Addr::Tcp { .. }, Some(addrs)) => Box::new(tcp(addrs).await?),
        // `:PORT` has no host of its own: host() names this machine for it.
        (Addr::Tcp { port, .. }, None) => Box::new(tcp((config.addr.host(), *port)).await?),
        (Addr::Unix(path), _) => Box::new(UnixStream::connect(path).await?),
    };
    let Some(tls) = &config.tls else {
        return Ok(stream);
    };
    stage.store(Stage::Handshaking as u8, Ordering::Relaxed);
    let name = tls
        .server_name
        .clone()
        .or_else(|| config.authority.as_deref().map(authority_host))
        .unwrap_or_else(|| config.addr.host().to_owned());
    let name = ServerName::try_from(name)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
    let stream = tokio_rustls::TlsConnector::from(tls.config.clone())
        .connect(name, stream)
        .await?;
    let alpn = stream.get_ref().1.alpn_protocol();
    if config.http1 && !matches!(alpn, None | Some(b"http/1.1")) {
        return Err(io::Error::other(
            "the server did not agree to HTTP/1.1 in the TLS handshake (ALPN http/1.1)",
        ));
    }
    if !config.http1 && alpn != Some(b"h2") {
        return Err(io::Error::other(
            "the server did not agree to HTTP/2 in the TLS handshake (ALPN h2)",
        ));
    }
    Ok(Box::new(stream))
}

/// A certificate's names as rustls lists them (`DnsName("localhost")`, `IpAddress(127.0.0.1)`),
/// as a person writes them.
fn names(presented: &[String]) -> String {
    if presented.is_empty() {
        return "no name (it has no subjectAltName)".into();
    }
    let plain: Vec<&str> = presented
        .iter()
        .map(|name| {
            let inner = name
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .unwrap_or(name);
            inner.trim_matches('"')
        })
        .collect();
    plain.join(", ")
}

/// The host of an authority, `host:port` or `[v6]:port`, as a TLS name.
fn authority_host(authority: &str) -> String {
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

/// tokio tries each address the name resolves to in turn, as Go's `net.Dial` does.
async fn tcp(addrs: impl tokio::net::ToSocketAddrs) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(addrs).await?;
    // One question is one small write: send it now, not after the next ACK.
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// What first came from the server: bytes, or the end of the connection and why.
type FirstRead = Option<Result<(), Arc<io::Error>>>;

/// A socket that says when the server is first heard from, and keeps the [`Link`] current.
struct Watched {
    inner: Box<dyn Io>,
    heard: Option<Arc<watch::Sender<FirstRead>>>,
    link: Link,
    frames: Frames,
}

impl Watched {
    fn new(inner: Box<dyn Io>, heard: Arc<watch::Sender<FirstRead>>, link: Link) -> Watched {
        Watched {
            inner,
            heard: Some(heard),
            link,
            frames: Frames::default(),
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let first = match &polled {
            Poll::Pending => return polled,
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                let Watched { frames, link, .. } = &mut *self;
                let bytes = &buf.filled()[before..];
                frames.scan(bytes, link);
                link.heard();
                let first = self.heard.is_some().then(|| first_words(bytes)).flatten();
                match first {
                    Some(foreign) => Err(io::Error::new(io::ErrorKind::InvalidData, foreign)),
                    None => Ok(()),
                }
            }
            // The end of the stream, or an error: the server (or the path) closed it.
            Poll::Ready(read) => {
                self.link.closed_by_peer();
                Err(match read {
                    Err(err) => copy(err),
                    Ok(()) => io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed by the server",
                    ),
                })
            }
        };
        if let Some(heard) = self.heard.take() {
            heard.send_replace(Some(first.map_err(Arc::new)));
        }
        polled
    }
}

write_through!(Watched, inner);

/// A connection can end before it reads anything: when the server resets it before the client
/// has written its preface, the write fails and the connection task ends without a read. The
/// connect would then wait out its timeout and blame silence. Whatever the server sent before
/// (a TLS alert saying why) is still readable: one read that does not wait, for the reason.
impl Drop for Watched {
    fn drop(&mut self) {
        let Some(heard) = self.heard.take() else {
            return;
        };
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut scratch = [0; 256];
        let mut buf = ReadBuf::new(&mut scratch);
        let why = match Pin::new(&mut self.inner).poll_read(&mut cx, &mut buf) {
            Poll::Ready(Err(err)) => err,
            _ => io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection closed by the server before it said anything",
            ),
        };
        heard.send_replace(Some(Err(Arc::new(why))));
    }
}

/// An io::Error is not Clone: a copy that keeps its kind, and the TLS error inside it (say, the
/// server's alert for a missing client certificate) for the hints.
fn copy(err: &io::Error) -> io::Error {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(tls) => io::Error::new(err.kind(), tls.clone()),
        None => io::Error::new(err.kind(), err.to_string()),
    }
}

/// The server's first bytes were not HTTP/2's SETTINGS frame but another protocol's.
#[derive(Debug, thiserror::Error)]
enum Foreign {
    /// A TLS record: a plaintext client met a TLS server.
    #[error("the server answered in TLS, not in plaintext HTTP/2")]
    Tls,
    /// An HTTP/1.x status line: a web server, or a proxy without HTTP/2 to its backend.
    #[error("the server speaks HTTP/1.1, not gRPC (which runs over HTTP/2)")]
    Http1,
    /// Text without a status line (Python's http.server answers HTTP/2's preface with a bare
    /// HTML page): what it began with.
    #[error(
        "the server answered in text, not HTTP/2 (it began '{0}'): is it a web server? gRPC runs over HTTP/2"
    )]
    Text(String),
}

/// What the first bytes from a server say it is, when that is not HTTP/2: a TLS record (an alert
/// or a handshake message, version 3.x) or an HTTP/1.x response.
fn first_words(bytes: &[u8]) -> Option<Foreign> {
    match bytes {
        [0x15 | 0x16, 0x03, ..] => Some(Foreign::Tls),
        _ if bytes.starts_with(b"HTTP/1.") => Some(Foreign::Http1),
        // An HTTP/2 frame begins with its length, whose first byte is 0 for any SETTINGS.
        [first, ..] if first.is_ascii_graphic() || first.is_ascii_whitespace() => {
            let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
            let shown = String::from_utf8_lossy(&line[..line.len().min(40)]);
            Some(Foreign::Text(shown.trim_end().to_owned()))
        }
        _ => None,
    }
}

/// The innermost cause, and what usually lies behind it where the bare error would leave a user
/// guessing, told by the error's type.
pub fn hint(err: &(dyn std::error::Error + 'static), tls: bool) -> String {
    let hint = why(err, tls);
    // rustls shows what webpki says without a name of its own as `Other(OtherError(..))`: the
    // hint says it in words.
    let opaque = matches!(
        find_cause::<rustls::Error>(err),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::Other(_)
        ))
    );
    let worded = matches!(
        find_cause::<rustls::Error>(err),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForNameContext { .. }
        ))
    );
    let cause = match (opaque || worded, &hint) {
        (true, Some(_)) => "invalid peer certificate".to_owned(),
        _ => innermost(err),
    };
    match hint {
        Some(hint) => format!("{cause} ({hint})"),
        None => cause,
    }
}

fn why(err: &(dyn std::error::Error + 'static), tls: bool) -> Option<String> {
    const ADD_TLS: &str = "if the server uses TLS, add --tls or --ca-cert";
    if let Some(rustls) = find_cause::<rustls::Error>(err) {
        return tls_why(rustls);
    }
    match find_cause::<Foreign>(err) {
        Some(Foreign::Tls) => return Some(ADD_TLS.into()),
        // Said in full already: no TLS flag would help.
        Some(Foreign::Http1 | Foreign::Text(_)) => return None,
        None => {}
    }
    let closed = find_cause::<io::Error>(err).is_some_and(|io| {
        use io::ErrorKind::*;
        matches!(
            io.kind(),
            UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
        )
    });
    let broken = closed
        || find_cause::<h2::Error>(err).is_some()
        || find_cause::<hyper::Error>(err).is_some();
    match (broken, tls) {
        (false, _) => None,
        (true, true) => {
            Some("if the server requires a client certificate, give --cert and --key".into())
        }
        (true, false) => Some(ADD_TLS.into()),
    }
}

/// What a failed handshake means, in words, with the fix.
fn tls_why(err: &rustls::Error) -> Option<String> {
    use rustls::{AlertDescription, CertificateError as Cert, Error, InvalidMessage};
    let why = match err {
        Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "is the server using TLS? without --tls-cert it is not; leave out --tls and --ca-cert"
        }
        Error::InvalidCertificate(Cert::UnknownIssuer) => {
            "the server's certificate is not signed by a CA this client trusts: --ca-cert names \
             one (or --insecure, for a development server)"
        }
        Error::InvalidCertificate(Cert::NotValidForNameContext {
            expected,
            presented,
        }) => {
            return Some(format!(
                "the server's certificate is for {}, not {}: connect by one of those names, or \
                 name the one to verify with --tls-server-name (or --authority)",
                names(presented),
                expected.to_str()
            ));
        }
        Error::InvalidCertificate(Cert::NotValidForName) => {
            "the server's certificate is for another name: --tls-server-name (or --authority) \
             sets the one to verify"
        }
        Error::InvalidCertificate(Cert::BadSignature) => {
            "the server's certificate is not signed by the CA trusted: is --ca-cert the CA that \
             signed it?"
        }
        Error::InvalidCertificate(Cert::ExpiredContext { not_after, .. }) => {
            let at = std::time::UNIX_EPOCH + Duration::from_secs(not_after.as_secs());
            return Some(format!(
                "the server's certificate expired at {}: the server needs a new one",
                humantime::format_rfc3339_seconds(at)
            ));
        }
        Error::InvalidCertificate(Cert::Expired) => "the server's certificate has expired",
        Error::InvalidCertificate(Cert::Other(other))
            if matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            ) =>
        {
            "the server's certificate is a CA's (CA:TRUE), as `openssl req -x509` makes by \
             default: make it with -addext basicConstraints=critical,CA:FALSE, or have a CA \
             sign a server certificate and trust that CA with --ca-cert"
        }
        Error::AlertReceived(AlertDescription::CertificateRequired) => {
            "the server requires a client certificate: --cert and --key"
        }
        _ => return None,
    };
    Some(why.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::{ClientFiles, Verify, client_config};

    fn config(token: TokenTransport, verify: Option<Verify>) -> ConnectConfig {
        let tls = verify.map(|verify| {
            client_config(&ClientFiles {
                ca_cert: None,
                server_name: None,
                cert: None,
                key: None,
                verify,
            })
            .unwrap()
        });
        ConnectConfig {
            addr: "192.0.2.1:8000".parse().unwrap(),
            connect_timeout: Duration::from_secs(1),
            wait_ready: false,
            tls,
            keepalive: Duration::ZERO,
            streams: 1,
            authority: None,
            token,
            wire: Wire::Grpc,
            http1: false,
        }
    }

    #[tokio::test]
    async fn a_token_goes_off_this_machine_only_over_verified_tls_unless_allowed() {
        use TokenTransport::*;
        let refused = async |token, verify, local: bool| {
            let config = config(token, verify);
            token_refusal(&config, async { local.then(Vec::new) })
                .await
                .is_err()
        };
        assert!(refused(Guarded, None, false).await);
        assert!(refused(Guarded, Some(Verify::Nothing), false).await);
        assert!(!refused(Guarded, Some(Verify::Certificate), false).await);
        assert!(!refused(Guarded, None, true).await);
        assert!(!refused(Guarded, Some(Verify::Nothing), true).await);
        assert!(!refused(Anywhere, None, false).await);
        assert!(!refused(Anywhere, Some(Verify::Nothing), false).await);
        assert!(!refused(NoToken, None, false).await);
    }

    #[tokio::test]
    async fn no_name_is_looked_up_when_no_token_could_be_exposed() {
        let never = async { panic!("looked up") };
        assert!(
            token_refusal(&config(TokenTransport::NoToken, None), never)
                .await
                .is_ok_and(|pinned| pinned.is_none())
        );
    }

    /// What the token guard resolved is what is dialled: the name is not looked up again.
    #[tokio::test]
    async fn a_pinned_address_is_dialled_instead_of_the_name() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let here = listener.local_addr().unwrap();
        let mut config = config(TokenTransport::Guarded, None);
        config.addr = format!("no-such-host.invalid:{}", here.port())
            .parse()
            .unwrap();
        let (stage, pinned) = (AtomicU8::new(0), [here]);
        let (opened, accepted) =
            tokio::join!(open(&config, &stage, Some(&pinned)), listener.accept());
        assert!(opened.is_ok() && accepted.is_ok());
        assert!(open(&config, &stage, None).await.is_err());
    }

    #[test]
    fn certificate_names_read_as_written() {
        let presented = [
            r#"DnsName("localhost")"#.to_owned(),
            "IpAddress(127.0.0.1)".to_owned(),
        ];
        assert_eq!(names(&presented), "localhost, 127.0.0.1");
        assert!(names(&[]).contains("no subjectAltName"));
    }

    #[test]
    fn an_authoritys_host_is_the_name_to_verify() {
        assert_eq!(authority_host("grpc.example:443"), "grpc.example");
        assert_eq!(authority_host("grpc.example"), "grpc.example");
        assert_eq!(authority_host("[::1]:8443"), "::1");
    }
}
