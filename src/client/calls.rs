//! How each kind of method turns the stream of questions into calls, all on one connection, and
//! their responses into one stream of answers in order: one conversation (bidirectional); all
//! questions in one call (client streaming); one call per question, each call's responses before
//! the next call starts (server streaming); one call per question, up to `--parallel` at once,
//! answers in question order (unary). The first failed call ends the stream.

use futures_util::{
    Stream, StreamExt,
    stream::{self, BoxStream},
};
use tonic::{Status, client::Grpc, codegen::http::uri::PathAndQuery, transport::Channel};

use crate::net::{Started, ready};
use crate::{codec::LineCodec, mapping::Outgoing, schema::CallKind};

/// Where the calls go and what they carry.
#[derive(Clone, Debug)]
pub(super) struct Calls {
    pub(super) channel: Channel,
    pub(super) path: PathAndQuery,
    pub(super) setup: Started,
    pub(super) kind: CallKind,
    pub(super) codec: LineCodec,
    /// Unary calls in flight at once.
    pub(super) parallel: usize,
}

type Received = BoxStream<'static, Result<String, Status>>;

impl Calls {
    /// The answers to `questions`, as the method's kind calls for them.
    pub(super) async fn answers(
        self,
        questions: impl Stream<Item = Outgoing> + Send + 'static,
    ) -> Received {
        match self.kind {
            // The one call is opened here, so that its answers are the call's own stream.
            CallKind::Bidirectional => {
                let opened = async {
                    let mut grpc = self.grpc().await?;
                    let request = self.setup.request(questions);
                    let answers = grpc.streaming(request, self.path, self.codec).await?;
                    Ok::<_, Status>(answers.into_inner())
                };
                ended_or(opened.await)
            }
            CallKind::ClientStreaming => stream::once(async move {
                let request = self.setup.request(questions);
                let mut grpc = self.grpc().await?;
                let answer = grpc
                    .client_streaming(request, self.path, self.codec)
                    .await?;
                Ok(answer.into_inner())
            })
            .boxed(),
            CallKind::ServerStreaming => questions
                .then(move |question| {
                    let calls = self.clone();
                    async move {
                        let mut grpc = calls.grpc().await?;
                        let request = calls.setup.request(question);
                        let answers = grpc
                            .server_streaming(request, calls.path, calls.codec)
                            .await?;
                        Ok::<_, Status>(answers.into_inner())
                    }
                })
                .map(ended_or)
                .flatten()
                .boxed(),
            CallKind::Unary => {
                let parallel = self.parallel;
                questions
                    .map(move |question| {
                        let calls = self.clone();
                        async move {
                            let mut grpc = calls.grpc().await?;
                            let request = calls.setup.request(question);
                            let answer = grpc.unary(request, calls.path, calls.codec).await?;
                            Ok(answer.into_inner())
                        }
                    })
                    .buffered(parallel)
                    .boxed()
            }
        }
    }

    async fn grpc(&self) -> Result<Grpc<Channel>, Status> {
        ready(&self.channel, &self.setup.setup).await
    }
}

/// A call's answers, or the one status that ended it before it answered.
fn ended_or(opened: Result<tonic::Streaming<String>, Status>) -> Received {
    match opened {
        Ok(answers) => answers.boxed(),
        Err(status) => stream::once(async { Err(status) }).boxed(),
    }
}
