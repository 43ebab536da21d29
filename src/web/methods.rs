//! `GET /api/methods`: the methods the page can call, each with its kind and its request and
//! response messages in proto syntax, as describe prints them; from the files when given, else
//! from the upstream's reflection (each service's file and its imports).

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::{Value, json};

use super::Shared;
use crate::schema::{CallKind, Schema, describe};

pub(super) async fn list(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    match methods(&shared).await {
        Ok(methods) => (StatusCode::OK, Json(json!({ "methods": methods }))),
        Err(err) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": format!("{err:#}") })),
        ),
    }
}

async fn methods(shared: &Shared) -> anyhow::Result<Vec<Value>> {
    let config = &shared.config;
    // Only what the files define: a page in front of etcd offers no tutorial method etcd lacks.
    let schemas = shared.upstream.schemas(&config.call).await?;
    let mut methods: Vec<Value> = Vec::new();
    for schema in &schemas {
        // Reflection itself is for tools, not for a person to converse with.
        let services = schema.pool().services();
        for service in services.filter(|s| !s.full_name().starts_with("grpc.reflection.")) {
            for method in service.methods() {
                let name = format!("{}/{}", service.full_name(), method.name());
                let offered = config.methods.is_empty()
                    || config.methods.iter().any(|m| m.to_string() == name);
                if offered && !methods.iter().any(|m| m["method"] == name.as_str()) {
                    methods.push(described(schema, &name, &method)?);
                }
            }
        }
    }
    methods.sort_by(|a, b| a["method"].as_str().cmp(&b["method"].as_str()));
    Ok(methods)
}

fn described(
    schema: &Schema,
    name: &str,
    method: &prost_reflect::MethodDescriptor,
) -> anyhow::Result<Value> {
    let message = |descriptor: prost_reflect::MessageDescriptor| -> anyhow::Result<Value> {
        let full = descriptor.full_name().to_owned();
        let proto = describe::describe(schema, &full)?;
        Ok(json!({ "name": full, "proto": proto }))
    };
    Ok(json!({
        "method": name,
        "kind": CallKind::of(method).to_string(),
        "request": message(method.input())?,
        "response": message(method.output())?,
        "template": template(&method.input(), 0),
    }))
}

/// How deep a template follows nested messages: far enough for real APIs, and a message that
/// contains itself ends.
const TEMPLATE_DEPTH: usize = 4;

/// A request to fill in, in protobuf JSON: every field with a value of its type (an enum by its
/// first value's name, an int64 as a string, a nested message filled the same way), only the
/// first member of each oneof (two would be refused).
fn template(message: &prost_reflect::MessageDescriptor, depth: usize) -> Value {
    use prost_reflect::Kind;
    let mut fields = serde_json::Map::new();
    for field in message.fields() {
        let first_of_its_oneof = (field.containing_oneof()).is_none_or(|oneof| {
            oneof
                .fields()
                .next()
                .is_some_and(|f| f.number() == field.number())
        });
        if !first_of_its_oneof {
            continue;
        }
        let value = match field.kind() {
            _ if field.is_map() => json!({}),
            _ if field.is_list() => json!([]),
            Kind::Message(nested) if depth < TEMPLATE_DEPTH => template(&nested, depth + 1),
            Kind::Message(_) => json!({}),
            Kind::Enum(kind) => json!(kind.values().next().map(|v| v.name().to_owned())),
            Kind::String | Kind::Bytes => json!(""),
            Kind::Bool => json!(false),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 | Kind::Uint64 | Kind::Fixed64 => {
                json!("0")
            }
            _ => json!(0),
        };
        fields.insert(field.json_name().to_owned(), value);
    }
    Value::Object(fields)
}
