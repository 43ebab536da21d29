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
    cli::{AskArgs, Cli, Command, ServeArgs},
    client::{self, AskConfig, input::Source},
    exit::{self, Outcome},
    server::{self, Echo},
    signals,
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
    let stop = signals::stop().context("cannot install signal handlers")?;
    let listener = args.addr.bind().await?;
    eprintln!("listening on {}", listener.local_addr()?);
    let config = server::Config {
        max_message_size: args.limits.max_message_size,
    };
    server::run(listener, config, Arc::new(Echo), async {
        stop.await;
    })
    .await
}

async fn ask(args: AskArgs) -> anyhow::Result<()> {
    let stop = signals::stop().context("cannot install signal handlers")?;
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
        anyhow::Error::new(stop.await)
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
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
}
