//! `health`: the standard gRPC health check (`grpc.health.v1.Health`), through the same
//! connection flags as every other client, with grpc-health-probe's exit statuses so that
//! scripts and Kubernetes exec probes written against it keep working.

use std::io::Write;

use futures_util::StreamExt;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

use crate::error::{NotServing, RpcError};
use crate::net::{CallSetup, ConnectConfig, connect};

/// Whether to ask once or follow the status as it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Check,
    Watch,
}

/// Prints the status of `service` ("" for the whole server), one name a line: once, or each time
/// it changes until the server ends the stream. Ends in [`NotServing`] unless the last status
/// printed was SERVING.
pub async fn health(
    connect_to: &ConnectConfig,
    call: &CallSetup,
    service: &str,
    how: Health,
    mut out: impl Write,
) -> anyhow::Result<()> {
    let (channel, _) = connect(connect_to).await?;
    let mut client = HealthClient::new(channel).max_decoding_message_size(call.max_message_size);
    let request = || {
        call.request(HealthCheckRequest {
            service: service.to_owned(),
        })
    };
    let mut last = None;
    match how {
        Health::Check => {
            let check = crate::net::unary(request());
            let response = client.check(check).await.map_err(RpcError)?;
            last = Some(print(response.get_ref().status, &mut out)?);
        }
        Health::Watch => {
            let mut statuses = client
                .watch(request())
                .await
                .map_err(RpcError)?
                .into_inner();
            while let Some(response) = statuses.next().await {
                last = Some(print(response.map_err(RpcError)?.status, &mut out)?);
            }
        }
    }
    match last {
        Some(status) if status == ServingStatus::Serving.as_str_name() => Ok(()),
        Some(status) => Err(NotServing(status).into()),
        None => Err(NotServing("silent: the watch ended before any status".into()).into()),
    }
}

/// Writes a status by its name (a number the enum does not know, as the number), flushed so
/// that a watcher sees each change as it comes.
fn print(status: i32, out: &mut impl Write) -> std::io::Result<String> {
    let name = ServingStatus::try_from(status)
        .map(|status| status.as_str_name().to_owned())
        .unwrap_or_else(|_| status.to_string());
    writeln!(out, "{name}")?;
    out.flush()?;
    Ok(name)
}
