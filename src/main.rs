//! Parses the command line, sets up logging, runs the command, and turns its error into one line
//! on stderr and an exit status (see `exit`).

// What a user or a peer controls must never end in a panic; tests may unwrap.
#![warn(clippy::unwrap_used)]

use std::{
    io::{self, IsTerminal},
    process::ExitCode,
    sync::Arc,
};

use anyhow::Context;
use clap::{CommandFactory, Parser};
use grpc_convo::{
    bench::{self, BenchConfig, Joining, Load, QuestionSource},
    cli::{
        self, AskArgs, BenchArgs, BenchCommand, Cli, Command, ConnectArgs, DescribeArgs,
        HealthArgs, LinesOrJson, ListArgs, LogFormat, MergeArgs, MethodFlags, RateSchedule,
        SchemaFlags, ServeArgs, TextOrJson,
    },
    client::{
        self, AskConfig, Framing, MethodArgs, health::Health, input::Source, inspect, output,
        prompt::Prompt,
    },
    error::Usage,
    error::{rpc_status, status_json},
    exit::{self, Outcome},
    mapping::MappingArgs,
    net::{CallSetup, ConnectConfig, TokenTransport},
    schema::{Schema, SchemaFiles},
    server::{self, BridgeFlags, Bridges, Echo, Exec, Responder},
    signals::Signals,
    tls,
    token::Token,
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
        // Two threads even for one conversation: while one is blocked writing answers to a slow
        // reader, the other keeps the connection alive (see output::Stdout).
        Command::Ask(args) => runtime(Threads::AllCores)?.block_on(ask(args)),
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
        Command::Completions { shell } => {
            // clap_complete panics on a failed write: generate in memory, then write, so that
            // `| head` is a closed pipe like any other.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "grpc-convo", &mut script);
            write_stdout(&script)
        }
    }
}

/// `print!` panics when stdout is closed; this reports it as the error it is (a closed pipe
/// exits quietly with 0).
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}

enum Threads {
    One,
    AllCores,
}

fn runtime(threads: Threads) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = match threads {
        Threads::One => tokio::runtime::Builder::new_current_thread(),
        Threads::AllCores => tokio::runtime::Builder::new_multi_thread(),
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let max_message_size = args.limits.max_message_size;
    // Whatever cannot be used (a command, a PEM or token file) is a usage error, reported
    // before anything listens.
    let responder: Arc<dyn Responder> = match args.command.as_slice() {
        [] => Arc::new(Echo),
        command => Arc::new(Exec::new(command, args.kill_grace, max_message_size)?),
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(&tls::ServerFiles {
            cert,
            key,
            client_ca: args.client_ca.as_deref(),
        })?),
        _ => None,
    };
    let token = Token::load(args.token_file.as_deref())?;
    let bridges = bridges(&args)?;
    let listener = args.addr.bind().await?;
    eprintln!("listening on {}", listener.local_addr()?);
    let config = server::Config {
        max_message_size,
        max_conversations: args.max_conversations,
        idle_timeout: args.idle_timeout,
        keepalive: args.keepalive,
        grace: args.grace,
        reflection: !args.no_reflection,
        tls,
        token,
        bridges,
    };
    // The first signal drains; a second stops at once.
    let (drain, draining) = tokio::sync::oneshot::channel();
    let aborting = async move {
        let _ = drain.send(signals.next().await);
        let signal = signals.next().await;
        tracing::warn!("{signal} again");
    };
    let draining = async {
        let _ = draining.await;
    };
    server::run(listener, config, responder, draining, aborting).await
}

/// The question rate: constant, or on a schedule.
fn load(args: &BenchArgs) -> Result<Option<Load>, Usage> {
    let (start, end) = (args.rate_start.unwrap_or(1.0), args.rate_end.unwrap_or(1.0));
    Ok(match (args.rate, args.rate_schedule) {
        (Some(rate), _) => Some(Load::Constant(rate)),
        (None, None) => None,
        (None, Some(RateSchedule::Line)) => Some(Load::Line {
            start,
            end,
            over: args.duration.unwrap_or_default(),
        }),
        (None, Some(RateSchedule::Step)) => {
            let (Some(step), Some(every)) = (args.rate_step, args.rate_step_duration) else {
                return Err(Usage(
                    "--rate-schedule step needs --rate-step and --rate-step-duration".into(),
                ));
            };
            if step == 0.0 || (end - start) * step < 0.0 {
                return Err(Usage(format!(
                    "--rate-step {step} never takes --rate-start {start} to --rate-end {end}"
                )));
            }
            let steps = Load::Steps {
                start,
                end,
                step,
                every,
            };
            let duration = args.duration.unwrap_or_default();
            if let Some(last) = steps.unreached(duration) {
                return Err(Usage(format!(
                    "--rate-schedule step: steps of {step} every {} from {start} reach only \
                     {last} within --duration {}, never --rate-end {end}: lengthen --duration \
                     or take larger steps",
                    humantime::format_duration(every),
                    humantime::format_duration(duration),
                )));
            }
            Some(steps)
        }
    })
}

