//! Parses the command line, sets up logging, runs the command, and turns its error into one line
//! on stderr and an exit status (see `exit`).

use std::{
    io::{self, IsTerminal},
    process::ExitCode,
    sync::Arc,
};

use anyhow::Context;
use clap::{CommandFactory, Parser};
use grpc_convo::{
    cli::{AskArgs, Cli, Command, LogFormat, ServeArgs},
    client::{self, AskConfig, input::Source},
    exit::{self, Outcome},
    server::{self, Echo},
    signals::Signals,
};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // --help and --version exit here, before anything that can fail.
    let cli = Cli::parse();
    init_logging(&cli);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match exit::outcome(&err) {
            Outcome::Report(code) => {
                eprintln!("grpc-convo: {err:#}");
                ExitCode::from(code)
            }
            Outcome::Quiet(code) => ExitCode::from(code),
        },
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::Ask(args) => runtime()?.block_on(ask(args)),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "grpc-convo", &mut io::stdout());
            Ok(())
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let listener = args.addr.bind().await?;
    eprintln!("listening on {}", listener.local_addr()?);
    let config = server::Config {
        max_message_size: args.limits.max_message_size,
        max_conversations: args.max_conversations,
        idle_timeout: args.idle_timeout,
        keepalive: args.keepalive,
        grace: args.grace,
        reflection: !args.no_reflection,
    };
    let (drain, draining) = tokio::sync::oneshot::channel();
    let server = server::run(listener, config, Arc::new(Echo), async {
        let _ = draining.await;
    });
    tokio::select! {
        served = server => served,
        signal = async {
            let _ = drain.send(signals.next().await);
            signals.next().await
        } => {
            tracing::warn!("{signal} again: stopping without waiting for conversations");
            Ok(())
        }
    }
}

async fn ask(args: AskArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let config = AskConfig {
        addr: args.addr,
        timeout: args.timeout,
        connect_timeout: args.connect_timeout,
        max_message_size: args.limits.max_message_size,
    };
    let source = if args.questions.is_empty() {
        Source::Lines(Box::new(io::stdin()))
    } else {
        Source::Args(args.questions)
    };
    client::ask(&config, source, io::stdout(), async {
        anyhow::Error::new(signals.next().await)
    })
    .await
}

/// Logs go to stderr: serve reports conversations at info by default, ask only warnings.
fn init_logging(cli: &Cli) {
    let default = match (cli.verbose, &cli.command) {
        (0, Command::Serve(_)) => "grpc_convo=info,warn",
        (0, _) => "warn",
        (1, _) => "grpc_convo=debug,info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    match &cli.command {
        Command::Serve(ServeArgs {
            log_format: LogFormat::Json,
            ..
        }) => logs.json().init(),
        _ => logs.with_ansi(io::stderr().is_terminal()).init(),
    }
}
