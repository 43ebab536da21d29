//! `ask`'s settings.

use crate::{
    cli::{AskArgs, LinesOrJson, TextOrJson},
    client::{AskConfig, Framing, MethodArgs},
    mapping::MappingArgs,
    net::{CallSetup, Trace},
    token::Token,
    trace::Traceparent,
};

use super::{connect_config, encoding, method_args};

/// What ask runs with: every file read and checked, the mapping's flags gathered.
pub fn ask(args: &AskArgs) -> anyhow::Result<AskConfig> {
    let separator = if args.null { b'\0' } else { b'\n' };
    let method = method_args(&args.method, args.input == LinesOrJson::Json);
    let token = Token::load(args.connect.token_file.as_deref())?;
    Ok(AskConfig {
        connect: connect_config(&args.connect, 1, token.as_ref())?,
        call: CallSetup {
            timeout: args.timeout,
            headers: args.connect.headers.clone(),
            token,
            max_message_size: args.limits.max_message_size,
            compress: encoding(&args.compression),
            // ask holds one conversation: one trace for all of it.
            trace: match (&args.trace.traceparent, args.trace.trace) {
                (Some(given), _) => Some(Trace::Given(given.clone())),
                (None, true) => Some(Trace::Given(Traceparent::new_trace())),
                (None, false) => None,
            },
        },
        method: MethodArgs {
            mapping: MappingArgs {
                answer_fields: args.answers.answer_field.clone(),
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
        until: args.until.clone(),
        keep_open: args.keep_open,
        idle_timeout: args.idle_timeout,
        transcript: args.transcript.clone(),
        show_metadata: args.show_metadata,
    })
}
