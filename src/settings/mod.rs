//! Raw arguments (`cli`) turned into the settings each command runs with, as ripgrep splits
//! them: every file named on the command line is read and checked here, and every combination
//! of flags clap cannot express is refused here, so that `main` only runs things.

mod ask;
mod bench;
mod check;
mod mcp;
mod proxy;
mod serve;
mod web;

use tonic::codec::CompressionEncoding;

use crate::{
    cli::{BytesFlag, Compression, ConnectArgs, Encoding, MethodFlags, SchemaFlags},
    client::MethodArgs,
    mapping::{BytesAs, MappingArgs},
    net::{CallSetup, ConnectConfig, TokenTransport},
    schema::SchemaFiles,
    tls,
    token::Token,
};
pub use ask::ask;
pub use bench::bench;
pub use check::check;
pub use mcp::mcp;
pub use proxy::proxy;
pub use serve::{Serve, serve};
pub use web::web;

/// The method and how lines fill its requests, as ask and bench name them.
pub(crate) fn method_args(flags: &MethodFlags, json_in: bool) -> MethodArgs {
    MethodArgs {
        method: flags.method.clone(),
        files: schema_files(&flags.schema),
        mapping: MappingArgs {
            fields: flags.field.clone(),
            set: flags.set.clone(),
            json_in,
            separator: flags.line.separator.clone(),
            bytes: bytes_as(flags.line.bytes),
            ..MappingArgs::default()
        },
    }
}

pub fn schema_files(flags: &SchemaFlags) -> SchemaFiles {
    SchemaFiles {
        protos: flags.proto.clone(),
        import_paths: flags.import_path.clone(),
        protosets: flags.protoset.clone(),
    }
}

/// What a gateway's calls upstream carry (web, mcp): `-H`, the upstream's token, the limit.
pub(crate) fn gateway_call(
    args: &ConnectArgs,
    token: Option<Token>,
    max_message_size: usize,
) -> CallSetup {
    CallSetup {
        timeout: None,
        headers: args.headers.clone(),
        token,
        max_message_size,
        compress: None,
        trace: None,
    }
}

/// Reflection calls carry the token and -H headers, as the method's calls do. A server's
/// descriptors can be large: the limit is generous.
pub fn inspect_call(args: &ConnectArgs) -> anyhow::Result<CallSetup> {
    Ok(CallSetup {
        token: Token::load(args.token_file.as_deref())?,
        headers: args.headers.clone(),
        max_message_size: 64 * 1024 * 1024,
        timeout: None,
        compress: None,
        trace: None,
    })
}

/// The connection settings, with every file they name read and checked, for a client that opens
/// up to `streams` conversations at once on each connection; `token` is what its calls carry.
pub fn connect_config(
    args: &ConnectArgs,
    streams: usize,
    token: Option<&Token>,
) -> anyhow::Result<ConnectConfig> {
    let verify = match args.insecure {
        true => {
            eprintln!(
                "grpc-convo: warning: --insecure: the server's certificate is not verified, so \
                 anyone on the path can pose as the server"
            );
            tls::Verify::Nothing
        }
        false => tls::Verify::Certificate,
    };
    let tls = args
        .uses_tls()
        .then(|| {
            tls::client_config(&tls::ClientFiles {
                ca_cert: args.ca_cert.as_deref(),
                server_name: args.tls_server_name.as_deref(),
                cert: args.cert.as_deref(),
                key: args.key.as_deref(),
                verify,
            })
        })
        .transpose()?;
    if args.http1 && args.protocol == crate::net::Wire::Grpc {
        return Err(crate::error::Usage(
            "--http1: gRPC needs HTTP/2; give --protocol grpc-web or --protocol connect".into(),
        )
        .into());
    }
    // Over HTTP/1.1 the TLS handshake offers it instead of HTTP/2.
    let tls = tls.map(|mut tls| {
        if args.http1 {
            let mut config = (*tls.config).clone();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            tls.config = std::sync::Arc::new(config);
        }
        tls
    });
    let token = match (token, args.allow_plaintext_token) {
        (None, _) => TokenTransport::NoToken,
        (Some(_), false) => TokenTransport::Guarded,
        (Some(_), true) => TokenTransport::Anywhere,
    };
    Ok(ConnectConfig {
        addr: args.addr.clone(),
        connect_timeout: args.connect_timeout,
        wait_ready: args.wait_ready,
        tls,
        keepalive: args.keepalive,
        streams,
        authority: args.authority.clone(),
        token,
        wire: args.protocol,
        http1: args.http1,
    })
}

/// `--bytes` as the mapping names it.
pub(crate) fn bytes_as(flag: BytesFlag) -> BytesAs {
    match flag {
        BytesFlag::Raw => BytesAs::Raw,
        BytesFlag::Base64 => BytesAs::Base64,
    }
}

/// `--compress` as tonic names it.
fn encoding(compression: &Compression) -> Option<CompressionEncoding> {
    compression.compress.map(|encoding| match encoding {
        Encoding::Gzip => CompressionEncoding::Gzip,
        Encoding::Zstd => CompressionEncoding::Zstd,
    })
}
