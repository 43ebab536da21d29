//! One HTTP/2 stream, one call: its request body into tonic, tonic's response out to h2.
//!
//! Questions are taken off h2 as soon as they arrive and kept packed in one buffer (`Inbox`),
//! and the client's window is given back only as the conversation reads them. Left in h2, each
//! DATA frame would cost a slot of about 260 bytes however short it is (a one-byte question is
//! an 8-byte frame), so that a client that never reads its answers would make serve hold some
//! 2 MiB per conversation for one 64 KiB window of questions; packed, the window costs its own
//! size. Taking frames at once also keeps them out of h2's small-frame budget (`src/flow.rs`).
//! Answers go out only when h2 has room for them (`src/flow.rs`'s send buffer), so a client
//! that stops reading stops its conversation.

use std::{
    future::poll_fn,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard},
    task::{Context, Poll, Waker},
};

use bytes::{Bytes, BytesMut};
use h2::{FlowControl, RecvStream, SendStream, server::SendResponse};
use http_body::{Body as _, Frame};
use tokio::{sync::OwnedSemaphorePermit, time::Instant};
use tonic::{body::Body, codegen::http, service::Routes};
use tower::ServiceExt as _;

use super::{
    conversation::Peer,
    cutoff::{Arrivals, CallRules, Cutoff, Why},
};

/// The most tonic is handed at once, so that what it holds undecoded and what the inbox holds
/// are not both a full window. Smaller costs CPU in tonic's decoder (8 KiB: a third more serve
/// CPU time on `seq 1000000 | ask` than 64 KiB), larger costs memory per stalled conversation.
const HANDOUT: usize = 16 * 1024;

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
            let _ = respond.send_response(status.into_http::<()>(), true);
            None
        }
    }
}

/// Serves one call: the request through `routes`, the response back on the stream; cut short
/// when the client resets the stream or leaves, and by the call's `Cutoff`.
pub(super) async fn exchange(
    request: http::Request<RecvStream>,
    respond: SendResponse<Bytes>,
    routes: Routes,
    peer: Peer,
    rules: Arc<CallRules>,
    admitted: Admitted,
) {
    let (mut parts, mut recv) = request.into_parts();
    let side = admitted.side;
    let mut cutoff = Cutoff::new(&parts.headers, &rules, side);
    let inbox = Inbox::new(cutoff.times_arrivals());
    let questions = Questions {
        inbox: inbox.clone(),
        flow: recv.flow_control().clone(),
        ended: false,
    };
    parts.extensions.insert(peer);
    if let Some(cut) = cutoff.cut() {
        parts.extensions.insert(cut);
    }
    let path = side.then(|| parts.uri.path().to_owned());
    let answer = answer(
        route(routes, parts, questions),
        respond,
        &mut cutoff,
        &inbox,
    );
    tokio::pin!(answer);
    let ended = tokio::select! {
        ended = &mut answer => ended,
        () = inbox.fill(&mut recv) => answer.await,
    };
    if let (Ended::Cut(why), Some(path)) = (ended, path) {
        tracing::debug!(path, "call reset: {why}");
    }
}

/// The route's response to the request. Boxed, and dropped once the response has come: inline,
/// the request and the route's future stayed in the call's task for the whole conversation
/// (async functions keep room for what was moved out of them).
fn route(
    routes: Routes,
    parts: http::request::Parts,
    questions: Questions,
) -> Pin<Box<dyn Future<Output = http::Response<Body>> + Send>> {
    let request = http::Request::from_parts(parts, Body::new(questions));
    Box::pin(async move {
        match routes.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    })
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
    match response {
        Ok(response) => respond_with(response, respond, cutoff, inbox).await,
        Err(ended) => {
            if let Ended::Cut(_) = ended {
                respond.send_reset(h2::Reason::CANCEL);
            }
            ended
        }
    }
}

/// Questions that arrived and were not read yet, packed.
#[derive(Clone)]
struct Inbox(Arc<Mutex<Received>>);

struct Received {
    bytes: BytesMut,
    /// How the request ended, once it has: `None` for its end, or the stream's error.
    end: Option<Option<h2::Error>>,
    /// Whether it has ended, kept after `end` is taken.
    ended: bool,
    reader: Option<Waker>,
    /// When the last bytes arrived, where the cutoff needs it (`None`: not timed).
    last: Option<Instant>,
}

impl Inbox {
    fn new(timed: bool) -> Inbox {
        Inbox(Arc::new(Mutex::new(Received {
            bytes: BytesMut::new(),
            end: None,
            ended: false,
            reader: None,
            last: timed.then(Instant::now),
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Received> {
        // Nothing panics while holding it; a poisoned lock still holds whole bytes.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn arrivals(&self) -> Arrivals {
        let received = self.lock();
        Arrivals {
            last: received.last.unwrap_or_else(Instant::now),
            ended: received.ended,
        }
    }

    /// Takes every frame as it arrives, until the request ends; the client can send no more
    /// than its window, which only the reader gives back.
    async fn fill(&self, recv: &mut RecvStream) {
        loop {
            let next = recv.data().await;
            let mut received = self.lock();
            let more = match next {
                Some(Ok(data)) => {
                    received.bytes.extend_from_slice(&data);
                    if let Some(last) = &mut received.last {
                        *last = Instant::now();
                    }
                    true
                }
                Some(Err(err)) => {
                    received.end = Some(Some(err));
                    false
                }
                None => {
                    received.end = Some(None);
                    false
                }
            };
            received.ended |= !more;
            if let Some(reader) = received.reader.take() {
                reader.wake();
            }
            if !more {
                return;
            }
        }
    }
}

/// The request body tonic reads: the inbox's bytes, the window given back as they are read.
struct Questions {
    inbox: Inbox,
    flow: FlowControl,
    ended: bool,
}

impl http_body::Body for Questions {
    type Data = Bytes;
    type Error = h2::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, h2::Error>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let mut received = this.inbox.lock();
        if !received.bytes.is_empty() {
            let n = received.bytes.len().min(HANDOUT);
            let data = received.bytes.split_to(n).freeze();
            // Fails only once the stream is gone, which the next poll reports.
            let _ = this.flow.release_capacity(n);
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        match received.end.take() {
            Some(end) => {
                this.ended = true;
                Poll::Ready(end.map(Err))
            }
            None => {
                received.reader = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }
}

/// Sends the response's head, then its body as h2 makes room, then its trailers.
async fn respond_with(
    response: http::Response<Body>,
    mut respond: SendResponse<Bytes>,
    cutoff: &mut Cutoff,
    inbox: &Inbox,
) -> Ended {
    let (parts, mut body) = response.into_parts();
    let head = http::Response::from_parts(parts, ());
    if body.is_end_stream() {
        let _ = respond.send_response(head, true);
        return Ended::Done;
    }
    let Ok(mut stream) = respond.send_response(head, false) else {
        return Ended::Done;
    };
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
