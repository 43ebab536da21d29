//! `serve --proto FILE --method METHOD -- COMMAND`: any gRPC method from a .proto, each call
//! answered by a process of its own, as websocketd does for WebSockets. The paths are known only
//! at run time, so each method is a route of its own beside the generated services, and the
//! line <-> message mapping is ask's, seen from the other side: requests become the lines the
//! process reads, the lines it writes become responses.

use std::{
    convert::Infallible,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::BytesMut;
use futures_util::{StreamExt, future::BoxFuture, stream};
use tonic::{
    Request, Response, Status, Streaming,
    body::Body,
    codegen::http,
    server::{
        ClientStreamingService, Grpc, ServerStreamingService, StreamingService, UnaryService,
    },
};

use super::{
    compress::compressed,
    conversation::{Head, Service, Shape, Wire, opened},
};
use crate::{
    codec::LineCodec,
    error::Usage,
    mapping::{self, BytesAs, Flags, Lines, MappingArgs, Outgoing, Separator, ToLine, ToMessage},
    message::within_limit,
    schema::{CallKind, MethodName, Schema},
};

/// What the user said about the mapping; each entry may start with `Method:` to apply to that
/// method only.
#[derive(Clone, Debug, Default)]
pub struct BridgeFlags {
    pub field: Vec<String>,
    pub answer_field: Vec<String>,
    pub set: Vec<String>,
    /// `--process-format json`: whole messages in protobuf JSON both ways.
    pub json: bool,
    pub separator: Separator,
    pub bytes: BytesAs,
}

/// The methods bridged, and the files that define them (for reflection).
#[derive(Clone, Debug)]
pub struct Bridges {
    pub methods: Vec<Bridged>,
    pub files: prost_types::FileDescriptorSet,
}

/// One bridged method: its name, its kind and how its messages map to lines.
#[derive(Clone, Debug)]
pub struct Bridged {
    pub name: MethodName,
    pub kind: CallKind,
    /// Responses from the lines the process writes, as ask makes requests.
    responses: ToMessage,
    /// The lines the process reads from requests, as ask prints responses.
    requests: ToLine,
}

impl Bridges {
    /// The methods, found in `schema`, with their mappings; every flag must make sense for
    /// every method it applies to.
    pub fn new(
        schema: &Schema,
        methods: &[MethodName],
        flags: &BridgeFlags,
    ) -> Result<Bridges, Usage> {
        let mut bridged = Vec::new();
        for name in methods {
            let method = schema.method(name)?;
            let short = name.method.as_str();
            let mine = |values: &[String]| -> Vec<String> { for_method(values, short) };
            let in_method = |Usage(why)| Usage(format!("{name}: {why}"));
            let mut read = mine(&flags.field);
            if read.is_empty() && !flags.json {
                // The process reads one field, never a JSON it did not ask for.
                read.push(
                    mapping::only_field(&method.input(), Flags::SERVE_READS).map_err(in_method)?,
                );
            }
            let mapping = MappingArgs {
                fields: mine(&flags.answer_field),
                set: mine(&flags.set),
                answer_fields: read,
                json_in: flags.json,
                json_out: flags.json,
                separator: flags.separator.clone(),
                bytes: flags.bytes,
                flags: Flags::SERVE,
                ..MappingArgs::default()
            };
            let requests = mapping::to_line(&method.input(), &mapping).map_err(in_method)?;
            let responses = mapping::to_message(&method.output(), &mapping).map_err(in_method)?;
            bridged.push(Bridged {
                name: name.clone(),
                kind: CallKind::of(&method),
                responses,
                requests,
            });
        }
        check_prefixes(flags, methods)?;
        let files = prost_types::FileDescriptorSet {
            file: schema
                .pool()
                .files()
                .map(|file| file.file_descriptor_proto().clone())
                .collect(),
        };
        Ok(Bridges {
            methods: bridged,
            files,
        })
    }

    /// The full names of the services with a bridged method.
    pub fn services(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .methods
            .iter()
            .map(|m| m.name.service.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The values for the method named `short`: unprefixed ones, and those prefixed `short:`.
fn for_method(values: &[String], short: &str) -> Vec<String> {
    values
        .iter()
        .filter_map(|value| match split_prefix(value) {
            Some((method, rest)) if method == short => Some(rest.to_owned()),
            Some(_) => None,
            None => Some(value.clone()),
        })
        .collect()
}

/// `Method:rest`, when the part before the first colon is a method's short name (no dots, no `=`).
fn split_prefix(value: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = value.split_once(':')?;
    let name = !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    name.then_some((prefix, rest))
}

/// A prefix that names no bridged method is a typo, not a flag for nobody.
fn check_prefixes(flags: &BridgeFlags, methods: &[MethodName]) -> Result<(), Usage> {
    let all = flags
        .field
        .iter()
        .chain(&flags.answer_field)
        .chain(&flags.set);
    for value in all {
        if let Some((prefix, _)) = split_prefix(value)
            && !methods.iter().any(|m| m.method == prefix)
        {
            return Err(Usage(format!(
                "{value}: no bridged method is named {prefix}"
            )));
        }
    }
    Ok(())
}

/// The lines a request makes for the process, which reads text: a bytes field that is not
/// UTF-8 must reach it in base64.
fn for_process(lines: Result<Lines, Status>) -> Vec<Result<String, Status>> {
    let lines = match lines {
        Ok(lines) => lines,
        Err(status) => return vec![Err(status)],
    };
    (lines.iter())
        .map(|line| {
            String::from_utf8(line.to_vec()).map_err(|_| {
                Status::invalid_argument(
                    "the request holds bytes that are not UTF-8, and the process reads text: \
                     serve with --bytes base64",
                )
            })
        })
        .collect()
}

/// The route of one bridged method: a tower service that tonic's router calls with its requests.
#[derive(Clone)]
pub(super) struct Route {
    pub(super) method: Arc<Bridged>,
    pub(super) service: Arc<Service>,
}

impl tower::Service<http::Request<Body>> for Route {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let route = self.clone();
        Box::pin(async move {
            let codec = LineCodec::new(
                route.method.responses.clone(),
                route.method.requests.clone(),
            );
            let limit = route.service.config.max_message_size;
            // Responses are checked against the limit as they are shaped, with a clearer status.
            let grpc =
                Grpc::new(codec).apply_max_message_size_config(Some(limit), Some(usize::MAX));
            let config = &route.service.config;
            let mut grpc = compressed(grpc, config, Grpc::accept_compressed, Grpc::send_compressed);
            Ok(match route.method.kind {
                CallKind::Bidirectional => grpc.streaming(route, request).await,
                CallKind::ServerStreaming => grpc.server_streaming(route, request).await,
                CallKind::ClientStreaming => grpc.client_streaming(route, request).await,
                CallKind::Unary => grpc.unary(route, request).await,
            })
        })
    }
}

impl Route {
    fn shape(&self) -> Shape<Outgoing> {
        let (responses, limit) = (
            self.method.responses.clone(),
            self.service.config.max_message_size,
        );
        let message = self.method.name.to_string();
        Arc::new(move |line: String| {
            let (response, size) = responses.request(line.as_bytes(), false).map_err(|why| {
                Status::internal(format!(
                    "the command wrote a line that is not a {message} response ({why}): {line}"
                ))
            })?;
            within_limit("answer", size, limit).map_err(Status::resource_exhausted)?;
            Ok(response)
        })
    }

    fn open(
        &self,
        request: Request<impl futures_util::Stream<Item = Result<Lines, Status>> + Send + 'static>,
    ) -> Result<Wire<Outgoing>, Status> {
        let (head, requests) = opened(request);
        self.open_with(head, requests)
    }

    /// Opens a conversation of the method on requests already apart from their metadata.
    pub(super) fn open_with(
        &self,
        head: Head,
        requests: impl futures_util::Stream<Item = Result<Lines, Status>> + Send + 'static,
    ) -> Result<Wire<Outgoing>, Status> {
        let questions = requests.flat_map(|lines| stream::iter(for_process(lines)));
        let name = self.method.name.to_string();
        self.service.converse(&name, head, questions, self.shape())
    }

    /// The path its calls come on.
    pub(super) fn path(&self) -> String {
        format!("/{}", self.method.name)
    }

    /// Whether its calls are conversations: both sides stream.
    pub(super) fn is_conversation(&self) -> bool {
        self.method.kind == CallKind::Bidirectional
    }

    /// The lines the process reads from one request message, as the tonic route decodes them.
    pub(super) fn lines(&self, message: &[u8]) -> Result<Lines, Status> {
        self.method
            .requests
            .decode(message)
            .map_err(Status::internal)
    }

    /// Writes one of the process's answers, shaped, as its message.
    pub(super) fn encode(&self, answer: &Outgoing, into: &mut BytesMut) {
        self.method.responses.encode(answer, into);
    }

    /// For a method with one response: the only line the process wrote before it exited 0.
    async fn only_answer(&self, mut answers: Wire<Outgoing>) -> Result<Response<Outgoing>, Status> {
        let mut first = None;
        let mut lines = 0;
        while let Some(answer) = answers.next().await {
            let answer = answer?;
            lines += 1;
            first.get_or_insert(answer);
        }
        match (first, lines) {
            (Some(answer), 1) => Ok(Response::new(answer)),
            (_, lines) => Err(Status::internal(format!(
                "the command wrote {lines} lines; {} ({}) answers with exactly one",
                self.method.name, self.method.kind
            ))),
        }
    }
}

impl StreamingService<Lines> for Route {
    type Response = Outgoing;
    type ResponseStream = Wire<Outgoing>;
    type Future = BoxFuture<'static, Result<Response<Wire<Outgoing>>, Status>>;

    fn call(&mut self, request: Request<Streaming<Lines>>) -> Self::Future {
        let opened = self.open(request).map(Response::new);
        Box::pin(async move { opened })
    }
}

impl ServerStreamingService<Lines> for Route {
    type Response = Outgoing;
    type ResponseStream = Wire<Outgoing>;
    type Future = BoxFuture<'static, Result<Response<Wire<Outgoing>>, Status>>;

    fn call(&mut self, request: Request<Lines>) -> Self::Future {
        let opened = self
            .open(request.map(|line| stream::iter([Ok(line)])))
            .map(Response::new);
        Box::pin(async move { opened })
    }
}

impl ClientStreamingService<Lines> for Route {
    type Response = Outgoing;
    type Future = BoxFuture<'static, Result<Response<Outgoing>, Status>>;

    fn call(&mut self, request: Request<Streaming<Lines>>) -> Self::Future {
        let route = self.clone();
        Box::pin(async move { route.only_answer(route.open(request)?).await })
    }
}

impl UnaryService<Lines> for Route {
    type Response = Outgoing;
    type Future = BoxFuture<'static, Result<Response<Outgoing>, Status>>;

    fn call(&mut self, request: Request<Lines>) -> Self::Future {
        let route = self.clone();
        Box::pin(async move {
            let answers = route.open(request.map(|line| stream::iter([Ok(line)])))?;
            route.only_answer(answers).await
        })
    }
}
