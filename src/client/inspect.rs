//! `list` and `describe`: what a server offers, by reflection, or what files define, connecting to
//! nothing.

use crate::{
    error::Usage,
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

/// `symbol` in proto syntax.
pub async fn describe(
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
    if !files.is_empty() {
        return Ok(Schema::from_files(files, Tutorial::Apart)?);
    }
    let (channel, _) = connect(connect_to).await?;
    // Reflection knows services, messages and enums by name; a method by `pkg.Service/Method`
    // is found in its service's file. Some servers (grpcio's) know no method by
    // `pkg.Service.Method` either: its service, then.
    let symbol = symbol.trim_start_matches('.');
    let symbol = symbol
        .split_once('/')
        .map_or(symbol, |(service, _)| service);
    match reflect::schema_for(&channel, call, symbol).await {
        Err(err) if err.is::<Usage>() => {
            let Some((parent, _)) = symbol.rsplit_once('.') else {
                return Err(err);
            };
            reflect::schema_for(&channel, call, parent)
                .await
                .map_err(|_| err)
        }
        found => found,
    }
}
