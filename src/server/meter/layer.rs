//! Each call counted around its route: started as it goes in, handled with the status that
//! comes out (in the response's head or its trailers), or CANCELLED when the client left first,
//! or the code of the exchange's cut; and, for calls whose messages no service of ours reads,
//! their envelopes both ways.

use std::{
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::time::Instant;
use tonic::{Code, Status, body::Body, codegen::http, service::Routes};
use tower::ServiceExt as _;

use super::{MethodStats, Metrics, envelopes::Envelopes};
use crate::server::cutoff::Cut;

/// tonic's routes, each call through them counted when the server has metrics.
#[derive(Clone, Debug)]
pub(in crate::server) struct Metered {
    routes: Routes,
    metrics: Option<Arc<Metrics>>,
}

impl Metered {
    pub(in crate::server) fn new(routes: Routes, metrics: Option<Arc<Metrics>>) -> Metered {
        Metered { routes, metrics }
    }

    /// Ready to serve: tonic's routes made ready once, for every connection.
    pub(in crate::server) fn prepare(self) -> Metered {
        let routes = self.routes.prepare();
        Metered { routes, ..self }
    }

    pub(in crate::server) fn metrics(&self) -> Option<&Arc<Metrics>> {
        self.metrics.as_ref()
    }

    /// The route's response to `request`.
    pub(in crate::server) async fn call(
        self,
        request: http::Request<Body>,
    ) -> http::Response<Body> {
        let (mut parts, body) = request.into_parts();
        let meter = metered(self.metrics.as_ref(), &mut parts);
        let body = match &meter {
            Some(meter) if !meter.stats.by_service => Body::new(Watched {
                body,
                watch: Asked {
                    envelopes: Envelopes::default(),
                    stats: meter.stats.clone(),
                },
            }),
            _ => body,
        };
        let request = http::Request::from_parts(parts, body);
        let response = match self.routes.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        answered(meter, response)
    }
}

/// One call as it is counted, until its status is known.
pub(in crate::server) struct CallMeter {
    stats: Arc<MethodStats>,
    started: Instant,
    cut: Option<Cut>,
    code: Option<Code>,
}

impl Drop for CallMeter {
    fn drop(&mut self) {
        let cut = self.cut.as_ref().and_then(Cut::why).map(|why| why.code());
        let code = self.code.or(cut).unwrap_or(Code::Cancelled);
        self.stats.handled(code, self.started.elapsed());
    }
}

/// Counts a call of `parts`'s path as started, and hands its conversation service the
/// figures its messages count in.
pub(in crate::server) fn metered(
    metrics: Option<&Arc<Metrics>>,
    parts: &mut http::request::Parts,
) -> Option<CallMeter> {
    let stats = metrics?.method(parts.uri.path());
    stats.started.inc();
    if stats.by_service {
        parts.extensions.insert(stats.clone());
    }
    Some(CallMeter {
        stats,
        started: Instant::now(),
        cut: parts.extensions.get::<Cut>().cloned(),
        code: None,
    })
}

/// The response, its status counted when it is known.
pub(in crate::server) fn answered(
    meter: Option<CallMeter>,
    response: http::Response<Body>,
) -> http::Response<Body> {
    let Some(mut meter) = meter else {
        return response;
    };
    if let Some(code) = code_in(response.headers()) {
        meter.code = Some(code);
    }
    let envelopes = (!meter.stats.by_service).then(Envelopes::default);
    response.map(|body| {
        let watch = Answered {
            meter: Some(meter),
            envelopes,
        };
        Body::new(Watched { body, watch })
    })
}

fn code_in(headers: &http::HeaderMap) -> Option<Code> {
    let status = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from(status.parse::<i32>().ok()?))
}

/// A body whose frames are watched as they pass.
struct Watched<W> {
    body: Body,
    watch: W,
}

/// What watches a body's frames.
trait Watch: Send + Unpin + 'static {
    fn frame(&mut self, frame: &Option<Result<Frame<Bytes>, Status>>);
}

impl<W: Watch> http_body::Body for Watched<W> {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let frame = ready!(Pin::new(&mut self.body).poll_frame(cx));
        self.watch.frame(&frame);
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A response's messages and its status.
struct Answered {
    meter: Option<CallMeter>,
    envelopes: Option<Envelopes>,
}

impl Watch for Answered {
    fn frame(&mut self, frame: &Option<Result<Frame<Bytes>, Status>>) {
        let Some(meter) = self.meter.as_mut() else {
            return;
        };
        match frame {
            Some(Ok(frame)) => {
                if let (Some(data), Some(envelopes)) = (frame.data_ref(), &mut self.envelopes) {
                    meter.stats.sent.add(envelopes.count(data));
                }
                if let Some(code) = frame.trailers_ref().and_then(code_in) {
                    meter.code = Some(code);
                    // Counted as the status goes out, not when the body is dropped.
                    self.meter = None;
                }
            }
            Some(Err(_)) => meter.code = Some(Code::Internal),
            None => self.meter = None,
        }
    }
}

/// A request's messages, by their envelopes.
struct Asked {
    envelopes: Envelopes,
    stats: Arc<MethodStats>,
}

impl Watch for Asked {
    fn frame(&mut self, frame: &Option<Result<Frame<Bytes>, Status>>) {
        if let Some(Ok(frame)) = frame
            && let Some(data) = frame.data_ref()
        {
            self.stats.received.add(self.envelopes.count(data));
        }
    }
}
