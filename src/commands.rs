//! The commands, each run with the settings made from its arguments (`settings`): what `main`
//! calls once the runtime is up. Output goes to stdout; errors come back for `main` to report.

use std::{
    io::{self, IsTerminal},
    path::Path,
};

use anyhow::Context;

use crate::{
    bench,
    cli::{
        AskArgs, BenchArgs, CheckArgs, DescribeArgs, HealthArgs, ListArgs, McpArgs, MergeArgs,
        ProxyArgs, ServeArgs, TextOrJson, WebArgs,
    },
    client::{self, health::Health, input::Source, inspect, output, prompt::Prompt},
    error::ThresholdMissed,
    metrics,
    net::CallSetup,
    server,
    settings::{self, connect_config, inspect_call, schema_files},
    signals::Signals,
};

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let settings::Serve { responder, config } = settings::serve(&args)?;
    let listener = args.addr.bind().await?;
    let _metrics = match (&args.operations.metrics_listen, &config.metrics) {
        (Some(addr), Some(metrics)) => Some(metrics::start(addr, metrics.clone()).await?),
        _ => None,
    };
    eprintln!("listening on {}", listener.local_addr()?);
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

pub async fn web(args: WebArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let config = settings::web(&args)?;
    crate::web::run(config, async { anyhow::Error::new(signals.next().await) }).await
}

pub async fn mcp(args: McpArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let config = settings::mcp(&args)?;
    crate::mcp::run(config, async { anyhow::Error::new(signals.next().await) }).await
}

pub async fn proxy(args: ProxyArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let config = settings::proxy(&args)?;
    crate::proxy::run(config, async {
        let signal = signals.next().await;
        tracing::info!("{signal}: stopping");
    })
    .await
}

pub async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let config = settings::check(&args)?;
    crate::check::check(&config).await
}

pub async fn ask(args: AskArgs) -> anyhow::Result<()> {
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let config = settings::ask(&args)?;
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

pub async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    let config = settings::bench(&args)?;
    let live = config.live.clone();
    let _metrics = match (&args.metrics_listen, &live) {
        (Some(addr), Some(live)) => Some(metrics::start(addr, live.clone()).await?),
        _ => None,
    };
    // A signal ends the run early; its report is still printed, then the signal ends bench.
    let mut signals = Signals::install().context("cannot install signal handlers")?;
    let report = bench::run(config, signals.next()).await?;
    if let Some(live) = &live {
        live.end();
    }
    if let Some(path) = &args.save {
        bench::save(&report, path)?;
    }
    // `--save -` puts the record where the report would go.
    if args.save.as_deref() != Some(Path::new("-")) {
        print_report(&report, args.output, args.html.as_deref())?;
    }
    if let (Some(live), Some(linger)) = (live, args.metrics_linger) {
        live.linger(linger).await;
    }
    if let Some(signal) = report.interrupted() {
        return Err(signal.into());
    }
    judged(&report)
}

/// A failed run exits 1; one that missed a threshold, 5.
fn judged(report: &bench::Report) -> anyhow::Result<()> {
    if let Some(why) = report.failure() {
        anyhow::bail!(why);
    }
    if let Some(missed) = report.missed() {
        return Err(ThresholdMissed(missed).into());
    }
    Ok(())
}

fn print_report(
    report: &bench::Report,
    output: TextOrJson,
    html: Option<&Path>,
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
pub fn merge(args: MergeArgs) -> anyhow::Result<()> {
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
    judged(&report)
}

pub async fn list(args: ListArgs) -> anyhow::Result<()> {
    let call = inspect_call(&args.connect)?;
    let connect = connect_config(&args.connect, 1, call.token.as_ref())?;
    let files = schema_files(&args.schema);
    let text = inspect::list(&connect, &call, &files, args.service.as_deref()).await?;
    write_stdout(text.as_bytes())
}

pub async fn describe(args: DescribeArgs) -> anyhow::Result<()> {
    let call = inspect_call(&args.connect)?;
    let connect = connect_config(&args.connect, 1, call.token.as_ref())?;
    let files = schema_files(&args.schema);
    let text = inspect::describe(&connect, &call, &files, args.symbol.as_deref()).await?;
    write_stdout(text.as_bytes())
}

pub async fn health(args: HealthArgs) -> anyhow::Result<()> {
    let call = CallSetup {
        timeout: args.timeout,
        ..inspect_call(&args.connect)?
    };
    let connect = connect_config(&args.connect, 1, call.token.as_ref())?;
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

/// `print!` panics when stdout is closed; this reports it as the error it is (a closed pipe
/// exits quietly with 0).
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}