/// The methods to bridge to the command, checked before anything listens.
fn bridges(args: &ServeArgs) -> Result<Option<Bridges>, Usage> {
    let files = schema_files(&args.schema);
    let json = args.process_format == TextOrJson::Json;
    let mapping = !(args.field.is_empty() && args.answer_field.is_empty() && args.set.is_empty());
    let refuse = |why: &str| Err(Usage(why.to_owned()));
    match (
        files.is_empty(),
        args.method.is_empty(),
        args.command.is_empty(),
    ) {
        (true, true, _) if mapping || json => {
            return refuse("--field, --answer-field, --set and --process-format go with --method");
        }
        (true, true, _) => return Ok(None),
        (false, true, _) => {
            return refuse(
                "--proto and --protoset define the methods to serve: name them with --method",
            );
        }
        (true, false, _) => {
            return refuse("--method needs the files that define it: --proto or --protoset");
        }
        (false, false, true) => {
            return refuse(
                "a method is bridged to a command: give one after --, as -- COMMAND [ARGS]",
            );
        }
        (false, false, false) => {}
    }
    let flags = BridgeFlags {
        field: args.field.clone(),
        answer_field: args.answer_field.clone(),
        set: args.set.clone(),
        json,
    };
    let schema = Schema::from_files(&files, false)?;
    Bridges::new(&schema, &args.method, &flags).map(Some)
}

async fn ask(args: AskArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let separator = if args.null { b'\0' } else { b'\n' };
    let method = method_args(&args.method, args.input == LinesOrJson::Json);
    let config = AskConfig {
        connect: connect_config(&args.connect, 1)?,
        call: CallSetup {
            timeout: args.timeout,
            headers: args.connect.headers.clone(),
            token: Token::load(args.connect.token_file.as_deref())?,
            max_message_size: args.limits.max_message_size,
        },
        method: MethodArgs {
            mapping: MappingArgs {
                answer_field: args.answers.answer_field.clone(),
                json_out: args.output == TextOrJson::Json,
                proto_names: args.answers.proto_names,
                ..method.mapping
            },
            ..method
        },
        parallel: args.parallel,
        input: Framing {
            json: args.input == LinesOrJson::Json,
            separator,
        },
        output: Framing {
            json: args.output == TextOrJson::Json,
            separator,
        },
        lockstep: args.lockstep,
        stats: args.stats,
        max_answers: args.max_answers,
        until: args.until,
        keep_open: args.keep_open,
        idle_timeout: args.idle_timeout,
        transcript: args.transcript,
    };
    let interrupt = async { anyhow::Error::new(signals.next().await) };
    if !args.questions.is_empty() {
        let source = Source::Args(args.questions);
        return client::ask(&config, source, output::Stdout, interrupt).await;
    }
    // A person at a terminal gets a prompt; pipes and files never see one.
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        let (prompt, answers) = Prompt::start().context("cannot start the interactive prompt")?;
        return client::ask(&config, Source::Prompt(prompt), answers, interrupt).await;
    }
    let source = Source::Stream(Box::new(io::stdin()));
    client::ask(&config, source, output::Stdout, interrupt).await
}

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    // More connections than conversations would stay idle.
    let connections = args.connections.min(args.conversations);
    let config = BenchConfig {
        connect: connect_config(&args.connect, args.conversations.div_ceil(connections))?,
        call: CallSetup {
            token: Token::load(args.connect.token_file.as_deref())?,
            headers: args.connect.headers.clone(),
            max_message_size: args.limits.max_message_size,
            timeout: None,
        },
        method: method_args(&args.method, args.input == LinesOrJson::Json),
        source: match &args.questions_file {
            Some(path) => QuestionSource::File {
                path: path.clone(),
                json: args.input == LinesOrJson::Json,
            },
            None => QuestionSource::Generated {
                payload: args.payload,
            },
        },
        conversations: args.conversations,
        connections,
        count: args.questions,
        duration: args.duration,
        lockstep: args.lockstep,
        rate: load(&args)?,
        joining: args.conversations_start.map(|start| Joining {
            start,
            step: args.conversations_step.unwrap_or(1),
            every: args.conversations_step_duration.unwrap_or_default(),
        }),
        check: args.check,
        answers_per_question: args.answers_per_question,
        interval: args.interval,
        shard: args.shard,
        start_at: args.start_at,
        command_line: cli::shown_command_line(
            std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()),
        ),
    };
    // A signal ends the run early; its report is still printed, then the signal ends bench.
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let report = bench::run(config, signals.next()).await?;
    if let Some(path) = &args.save {
        bench::save(&report, path)?;
    }
    // `--save -` puts the record where the report would go.
    if args.save.as_deref() != Some(std::path::Path::new("-")) {
        print_report(&report, args.output, args.html.as_deref())?;
    }
    if let Some(signal) = report.interrupted() {
        return Err(signal.into());
    }
    if let Some(why) = report.failure() {
        anyhow::bail!(why);
    }
    Ok(())
}

