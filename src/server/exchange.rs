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
use tonic::{body::Body, codegen::http, service::Routes};
use tower::ServiceExt as _;

use super::conversation::Peer;

/// The most tonic is handed at once, so that what it holds undecoded and what the inbox holds
/// are not both a full window. Smaller costs CPU in tonic's decoder (8 KiB: a third more serve
/// CPU time on `seq 1000000 | ask` than 64 KiB), larger costs memory per stalled conversation.
const HANDOUT: usize = 16 * 1024;

/// Serves one call: the request through `routes`, the response back on the stream.
pub(super) async fn exchange(
    request: http::Request<RecvStream>,
    respond: SendResponse<Bytes>,
    routes: Routes,
    peer: Peer,
) {
    let (mut parts, mut recv) = request.into_parts();
    let inbox = Inbox::default();
    let questions = Questions {
        inbox: inbox.clone(),
        flow: recv.flow_control().clone(),
        ended: false,
    };
    parts.extensions.insert(peer);
    let request = http::Request::from_parts(parts, Body::new(questions));
    let answer = async {
        let response = match routes.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        // An error here is the client's reset or a closed connection: nobody to tell.
        let _ = respond_with(response, respond).await;
    };
    tokio::pin!(answer);
    tokio::select! {
        () = &mut answer => return,
        () = inbox.fill(&mut recv) => {}
    }
    answer.await;
}

/// Questions that arrived and were not read yet, packed.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Received>>);

#[derive(Default)]
struct Received {
    bytes: BytesMut,
    /// How the request ended, once it has: `None` for its end, or the stream's error.
    end: Option<Option<h2::Error>>,
    reader: Option<Waker>,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, Received> {
        // Nothing panics while holding it; a poisoned lock still holds whole bytes.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
) -> Result<(), h2::Error> {
    let (parts, mut body) = response.into_parts();
    let head = http::Response::from_parts(parts, ());
    if body.is_end_stream() {
        respond.send_response(head, true)?;
        return Ok(());
    }
    let mut stream = respond.send_response(head, false)?;
    loop {
        room(&mut stream).await?;
        let frame = poll_fn(|cx| match stream.poll_reset(cx) {
            Poll::Ready(reset) => Poll::Ready(Err(was_reset(reset))),
            Poll::Pending => Pin::new(&mut body).poll_frame(cx).map(Ok),
        })
        .await?;
        let frame = match frame {
            None => return stream.send_data(Bytes::new(), true),
            Some(Ok(frame)) => frame,
            Some(Err(_)) => {
                stream.send_reset(h2::Reason::INTERNAL_ERROR);
                return Ok(());
            }
        };
        match frame.into_data() {
            Ok(data) => stream.send_data(data, body.is_end_stream())?,
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    return stream.send_trailers(trailers);
                }
            }
        }
    }
}

/// Waits until h2 will take more of this stream's data: the client's window is open and the
/// send buffer has room. A reset stream ends the wait with an error.
async fn room(stream: &mut SendStream<Bytes>) -> Result<(), h2::Error> {
    if stream.capacity() > 0 {
        return Ok(());
    }
    stream.reserve_capacity(1);
    poll_fn(|cx| {
        if let Poll::Ready(reset) = stream.poll_reset(cx) {
            return Poll::Ready(Err(was_reset(reset)));
        }
        loop {
            return match stream.poll_capacity(cx) {
                Poll::Ready(Some(Ok(0))) => continue,
                Poll::Ready(Some(Ok(_))) => Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(err))) => Poll::Ready(Err(err)),
                Poll::Ready(None) => Poll::Ready(Err(h2::Reason::STREAM_CLOSED.into())),
                Poll::Pending => Poll::Pending,
            };
        }
    })
    .await
}

fn was_reset(reset: Result<h2::Reason, h2::Error>) -> h2::Error {
    reset
        .unwrap_or_else(|err| err.reason().unwrap_or(h2::Reason::CANCEL))
        .into()
}
