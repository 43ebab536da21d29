//! The tools every gateway has beside the methods' own: the methods listed and described, and
//! the four that hold a conversation. Their input schemas, and their calls.

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::{Value, json};

use super::{
    Session,
    catalog::{metadata_schema, object},
    conversations::Request,
    invoke::{headers, json_mapping, number},
};
use crate::{
    client::{MethodArgs, gateway},
    mapping::MappingArgs,
    schema::{MethodName, describe},
};

pub(super) const NAMES: [&str; 6] = [
    "list_methods",
    "describe",
    "open_conversation",
    "send",
    "receive",
    "close",
];

/// The most `receive` waits, whatever it asks.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// How long a conversation may take to open (the method found, the upstream reached).
const OPEN_WAIT: Duration = Duration::from_secs(30);

pub(super) fn fixed() -> Vec<Tool> {
    let id = json!({ "type": "string", "description": "the id open_conversation returned" });
    let tools = [
        (
            "list_methods",
            "Lists every method offered: its name (pkg.Service/Method), its kind, and its tool (unary and server-streaming methods) or none (hold a conversation with open_conversation).",
            json!({ "type": "object", "properties": {} }),
        ),
        (
            "describe",
            "The proto definition of a service, a method or a message, by its full name (pkg.Service, pkg.Service.Method or pkg.Message), with its comments.",
            json!({ "type": "object", "properties": { "symbol": { "type": "string" } }, "required": ["symbol"] }),
        ),
        (
            "open_conversation",
            "Opens a client-streaming or bidirectional call (any method, in fact) and returns its id. Requests go in with send, answers come out with receive, in order; close ends it. Requests and answers are protobuf JSON unless input or output says lines.",
            json!({ "type": "object", "properties": {
                "method": { "type": "string", "description": "pkg.Service/Method" },
                "metadata": metadata_schema(),
                "input": { "enum": ["json", "lines"], "default": "json" },
                "output": { "enum": ["json", "lines"], "default": "json" },
                "field": { "type": "array", "items": { "type": "string" }, "description": "with input lines: the fields a line fills, as ask's --field" },
                "answer_field": { "type": "array", "items": { "type": "string" }, "description": "with output lines: the fields an answer shows, as ask's --answer-field" }
            }, "required": ["method"] }),
        ),
        (
            "send",
            "Sends requests on a conversation, in order; end: true ends its input (the half-close).",
            json!({ "type": "object", "properties": {
                "id": id,
                "requests": { "type": "array", "items": { "type": "object" }, "description": "whole requests in protobuf JSON" },
                "lines": { "type": "array", "items": { "type": "string" }, "description": "requests as lines, with input lines" },
                "end": { "type": "boolean", "default": false }
            }, "required": ["id"] }),
        ),
        (
            "receive",
            "The answers that arrived since the last receive, in order, waiting up to wait_ms for the first; once the call has ended and every answer is taken, its status (code, message, trailers).",
            json!({ "type": "object", "properties": {
                "id": id,
                "wait_ms": { "type": "integer", "minimum": 0, "maximum": 60000, "default": 1000 },
                "max_answers": { "type": "integer", "minimum": 1, "default": 100 }
            }, "required": ["id"] }),
        ),
        (
            "close",
            "Cancels a conversation.",
            json!({ "type": "object", "properties": { "id": id }, "required": ["id"] }),
        ),
    ];
    (tools.into_iter())
        .map(|(name, description, schema)| Tool::new(name, description, object(schema)))
        .collect()
}

/// Calls the fixed tool `name`; `None` when it is none of them.
pub(super) async fn call(
    session: &Session,
    name: &str,
    args: &JsonObject,
) -> Option<CallToolResult> {
    let result = match name {
        "list_methods" => list(session).await,
        "describe" => described(session, args).await,
        "open_conversation" => open(session, args).await,
        "send" => send(session, args).await,
        "receive" => receive(session, args).await,
        "close" => text(args, "id").and_then(|id| {
            session.conversations.close(id)?;
            Ok(json!({ "closed": id }))
        }),
        _ => return None,
    };
    Some(match result {
        Ok(value) => structured(value),
        Err(err) => super::invoke::failed(&err),
    })
}

/// A result as structured content, and the same JSON as text.
fn structured(value: Value) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
    result.structured_content = Some(value);
    result
}

