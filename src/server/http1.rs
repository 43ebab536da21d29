//! HTTP/1.1 connections, for gRPC-Web and Connect (`translate`): hyper's HTTP/1.1 server, each
//! request admitted as an HTTP/2 call is (a side call's seat, its deadline, the peer and cut
//! that conversations log), then served on the same routes. gRPC itself needs HTTP/2 and gets
//! 505; anything else gets 415 naming what is served.

use std::{convert::Infallible, time::Duration};

use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio_util::sync::CancellationToken;
use tonic::{body::Body, codegen::http};

use super::{
    connection::Calls,
    conversation::Peer,
    cutoff::Cutoff,
    handshake::Replay,
    translate::{Arrival, not_http2},
};

/// The most hyper buffers of a connection's reads, and of its writes (hostile.py
/// http1-never-read measures what it costs).
const MAX_BUFFER: usize = 16 * 1024;

/// Serves requests on `io` until the client leaves or `closing` (then the request in progress
/// may finish); a request head must come within `head_timeout`.
pub(super) async fn serve(
    io: Replay,
    calls: Calls,
    peer: Peer,
    closing: CancellationToken,
    head_timeout: Duration,
) {
    let addr = peer.0.clone();
    let service = hyper::service::service_fn(move |request| {
        let (calls, peer) = (calls.clone(), peer.clone());
        async move { Ok::<_, Infallible>(call(request, calls, peer).await) }
    });
    // Without a timer hyper leaves the header-read timeout off. Its buffers, each way, are
    // most of what a client that never reads its answers holds of serve's memory: with
    // hyper's 400 KiB default, 1.2 MiB a connection; with 16 KiB, 163 KiB (as an HTTP/2
    // conversation costs). A request head must fit in one: 16 KiB, HTTP/2's limit here too.
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .max_buf_size(MAX_BUFFER)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let served = tokio::select! {
        served = &mut connection => served,
        () = closing.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(err) = served {
        tracing::debug!(peer = %addr, "HTTP/1.1 connection ended: {err}");
    }
}

/// The request admitted and served, or the answer that refuses it.
async fn call(request: http::Request<Incoming>, calls: Calls, peer: Peer) -> http::Response<Body> {
    let (mut parts, body) = request.into_parts();
    let Some(web) = &calls.routes.web else {
        return not_http2();
    };
    let translation = match web.arrive(&mut parts, true) {
        Arrival::Translated(translation) => translation,
        Arrival::Answered(answer) => return answer,
        Arrival::Grpc => return not_http2(),
    };
    let rules = &calls.rules;
    let side = !rules.is_conversation(parts.uri.path());
    let seat = match side.then(|| rules.side_seat()).transpose() {
        Ok(seat) => seat,
        Err(status) => {
            rules.refused_side_call(parts.uri.path());
            return translation.refusal(status);
        }
    };
    let cutoff = Cutoff::new(&parts.headers, rules, side);
    // A conversation watches its own deadline; a side call's is watched here.
    let deadline = cutoff.deadline().filter(|_| side);
    parts.extensions.insert(peer);
    if let Some(cut) = cutoff.cut() {
        parts.extensions.insert(cut);
    }
    let routes = calls.routes.routes.clone();
    let response = translation
        .call(routes, parts, Body::new(body), deadline)
        .await;
    // A side call holds its seat until its answer has been sent, as over HTTP/2.
    response.map(|body| {
        Body::new(body.map_frame(move |frame| {
            let _held = &seat;
            frame
        }))
    })
}
