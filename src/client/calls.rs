//! How each kind of method turns the stream of questions into calls, all on one connection, and
//! their responses into one stream of answers in order: one conversation (bidirectional); all
//! questions in one call (client streaming); one call per question, each call's responses before
//! the next call starts (server streaming); one call per question, up to `--parallel` at once,
//! answers in question order (unary). The first failed call ends the stream.

use futures_util::{
    Stream, StreamExt,
    stream::{self, BoxStream},
};
use tonic::{
    Response, Status, Streaming, client::Grpc, codegen::http::uri::PathAndQuery,
    metadata::MetadataMap,
};

use super::target::Target;
use crate::net::{Started, ready};
use crate::{
    codec::{FromAnswer, LineCodec},
    mapping::{Lines, Outgoing},
    net::Channel,
    schema::CallKind,
};

/// Where the calls go and what they carry.
#[derive(Clone, Debug)]
pub(crate) struct Calls {
    pub(super) channel: Channel,
    pub(super) path: PathAndQuery,
    pub(super) setup: Started,
    pub(super) kind: CallKind,
    pub(super) codec: LineCodec<Heard>,
    /// Unary calls in flight at once.
    pub(super) parallel: usize,
    /// Whether the response metadata is heard too (`--show-metadata`, `--transcript`).
    pub(super) metadata: bool,
}

/// What a call hears: its answers, and, when asked for, the metadata around them.
#[derive(Debug)]
pub(crate) enum Heard {
    /// Its lines, and its bytes when they are kept.
    Answer(Lines, Option<bytes::Bytes>),
    /// The response headers; for a unary or client-streaming call, tonic gives the trailers
    /// merged into them.
    Headers(MetadataMap),
    Trailers(MetadataMap),
}

impl FromAnswer for Heard {
    fn from_answer(lines: Lines, bytes: Option<bytes::Bytes>) -> Heard {
        Heard::Answer(lines, bytes)
    }
}

pub(crate) type Received = BoxStream<'static, Result<Heard, Status>>;

impl Calls {
    /// The calls of one conversation of `target` on `channel`, one at a time, its metadata heard.
    pub(crate) fn one_at_a_time(channel: Channel, target: &Target, setup: Started) -> Calls {
        Calls {
            channel,
            path: target.path.clone(),
            setup,
            kind: target.kind,
            codec: LineCodec::new(target.requests.clone(), target.answers.clone()),
            parallel: 1,
            metadata: true,
        }
    }

    /// The answers to `questions`, as the method's kind calls for them.
    pub(crate) async fn answers(
        self,
        questions: impl Stream<Item = Outgoing> + Send + 'static,
    ) -> Received {
        let metadata = self.metadata;
        match self.kind {
            // The one call is opened here, so that its answers are the call's own stream.
            CallKind::Bidirectional => {
                let opened = async {
                    let mut grpc = self.grpc().await?;
                    let request = self.setup.request(questions);
                    grpc.streaming(request, self.path, self.codec).await
                };
                heard_in(opened.await, metadata)
            }
            CallKind::ClientStreaming => stream::once(async move {
                let request = self.setup.request(questions);
                let mut grpc = self.grpc().await?;
                let answer = grpc.client_streaming(request, self.path, self.codec).await;
                Ok::<_, Status>(heard_once(answer, metadata))
            })
            .map(flat)
            .flatten()
            .boxed(),
            CallKind::ServerStreaming => questions
                .then(move |question| {
                    let calls = self.clone();
                    async move {
                        let mut grpc = calls.grpc().await?;
                        let request = calls.setup.request(question);
                        grpc.server_streaming(request, calls.path, calls.codec)
                            .await
                    }
                })
                .map(move |opened| heard_in(opened, metadata))
                .flatten()
                .boxed(),
            CallKind::Unary => {
                let parallel = self.parallel;
                questions
                    .map(move |question| {
                        let calls = self.clone();
                        async move {
                            let mut grpc = calls.grpc().await?;
                            let request = crate::net::unary(calls.setup.request(question));
                            let answer = grpc.unary(request, calls.path, calls.codec).await;
                            Ok::<_, Status>(heard_once(answer, metadata))
                        }
                    })
                    .buffered(parallel)
                    .map(flat)
                    .flatten()
                    .boxed()
            }
        }
    }

    async fn grpc(&self) -> Result<Grpc<Channel>, Status> {
        ready(&self.channel, &self.setup.setup).await
    }
}

/// A call's answers (with its headers first and its trailers last, when `metadata` is asked
/// for), or the one status that ended it before it answered.
fn heard_in(opened: Result<Response<Streaming<Heard>>, Status>, metadata: bool) -> Received {
    let (headers, answers, _) = match opened {
        Ok(response) => response.into_parts(),
        Err(status) => return stream::once(async { Err(status) }).boxed(),
    };
    if !metadata {
        return answers.boxed();
    }
    let rest = stream::unfold(Some(answers), |answers| async move {
        let mut answers = answers?;
        match answers.next().await {
            Some(answer) => Some((answer, Some(answers))),
            None => match answers.trailers().await {
                Ok(Some(trailers)) => Some((Ok(Heard::Trailers(trailers)), None)),
                Ok(None) => None,
                Err(status) => Some((Err(status), None)),
            },
        }
    });
    stream::once(async { Ok(Heard::Headers(headers)) })
        .chain(rest)
        .boxed()
}

/// The one answer of a call, after its metadata when that is asked for.
fn heard_once(
    answer: Result<Response<Heard>, Status>,
    metadata: bool,
) -> Vec<Result<Heard, Status>> {
    match answer {
        Ok(response) => {
            let (headers, answer, _) = response.into_parts();
            let headers = metadata.then_some(Ok(Heard::Headers(headers)));
            headers.into_iter().chain([Ok(answer)]).collect()
        }
        Err(status) => vec![Err(status)],
    }
}

fn flat(
    heard: Result<Vec<Result<Heard, Status>>, Status>,
) -> stream::Iter<std::vec::IntoIter<Result<Heard, Status>>> {
    stream::iter(heard.unwrap_or_else(|status| vec![Err(status)]))
}