fn text<'a>(args: &'a JsonObject, name: &str) -> anyhow::Result<&'a str> {
    (args.get(name).and_then(Value::as_str)).ok_or_else(|| anyhow!("{name}: a string is needed"))
}

fn strings(args: &JsonObject, name: &str) -> anyhow::Result<Vec<String>> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => serde_json::from_value(value.clone())
            .with_context(|| format!("{name}: expected an array of strings")),
    }
}

async fn list(session: &Session) -> anyhow::Result<Value> {
    let catalog = session.shared.catalog().await?;
    let methods: Vec<Value> = (catalog.methods.iter())
        .map(|(method, kind, tool)| json!({ "method": method, "kind": kind.to_string(), "tool": tool }))
        .collect();
    Ok(json!({ "methods": methods, "unknown": catalog.unknown }))
}

async fn described(session: &Session, args: &JsonObject) -> anyhow::Result<Value> {
    let symbol = text(args, "symbol")?;
    let config = &session.shared.config;
    for schema in session.shared.upstream.schemas(&config.call).await? {
        if let Ok(proto) = describe::describe(&schema, symbol) {
            return Ok(json!({ "symbol": symbol, "proto": proto }));
        }
    }
    Err(anyhow!(
        "describe {symbol}: no such service, method or message upstream"
    ))
}

async fn open(session: &Session, args: &JsonObject) -> anyhow::Result<Value> {
    let shared = &session.shared;
    let name = text(args, "method")?;
    let method: MethodName = name
        .parse()
        .map_err(|why| anyhow!("method {name}: {why}"))?;
    if !shared.config.methods.is_empty() && !shared.config.methods.contains(&method) {
        anyhow::bail!("method {method}: not offered here (--method)");
    }
    let seat = shared.seats.clone().try_acquire_owned().map_err(|_| {
        anyhow!(
            "{} conversations are open (--max-conversations): close one first",
            shared.config.max_conversations
        )
    })?;
    let mut call = shared.config.call.clone();
    call.headers.extend(headers(args)?);
    let args = MethodArgs {
        method,
        files: shared.config.files.clone(),
        mapping: mapping(args)?,
    };
    let opening = gateway::open(&shared.upstream, &call, &args);
    let opened = (tokio::time::timeout(OPEN_WAIT, opening).await).map_err(|_| {
        anyhow!(
            "{}: the upstream did not answer within {OPEN_WAIT:?}",
            args.method
        )
    })??;
    let id = session
        .conversations
        .open(opened, call.max_message_size, seat);
    Ok(json!({ "id": id }))
}

/// A conversation's mapping: whole messages in JSON unless `input` or `output` says lines.
fn mapping(args: &JsonObject) -> anyhow::Result<MappingArgs> {
    let lines = |name| match args.get(name).and_then(Value::as_str) {
        None | Some("json") => Ok(false),
        Some("lines") => Ok(true),
        Some(other) => Err(anyhow!("{name}: \"{other}\" is neither json nor lines")),
    };
    Ok(MappingArgs {
        json_in: !lines("input")?,
        json_out: !lines("output")?,
        fields: strings(args, "field")?,
        answer_fields: strings(args, "answer_field")?,
        ..json_mapping()
    })
}

async fn send(session: &Session, args: &JsonObject) -> anyhow::Result<Value> {
    let id = text(args, "id")?;
    let mut requests: Vec<Request> = match args.get("requests") {
        Some(Value::Array(requests)) => requests.iter().cloned().map(Request::Json).collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(other) => anyhow::bail!("requests: expected an array of objects, not {other}"),
    };
    requests.extend(strings(args, "lines")?.into_iter().map(Request::Line));
    let end = args.get("end").and_then(Value::as_bool).unwrap_or(false);
    let sent = session.conversations.send(id, requests, end).await?;
    Ok(json!({ "sent": sent, "ended_input": end }))
}

async fn receive(session: &Session, args: &JsonObject) -> anyhow::Result<Value> {
    let id = text(args, "id")?;
    let wait = number(args, "wait_ms")?.map_or(Duration::from_secs(1), Duration::from_millis);
    let max = number(args, "max_answers")?.unwrap_or(100).max(1) as usize;
    session
        .conversations
        .receive(id, wait.min(MAX_WAIT), max)
        .await
}
