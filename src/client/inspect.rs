//! `list` and `describe`: what a server offers, by reflection, or what files define, connecting to
//! nothing.

use crate::{
    net::{CallSetup, ConnectConfig, connect},
    schema::{Schema, SchemaFiles, Tutorial, describe, reflect},
};

/// The services, sorted, one per line; or the methods of `service` as `pkg.Service.Method`.
pub async fn list(
    connect_to: &ConnectConfig,
    call: &CallSetup,
    files: &SchemaFiles,
    service: Option<&str>,
) -> anyhow::Result<String> {
    let names = match (service, files.is_empty()) {
        (None, false) => Schema::from_files(files, Tutorial::Apart)?.services(),
        (None, true) => {
            let (channel, _) = connect(connect_to).await?;
            reflect::services(&channel, call).await?
        }
        (Some(service), _) => {
            let schema = schema(connect_to, call, files, service).await?;
            schema.methods_of(service)?
        }
    };
    Ok(names.iter().map(|name| format!("{name}\n")).collect())
}

/// `symbol` in proto syntax; without one, every service, as grpcurl describes them.
pub async fn describe(
    connect_to: &ConnectConfig,
    call: &CallSetup,
    files: &SchemaFiles,
    symbol: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(symbol) = symbol {
        return describe_one(connect_to, call, files, symbol).await;
    }
    let services = list(connect_to, call, files, None).await?;
    let mut described = Vec::new();
    for service in services.lines() {
        described.push(describe_one(connect_to, call, files, service).await?);
    }
    Ok(described.join("\n"))
}

async fn describe_one(
    connect_to: &ConnectConfig,
    call: &CallSetup,
    files: &SchemaFiles,
    symbol: &str,
) -> anyhow::Result<String> {
    let schema = schema(connect_to, call, files, symbol).await?;
    Ok(describe::describe(&schema, symbol)?)
}

async fn schema(
    connect_to: &ConnectConfig,
    call: &CallSetup,
    files: &SchemaFiles,
    symbol: &str,
) -> anyhow::Result<Schema> {
    if let Some(schema) = Schema::from_files_given(files, Tutorial::Apart)? {
        return Ok(schema);
    }
    let (channel, _) = connect(connect_to).await?;
    reflect::schema_for_symbol(&channel, call, symbol).await
}
