//! `bench`'s settings, and the rate schedules clap cannot check alone.

use crate::{
    bench::{BenchConfig, Joining, Load, QuestionSource},
    cli::{self, BenchArgs, LinesOrJson, RateSchedule},
    error::Usage,
    net::{CallSetup, Trace},
    token::Token,
};

use super::{connect_config, encoding, method_args};

/// What bench runs with.
pub fn bench(args: &BenchArgs) -> anyhow::Result<BenchConfig> {
    // More connections than conversations would stay idle.
    let connections = args.connections.min(args.conversations);
    let streams = args.conversations.div_ceil(connections);
    let token = Token::load(args.connect.token_file.as_deref())?;
    Ok(BenchConfig {
        connect: connect_config(&args.connect, streams, token.as_ref())?,
        call: CallSetup {
            token,
            headers: args.connect.headers.clone(),
            max_message_size: args.limits.max_message_size,
            timeout: None,
            compress: encoding(&args.compression),
            trace: match (&args.trace.traceparent, args.trace.trace) {
                (Some(given), _) => Some(Trace::Given(given.clone())),
                (None, true) => Some(Trace::EachCall),
                (None, false) => None,
            },
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
        rate: load(args)?,
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
        thresholds: args.threshold.clone(),
        live: args.metrics_listen.as_ref().map(|_| Default::default()),
        command_line: cli::shown_command_line(
            std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()),
        ),
    })
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
            // cli requires both with a step schedule; were it bypassed, say so, never run flat.
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
