//! `proxy`'s settings: the upstream connection as ask makes it, what to print and record.

use std::io::IsTerminal as _;

use crate::{
    cli::{ProxyArgs, TextOrJson},
    net::CallSetup,
    proxy::{PrintAs, ProxyConfig},
    token::Token,
};

use super::{connect_config, schema_files};

/// Conversations the proxy may open at once on one upstream connection: what sizes its windows.
const STREAMS: usize = 100;

/// Front-side HTTP/2 pings: serve's interval.
const KEEPALIVE: std::time::Duration = std::time::Duration::from_secs(30);

pub fn proxy(args: &ProxyArgs) -> anyhow::Result<ProxyConfig> {
    let token = Token::load(args.connect.token_file.as_deref())?;
    let print = args.print || (!args.no_print && std::io::stdout().is_terminal());
    Ok(ProxyConfig {
        listen: args.listen.clone(),
        connect: connect_config(&args.connect, STREAMS, token.as_ref())?,
        call: CallSetup {
            timeout: None,
            headers: args.connect.headers.clone(),
            token,
            max_message_size: args.limits.max_message_size,
            compress: None,
            trace: None,
        },
        files: schema_files(&args.schema),
        print: print.then_some(match args.output {
            TextOrJson::Text => PrintAs::Text,
            TextOrJson::Json => PrintAs::Json,
        }),
        record: args.record.clone(),
        max_connections: args.max_connections,
        keepalive: KEEPALIVE,
        grace: args.grace,
        metrics_listen: args.operations.metrics_listen.clone(),
    })
}
