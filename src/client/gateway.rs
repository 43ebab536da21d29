//! A call opened for a gateway (web, mcp): metadata from outside checked, the method found
//! upstream (its schema cached there), and its calls made one at a time on the shared channel,
//! with both ways of making a request (a line by the mapping, or the whole message in JSON).

use std::collections::BTreeMap;

use anyhow::anyhow;

use super::{Calls, MethodArgs, in_schema};
use crate::{
    mapping::ToMessage,
    net::{CallSetup, headers::Header},
    schema::upstream::Upstream,
};

/// A call ready for its first request.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) calls: Calls,
    /// A line as a request, by the mapping's flags.
    pub(crate) lines: ToMessage,
    /// A whole request in protobuf JSON.
    pub(crate) whole: ToMessage,
}

/// `metadata` as the call's headers; `authorization` only when `pass_authorization`, since the
/// gateway's own credentials are not its caller's to replace.
pub(crate) fn headers(
    metadata: &BTreeMap<String, String>,
    pass_authorization: bool,
    flag: &str,
) -> anyhow::Result<Vec<Header>> {
    let mut headers = Vec::new();
    for (name, value) in metadata {
        // Parsed first: the name that goes upstream is the one to judge (trimmed, lower case).
        let header: Header =
            (format!("{name}: {value}").parse()).map_err(|err| anyhow!("metadata {err}"))?;
        if header.name() == "authorization" && !pass_authorization {
            anyhow::bail!("metadata authorization: the gateway sends its own credentials ({flag})");
        }
        headers.push(header);
    }
    Ok(headers)
}

/// Opens a call of `args.method` upstream, with `call`'s metadata, limits and deadline.
pub(crate) async fn open(
    upstream: &Upstream,
    call: &CallSetup,
    args: &MethodArgs,
) -> anyhow::Result<Opened> {
    let schema = upstream.schema(&args.method, call).await?;
    let target = in_schema(&schema, args, &[])?;
    let channel = upstream.channel().await?;
    Ok(Opened {
        lines: target.requests.clone(),
        whole: ToMessage::Json(target.request_type.clone()),
        calls: Calls::one_at_a_time(channel, &target, call.start()),
    })
}
