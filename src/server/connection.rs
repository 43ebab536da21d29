//! One HTTP/2 connection on h2, after its handshake: the settings of `src/flow.rs`, a task per
//! call (`exchange.rs`), keepalive pings, and a graceful close when serve drains. h2 is used
//! directly, not through hyper, because hyper gives a stream's window back as soon as it hands
//! over a frame, and serve must give it back only when the conversation has read the question.

use std::{future::poll_fn, time::Duration};

use std::sync::Arc;

use bytes::Bytes;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{
    conversation::Peer,
    cutoff::CallRules,
    exchange::{Routing, admit, exchange},
    handshake::Replay,
};
use crate::flow;

/// What every connection is served with.
#[derive(Clone, Debug)]
pub(super) struct Http2 {
    builder: h2::server::Builder,
    keepalive: Option<Duration>,
}

/// What each call is served with: the routes, the rules every call is held to, and the tracker
/// that the server waits on (and that outlives the connection) for its task.
#[derive(Clone, Debug)]
pub(super) struct Calls {
    pub(super) routes: Routing,
    pub(super) rules: Arc<CallRules>,
    pub(super) tracker: TaskTracker,
}

/// The largest header block a client may send: hyper's and grpc-go's limit, far above what a
/// gRPC call carries; it also bounds a CONTINUATION flood.
const MAX_HEADER_LIST: u32 = 16 * 1024;

impl Http2 {
    /// `max_streams`: conversations at once on one connection, `None` for no limit of its own.
    pub(super) fn new(max_streams: Option<u32>, keepalive: Option<Duration>) -> Http2 {
        let mut builder = h2::server::Builder::new();
        builder
            .initial_window_size(flow::SERVE_STREAM_WINDOW)
            .initial_connection_window_size(flow::CONNECTION_WINDOW)
            .max_send_buffer_size(flow::SEND_BUFFER)
            .max_header_list_size(MAX_HEADER_LIST)
            .max_local_error_reset_streams(Some(flow::MAX_LOCAL_RESETS))
            // h2's own default today, said here because src/flow.rs's arithmetic rests on it.
            .data_frame_budget(flow::budget(flow::CONNECTION_WINDOW) as usize);
        if let Some(max) = max_streams {
            builder.max_concurrent_streams(max);
        }
        Http2 { builder, keepalive }
    }

    /// Serves calls on `io` until the client leaves, a ping goes unanswered, or `closing`
    /// (then GOAWAY, and the calls in progress may finish).
    pub(super) async fn serve(
        &self,
        io: Replay,
        calls: Calls,
        peer: Peer,
        closing: CancellationToken,
    ) {
        let mut connection = match self.builder.handshake::<_, Bytes>(io).await {
            Ok(connection) => connection,
            Err(err) => return report(&peer, &err),
        };
        let pings = self.keepalive.zip(connection.ping_pong());
        let unanswered = keepalive(pings);
        tokio::pin!(unanswered);
        let mut draining = false;
        loop {
            let accepted = tokio::select! {
                accepted = connection.accept() => accepted,
                () = closing.cancelled(), if !draining => {
                    draining = true;
                    connection.graceful_shutdown();
                    continue;
                }
                timeout = &mut unanswered => {
                    tracing::info!(peer = %peer.0, "connection closed: no answer to a ping within {}",
                        humantime::format_duration(timeout));
                    return;
                }
            };
            match accepted {
                Some(Ok((request, mut respond))) => {
                    let Some(admitted) = admit(&request, &mut respond, &calls.rules) else {
                        continue;
                    };
                    let (routes, rules) = (calls.routes.clone(), calls.rules.clone());
                    let call = exchange(request, respond, routes, peer.clone(), rules, admitted);
                    drop(calls.tracker.spawn(call));
                }
                Some(Err(err)) => return report(&peer, &err),
                None => break,
            }
        }
        // Flushes the GOAWAY and whatever else is queued.
        if let Err(err) = poll_fn(|cx| connection.poll_closed(cx)).await {
            report(&peer, &err);
        }
    }
}

/// Pings every interval; returns the timeout once a ping went unanswered for it. Without
/// keepalive, never returns.
async fn keepalive(pings: Option<(Duration, h2::PingPong)>) -> Duration {
    let Some((interval, mut pinger)) = pings else {
        return std::future::pending().await;
    };
    let timeout = flow::ping_timeout(interval);
    loop {
        tokio::time::sleep(interval).await;
        if pinger.send_ping(h2::Ping::opaque()).is_err() {
            return std::future::pending().await;
        }
        match tokio::time::timeout(timeout, poll_fn(|cx| pinger.poll_pong(cx))).await {
            Ok(Ok(_)) => {}
            // The connection is closing for another reason, which its loop will see.
            Ok(Err(_)) => return std::future::pending().await,
            Err(_) => return timeout,
        }
    }
}

/// A connection that serve closed for what the client did (a flood, a protocol error) is
/// worth a line; one the client dropped or closed is not.
fn report(peer: &Peer, err: &h2::Error) {
    let ours = err.is_go_away() && !err.is_remote();
    match err.reason() {
        Some(reason) if ours && reason != h2::Reason::NO_ERROR => {
            tracing::warn!(peer = %peer.0, "connection closed: {err}");
        }
        _ => tracing::debug!(peer = %peer.0, "connection ended: {err}"),
    }
}
