//! `proxy`: a transparent gRPC proxy, a server in front and a client behind. Each client
//! connection gets an upstream connection of its own, so that the calls a client multiplexes stay
//! together as it made them; each call's frames pass through as they come (`forward`), read on
//! the way (`tap`) when they are printed or recorded (`notes`, `observe`).

mod forward;
mod notes;
mod observe;
mod tap;

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    sync::{OnceCell, Semaphore, mpsc},
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tonic::{Status, transport::Channel};

use crate::{
    addr::{Addr, Listener},
    flow,
    net::{CallSetup, ConnectConfig, connect},
    refusals::Refusals,
    schema::{SchemaFiles, upstream::Upstream},
};
pub use observe::PrintAs;
use observe::{Observing, Sink};

/// The largest header block a client may send, as serve takes it.
const MAX_HEADER_LIST: u32 = 16 * 1024;
/// What the proxy keeps of an answer the client has not read yet, per call.
const SEND_BUFFER: usize = 64 * 1024;

/// What the proxy runs with.
#[derive(Debug)]
pub struct ProxyConfig {
    pub listen: Addr,
    pub connect: ConnectConfig,
    /// `-H` metadata and the token added to every call; the message limit of what is read.
    pub call: CallSetup,
    /// Where the types to print and record by come from, before the upstream's reflection.
    pub files: SchemaFiles,
    pub print: Option<PrintAs>,
    pub record: Option<PathBuf>,
    pub max_connections: u32,
    pub keepalive: Duration,
    /// How long calls in progress may go on once the proxy is told to stop.
    pub grace: Duration,
}

type Notes = mpsc::Sender<Vec<notes::Note>>;

/// What every connection shares.
#[derive(Debug)]
struct Shared {
    connect: ConnectConfig,
    call: CallSetup,
    notes: Option<Notes>,
    calls: AtomicU64,
}

impl Shared {
    fn next_call(&self) -> u64 {
        self.calls.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// One client connection, and its upstream connection once a call needs it.
#[derive(Debug)]
struct Conn {
    id: u64,
    shared: Arc<Shared>,
    upstream: OnceCell<Channel>,
}

impl Conn {
    /// The upstream connection; one that failed is tried again by the next call.
    async fn channel(&self) -> Result<Channel, Status> {
        let connected = self.upstream.get_or_try_init(|| async {
            let (channel, _) = connect(&self.shared.connect).await?;
            anyhow::Ok(channel)
        });
        let channel = connected
            .await
            .map_err(|err| Status::unavailable(format!("{err:#}")))?;
        Ok(channel.clone())
    }
}

/// Proxies until `stop`, then lets calls in progress finish within the grace.
pub async fn run(config: ProxyConfig, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
    let record = config.record.clone().map(Sink::open).transpose()?;
    let listener = config.listen.bind().await?;
    eprintln!("listening on {}", listener.local_addr()?);
    let observer = match (config.print, record) {
        (None, None) => None,
        (print, record) => Some(
            observe::start(Observing {
                print,
                record,
                upstream: Upstream::new(config.connect.clone(), config.files.clone()),
                call: config.call.clone(),
            })
            .context("cannot start the proxy's observer")?,
        ),
    };
    let (notes, thread) = observer.unzip();
    let shared = Arc::new(Shared {
        connect: config.connect.clone(),
        call: config.call.clone(),
        notes,
        calls: AtomicU64::new(0),
    });
    let ending = Ending::default();
    tokio::select! {
        () = accept(&listener, &config, shared, &ending) => {}
        () = stop => {}
    }
    ending.finish(config.grace).await;
    if let Some(thread) = thread {
        // The observer ends once the last call's notes are in, and writes what is left.
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
    Ok(())
}

/// How the connections end: gracefully first, then at once.
#[derive(Debug, Default)]
struct Ending {
    closing: CancellationToken,
    aborting: CancellationToken,
    tracker: TaskTracker,
}

impl Ending {
    async fn finish(&self, grace: Duration) {
        self.closing.cancel();
        self.tracker.close();
        if tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "grace of {} over: closing the calls still in progress",
                humantime::format_duration(grace)
            );
            self.aborting.cancel();
            self.tracker.wait().await;
        }
    }
}

async fn accept(listener: &Listener, config: &ProxyConfig, shared: Arc<Shared>, ending: &Ending) {
    let seats = Arc::new(Semaphore::new(config.max_connections as usize));
    let (mut refused, mut failed) = (Refusals::default(), Refusals::default());
    let http2 = http2(config);
    let mut connections = 0u64;
    loop {
        let accepted = match listener {
            Listener::Tcp(tcp) => tcp.accept().await.map(|(stream, _)| {
                let _ = stream.set_nodelay(true);
                Io::Tcp(stream)
            }),
            Listener::Unix(unix, _) => unix.accept().await.map(|(stream, _)| Io::Unix(stream)),
        };
        let io = match accepted {
            Ok(io) => io,
            Err(err) => {
                failed.accept_failed(&err).await;
                continue;
            }
        };
        let Ok(seat) = seats.clone().try_acquire_owned() else {
            refused.note(&format!(
                "--max-connections {} reached: closed a new connection",
                config.max_connections
            ));
            continue;
        };
        connections += 1;
        let conn = Arc::new(Conn {
            id: connections,
            shared: shared.clone(),
            upstream: OnceCell::new(),
        });
        let (http2, closing, aborting) = (
            http2.clone(),
            ending.closing.clone(),
            ending.aborting.clone(),
        );
        ending.tracker.spawn(async move {
            let _seat = seat;
            match io {
                Io::Tcp(stream) => serve(stream, conn, http2, closing, aborting).await,
                Io::Unix(stream) => serve(stream, conn, http2, closing, aborting).await,
            }
        });
    }
}

enum Io {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

type Http2 = hyper::server::conn::http2::Builder<TokioExecutor>;

fn http2(config: &ProxyConfig) -> Http2 {
    let mut builder = Http2::new(TokioExecutor::new());
    builder
        .timer(TokioTimer::new())
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW)
        .max_header_list_size(MAX_HEADER_LIST)
        .max_send_buf_size(SEND_BUFFER)
        // As grpc-go's server: as many calls on a connection as the client opens.
        .max_concurrent_streams(None)
        // A transparent proxy adds no header of its own.
        .auto_date_header(false);
    if !config.keepalive.is_zero() {
        builder
            .keep_alive_interval(config.keepalive)
            .keep_alive_timeout(flow::ping_timeout(config.keepalive));
    }
    builder
}

/// Serves one client connection until it closes, or the proxy stops.
async fn serve<I>(
    io: I,
    conn: Arc<Conn>,
    http2: Http2,
    closing: CancellationToken,
    aborting: CancellationToken,
) where
    I: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let service = service_fn(move |request| forward::forward(request, conn.clone()));
    let connection = http2.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = closing.cancelled() => connection.as_mut().graceful_shutdown(),
    }
    tokio::select! {
        _ = connection => {}
        () = aborting.cancelled() => {}
    }
}
