//! `GET /api/methods`: the methods the page can call, each with its kind and its request and
//! response messages in proto syntax, as describe prints them; from the files when given, else
//! from the upstream's reflection (each service's file and its imports).

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::{Value, json};

use super::Shared;
use crate::{
    net::connect,
    schema::{CallKind, Schema, Tutorial, describe, reflect},
};

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
    let schemas = match Schema::from_files_given(&config.files, Tutorial::Joins)? {
        Some(schema) => vec![schema],
        None => {
            let (channel, _) = connect(&config.connect).await?;
            let mut schemas = Vec::new();
            for service in reflect::services(&channel, &config.call).await? {
                schemas.push(reflect::schema_for_symbol(&channel, &config.call, &service).await?);
            }
            schemas
        }
    };
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
    }))
}