fn print_report(
    report: &bench::Report,
    output: TextOrJson,
    html: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let text = match output {
        TextOrJson::Text => report.text(),
        TextOrJson::Json => report.json() + "\n",
    };
    write_stdout(text.as_bytes())?;
    if let Some(path) = html {
        std::fs::write(path, report.html())
            .with_context(|| format!("--html {}: cannot write it", path.display()))?;
    }
    Ok(())
}

/// `bench merge`: the report of the shards given; a missing shard fails it, once printed.
fn merge(args: MergeArgs) -> anyhow::Result<()> {
    let (report, missing) = bench::merge(&args.records)?;
    print_report(&report, args.output, args.html.as_deref())?;
    if !missing.is_empty() {
        let missing: Vec<String> = missing.iter().map(|shard| shard.to_string()).collect();
        anyhow::bail!(
            "shard {} missing: the report covers the {} given",
            missing.join(", "),
            args.records.len()
        );
    }
    if let Some(why) = report.failure() {
        anyhow::bail!(why);
    }
    Ok(())
}

/// The method and how lines fill its requests, as ask and bench name them.
fn method_args(flags: &MethodFlags, json_in: bool) -> MethodArgs {
    MethodArgs {
        method: flags.method.clone(),
        files: schema_files(&flags.schema),
        mapping: MappingArgs {
            field: flags.field.clone(),
            set: flags.set.clone(),
            json_in,
            ..MappingArgs::default()
        },
    }
}

fn schema_files(flags: &SchemaFlags) -> SchemaFiles {
    SchemaFiles {
        protos: flags.proto.clone(),
        import_paths: flags.import_path.clone(),
        protosets: flags.protoset.clone(),
    }
}

async fn list(args: ListArgs) -> anyhow::Result<()> {
    let connect = connect_config(&args.connect, 1)?;
    let call = inspect_call(&args.connect)?;
    let files = schema_files(&args.schema);
    let text = inspect::list(&connect, &call, &files, args.service.as_deref()).await?;
    write_stdout(text.as_bytes())
}

async fn describe(args: DescribeArgs) -> anyhow::Result<()> {
    let connect = connect_config(&args.connect, 1)?;
    let call = inspect_call(&args.connect)?;
    let files = schema_files(&args.schema);
    let text = inspect::describe(&connect, &call, &files, &args.symbol).await?;
    write_stdout(text.as_bytes())
}

async fn health(args: HealthArgs) -> anyhow::Result<()> {
    let connect = connect_config(&args.connect, 1)?;
    let call = CallSetup {
        timeout: args.timeout,
        ..inspect_call(&args.connect)?
    };
    let how = match args.watch {
        true => Health::Watch,
        false => Health::Check,
    };
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let stdout = io::stdout();
    tokio::select! {
        checked = client::health::health(&connect, &call, &args.service, how, stdout.lock()) => checked,
        signal = signals.next() => Err(signal.into()),
    }
}

/// Reflection calls carry the token and -H headers, as the method's calls do. A server's
/// descriptors can be large: the limit is generous.
fn inspect_call(args: &ConnectArgs) -> anyhow::Result<CallSetup> {
    Ok(CallSetup {
        token: Token::load(args.token_file.as_deref())?,
        headers: args.headers.clone(),
        max_message_size: 64 * 1024 * 1024,
        timeout: None,
    })
}

/// The connection settings, with every file they name read and checked, for a client that opens
/// up to `streams` conversations at once on each connection.
fn connect_config(args: &ConnectArgs, streams: usize) -> anyhow::Result<ConnectConfig> {
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
    let token = match (
        Token::load(args.token_file.as_deref())?,
        args.allow_plaintext_token,
    ) {
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
    })
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
