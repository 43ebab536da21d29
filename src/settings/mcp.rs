//! `mcp`'s settings: the upstream as ask reaches it, the files that know its methods, and, for
//! Streamable HTTP, the listener's names, origins and token.

use std::sync::Arc;

use crate::{cli::McpArgs, mcp::McpConfig, token::Token, web::host_name};

use super::{connect_config, gateway_call, schema_files};

pub fn mcp(args: &McpArgs) -> anyhow::Result<McpConfig> {
    let upstream_token = Token::load(args.connect.token_file.as_deref())?;
    let max_conversations = args.max_conversations as usize;
    Ok(McpConfig {
        connect: connect_config(&args.connect, max_conversations, upstream_token.as_ref())?,
        call: gateway_call(&args.connect, upstream_token, args.limits.max_message_size),
        files: schema_files(&args.schema),
        methods: args.method.clone(),
        listen: args.listen.clone(),
        allow_hosts: args.allow_host.iter().map(|host| host_name(host)).collect(),
        allow_origins: (args.allow_origin.iter())
            .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
            .collect(),
        token: (args.mcp_token_file.as_deref())
            .map(|path| Token::from_file("--mcp-token-file", path).map(Arc::new))
            .transpose()?,
        conversation_idle: args.conversation_idle,
        max_conversations,
    })
}
