//! The edge: parses the command line, sets up logging and the runtime, runs the command
//! (`commands`), and turns its error into one line on stderr and an exit status (see `exit`) or
//! a death by the signal that asked for it.

// What a user or a peer controls must never end in a panic; tests may unwrap.
#![warn(clippy::unwrap_used)]

use std::{
    io::{self, IsTerminal},
    process::ExitCode,
};

use anyhow::Context;
use clap::Parser;
use grpc_convo::{
    cli::{AskArgs, BenchArgs, BenchCommand, Cli, Command, LogFormat, TextOrJson},
    commands::{
        ask, bench, check, describe, health, list, mcp, merge, proxy, serve, web, write_stdout,
    },
    error::{rpc_status, status_json},
    exit::{self, Outcome},
};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // --help and --version exit here, before anything that can fail.
    let cli = Cli::parse();
    init_logging(&cli);
    let json_status = matches!(
        &cli.command,
        Command::Ask(AskArgs {
            output: TextOrJson::Json,
            ..
        })
    );
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match exit::outcome(&err) {
            Outcome::Report(code) => {
                match rpc_status(&err).filter(|_| json_status) {
                    Some(status) => eprintln!("{}", status_json(&status)),
                    None => eprintln!("grpc-convo: {err:#}"),
                }
                ExitCode::from(code)
            }
            Outcome::Quiet(code) => ExitCode::from(code),
            Outcome::Killed(signal) => signal.die(),
        },
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => runtime(Threads::AllCores)?.block_on(serve(args)),
        // One worker of the multi-threaded kind: while it is blocked writing answers to a slow
        // reader, block_in_place hands its runtime to another thread, which keeps the connection
        // alive (see output::Stdout). A second worker bought `seq 1000000 | ask` nothing
        // measurable, and starting it cost `echo hi | ask` about 0.2 ms (BENCHMARKS.md).
        Command::Ask(args) => runtime(Threads::OneWorker)?.block_on(ask(args)),
        // One conversation gains nothing from a second thread but the cost of handing every
        // message across: measured, shorter round trips and less CPU.
        Command::Bench(BenchArgs {
            merge: Some(BenchCommand::Merge(args)),
            ..
        }) => merge(args),
        Command::Bench(args) => {
            let threads = match args.conversations {
                1 => Threads::One,
                _ => Threads::AllCores,
            };
            runtime(threads)?.block_on(bench(args))
        }
        Command::List(args) => runtime(Threads::One)?.block_on(list(args)),
        Command::Describe(args) => runtime(Threads::One)?.block_on(describe(args)),
        Command::Health(args) => runtime(Threads::One)?.block_on(health(args)),
        Command::Web(args) => runtime(Threads::AllCores)?.block_on(web(args)),
        Command::Mcp(args) => runtime(Threads::AllCores)?.block_on(mcp(args)),
        Command::Proxy(args) => runtime(Threads::AllCores)?.block_on(proxy(args)),
        Command::Check(args) => runtime(Threads::Two)?.block_on(check(args)),
        Command::Completions { shell } => {
            // clap_complete panics on a failed write: generated in memory, then written, so
            // that `| head` is a closed pipe like any other.
            write_stdout(&grpc_convo::cli::completion_script(shell))
        }
    }
}

enum Threads {
    One,
    OneWorker,
    Two,
    AllCores,
}

fn runtime(threads: Threads) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = match threads {
        Threads::One => tokio::runtime::Builder::new_current_thread(),
        Threads::OneWorker => workers(1),
        Threads::Two => workers(2),
        Threads::AllCores => tokio::runtime::Builder::new_multi_thread(),
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn workers(count: usize) -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(count);
    builder
}

/// Logs go to stderr: serve reports conversations at info by default, ask only warnings. serve
/// says itself, once per connection, why it closed one (a flood, a protocol error), so h2's own
/// warnings, one per frame of a flood, stay off.
fn init_logging(cli: &Cli) {
    let default = match (cli.verbose, &cli.command) {
        (0, Command::Serve(_) | Command::Proxy(_) | Command::Web(_)) => {
            "grpc_convo=info,h2=error,warn"
        }
        (0, _) => "warn",
        (1, _) => "grpc_convo=debug,info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    let format = match &cli.command {
        Command::Serve(args) => args.operations.log_format,
        Command::Web(args) => args.operations.log_format,
        Command::Proxy(args) => args.operations.log_format,
        Command::Mcp(args) => args.log_format,
        _ => LogFormat::Text,
    };
    match format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.with_ansi(io::stderr().is_terminal()).init(),
    }
}
