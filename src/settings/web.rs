//! `web`'s settings: the upstream and how to reach it (ask's connection flags), the files that
//! know its methods, and the page's own listener, token, TLS and limits.

use std::sync::Arc;

use crate::{
    cli::WebArgs,
    tls,
    token::Token,
    web::{WebConfig, host_name},
};

use super::{connect_config, gateway_call, schema_files};

pub fn web(args: &WebArgs) -> anyhow::Result<WebConfig> {
    let upstream_token = Token::load(args.connect.token_file.as_deref())?;
    let tls = match (&args.web_tls_cert, &args.web_tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(&tls::ServerFiles {
            cert,
            key,
            client_ca: None,
            flags: ["--web-tls-cert", "--web-tls-key"],
            alpn: &[b"http/1.1"],
        })?),
        _ => None,
    };
    let max_conversations = args.max_conversations as usize;
    Ok(WebConfig {
        listen: args.listen.clone(),
        // Each conversation is a stream of its own on the one connection.
        connect: connect_config(&args.connect, max_conversations, upstream_token.as_ref())?,
        call: gateway_call(&args.connect, upstream_token, args.limits.max_message_size),
        files: schema_files(&args.schema),
        methods: args.method.clone(),
        allow_origins: args
            .allow_origin
            .iter()
            .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
            .collect(),
        allow_hosts: (args.allow_host.iter())
            .map(|host| host_name(host))
            .collect(),
        pass_authorization: args.pass_authorization,
        token: (args.web_token_file.as_deref())
            .map(|path| Token::from_file("--web-token-file", path).map(Arc::new))
            .transpose()?,
        tls,
        max_conversations,
        max_connections: args.max_connections as usize,
        ping_interval: args.ping_interval,
        metrics_listen: args.operations.metrics_listen.clone(),
    })
}
