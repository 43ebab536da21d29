//! One tool call of a unary or server-streaming method: the request from the arguments in
//! protobuf JSON, the call made upstream as ask makes it, its responses gathered (a server
//! stream's up to `max_answers`, within `timeout_ms`), and the outcome as the tool's result: the
//! responses as structured content and as text, or, for a failed call, a tool error carrying the
//! gRPC status, its message and trailers.

use std::{collections::BTreeMap, time::Duration};

use anyhow::{Context as _, anyhow};
use futures_util::{StreamExt, stream};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde_json::{Value, json};
use tonic::{Status, metadata::MetadataMap};

use super::{Shared, catalog::Offered};
use crate::{
    client::{Heard, MethodArgs, Received, gateway, metadata},
    error::{rpc_status, status_json},
    mapping::{Flags, Lines, MappingArgs},
    message::within_limit,
};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_ANSWERS: u64 = 100;

/// The tool's result for a call of `offered` with `args`.
pub(super) async fn call(shared: &Shared, offered: &Offered, args: &JsonObject) -> CallToolResult {
    match run(shared, offered, args).await {
        Ok(result) => result,
        Err(err) => failed(&err),
    }
}

async fn run(
    shared: &Shared,
    offered: &Offered,
    args: &JsonObject,
) -> anyhow::Result<CallToolResult> {
    let timeout = number(args, "timeout_ms")?.map_or(DEFAULT_TIMEOUT, Duration::from_millis);
    let max_answers = number(args, "max_answers")?
        .unwrap_or(DEFAULT_MAX_ANSWERS)
        .max(1);
    let mut call = shared.config.call.clone();
    call.timeout = Some(timeout);
    call.headers.extend(headers(args)?);
    let method = MethodArgs {
        method: offered.method.clone(),
        files: shared.config.files.clone(),
        mapping: json_mapping(),
    };
    let opened = gateway::open(&shared.upstream, &call, &method).await?;
    let request = args.get("request").cloned().unwrap_or_else(|| json!({}));
    let (request, size) = (opened.whole)
        .request(request.to_string().as_bytes(), false)
        .map_err(|why| anyhow!("request: {why}"))?;
    within_limit("request", size, call.max_message_size).map_err(|why| anyhow!(why))?;
    let answers = opened.calls.answers(stream::iter([request])).await;
    let gathered = tokio::time::timeout(timeout, gather(answers, max_answers)).await;
    let gathered =
        gathered.unwrap_or_else(|_| Gathered::cut(Status::deadline_exceeded("timeout_ms passed")));
    Ok(gathered.result())
}

/// Requests and responses as whole messages in protobuf JSON.
pub(super) fn json_mapping() -> MappingArgs {
    MappingArgs {
        json_in: true,
        json_out: true,
        flags: Flags::WEB,
        ..MappingArgs::default()
    }
}

/// The `metadata` argument as headers; `authorization` refused.
pub(super) fn headers(args: &JsonObject) -> anyhow::Result<Vec<crate::net::headers::Header>> {
    let Some(metadata) = args.get("metadata") else {
        return Ok(Vec::new());
    };
    let metadata: BTreeMap<String, String> = serde_json::from_value(metadata.clone())
        .context("metadata: expected an object of names to string values")?;
    gateway::headers(
        &metadata,
        false,
        "the gateway's own, from its --token-file or -H",
    )
}

/// A whole number argument, if given.
pub(super) fn number(args: &JsonObject, name: &str) -> anyhow::Result<Option<u64>> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| anyhow!("{name}: expected a whole number, not {value}")),
    }
}

/// What a call said: its responses, its trailers, and how it ended.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    pub(super) responses: Vec<Value>,
    pub(super) trailers: Option<MetadataMap>,
    /// `None` for OK.
    pub(super) failed: Option<Status>,
    /// Cancelled after `max_answers`.
    pub(super) more: bool,
}

impl Gathered {
    fn cut(status: Status) -> Gathered {
        Gathered {
            failed: Some(status),
            ..Gathered::default()
        }
    }

    /// A heard answer's lines, each a response in protobuf JSON.
    pub(super) fn answer(&mut self, lines: &Lines) {
        for line in lines.iter() {
            let text = String::from_utf8_lossy(line);
            let value = serde_json::from_str(&text).unwrap_or(Value::String(text.into_owned()));
            self.responses.push(value);
        }
    }

    fn result(self) -> CallToolResult {
        let trailers = self.trailers.as_ref().map(metadata::json);
        if let Some(status) = &self.failed {
            return status_result(status, trailers, self.responses);
        }
        let text: Vec<String> = self.responses.iter().map(Value::to_string).collect();
        let mut result = CallToolResult::success(vec![ContentBlock::text(text.join("\n"))]);
        result.structured_content = Some(json!({
            "responses": self.responses,
            "trailers": trailers,
            "more": self.more,
        }));
        result
    }
}

async fn gather(mut answers: Received, max_answers: u64) -> Gathered {
    let mut gathered = Gathered::default();
    while let Some(heard) = answers.next().await {
        match heard {
            Ok(Heard::Answer(lines, _)) => gathered.answer(&lines),
            Ok(Heard::Trailers(map)) => gathered.trailers = Some(map),
            Ok(Heard::Headers(_)) => {}
            Err(status) => {
                gathered.failed = Some(status);
                break;
            }
        }
        if gathered.responses.len() as u64 >= max_answers {
            // Dropping the answers cancels the call: enough was asked for.
            gathered.more = true;
            break;
        }
    }
    gathered
}

/// A failed call as the tool's error: the gRPC status, its message and trailers, and the
/// responses that came before it.
pub(super) fn status_result(
    status: &Status,
    trailers: Option<Value>,
    responses: Vec<Value>,
) -> CallToolResult {
    let trailers = trailers.unwrap_or_else(|| metadata::json(status.metadata()));
    let mut described = status_json(status);
    described["trailers"] = trailers;
    let text = format!(
        "{}: {}",
        described["code"].as_str().unwrap_or("UNKNOWN"),
        status.message()
    );
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({ "status": described, "responses": responses }));
    result
}

/// Anything else that failed (a method not found, a request that is not the message, metadata
/// refused) as the tool's error, with the status when there is one (the upstream unreachable).
pub(super) fn failed(err: &anyhow::Error) -> CallToolResult {
    match rpc_status(err) {
        Some(status) => status_result(&status, None, Vec::new()),
        None => CallToolResult::error(vec![ContentBlock::text(format!("{err:#}"))]),
    }
}
