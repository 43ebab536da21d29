//! One HTTP/2 stream, one call: its request body to its route (tonic's, or `direct.rs` for the
//! tutorial's conversations), the route's response out to h2.
//!
//! Questions are taken off h2 as soon as they arrive and kept packed in one buffer (`Inbox`),
//! and the client's window is given back only as the conversation reads them. Left in h2, each
//! DATA frame would cost a slot of about 260 bytes however short it is (a one-byte question is
//! an 8-byte frame), so that a client that never reads its answers would make serve hold some
//! 2 MiB per conversation for one 64 KiB window of questions; packed, the window costs its own
//! size. Taking frames at once also keeps them out of h2's small-frame budget (`src/flow.rs`).
//! Answers go out only when h2 has room for them (`src/flow.rs`'s send buffer), so a client
//! that stops reading stops its conversation.

use std::{future::poll_fn, pin::Pin, sync::Arc, task::Poll};

use bytes::Bytes;
use h2::{RecvStream, SendStream, server::SendResponse};
use http_body::{Body as _, Frame};
use tokio::{sync::OwnedSemaphorePermit, time::Instant};
use tonic::{body::Body, codegen::http};

use super::{
    conversation::Peer,
    cutoff::{CallRules, Cutoff, Why},
    direct::Direct,
    inbox::{Inbox, Questions},
    meter::{self, Metered},
    translate::{Arrival, Web},
};

/// A call let in: a side call holds its seat for as long as its task runs.
pub(super) struct Admitted {
    side: bool,
    _seat: Option<OwnedSemaphorePermit>,
}

/// Lets a call in, or refuses it at once, before a task is spawned for it: a flood of side
/// calls past their seats then costs no task each.
pub(super) fn admit(
    request: &http::Request<RecvStream>,
    respond: &mut SendResponse<Bytes>,
    rules: &CallRules,
) -> Option<Admitted> {
    let side = !rules.is_conversation(request.uri().path());
    match side.then(|| rules.side_seat()).transpose() {
        Ok(seat) => Some(Admitted { side, _seat: seat }),
        Err(status) => {
            rules.refused_side_call(request.uri().path());
            let _ = respond.send_response(status.into_http::<()>(), true);
            None
        }
    }
}

/// Where calls go: the conversations served directly, and the rest through tonic's routes.
#[derive(Clone, Debug)]
pub(super) struct Routing {
    pub(super) routes: Metered,
    /// The conversations served on the call's own loop, if any.
    pub(super) direct: Option<Direct>,
    /// gRPC-Web and Connect, translated into calls on `routes`, if served.
    pub(super) web: Option<Web>,
}

impl Routing {
    /// Ready to serve: tonic's routes made ready once, for every connection.
    pub(super) fn prepared(self) -> Routing {
        Routing {
            routes: self.routes.prepare(),
            direct: self.direct,
            web: self.web,
        }
    }
}

/// Serves one call: the request through `routes`, the response back on the stream; cut short
/// when the client resets the stream or leaves, and by the call's `Cutoff`.
pub(super) fn exchange(
    request: http::Request<RecvStream>,
    respond: SendResponse<Bytes>,
    routes: Routing,
    peer: Peer,
    rules: Arc<CallRules>,
    admitted: Admitted,
) -> impl Future<Output = ()> + Send + use<> {
    // Set up here, outside the task's future, which would keep room for all that is moved out
    // of it for the call's whole life (the request alone is 240 bytes).
    let (mut parts, mut recv) = request.into_parts();
    let arrival = match &routes.web {
        Some(web) => web.arrive(&mut parts, false),
        None => Arrival::Grpc,
    };
    let side = admitted.side;
    let mut cutoff = Cutoff::new(&parts.headers, &rules, side);
    let inbox = Inbox::new(cutoff.times_arrivals());
    let questions = Questions::new(inbox.clone(), recv.flow_control().clone());
    parts.extensions.insert(peer);
    if let Some(cut) = cutoff.cut() {
        parts.extensions.insert(cut);
    }
    let path = side.then(|| parts.uri.path().to_owned());
    let call = route(routes, parts, questions, arrival);
    async move {
        let _admitted = admitted;
        let _abandoned = inbox.abandoned();
        let answer = answer(call, respond, &mut cutoff, &inbox);
        tokio::pin!(answer);
        let ended = tokio::select! {
            ended = &mut answer => ended,
            () = inbox.fill(&mut recv) => answer.await,
        };
        if let (Ended::Cut(why), Some(path)) = (ended, path) {
            tracing::debug!(path, "call reset: {why}");
        }
    }
}

/// The route's response to the request. Boxed, and dropped once the response has come: inline,
/// the route's future stayed in the call's task for the whole conversation.
fn route(
    routing: Routing,
    parts: http::request::Parts,
    questions: Questions,
    arrival: Arrival,
) -> Pin<Box<dyn Future<Output = http::Response<Body>> + Send>> {
    match arrival {
        Arrival::Grpc => {}
        Arrival::Answered(response) => return Box::pin(std::future::ready(response)),
        Arrival::Translated(translation) => {
            let body = Body::new(questions);
            return Box::pin(translation.call(routing.routes, parts, body, None));
        }
    }
    if let Some(direct) = routing
        .direct
        .as_ref()
        .filter(|direct| direct.takes(&parts))
    {
        let mut parts = parts;
        let meter = meter::metered(routing.routes.metrics(), &mut parts);
        let response = meter::answered(meter, direct.converse(parts, questions));
        return Box::pin(std::future::ready(response));
    }
    let request = http::Request::from_parts(parts, Body::new(questions));
    Box::pin(routing.routes.call(request))
}

