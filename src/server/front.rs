//! serve's connections for routes that are not serve's: `proxy` takes its calls here, so that it
//! is held to what serve is (questions packed as they arrive and their window given back only
//! as they are taken, answers sent only as the client reads, connections and handshakes bounded)
//! without the tutorial's service, health or reflection. Every call is a conversation.

use std::{any::Any, future::Future, sync::Arc, time::Duration};

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tonic::{codegen::http, service::Routes};

use super::{
    accept::{self, Limits},
    conversation::Peer,
    cores::Cores,
    cutoff::{CallRules, Conversations, Stop},
    exchange::Routing,
    meter::{Metered, Metrics},
};
use crate::addr::Listener;

/// How the front's connections are held.
#[derive(Clone, Debug)]
pub struct Front {
    pub max_connections: u32,
    pub handshake_timeout: Duration,
    /// HTTP/2 ping interval; `None` for none.
    pub keepalive: Option<Duration>,
    /// How long calls may go on once `stop` is done, before their connections are closed.
    pub grace: Duration,
    /// Where calls and connections are counted (`--metrics-listen`).
    pub metrics: Option<Arc<Metrics>>,
}

/// Serves `routes` on `listener` until `stop`; then asks each connection to close once its
/// calls end (GOAWAY), and closes those still open after the grace.
pub async fn serve_front(
    listener: Listener,
    routes: Routes,
    front: Front,
    stop: impl Future<Output = ()>,
) {
    let rules = CallRules {
        stop: Stop::default(),
        idle_timeout: None,
        side_idle: front.handshake_timeout,
        side_seats: Arc::new(Semaphore::new(0)),
        max_side_calls: 0,
        conversations: Conversations::Every,
        refused: Default::default(),
        metrics: front.metrics.clone(),
    };
    let limits = Limits {
        max_connections: front.max_connections,
        handshake_timeout: front.handshake_timeout,
        max_streams: None,
        keepalive: front.keepalive,
        tls: None,
        calls: Arc::new(rules),
        trim: None,
        cores: Arc::new(Cores::start()),
    };
    let routing = Routing {
        routes: Metered::new(routes, front.metrics.clone()),
        direct: None,
        web: None,
    };
    let (stopping, closed) = (CancellationToken::new(), CancellationToken::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            stop.await;
            stopping.cancel();
        }
    };
    let accepting = accept::serve(routing, listener, limits, signal, closed.clone());
    tokio::pin!(accepting);
    let grace = async {
        stopping.cancelled().await;
        tokio::time::sleep(front.grace).await;
    };
    tokio::select! {
        () = &mut accepting => return,
        () = grace => {
            tracing::warn!(
                "grace of {} over: closing the calls still in progress",
                humantime::format_duration(front.grace)
            );
            closed.cancel();
        }
    }
    accepting.await;
}

/// What a route keeps for the connection that carries `request`: made by `make` for its first
/// call, the same for every later one, dropped once the connection and its calls are gone.
/// `None` for a request that came some other way.
pub fn connection_state<T: Any + Send + Sync>(
    request: &http::Extensions,
    make: impl FnOnce() -> T,
) -> Option<Arc<T>> {
    let Peer(_, state) = request.get::<Peer>()?;
    let kept = state.get_or_init(|| Arc::new(make()));
    kept.clone().downcast::<T>().ok()
}
