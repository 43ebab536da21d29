//! `grpc-convo mcp`: an MCP server in front of one upstream gRPC server, so that an agent calls
//! any of its methods and holds streaming conversations with it, the user's credentials kept on
//! this side. It is web's sibling: the same upstream (`schema::upstream`), the same calls
//! (`client::gateway`), the same mapping of messages to JSON; only the ends are MCP's tools.
//!
//! - `catalog`: a tool per unary and server-streaming method, named from it, described by its
//!   comment, its input the request's JSON Schema (`json_schema`);
//! - `invoke`: one such tool call, its responses gathered;
//! - `tools`: the fixed tools (list_methods, describe, and the conversation tools) and
//!   `conversations`, the calls they hold across tool calls;
//! - `http`: Streamable HTTP with web's rules; stdio needs nothing of its own.

mod catalog;
mod conversations;
mod http;
mod invoke;
mod json_schema;
mod tools;

use std::{sync::Arc, time::Duration};

use rmcp::{
    ErrorData as McpError, RoleServer, ServerHandler, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
        PaginatedRequestParams, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
};
use tokio::sync::{Mutex, Semaphore};

use crate::{
    addr::Addr,
    net::{CallSetup, ConnectConfig},
    schema::{MethodName, SchemaFiles, upstream::Upstream},
    token::Token,
};
use catalog::Catalog;
use conversations::Conversations;

/// What mcp runs with, every file read and checked.
#[derive(Debug)]
pub struct McpConfig {
    pub connect: ConnectConfig,
    /// `-H`, the token and the message limit of every call upstream.
    pub call: CallSetup,
    pub files: SchemaFiles,
    /// The methods offered; all of them when empty.
    pub methods: Vec<MethodName>,
    /// Streamable HTTP on this address; stdio when `None`.
    pub listen: Option<Addr>,
    /// Host names answered besides the loopback names and the address listened on.
    pub allow_hosts: Vec<String>,
    /// Origins whose pages may call (browsers send one); none by default.
    pub allow_origins: Vec<String>,
    /// The token HTTP clients must present (`--mcp-token-file`).
    pub token: Option<Arc<Token>>,
    pub conversation_idle: Duration,
    pub max_conversations: usize,
}

/// What every session shares.
#[derive(Debug)]
struct Shared {
    config: McpConfig,
    upstream: Upstream,
    /// Seats among `--max-conversations`, across sessions.
    seats: Arc<Semaphore>,
    /// The catalog as last listed.
    catalog: Mutex<Option<Arc<Catalog>>>,
}

impl Shared {
    /// The catalog, built on first use; `tools/list` builds it again, so that methods added
    /// upstream since are offered.
    async fn catalog(&self) -> anyhow::Result<Arc<Catalog>> {
        let mut held = self.catalog.lock().await;
        if let Some(catalog) = &*held {
            return Ok(catalog.clone());
        }
        let config = &self.config;
        let built = catalog::build(&self.upstream, &config.call, &config.methods, &tools::NAMES);
        let built = Arc::new(built.await?);
        *held = Some(built.clone());
        Ok(built)
    }
}

/// One MCP session: its conversations are its own.
struct Session {
    shared: Arc<Shared>,
    conversations: Arc<Conversations>,
    _sweeper: tokio_util::task::AbortOnDropHandle<()>,
}

impl Session {
    fn new(shared: Arc<Shared>) -> Session {
        let conversations = Arc::new(Conversations::default());
        let idle = shared.config.conversation_idle;
        let swept = conversations.clone();
        let sweeper = tokio::spawn(async move {
            let mut every = tokio::time::interval((idle / 4).max(Duration::from_millis(100)));
            loop {
                every.tick().await;
                swept.sweep(idle);
            }
        });
        Session {
            shared,
            conversations,
            _sweeper: tokio_util::task::AbortOnDropHandle::new(sweeper),
        }
    }
}

impl ServerHandler for Session {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new("grpc-convo", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Each unary and server-streaming method of the gRPC server is a tool; \
                 list_methods and describe show them all; open_conversation, send, receive and \
                 close hold a client-streaming or bidirectional call.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        *self.shared.catalog.lock().await = None;
        let catalog = (self.shared.catalog().await)
            .map_err(|err| McpError::internal_error(format!("{err:#}"), None))?;
        let mut tools = tools::fixed();
        tools.extend(catalog.tools.iter().cloned());
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.unwrap_or_default();
        if let Some(result) = tools::call(self, &request.name, &args).await {
            return Ok(result.into());
        }
        let catalog = (self.shared.catalog().await)
            .map_err(|err| McpError::internal_error(format!("{err:#}"), None))?;
        let Some(offered) = catalog.by_tool.get(request.name.as_ref()) else {
            let message = format!("no tool {}", request.name);
            return Err(McpError::invalid_params(message, None));
        };
        Ok(invoke::call(&self.shared, offered, &args).await.into())
    }
}

/// Serves MCP over stdio, or over Streamable HTTP with `--listen`, until `stop`.
pub async fn run(
    config: McpConfig,
    stop: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let shared = Arc::new(Shared {
        seats: Arc::new(Semaphore::new(config.max_conversations)),
        upstream: Upstream::new(config.connect.clone(), config.files.clone()),
        catalog: Mutex::new(None),
        config,
    });
    if let Some(addr) = shared.config.listen.clone() {
        return http::serve(&addr, shared, stop).await;
    }
    let running = Session::new(shared).serve(rmcp::transport::stdio()).await?;
    tokio::select! {
        quit = running.waiting() => { quit?; Ok(()) }
        err = stop => Err(err),
    }
}
