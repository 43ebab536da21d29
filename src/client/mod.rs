//! `ask`: connect to a server, stream questions in as they are read, print answers as they arrive.
//! Sending and receiving run at once (full duplex), so answers flow while input is still coming.

mod connect;
pub mod headers;
pub mod input;
mod link;
pub mod output;
pub mod prompt;
mod receive;
mod tally;
mod transcript;

use std::{future::Future, io::Write, path::PathBuf, sync::Arc, time::Duration};

use futures_util::StreamExt;
use regex::Regex;
use tonic::{Request, Status};

use crate::{
    error::{RpcError, Usage, rpc_status},
    proto::stream_client::StreamClient,
    token::Token,
};
pub use connect::{ConnectConfig, Link, connect};
use headers::Header;
use input::Source;
use output::AnswerWriter;
use receive::{Ended, Enough, Explain};
use tally::Tally;
use transcript::Transcript;

#[derive(Clone, Debug)]
pub struct AskConfig {
    pub connect: ConnectConfig,
    /// Sent as `authorization: Bearer <token>`.
    pub token: Option<Token>,
    /// Send the token even in plaintext to an address off this machine.
    pub allow_plaintext_token: bool,
    /// Deadline for the whole conversation, sent to the server as `grpc-timeout`.
    pub timeout: Option<Duration>,
    /// The largest encoded message sent or accepted, in bytes.
    pub max_message_size: usize,
    pub input: input::Format,
    pub output: output::Format,
    /// Request metadata, sent with the call.
    pub headers: Vec<Header>,
    /// Send each question only once the previous one has been answered.
    pub lockstep: bool,
    /// Print a summary line on stderr when the conversation ends.
    pub stats: bool,
    /// Stop (and exit 0) after this many answers.
    pub max_answers: Option<u64>,
    /// Stop (and exit 0) after the first answer that matches.
    pub until: Option<Regex>,
    /// Do not half-close at the end of input.
    pub keep_open: bool,
    /// Give up when nothing has moved for this long.
    pub idle_timeout: Option<Duration>,
    /// Record the conversation here as JSON Lines.
    pub transcript: Option<PathBuf>,
}

/// Holds one conversation: questions from `source`, answers to `out`. Every answer received is
/// written to `out` before this returns, whatever ends the conversation. `interrupt` ends it early.
pub async fn ask(
    config: &AskConfig,
    source: Source,
    out: impl Write,
    interrupt: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let transcript = config
        .transcript
        .as_deref()
        .map(Transcript::create)
        .transpose()?
        .map(Arc::new);
    check_token_transport(config).await?;
    let (channel, link) = connect(&config.connect).await?;
    let mut client = StreamClient::new(channel)
        .max_decoding_message_size(config.max_message_size)
        .max_encoding_message_size(config.max_message_size);

    let input = input::questions(
        source,
        config.input,
        config.max_message_size,
        config.keep_open,
    );
    let tally = Arc::new(Tally::new(config.lockstep, config.idle_timeout.is_some()));
    let questions = {
        let tally = tally.clone();
        let transcript = transcript.clone();
        input.questions.then(move |question| {
            let tally = tally.clone();
            let transcript = transcript.clone();
            async move {
                tally.before_sending().await;
                if let Some(transcript) = &transcript {
                    transcript.question(&question.question);
                }
                question
            }
        })
    };
    let mut request = Request::new(questions);
    if let Some(timeout) = config.timeout {
        request.set_timeout(timeout);
    }
    for header in &config.headers {
        header.insert_into(request.metadata_mut());
    }
    if let Some(token) = &config.token {
        request
            .metadata_mut()
            .insert("authorization", token.header_value());
    }

    let enough = Enough {
        max_answers: config.max_answers,
        until: config.until.clone(),
        idle_timeout: config.idle_timeout,
    };
    let mut out = AnswerWriter::new(out, config.output);
    let explain = Explain::new(&config.connect, link, config.max_message_size);
    let conversation = async {
        let answers = client
            .conversations(request)
            .await
            .map_err(|status| RpcError(explain.explain(status, true)))?
            .into_inner();
        let transcript = transcript.as_deref();
        receive::print_answers(answers, &mut out, &tally, &enough, transcript, &explain).await
    };
    // The server is told the deadline, but enforcing it here too covers servers that ignore it.
    let deadline = async {
        match config.timeout {
            Some(timeout) => {
                tokio::time::sleep(timeout).await;
                let message = format!(
                    "conversation exceeded --timeout {}",
                    humantime::format_duration(timeout)
                );
                anyhow::Error::new(RpcError(Status::deadline_exceeded(message)))
            }
            None => std::future::pending().await,
        }
    };
    let interrupted_at_prompt = async {
        match input.interrupted.await {
            Ok(signal) => anyhow::Error::new(signal),
            Err(_) => std::future::pending().await,
        }
    };
    // Whichever branch wins, the others are dropped, and with them the call: the server sees
    // the conversation cancelled.
    let ended = tokio::select! {
        ended = conversation => ended,
        err = deadline => Err(err),
        err = interrupt => Err(err),
        err = interrupted_at_prompt => Err(err),
    };
    // Whatever ended the conversation, the answers that came before it are kept.
    let flushed = out.flush();
    if config.stats {
        eprintln!("{}", tally.summary());
    }
    // Refused input is why the questions stopped, so it is the error to report.
    let ended = match input.refusal.take() {
        Some(refusal) => Err(refusal),
        None => ended,
    };
    let ended = ended.and_then(|ended| match (&config.until, ended) {
        (Some(until), Ended::ByServer) => Err(anyhow::anyhow!(
            "the conversation ended without an answer matching '{until}' (--until)"
        )),
        (_, ended) => Ok(ended),
    });
    if let Some(transcript) = &transcript {
        transcript.status(&final_status(&ended))?;
    }
    ended?;
    Ok(flushed?)
}

/// A token sent in plaintext can be read by anyone on the path: only to this machine, unless the
/// user says otherwise.
async fn check_token_transport(config: &AskConfig) -> Result<(), Usage> {
    let connect = &config.connect;
    if config.token.is_none() || connect.tls.is_some() || config.allow_plaintext_token {
        return Ok(());
    }
    if connect.addr.is_local().await {
        return Ok(());
    }
    Err(Usage(format!(
        "refusing to send the token in plaintext to {}: use --tls or --ca-cert, or \
         --allow-plaintext-token",
        connect.addr
    )))
}

/// The status a transcript ends with: the server's, or CANCELLED with the reason when ask ended
/// the conversation itself.
fn final_status(ended: &anyhow::Result<Ended>) -> Status {
    match ended {
        Ok(Ended::ByServer) => Status::ok(""),
        Ok(Ended::Enough) => Status::cancelled("ask had enough answers (--max-answers, --until)"),
        Err(err) => rpc_status(err).unwrap_or_else(|| Status::cancelled(format!("{err:#}"))),
    }
}
