//! Connections, from accept to close: at most `--max-connections` at once, each through its
//! handshake (`handshake.rs`) and then served (`connection.rs`). tonic's own `Server` can neither
//! leave the streams uncapped nor bound what a client that never reads costs, so its routes are
//! served here.

use std::{future::Future, sync::Arc, time::Duration};

use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore},
    task::JoinSet,
};
use tokio_rustls::TlsAcceptor;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{
    connection::{Calls, Http2},
    conversation::Peer,
    cores::Cores,
    cutoff::CallRules,
    exchange::Routing,
    handshake::{BoxIo, Opened, Refused, handshake},
    http1,
    memory::IdleNotice,
    meter::{CountedIo, Metrics, Refusal},
};
use crate::{addr::Listener, refusals::Refusals};

/// What serve's connections are held to.
#[derive(Clone, Debug)]
pub(super) struct Limits {
    pub(super) max_connections: u32,
    pub(super) handshake_timeout: Duration,
    /// Conversations at once on one connection; `None` for no limit of its own.
    pub(super) max_streams: Option<u32>,
    /// HTTP/2 ping interval; `None` for no pings.
    pub(super) keepalive: Option<Duration>,
    pub(super) tls: Option<Arc<rustls::ServerConfig>>,
    pub(super) calls: Arc<CallRules>,
    /// The memory trimmer, told as each connection closes: a connection's own memory (h2's
    /// table of its streams) may go after its last conversation did, and the trimmer looked.
    pub(super) trim: Option<IdleNotice>,
    /// The runtimes connections are served on.
    pub(super) cores: Arc<Cores>,
}

/// Serves `routes` on every connection `listener` accepts until `signal`; then stops listening,
/// asks each connection to close once its conversations end (GOAWAY), and returns when all have
/// and every call's task is over. `closed` closes them all at once.
pub(super) async fn serve(
    routing: Routing,
    listener: Listener,
    limits: Limits,
    signal: impl Future<Output = ()>,
    closed: CancellationToken,
) {
    let tracker = TaskTracker::new();
    let served = Served::new(routing, &limits, tracker.clone());
    // Aborted at once by `closed`, which no connection has to poll as it works.
    let mut connections = JoinSet::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (mut refused, mut failed) = (Refusals::default(), Refusals::default());
    tokio::pin!(signal);
    loop {
        let accepted = tokio::select! {
            () = &mut signal => break,
            accepted = accept(&listener) => accepted,
        };
        let (io, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                failed.accept_failed(&err).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        match slots.clone().try_acquire_owned() {
            Ok(permit) => {
                let connection = served.clone().connection(io, peer, permit);
                connections.spawn_on(tracker.track_future(connection), limits.cores.next());
            }
            Err(_) => served.refuse(&mut refused, limits.max_connections),
        }
    }
    // Listening ends here: new clients are refused at once, not left waiting in the backlog.
    drop(listener);
    served.closing.cancel();
    tracker.close();
    tokio::select! {
        () = tracker.wait() => return,
        () = closed.cancelled() => {}
    }
    // Dropping a connection ends each of its calls: they see it gone.
    connections.abort_all();
    tracker.wait().await;
}

/// An accepted socket on its way to the core that serves it, where it is registered anew.
enum Accepted {
    Tcp(std::net::TcpStream),
    Unix(std::os::unix::net::UnixStream),
}

impl Accepted {
    /// Must run on the core's runtime: the socket is watched by the runtime it is made on.
    fn registered(self) -> std::io::Result<BoxIo> {
        Ok(match self {
            Accepted::Tcp(stream) => Box::new(tokio::net::TcpStream::from_std(stream)?),
            Accepted::Unix(stream) => Box::new(tokio::net::UnixStream::from_std(stream)?),
        })
    }
}

async fn accept(listener: &Listener) -> std::io::Result<(Accepted, Peer)> {
    Ok(match listener {
        Listener::Tcp(listener) => {
            let (stream, addr) = listener.accept().await?;
            // Answers are lines, written as they are made: no waiting to fill a segment.
            stream.set_nodelay(true)?;
            (
                Accepted::Tcp(stream.into_std()?),
                Peer::new(addr.to_string()),
            )
        }
        Listener::Unix(listener, _) => {
            let (stream, _) = listener.accept().await?;
            (Accepted::Unix(stream.into_std()?), Peer::new("unix"))
        }
    })
}

/// What every connection is served with.
#[derive(Clone)]
struct Served {
    http2: Http2,
    tls: Option<TlsAcceptor>,
    calls: Calls,
    handshake_timeout: Duration,
    /// Asks connections to close once their calls end (GOAWAY).
    closing: CancellationToken,
    metrics: Option<Arc<Metrics>>,
    trim: Option<IdleNotice>,
}

/// A connection counted among those open while it lasts.
struct Open(Arc<Metrics>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.connections.dec();
    }
}

impl Served {
    fn new(routing: Routing, limits: &Limits, tracker: TaskTracker) -> Served {
        Served {
            http2: Http2::new(limits.max_streams, limits.keepalive),
            tls: limits.tls.clone().map(TlsAcceptor::from),
            calls: Calls {
                routes: routing.prepared(),
                rules: limits.calls.clone(),
                tracker,
            },
            handshake_timeout: limits.handshake_timeout,
            closing: CancellationToken::new(),
            metrics: limits.calls.metrics.clone(),
            trim: limits.trim.clone(),
        }
    }

    async fn connection(self, accepted: Accepted, peer: Peer, _slot: OwnedSemaphorePermit) {
        let io = match accepted.registered() {
            Ok(io) => io,
            Err(err) => return tracing::warn!(peer = %peer.0, "cannot serve a connection: {err}"),
        };
        let (io, _open): (BoxIo, _) = match &self.metrics {
            Some(metrics) => {
                metrics.connections.inc();
                let open = Open(metrics.clone());
                (Box::new(CountedIo::new(io, metrics.clone())), Some(open))
            }
            None => (io, None),
        };
        let handshake = handshake(io, self.tls.as_ref(), self.handshake_timeout);
        let io = tokio::select! {
            io = handshake => match io {
                Ok(io) => io,
                Err(Refused::Silent) => return,
                Err(refused) => {
                    self.count(&refused);
                    tracing::info!(peer = %peer.0, "connection closed: {refused}");
                    return;
                }
            },
            () = self.closing.cancelled() => return,
        };
        match io {
            Opened::Http2(io) => self.http2.serve(io, self.calls, peer, self.closing).await,
            Opened::Http1(io) => {
                let timeout = self.handshake_timeout;
                http1::serve(io, self.calls, peer, self.closing, timeout).await;
            }
        }
        if let Some(trim) = &self.trim {
            trim.now_idle();
        }
    }

    /// A connection past `--max-connections`, closed as it came: counted, and logged (once a
    /// second at most).
    fn refuse(&self, refused: &mut Refusals, max: u32) {
        if let Some(metrics) = &self.metrics {
            metrics.refused(Refusal::Connections);
        }
        refused.note(&format!(
            "--max-connections {max} reached: closed a new connection"
        ));
    }

    fn count(&self, refused: &Refused) {
        if let Some(metrics) = &self.metrics {
            metrics.refused(match refused {
                Refused::Slow(_) => Refusal::HandshakeTimeout,
                _ => Refusal::HandshakeFailed,
            });
        }
    }
}
