//! `serve`'s settings: the responder, TLS, the token and the bridged methods, each checked
//! before anything listens.

use std::sync::Arc;

use crate::{
    cli::{ServeArgs, TextOrJson},
    error::Usage,
    schema::{Schema, Tutorial},
    server::{self, BridgeFlags, Bridges, Echo, Exec, Replays, Responder},
    tls,
    token::Token,
};

use super::{bytes_as, schema_files};

/// What serve runs with: how conversations are answered, and the server's configuration.
pub struct Serve {
    pub responder: Arc<dyn Responder>,
    pub config: server::Config,
}

impl std::fmt::Debug for Serve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serve")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Whatever cannot be used (a command, a PEM or token file, a method to bridge) is a usage
/// error, reported before anything listens.
pub fn serve(args: &ServeArgs) -> anyhow::Result<Serve> {
    let max_message_size = args.limits.max_message_size;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(&tls::ServerFiles {
            cert,
            key,
            client_ca: args.client_ca.as_deref(),
            flags: ["--tls-cert", "--tls-key"],
            // HTTP/1.1 for gRPC-Web and Connect clients that cannot speak HTTP/2.
            alpn: &[b"h2", b"http/1.1"],
        })?),
        _ => None,
    };
    let token = Token::load(args.token_file.as_deref())?;
    let bridges = bridges(args)?;
    let mut config = server::Config {
        max_message_size,
        max_conversations: args.max_conversations,
        max_conversations_per_connection: args.max_conversations_per_connection,
        max_connections: args.max_connections,
        handshake_timeout: args.handshake_timeout,
        compress_answers: args.compress_answers,
        idle_timeout: args.idle_timeout,
        max_side_calls: args.max_side_calls,
        side_call_idle: args.side_call_idle,
        keepalive: args.keepalive,
        grace: args.grace,
        reflection: !args.no_reflection,
        allow_origins: args.allow_origin.clone(),
        tls,
        token,
        bridges,
        replay: replays(args)?,
        metrics: None,
    };
    if args.operations.metrics_listen.is_some() {
        config.metrics = Some(server::metrics(&config));
    }
    // Whatever cannot be used (a command, a PEM or token file) is a usage error, reported
    // before anything listens.
    let responder: Arc<dyn Responder> = match args.command.as_slice() {
        [] => Arc::new(Echo),
        command => {
            let metrics = config.metrics.clone();
            Arc::new(Exec::new(
                command,
                args.kill_grace,
                max_message_size,
                metrics,
            )?)
        }
    };
    Ok(Serve { responder, config })
}

/// The recordings to answer from, read and checked before anything listens.
fn replays(args: &ServeArgs) -> Result<Option<Arc<Replays>>, Usage> {
    if args.replay.is_empty() {
        return Ok(None);
    }
    let replays = Replays::load(&args.replay, args.replay_timing, args.match_ignore.clone())?;
    Ok(Some(Arc::new(replays)))
}

/// The methods to bridge to the command, checked before anything listens.
fn bridges(args: &ServeArgs) -> Result<Option<Bridges>, Usage> {
    // That the files, the methods, the mapping and a COMMAND go together is cli's to say.
    if args.method.is_empty() {
        return Ok(None);
    }
    let files = schema_files(&args.schema);
    let json = args.process_format == TextOrJson::Json;
    let flags = BridgeFlags {
        field: args.field.clone(),
        answer_field: args.answer_field.clone(),
        set: args.set.clone(),
        json,
        separator: args.line.separator.clone(),
        bytes: bytes_as(args.line.bytes),
    };
    let schema = Schema::from_files(&files, Tutorial::Apart)?;
    Bridges::new(&schema, &args.method, &flags).map(Some)
}
