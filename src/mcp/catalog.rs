//! What an agent is offered: a tool for each unary and server-streaming method, named from the
//! method (MCP's name rules, unique and stable), described by its proto comment, its input the
//! request's JSON Schema; and the methods a conversation can hold (client and bidirectional
//! streaming), for `open_conversation`.

use std::{collections::HashMap, sync::Arc};

use rmcp::model::{JsonObject, Tool};
use serde_json::{Map, Value, json};

use super::json_schema;
use crate::{
    net::CallSetup,
    schema::{CallKind, MethodName, Schema, upstream::Upstream},
};

/// The longest tool name many clients take (MCP's own bound is 128).
const MAX_NAME: usize = 64;

/// The method a tool calls.
#[derive(Clone, Debug)]
pub(super) struct Offered {
    pub(super) method: MethodName,
}

#[derive(Debug, Default)]
pub(super) struct Catalog {
    pub(super) tools: Vec<Tool>,
    /// Tool name to method.
    pub(super) by_tool: HashMap<String, Offered>,
    /// Every method offered, with its kind and its tool's name (none for a conversation).
    pub(super) methods: Vec<(String, CallKind, Option<String>)>,
    /// Why the upstream's methods are unknown (no reflection, and no files), if they are.
    pub(super) unknown: Option<String>,
}

/// The catalog of what the upstream offers, narrowed to `only` when it names methods.
pub(super) async fn build(
    upstream: &Upstream,
    call: &CallSetup,
    only: &[MethodName],
    fixed: &[&str],
) -> anyhow::Result<Catalog> {
    let mut catalog = Catalog::default();
    let mut taken: Vec<String> = fixed.iter().map(|name| name.to_string()).collect();
    // A server without reflection still holds conversations (the tutorial's method is known
    // without it): only its tools are missing, and list_methods says why.
    match upstream.schemas(call).await {
        Ok(schemas) => {
            for schema in schemas {
                add_schema(&mut catalog, &schema, only, &mut taken);
            }
        }
        Err(err) if crate::error::rpc_status(&err).is_none() => {
            catalog.unknown = Some(format!("{err:#}"))
        }
        Err(err) => return Err(err),
    }
    catalog.methods.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(catalog)
}

fn add_schema(
    catalog: &mut Catalog,
    schema: &Schema,
    only: &[MethodName],
    taken: &mut Vec<String>,
) {
    // Reflection and health are for tools, not for an agent's work.
    let services = schema.pool().services().filter(|service| {
        let name = service.full_name();
        !name.starts_with("grpc.reflection.") && name != "grpc.health.v1.Health"
    });
    for service in services {
        for method in service.methods() {
            let name = MethodName {
                service: service.full_name().to_owned(),
                method: method.name().to_owned(),
            };
            let offered = only.is_empty() || only.contains(&name);
            let path = name.to_string();
            if !offered || catalog.methods.iter().any(|(known, ..)| *known == path) {
                continue;
            }
            let kind = CallKind::of(&method);
            let tool = matches!(kind, CallKind::Unary | CallKind::ServerStreaming).then(|| {
                let tool_name = unique(tool_name(&name), taken);
                catalog.tools.push(method_tool(&tool_name, &method, kind));
                let offered = Offered { method: name };
                catalog.by_tool.insert(tool_name.clone(), offered);
                tool_name
            });
            catalog.methods.push((path, kind, tool));
        }
    }
}

/// `pkg.Service/Method` as `pkg_Service_Method`: letters, digits, `_` and `-` only, as every
/// client takes them.
fn tool_name(method: &MethodName) -> String {
    let name = format!("{}_{}", method.service, method.method);
    let name: String = (name.chars())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // The method's own name is the part worth keeping.
    let skip = name.len().saturating_sub(MAX_NAME);
    name[skip..].trim_start_matches('_').to_owned()
}

/// `name`, or `name_2`, `name_3`, ... when it is taken.
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        let suffix = format!("_{n}");
        let keep = name.len().min(MAX_NAME - suffix.len());
        candidate = format!("{}{suffix}", &name[..keep]);
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

fn method_tool(name: &str, method: &prost_reflect::MethodDescriptor, kind: CallKind) -> Tool {
    let (request, defs) = json_schema::of_message(&method.input());
    let mut properties = Map::new();
    properties.insert("request".into(), request);
    properties.insert("metadata".into(), metadata_schema());
    properties.insert(
        "timeout_ms".into(),
        json!({ "type": "integer", "minimum": 1, "default": 10000,
                "description": "the call's deadline, sent as grpc-timeout" }),
    );
    if kind == CallKind::ServerStreaming {
        properties.insert(
            "max_answers".into(),
            json!({ "type": "integer", "minimum": 1, "default": 100,
                    "description": "responses gathered at most; the call is cancelled after them" }),
        );
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !defs.is_empty() {
        schema["$defs"] = Value::Object(defs);
    }
    let file = method.parent_file();
    let comment = json_schema::comment(file.file_descriptor_proto(), method.path());
    let what = match kind {
        CallKind::ServerStreaming => "server-streaming: its responses, gathered",
        _ => "unary",
    };
    let description = match comment {
        Some(comment) => format!("{comment} ({} {what})", method.full_name()),
        None => format!("Calls {} ({what}).", method.full_name()),
    };
    Tool::new(name.to_owned(), description, object(schema))
}

/// Request metadata an agent may set (`authorization` is the gateway's own).
pub(super) fn metadata_schema() -> Value {
    json!({ "type": "object", "additionalProperties": { "type": "string" },
            "description": "request metadata (gRPC headers), name to value" })
}

/// A JSON object as rmcp holds a tool's schema.
pub(super) fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(text: &str) -> MethodName {
        text.parse().unwrap()
    }

    #[test]
    fn tool_names_keep_to_the_characters_clients_take_and_stay_unique() {
        assert_eq!(tool_name(&method("kinds.Kinds/Echo")), "kinds_Kinds_Echo");
        let long = method(&format!("{}.S/VeryLongMethodName", "p".repeat(80)));
        let name = tool_name(&long);
        assert!(
            name.len() <= MAX_NAME && name.ends_with("S_VeryLongMethodName"),
            "{name}"
        );
        let mut taken = vec!["send".to_owned()];
        assert_eq!(unique("send".into(), &mut taken), "send_2");
        assert_eq!(unique("send".into(), &mut taken), "send_3");
    }
}