/// How a call's answer ended.
#[derive(Debug)]
enum Ended {
    /// Sent whole, or given up for a reason nobody can be told (the client reset the stream
    /// or left, a broken response).
    Done,
    /// Reset by the cutoff.
    Cut(Why),
}

/// Waits for the route's response, then sends it; whatever the client does meanwhile.
async fn answer(
    call: Pin<Box<dyn Future<Output = http::Response<Body>> + Send>>,
    mut respond: SendResponse<Bytes>,
    cutoff: &mut Cutoff,
    inbox: &Inbox,
) -> Ended {
    // The call's future is dropped with this block: a long conversation does not carry it.
    let response = {
        let mut call = call;
        // hyper drops a call's future when its client resets the stream: so does this.
        poll_fn(|cx| {
            if respond.poll_reset(cx).is_ready() {
                return Poll::Ready(Err(Ended::Done));
            }
            if cutoff.side
                && let Poll::Ready(why) = cutoff.poll_cut(cx, inbox.arrivals(), None)
            {
                return Poll::Ready(Err(Ended::Cut(why)));
            }
            call.as_mut().poll(cx).map(Ok)
        })
        .await
    };
    // The response is taken apart in a function of its own: this future keeps no room for it.
    let (stream, body) = match response.map(|response| head_sent(response, &mut respond)) {
        Ok(Some(sending)) => sending,
        Ok(None) => return Ended::Done,
        Err(ended) => {
            if let Ended::Cut(_) = ended {
                respond.send_reset(h2::Reason::CANCEL);
            }
            return ended;
        }
    };
    respond_with(stream, body, cutoff, inbox).await
}

/// Sends the response's head, and the stream its body goes on; `None` when there is no body to
/// send, or nobody to send it to.
fn head_sent(
    response: http::Response<Body>,
    respond: &mut SendResponse<Bytes>,
) -> Option<(SendStream<Bytes>, Body)> {
    let (parts, body) = response.into_parts();
    let head = http::Response::from_parts(parts, ());
    if body.is_end_stream() {
        let _ = respond.send_response(head, true);
        return None;
    }
    let stream = respond.send_response(head, false).ok()?;
    Some((stream, body))
}

/// Sends the response's body as h2 makes room, then its trailers.
async fn respond_with(
    mut stream: SendStream<Bytes>,
    mut body: Body,
    cutoff: &mut Cutoff,
    inbox: &Inbox,
) -> Ended {
    let ended = loop {
        if let Err(ended) = room(&mut stream, cutoff, inbox).await {
            break ended;
        }
        let frame = match next_frame(&mut stream, &mut body, cutoff, inbox).await {
            Err(ended) => break ended,
            Ok(None) => {
                let _ = stream.send_data(Bytes::new(), true);
                return Ended::Done;
            }
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_))) => {
                stream.send_reset(h2::Reason::INTERNAL_ERROR);
                return Ended::Done;
            }
        };
        let sent = match frame.into_data() {
            Ok(data) => stream.send_data(data, body.is_end_stream()),
            Err(frame) => match frame.into_trailers() {
                Ok(trailers) => {
                    let _ = stream.send_trailers(trailers);
                    return Ended::Done;
                }
                Err(_) => Ok(()),
            },
        };
        // An error here is the client's reset or a closed connection: nobody to tell.
        if sent.is_err() {
            return Ended::Done;
        }
    };
    if let Ended::Cut(_) = ended {
        stream.send_reset(h2::Reason::CANCEL);
    }
    ended
}

/// The response's next frame, unless the client resets the stream first or a side call is cut.
async fn next_frame(
    stream: &mut SendStream<Bytes>,
    body: &mut Body,
    cutoff: &mut Cutoff,
    inbox: &Inbox,
) -> Result<Option<Result<Frame<Bytes>, tonic::Status>>, Ended> {
    poll_fn(|cx| {
        if stream.poll_reset(cx).is_ready() {
            return Poll::Ready(Err(Ended::Done));
        }
        if cutoff.side
            && let Poll::Ready(why) = cutoff.poll_cut(cx, inbox.arrivals(), None)
        {
            return Poll::Ready(Err(Ended::Cut(why)));
        }
        Pin::new(&mut *body).poll_frame(cx).map(Ok)
    })
    .await
}

/// Waits until h2 will take more of this stream's data: the client's window is open and the
/// send buffer has room. The wait ends early when the client resets the stream or leaves, or
/// when the cutoff says so: nothing else watches a call whose answer cannot go out.
async fn room(
    stream: &mut SendStream<Bytes>,
    cutoff: &mut Cutoff,
    inbox: &Inbox,
) -> Result<(), Ended> {
    if stream.capacity() > 0 {
        return Ok(());
    }
    stream.reserve_capacity(1);
    let since = Instant::now();
    poll_fn(|cx| {
        if stream.poll_reset(cx).is_ready() {
            return Poll::Ready(Err(Ended::Done));
        }
        loop {
            return match stream.poll_capacity(cx) {
                Poll::Ready(Some(Ok(0))) => continue,
                Poll::Ready(Some(Ok(_))) => Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(_)) | None) => Poll::Ready(Err(Ended::Done)),
                Poll::Pending => match cutoff.poll_cut(cx, inbox.arrivals(), Some(since)) {
                    Poll::Ready(why) => Poll::Ready(Err(Ended::Cut(why))),
                    Poll::Pending => Poll::Pending,
                },
            };
        }
    })
    .await
}
