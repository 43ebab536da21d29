//! The way in for every client: the token's guard first, then a connection over HTTP/2
//! (`connect.rs`) or, with `--http1`, a pool of HTTP/1.1 ones (`http1.rs`).

use std::{net::SocketAddr, sync::Arc};

use super::{
    connect::{ConnectConfig, http2, token_refusal},
    http1,
    link::Link,
    wire::Channel,
};

/// Connects within `connect_timeout`. With `wait_ready`, a refused or failed attempt is retried
/// with backoff until that time runs out, for servers still starting up. A token that would go
/// out where it can be read is refused first (a usage error), before any connection is tried.
pub async fn connect(config: &ConnectConfig) -> anyhow::Result<(Channel, Link)> {
    let local = config.addr.loopback_addresses();
    let pinned: Option<Arc<[SocketAddr]>> = (token_refusal(config, local).await?).map(Into::into);
    if config.http1 {
        let pool = http1::connected(config, pinned).await?;
        return Ok((Channel::http1(pool, config.wire), Link::default()));
    }
    let (channel, link) = http2(config, pinned).await?;
    Ok((Channel::new(channel, config.wire), link))
}
