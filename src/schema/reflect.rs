//! Server reflection as a client: `grpc.reflection.v1` first, `v1alpha` when the server answers
//! UNIMPLEMENTED (grpcio and grpcurl 1.8.6 speak only v1alpha). Both versions' messages are the
//! same on the wire, so one set of types serves both paths. Calls go through the same TLS, token
//! and `-H` as the method's own calls.

use std::collections::{HashMap, HashSet};

use prost::Message;
use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorProto;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Code, Status, Streaming, codegen::http::uri::PathAndQuery};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, ServerReflectionResponse, server_reflection_request::MessageRequest,
    server_reflection_response::MessageResponse,
};

use super::Schema;
use crate::{
    error::{RpcError, Usage},
    net::CallSetup,
    net::Channel,
};

const PATHS: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// Why reflection gave no answer: the server has none, or the call failed.
#[derive(Debug)]
pub enum ReflectError {
    NoReflection,
    Failed(Status),
}

impl From<ReflectError> for anyhow::Error {
    fn from(err: ReflectError) -> anyhow::Error {
        match err {
            ReflectError::NoReflection => anyhow::anyhow!(
                "the server has no reflection service (v1 or v1alpha): give its types with --proto \
                 or --protoset"
            ),
            ReflectError::Failed(status) => RpcError(status).into(),
        }
    }
}

/// One reflection conversation: a request at a time, each answered in order.
struct Session {
    requests: mpsc::Sender<ServerReflectionRequest>,
    responses: Streaming<ServerReflectionResponse>,
}

impl Session {
    /// Opens the call with `first` already queued: some servers (grpcio) answer the call's
    /// headers only once a request has come.
    async fn open(
        channel: &Channel,
        call: &CallSetup,
        path: &'static str,
        first: MessageRequest,
    ) -> Result<(Session, MessageResponse), Status> {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready()
            .await
            .map_err(|err| Status::unavailable(err.to_string()))?;
        let (requests, queued) = mpsc::channel(4);
        let _ = requests.send(request(first)).await;
        let call = call.request(ReceiverStream::new(queued));
        let codec = tonic_prost::ProstCodec::default();
        let responses = grpc
            .streaming(call, PathAndQuery::from_static(path), codec)
            .await?
            .into_inner();
        let mut session = Session {
            requests,
            responses,
        };
        let answer = session.answer().await?;
        Ok((session, answer))
    }

    async fn ask(&mut self, question: MessageRequest) -> Result<MessageResponse, Status> {
        self.requests
            .send(request(question))
            .await
            .map_err(|_| Status::unavailable("the reflection call ended"))?;
        self.answer().await
    }

    async fn answer(&mut self) -> Result<MessageResponse, Status> {
        let response =
            self.responses.message().await?.ok_or_else(|| {
                Status::unavailable("the reflection call ended without an answer")
            })?;
        match response.message_response {
            Some(MessageResponse::ErrorResponse(err)) => {
                Err(Status::new(Code::from(err.error_code), err.error_message))
            }
            Some(answer) => Ok(answer),
            None => Err(Status::internal("an empty reflection answer")),
        }
    }
}

fn request(question: MessageRequest) -> ServerReflectionRequest {
    ServerReflectionRequest {
        host: String::new(),
        message_request: Some(question),
    }
}

/// Opens a session on the first version the server speaks and asks `first` on it.
async fn session(
    channel: &Channel,
    call: &CallSetup,
    first: MessageRequest,
) -> Result<(Session, MessageResponse), ReflectError> {
    for path in PATHS {
        match Session::open(channel, call, path, first.clone()).await {
            Ok(opened) => return Ok(opened),
            Err(status) if status.code() == Code::Unimplemented => continue,
            Err(status) => return Err(ReflectError::Failed(status)),
        }
    }
    Err(ReflectError::NoReflection)
}

/// The services the server lists, sorted.
pub async fn services(channel: &Channel, call: &CallSetup) -> Result<Vec<String>, ReflectError> {
    let (_, answer) = session(channel, call, MessageRequest::ListServices(String::new())).await?;
    let MessageResponse::ListServicesResponse(list) = answer else {
        return Err(ReflectError::Failed(Status::internal(
            "not a list of services",
        )));
    };
    let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    Ok(names)
}

/// The schema of the file that defines `symbol` and of every file it imports.
/// The schema of `symbol` (a service, message or enum, or a method as `pkg.Service/Method` or
/// `pkg.Service.Method`). Reflection knows services, messages and enums by name; a method is
/// found in its service's file, since some servers (grpcio's) know no method by name.
pub async fn schema_for_symbol(
    channel: &Channel,
    call: &CallSetup,
    symbol: &str,
) -> Result<Schema, anyhow::Error> {
    let symbol = symbol.trim_start_matches('.');
    let symbol = symbol
        .split_once('/')
        .map_or(symbol, |(service, _)| service);
    match schema_for(channel, call, symbol).await {
        Err(err) if err.is::<Usage>() => {
            let Some((parent, _)) = symbol.rsplit_once('.') else {
                return Err(err);
            };
            schema_for(channel, call, parent).await.map_err(|_| err)
        }
        found => found,
    }
}

async fn schema_for(
    channel: &Channel,
    call: &CallSetup,
    symbol: &str,
) -> Result<Schema, anyhow::Error> {
    let first = MessageRequest::FileContainingSymbol(symbol.to_owned());
    let (mut session, answer) = match session(channel, call, first).await {
        Err(ReflectError::Failed(status)) if status.code() == Code::NotFound => {
            let names = services(channel, call).await?;
            return Err(Usage(format!(
                "the server has no {symbol}; its services are: {}",
                names.join(", ")
            ))
            .into());
        }
        other => other?,
    };
    let mut files: HashMap<String, FileDescriptorProto> = HashMap::new();
    let mut wanted = add_files(&mut files, answer)?;
    while let Some(name) = wanted.pop() {
        if files.contains_key(&name) {
            continue;
        }
        let answer = session
            .ask(MessageRequest::FileByFilename(name))
            .await
            .map_err(ReflectError::Failed)?;
        wanted.extend(add_files(&mut files, answer)?);
    }
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files.into_values())
        .map_err(|err| anyhow::anyhow!("the server's descriptors do not hold together: {err}"))?;
    Ok(Schema::from_pool(pool))
}

/// Keeps the files of a reflection answer; returns the imports not yet known.
fn add_files(
    files: &mut HashMap<String, FileDescriptorProto>,
    answer: MessageResponse,
) -> Result<Vec<String>, ReflectError> {
    let MessageResponse::FileDescriptorResponse(found) = answer else {
        return Err(ReflectError::Failed(Status::internal(
            "not a file descriptor answer",
        )));
    };
    let mut imports = HashSet::new();
    for bytes in found.file_descriptor_proto {
        let file = FileDescriptorProto::decode(bytes.as_slice()).map_err(|err| {
            ReflectError::Failed(Status::internal(format!(
                "a malformed file descriptor: {err}"
            )))
        })?;
        imports.extend(file.dependency.iter().cloned());
        files.insert(file.name().to_owned(), file);
    }
    Ok(imports
        .into_iter()
        .filter(|name| !files.contains_key(name))
        .collect())
}
