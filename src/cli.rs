//! Every flag in one place: the single source for `--help`, the shell completions and the README.

use std::{
    path::PathBuf,
    time::{Duration, SystemTime},
};

use clap::{ArgAction, ArgGroup, Args, Parser, Subcommand, ValueEnum, builder::TypedValueParser};
use clap_complete::Shell;
use regex::bytes::Regex;

use crate::{
    addr::Addr,
    bench::{Shard, Threshold},
    exit::{self, Exit, code},
    mapping::Separator,
    message::DEFAULT_MAX_MESSAGE_SIZE,
    net::headers::Header,
    recording::{FieldPath, Timing},
    schema::MethodName,
    trace::Traceparent,
    tutorial,
};

const ASK_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo ask --addr :8000 \"what is grpc?\"
  # from stream server answer: the 1 question is what is grpc?
  seq 2 | grpc-convo ask --addr :8000 --lockstep
  # from stream server answer: the 1 question is 1
  # from stream server answer: the 2 question is 2

Kinds of method (--method; all calls on one connection):
  bidirectional      one conversation: lines go as they are read, answers print as they arrive
                     (--lockstep and --keep-open apply to this kind only)
  client streaming   one call carrying every line; its single response prints when it comes
  server streaming   one call per line, the next when the previous ends; responses print as
                     they arrive
  unary              one call per line, up to --parallel at once; answers print in line order

Exit status:
";

const ASK_EXITS: &[(Exit, &str)] = &[
    (
        Exit::Code(code::SUCCESS),
        "the conversation ended OK, or --max-answers or --until was satisfied (or stdout was closed early, as by `| head -1`)",
    ),
    (
        Exit::Code(code::FAILURE),
        "any other failure, such as a conversation that ended without matching --until",
    ),
    (
        Exit::Code(code::USAGE),
        "usage error: a bad flag or value, a file named on the command line that cannot be read or used (a PEM, a token file), a token that would go out in plaintext",
    ),
    (
        Exit::Code(code::BAD_INPUT),
        "bad input: a line that is not UTF-8, not JSON (--input json) or over --max-message-size",
    ),
    (
        Exit::Rpc,
        "the conversation ended with gRPC status CODE: 78 UNAVAILABLE (also when the server cannot be reached or the TLS handshake fails), 68 DEADLINE_EXCEEDED (also --timeout), 72 RESOURCE_EXHAUSTED, 80 UNAUTHENTICATED (a missing or wrong token), ...",
    ),
    (
        Exit::Code(code::IDLE),
        "--idle-timeout: no answer came in time (a local limit, unlike 68)",
    ),
    (
        Exit::Signal,
        "Ctrl-C (or SIGINT): once the answers received are printed, ask is killed by SIGINT itself, so that a shell loop around it stops too (a shell shows 130); SIGTERM likewise (143)",
    ),
];

const BENCH_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo bench --addr :8000 -c 10 -n 1000 --check
  grpc-convo bench --addr :8000 -c 10 -n 1000 --threshold 'p99<1s' --threshold 'errors<0.1%'
  grpc-convo bench --addr :8000 -c 4 --duration 2s --rate 2000 --interval 500ms
  grpc-convo bench --addr :8000 -c 8 -n 100 --shard 0/2 --save s0.json
  grpc-convo bench --addr :8000 -c 8 -n 100 --shard 1/2 --save s1.json
  grpc-convo bench merge s0.json s1.json

Kinds of method (--method), each measured by its own figures:
  bidirectional      -c conversations of -n questions (or --duration), pipelined or --lockstep;
                     answers/s, latency per answer (answer k matched to question k)
  client streaming   -c slots, calls of -n questions: one per slot, or one after another until
                     --duration; calls/s, questions/s, latency per call
  server streaming   -c slots of -n calls (or --duration), one request each; calls/s,
                     responses/s, latency to each call's first response and to each response
  unary              -c slots of -n calls (or --duration); calls/s, latency per call
A failed call is counted by status and its slot goes on.

Load that changes (needs --duration):
  --rate-schedule line --rate-start 100 --rate-end 1000
  --rate-schedule step --rate-start 100 --rate-end 1000 --rate-step 100 --rate-step-duration 2s
  --conversations-start 10 --conversations-step 10 --conversations-step-duration 1s

Exit status:
";

const BENCH_EXITS: &[(Exit, &str)] = &[
    (
        Exit::Code(code::SUCCESS),
        "every conversation and call ended OK (and every answer checked, with --check)",
    ),
    (
        Exit::Code(code::FAILURE),
        "a conversation or call failed, or an answer did not check; a conversation's answers did not pair with its questions (--answers-per-question); no answer came at all; or the server has no reflection to find --method by (give --proto or --protoset); merge: a shard is missing (the report of the others is printed)",
    ),
    (
        Exit::Code(code::USAGE),
        "usage error: flags that cannot go together (such as -n with --duration for a method that is not client streaming, --check with another --method), a --start-at past; merge: records of runs that differ, or a file that is none",
    ),
    (
        Exit::Code(code::BAD_INPUT),
        "bad input: a --questions-file line that is not a request",
    ),
    (
        Exit::Code(code::THRESHOLD_MISSED),
        "the run missed a --threshold (the report, printed whole, marks which)",
    ),
    (
        Exit::Rpc,
        "the server could not be reached: 78 UNAVAILABLE (failed calls are counted in the report instead, and exit 1)",
    ),
    (
        Exit::Signal,
        "interrupted: the report of the run so far is printed, then bench is killed by the signal (a shell shows 130; SIGTERM 143)",
    ),
];

const HEALTH_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo health --addr :8000                 # the whole server
  # SERVING
  grpc-convo health --addr :8000 proto.Stream    # one service
  # SERVING

Exit status (as grpc-health-probe, which Kubernetes exec probes script against):
";

const HEALTH_EXITS: &[(Exit, &str)] = &[
    (Exit::Code(code::SUCCESS), "SERVING"),
    (
        Exit::Code(code::NOT_SERVING),
        "any other status: NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN",
    ),
    (Exit::Code(code::USAGE), "usage error"),
    (
        Exit::Rpc,
        "the call failed with gRPC status CODE: 78 UNAVAILABLE (also when the server cannot be reached), 69 NOT_FOUND (the server does not know the service), 76 UNIMPLEMENTED (the server has no health service), ...",
    ),
];

const WEB_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo web --listen 127.0.0.1:8080 --addr :8000 &   # web page at http://127.0.0.1:8080/
  curl -s http://127.0.0.1:8080/api/methods | grep -o '\"proto.Stream/Conversations\"'
  # \"proto.Stream/Conversations\"

The WebSocket API at /ws, one JSON object per text message, is described in docs/web.md.
";

const MCP_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo mcp --addr :8000 --listen 127.0.0.1:8090 &   # mcp at http://127.0.0.1:8090/mcp

Without --listen it speaks MCP on stdin and stdout, as an agent's client starts it (an
mcpServers entry: docs/mcp.md). Tools: list_methods, describe, open_conversation, send, receive,
close, and one per unary and server-streaming method (pkg_Service_Method), its input
{\"request\": the request in protobuf JSON, \"metadata\": {...}, \"timeout_ms\": N,
\"max_answers\": N}.
";

const PROXY_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo proxy --listen :8001 --upstream :8000 --record calls/ --no-print &
  grpc-convo ask --addr :8001 hello
  # from stream server answer: the 1 question is hello
  grpc-convo serve --addr :8002 --replay calls/ &
  grpc-convo ask --addr :8002 hello
  # from stream server answer: the 1 question is hello
  grpc-convo check calls/ --addr :8000
  # ok   calls/000001-proto.Stream.Conversations.jsonl:1 proto.Stream/Conversations
  # checked 1: 1 as recorded, 0 otherwise

Each message is printed as it passes (--print; the default when stdout is a terminal): the time,
the client connection (c1), the call (#1), the method, question or answer, and the message as
protobuf JSON when its types are known (--proto, --protoset, or the upstream's reflection), else
its length and bytes in base64; the call's status last. -o json prints the same as JSON Lines.

A recording (--record) is one call: its method, request metadata, each message with its bytes,
the response headers, trailers and status, and the types of its messages (docs/recordings.md).
It is written when the call ends: a file per call in DIR, or every call in FILE.
";

const CHECK_HELP: &str = "Examples:
  grpc-convo serve --addr :8000 &
  grpc-convo ask --addr :8000 --transcript hi.jsonl hi >/dev/null
  grpc-convo check hi.jsonl --addr :8000
  # ok   hi.jsonl:1 proto.Stream/Conversations
  # checked 1: 1 as recorded, 0 otherwise

Each recording's questions go as the recording sent them: each question once the answers that
came before it in the recording have come (or --wait has passed). Answers are compared as
messages when the recording carries their types (field order and encoding aside), else byte by
byte; then the status (code and message), and with --check-metadata the response headers and
trailers. A call that differs prints a diff naming the recording, and the first answer or
question where it differs.

Exit status:
";

const CHECK_EXITS: &[(Exit, &str)] = &[
    (
        Exit::Code(code::SUCCESS),
        "every call answered as recorded (or was re-recorded, with --update)",
    ),
    (
        Exit::Code(code::FAILURE),
        "a call answered otherwise than recorded",
    ),
    (
        Exit::Code(code::USAGE),
        "usage error, or a recording that cannot be read (its file and line named)",
    ),
    (Exit::Rpc, "the server could not be reached: 78 UNAVAILABLE"),
];

#[derive(Debug, Parser)]
#[command(
    name = "grpc-convo",
    version,
    about = "Bidirectional-streaming gRPC conversations from the shell",
    long_about = "Bidirectional-streaming gRPC conversations from the shell.\n\n\
                  `serve` answers conversations on proto.Stream/Conversations; `ask` streams \
                  questions to a server and prints each answer the moment it arrives.",
    propagate_version = true
)]
pub struct Cli {
    /// More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer conversations on proto.Stream/Conversations
    #[command(long_about = "Answer conversations on proto.Stream/Conversations.\n\n\
                            The N-th question Q of each conversation gets the answer \
                            \"from stream server answer: the N question is Q\", N counting \
                            from 1. Conversations are logged at info on stderr, questions at \
                            debug (-v).\n\n\
                            On SIGINT or SIGTERM the server drains: health turns NOT_SERVING, \
                            new connections are refused, conversations in progress may finish \
                            within --grace, the rest end with UNAVAILABLE, and it exits 0. A \
                            second signal stops it at once.\n\n\
                            A connection carries as many conversations at once as the client \
                            opens (--max-conversations bounds them all; \
                            --max-conversations-per-connection sets a cap per connection). \
                            Questions and answers may be gzip or zstd compressed.\n\n\
                            grpc.health.v1.Health answers for \"\" and \"proto.Stream\"; server \
                            reflection (v1 and v1alpha) lists the service unless \
                            --no-reflection.\n\n\
                            With `-- COMMAND [ARGS]...`, each conversation gets its own process \
                            of COMMAND, started without a shell: questions are written to its \
                            stdin one per line, every line it writes to stdout is an answer the \
                            moment it is written, and its stderr goes to the log. Exit status 0 \
                            ends the conversation OK; any other ends it with UNKNOWN naming the \
                            status and the last stderr line. A conversation that ends early \
                            (cancel, disconnect, deadline, drain) sends its process group \
                            SIGTERM, then SIGKILL after --kill-grace. The process sees \
                            GRPC_CONVO_PEER, GRPC_CONVO_CONVERSATION and GRPC_CONVO_META_<NAME> \
                            for each request metadata entry.\n\n\
                            With --proto or --protoset and --method, serve answers those methods \
                            instead, each call with its own process of COMMAND (which finds its \
                            method in GRPC_CONVO_METHOD): a bidirectional or client-streaming \
                            call's requests go to stdin as they come, a unary or server-streaming \
                            call's one request then end of input; every stdout line is a response \
                            for the streaming kinds, and exactly one line, once the process exits \
                            0, for unary and client-streaming calls. --field, --answer-field and \
                            --set map fields to lines (prefix with METHOD: for one method only); \
                            --process-format json passes whole messages in protobuf JSON.")]
    Serve(ServeArgs),
    /// Stream questions to a server (any gRPC method) and print each answer the moment it arrives
    #[command(after_long_help = exit::help(ASK_HELP, ASK_EXITS))]
    Ask(AskArgs),
    /// Measure a server on any method: many conversations or calls at once, rates and latency
    /// percentiles
    #[command(after_long_help = exit::help(BENCH_HELP, BENCH_EXITS), args_conflicts_with_subcommands = true)]
    Bench(BenchArgs),
    /// List a server's services (by reflection, or from --proto/--protoset files), or the methods
    /// of one
    List(ListArgs),
    /// Show a service, method, message or enum in proto syntax
    Describe(DescribeArgs),
    /// Check a server's health (grpc.health.v1.Health): prints SERVING or another status; exit 0
    /// for SERVING, 4 for any other
    #[command(after_long_help = exit::help(HEALTH_HELP, HEALTH_EXITS))]
    Health(HealthArgs),
    /// Converse with any gRPC server from a browser: a page and a WebSocket API in front of the
    /// upstream server (--addr)
    #[command(after_long_help = WEB_HELP)]
    Web(WebArgs),
    /// Offer the upstream server's methods to agents over the Model Context Protocol: a tool
    /// per unary and server-streaming method, and conversation tools for the streaming ones
    /// (stdio, or Streamable HTTP with --listen)
    #[command(after_long_help = MCP_HELP)]
    Mcp(McpArgs),
    /// A transparent gRPC proxy for any method: prints the calls passing through (--print) and
    /// records each one (--record) for serve --replay and check
    #[command(after_long_help = PROXY_HELP)]
    Proxy(ProxyArgs),
    /// Replay recordings against a server: send each one's questions as it sent them and compare
    /// the answers and status with the recorded ones; exit 1 if any call differs
    #[command(after_long_help = exit::help(CHECK_HELP, CHECK_EXITS))]
    Check(CheckArgs),
    /// Print a completion script for a shell
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

// The files that define bridged methods, and the methods, go together, and a method is bridged
// to a COMMAND: said here, so that --help and the completions know it too.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("files").args(["proto", "protoset"]).multiple(true).requires("method")
))]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port, printed as "listening on ADDRESS" on stderr
    #[arg(
        long,
        env = "GRPC_CONVO_ADDR",
        value_name = "ADDR",
        default_value = "127.0.0.1:8000",
        long_help = "Address to listen on: HOST:PORT, :PORT (every interface) or \
                       [IPV6]:PORT; names are resolved. Port 0 picks a free port; once bound, \
                       \"listening on ADDRESS\" is printed on stderr."
    )]
    pub addr: Addr,

    /// Conversations in progress at once; one more gets RESOURCE_EXHAUSTED "server busy"
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_conversations: u32,

    /// Conversations at once on one connection; a client queues the next until one ends
    /// (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS) [default: no limit but --max-conversations]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_conversations_per_connection: Option<u32>,

    /// Connections open at once; one more is closed as soon as it is accepted, with a log line
    /// (one a second at most)
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Close a connection that has not finished TLS and sent HTTP/2's preface and SETTINGS
    /// within this long
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "10s")]
    pub handshake_timeout: Duration,

    /// Compress answers with the encoding the client accepts (grpc-accept-encoding: gzip or
    /// zstd); compressed questions are accepted either way
    #[arg(long)]
    pub compress_answers: bool,

    /// End a conversation with DEADLINE_EXCEEDED after this long without a question; one whose
    /// answer waits for the client's window that long as well is reset [default: off]
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub idle_timeout: Option<Duration>,

    /// Health, reflection and other calls that are not conversations, in progress at once across
    /// the server; one more gets RESOURCE_EXHAUSTED
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_side_calls: u32,

    /// Reset a health, reflection or other call that is not a conversation when its request stays
    /// open this long without a message, or its answer waits this long for the client's window
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "10s")]
    pub side_call_idle: Duration,

    /// Interval of HTTP/2 pings, so that dead clients are noticed: one not answered within this
    /// long (20 s at most) closes the connection; 0 sends none
    #[arg(long, value_name = "DURATION", value_parser = duration_or_zero, default_value = "30s")]
    pub keepalive: Duration,

    /// On SIGINT or SIGTERM, how long conversations in progress may go on before they are ended
    /// with UNAVAILABLE
    #[arg(long, value_name = "DURATION", value_parser = duration_or_zero, default_value = "10s")]
    pub grace: Duration,

    /// Do not serve gRPC server reflection (v1 and v1alpha)
    #[arg(long)]
    pub no_reflection: bool,

    /// Let pages from this origin call serve from a browser, over gRPC-Web or Connect
    /// (repeatable; "*" for any): their preflight is answered. A request from any other origin
    /// is refused with 403
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,

    #[command(flatten)]
    pub operations: Operations,

    /// Serve over TLS with this certificate chain, in PEM (with --tls-key)
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Private key of --tls-cert, in PEM
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Mutual TLS: require every client to present a certificate signed by a CA in this PEM
    /// file
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,

    /// Require "authorization: Bearer TOKEN" on every conversation, TOKEN being this file's
    /// content (or GRPC_CONVO_TOKEN's); missing or wrong gets UNAUTHENTICATED. Health checks
    /// and reflection stay open
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Answer every method recorded in these recordings (files, or directories of them;
    /// repeatable) as recorded: a mock server. Reflection lists the recorded services
    #[arg(long, value_name = "PATH", conflicts_with_all = ["method", "command"])]
    pub replay: Vec<PathBuf>,

    /// When replayed answers go: none (as soon as the question they followed is in), recorded
    /// (at their offset in the recording), or xN (N times as fast)
    #[arg(
        long,
        value_name = "TIMING",
        default_value = "none",
        requires = "replay"
    )]
    pub replay_timing: Timing,

    /// Leave this field out when matching a call's questions to the recordings (repeatable):
    /// field names joined by dots, as meta.request_id
    #[arg(long, value_name = "FIELD_PATH", requires = "replay")]
    pub match_ignore: Vec<FieldPath>,

    /// With a COMMAND: after SIGTERM, how long a conversation's process may take to exit before
    /// SIGKILL
    #[arg(long, value_name = "DURATION", value_parser = duration_or_zero, default_value = "2s")]
    pub kill_grace: Duration,

    /// Serve this method of the --proto/--protoset files (pkg.Service/Method or
    /// pkg.Service.Method), each call with its own process of COMMAND (repeatable); without
    /// --method, serve answers proto.Stream/Conversations
    #[arg(long, value_name = "METHOD", requires_all = ["files", "command"])]
    pub method: Vec<MethodName>,

    /// The request field whose text the process reads as a line [default: the request's only
    /// string field]; METHOD: applies it to that method only
    #[arg(long, value_name = "[METHOD:]PATH", requires = "method")]
    pub field: Vec<String>,

    /// The response field each line the process writes fills (any scalar type, parsed as ask's
    /// --field parses it) [default: the response's only string field]; METHOD: applies it to
    /// that method only
    #[arg(long, value_name = "[METHOD:]PATH", requires = "method")]
    pub answer_field: Vec<String>,

    /// A fixed value in every response, as PATH=VALUE (repeatable); METHOD: applies it to that
    /// method only
    #[arg(long = "set", value_name = "[METHOD:]PATH=VALUE", requires = "method")]
    pub set: Vec<String>,

    /// What the process reads and writes for a bridged method: text (one field as a line), or
    /// json (each request and response as one line of protobuf JSON)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text,
          requires = "method")]
    pub process_format: TextOrJson,

    /// Answer each conversation with its own process of COMMAND (no shell): questions go to its
    /// stdin one per line, each line it writes to stdout is an answer
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub schema: SchemaFlags,

    #[command(flatten)]
    pub line: LineFlags,
}

#[derive(Debug, Args)]
#[command(mut_arg("addr", |arg| arg
    .long("upstream")
    .env(None::<&str>)
    .help("Server to forward every call to")
    .long_help("Server to forward every call to: HOST:PORT, :PORT (this machine), \
                [IPV6]:PORT or unix:PATH; names are resolved. Each client connection gets a \
                connection of its own there, made with the connection flags below.")))]
pub struct ProxyArgs {
    /// Address to listen on (HTTP/2 without TLS): HOST:PORT, :PORT or unix:PATH; port 0 picks a
    /// free port, printed as "listening on ADDRESS" on stderr
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8001")]
    pub listen: Addr,

    /// Print each message as it passes, one line each [default: when stdout is a terminal]
    #[arg(long, overrides_with = "no_print")]
    pub print: bool,

    /// Print nothing
    #[arg(long, overrides_with = "print")]
    pub no_print: bool,

    /// Format of the printed lines
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// Record each call: in a file of its own in DIR (a directory, or a path ending in /, made
    /// if need be), or all in FILE (emptied first)
    #[arg(long, value_name = "DIR|FILE")]
    pub record: Option<PathBuf>,

    /// Client connections open at once; one more is closed as soon as it is accepted
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// On SIGINT or SIGTERM, how long calls in progress may go on before they are cut
    #[arg(long, value_name = "DURATION", value_parser = duration_or_zero, default_value = "10s")]
    pub grace: Duration,

    #[command(flatten)]
    pub operations: Operations,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub schema: SchemaFlags,

    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Recordings: files, or directories of them
    #[arg(required = true, value_name = "RECORDING")]
    pub recordings: Vec<PathBuf>,

    /// Leave this field out when comparing answers (repeatable): field names joined by dots,
    /// as meta.request_id; through a repeated field, the field of each element
    #[arg(long, value_name = "FIELD_PATH")]
    pub match_ignore: Vec<FieldPath>,

    /// Compare the response headers and trailers too
    #[arg(long)]
    pub check_metadata: bool,

    /// Write the outcome as JUnit XML: a test case per recording, the diff in its failure
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Record each call again from the server's answers, headers, trailers and status, in place
    #[arg(long)]
    pub update: bool,

    /// How long to wait for an answer the recording has before the next question, or for the
    /// call's end
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "10s")]
    pub wait: Duration,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Speak MCP over Streamable HTTP at http://ADDR/mcp (HOST:PORT, :PORT or unix:PATH)
    /// instead of stdio; port 0 picks a free port, printed as "mcp at URL" on stderr
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<Addr>,

    /// Offer only this method (pkg.Service/Method; repeatable) [default: every method the
    /// upstream's reflection or the files know]
    #[arg(long, value_name = "METHOD")]
    pub method: Vec<MethodName>,

    /// With --listen: answer requests whose Host is NAME too (repeatable). Only localhost,
    /// 127.0.0.1, ::1 and the address listened on are answered otherwise (DNS rebinding)
    #[arg(long, value_name = "NAME", requires = "listen")]
    pub allow_host: Vec<String>,

    /// With --listen: let pages from ORIGIN (scheme://host:port) call (repeatable); any other
    /// Origin is refused with 403
    #[arg(long, value_name = "ORIGIN", requires = "listen")]
    pub allow_origin: Vec<String>,

    /// With --listen: require "Authorization: Bearer TOKEN", TOKEN being this file's content;
    /// needed to listen on an address that is not loopback or a Unix socket
    #[arg(long, value_name = "FILE", requires = "listen")]
    pub mcp_token_file: Option<PathBuf>,

    /// Cancel a conversation no tool has touched for this long
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "5m")]
    pub conversation_idle: Duration,

    /// Conversations open at once, across sessions; open_conversation past them is refused
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_conversations: u32,

    /// Format of the log lines on stderr
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// The upstream server, and how to reach it: every call of the agent goes there
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub schema: SchemaFlags,

    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Debug, Args)]
pub struct WebArgs {
    /// Address the page and the WebSocket API listen on (HTTP/1.1): HOST:PORT, :PORT or
    /// unix:PATH; port 0 picks a free port, printed as "web page at URL" on stderr
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: Addr,

    /// Offer only this method (pkg.Service/Method; repeatable) [default: every method the
    /// upstream's reflection or the files know]
    #[arg(long, value_name = "METHOD")]
    pub method: Vec<MethodName>,

    /// Let pages from ORIGIN (scheme://host[:port]) open conversations too (repeatable); the
    /// page's own origin always may
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,

    /// Answer requests whose Host is NAME too (repeatable; a name or address, any port). Only
    /// localhost, 127.0.0.1, [::1] and the address listened on are answered otherwise: any other
    /// Host gets 403, so that a page whose name was re-pointed at this machine (DNS rebinding)
    /// cannot drive the gateway
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,

    /// Let the browser's metadata carry authorization (by default the upstream's credentials are
    /// the gateway's alone)
    #[arg(long)]
    pub pass_authorization: bool,

    /// Require the token in FILE from the browser (the page asks once): needed to listen on an
    /// address that is not loopback or a Unix socket
    #[arg(long, value_name = "FILE")]
    pub web_token_file: Option<PathBuf>,

    /// Serve the page over HTTPS with this certificate chain (PEM), with --web-tls-key
    #[arg(long, value_name = "FILE", requires = "web_tls_key")]
    pub web_tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --web-tls-cert
    #[arg(long, value_name = "FILE", requires = "web_tls_cert")]
    pub web_tls_key: Option<PathBuf>,

    /// Conversations in progress at once; one more is refused (WebSocket close 1013)
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_conversations: u32,

    /// Connections open at once; one more is closed as soon as it is accepted, with a log line
    /// (one a second at most)
    #[arg(long, value_name = "N", default_value_t = 2000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Ping a conversation's socket this often while its answers wait; one not heard from since
    /// the last ping, or that takes no message for this long, is closed
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "30s")]
    pub ping_interval: Duration,

    #[command(flatten)]
    pub operations: Operations,

    /// The upstream server, and how to reach it: every conversation of the page goes there
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub schema: SchemaFlags,

    #[command(flatten)]
    pub limits: Limits,
}

/// What operators watch a long-running command with.
#[derive(Debug, Args)]
pub struct Operations {
    /// Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a
    /// listener of its own, never the gRPC port); port 0 picks a free port, printed as
    /// "metrics at URL" on stderr
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<Addr>,

    /// Format of the log lines on stderr
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines
    Text,
    /// One JSON object per line
    Json,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Unary methods: calls in flight at once on the connection; answers still print in question
    /// order
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub parallel: usize,

    /// Deadline for the whole conversation (500ms, 10s, 2m), sent to the server as grpc-timeout
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,

    /// How answers are printed: text, or json (each response as one line of protobuf JSON with
    /// every field written, such as {"answer":"..."}, which survives answers holding newlines; a
    /// failed conversation's status goes to stderr as {"code":...,"number":...,"message":...})
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// How questions are read: lines (each line is a question), or json (each line is a whole
    /// request in protobuf JSON, such as {"question":"..."}, as grpcurl -d @ reads; blank lines
    /// are skipped)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesOrJson::Lines)]
    pub input: LinesOrJson,

    /// Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)
    #[arg(short = '0', long)]
    pub null: bool,

    /// Send each question only after the previous one is answered (for servers that answer
    /// every question exactly once)
    #[arg(long)]
    pub lockstep: bool,

    /// When the conversation ends, print questions sent, answers received, elapsed time and
    /// answers per second on stderr
    #[arg(long)]
    pub stats: bool,

    /// After the N-th answer is printed, cancel the conversation and exit 0
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_answers: Option<u64>,

    /// After the first answer matching REGEX is printed, cancel the conversation and exit 0; if
    /// the conversation ends without one, exit 1
    #[arg(long, value_name = "REGEX")]
    pub until: Option<Regex>,

    /// Print the response headers and trailers on stderr, a "name: value" line each (binary
    /// ones in base64), after the answers that came before them
    #[arg(long)]
    pub show_metadata: bool,

    /// At the end of input, do not half-close: wait for the server to end the conversation (or
    /// --timeout, --max-answers, --until, --idle-timeout)
    #[arg(long)]
    pub keep_open: bool,

    /// Once a question has been sent, give up (exit 124) when no answer comes and no question
    /// goes for DURATION
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub idle_timeout: Option<Duration>,

    /// Write every question and answer, and the final status, to FILE as JSON Lines, each with
    /// a millisecond offset from the start
    #[arg(long, value_name = "FILE")]
    pub transcript: Option<PathBuf>,

    /// The questions; without any, each line of stdin is one question (an interactive prompt
    /// when stdin and stdout are a terminal)
    #[arg(value_name = "QUESTION")]
    pub questions: Vec<String>,

    #[command(flatten)]
    pub method: MethodFlags,

    #[command(flatten)]
    pub answers: AnswerFlags,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub compression: Compression,

    #[command(flatten)]
    pub trace: TraceFlags,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Conversations at once; for a method that is not bidirectional, slots that each make
    /// their calls one after another
    #[arg(short = 'c', long, value_name = "C", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub conversations: usize,

    /// Questions in each conversation (bidirectional), questions in each call (client
    /// streaming), or calls by each slot (server streaming, unary) [default: 1000]
    #[arg(short = 'n', long, value_name = "M",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub questions: Option<u64>,

    /// Instead of -n: each conversation or slot goes on for this long (client streaming: calls
    /// of -n questions start until then, and each one started sends all of them)
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub duration: Option<Duration>,

    /// Send each question only after the previous one is answered (measures round trips;
    /// bidirectional methods)
    #[arg(long)]
    pub lockstep: bool,

    /// Bytes in each generated question
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 16,
        conflicts_with = "questions_file"
    )]
    pub payload: usize,

    /// Questions from FILE instead of generated ones, its lines cycled through the run: each
    /// fills --field, or with --input json is the whole request
    #[arg(long, value_name = "FILE")]
    pub questions_file: Option<PathBuf>,

    /// How --questions-file is read: lines (each line is a question's text), or json (each line
    /// is a whole request in protobuf JSON; blank lines are skipped)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LinesOrJson::Lines,
          requires = "questions_file")]
    pub input: LinesOrJson,

    /// HTTP/2 connections the conversations are spread over
    #[arg(long, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub connections: usize,

    /// Questions per second over all conversations, each on schedule: latency then counts from
    /// when a question was due, so a stalled server cannot hide (no coordinated omission)
    #[arg(long, value_name = "R", value_parser = rate, conflicts_with = "rate_schedule")]
    pub rate: Option<f64>,

    /// A rate that changes over the run (needs --duration): step rises from --rate-start by
    /// --rate-step every --rate-step-duration up to --rate-end; line rises evenly from
    /// --rate-start to --rate-end over the whole --duration
    #[arg(long, value_enum, value_name = "SHAPE", requires_all = ["duration", "rate_start", "rate_end"])]
    pub rate_schedule: Option<RateSchedule>,

    /// The schedule's first rate, questions per second
    #[arg(long, value_name = "R", value_parser = rate, requires = "rate_schedule")]
    pub rate_start: Option<f64>,

    /// The schedule's last rate, kept from when it is reached to the end of the run
    #[arg(long, value_name = "R", value_parser = rate, requires = "rate_schedule")]
    pub rate_end: Option<f64>,

    /// step: how much the rate changes at each step (negative to fall)
    #[arg(
        long,
        value_name = "R",
        allow_negative_numbers = true,
        requires = "rate_step_duration",
        required_if_eq("rate_schedule", "step")
    )]
    pub rate_step: Option<f64>,

    /// step: how long each rate lasts
    #[arg(long, value_name = "DURATION", value_parser = duration, requires = "rate_step",
          required_if_eq("rate_schedule", "step"))]
    pub rate_step_duration: Option<Duration>,

    /// Open only this many conversations at first, then --conversations-step more every
    /// --conversations-step-duration, up to -c (needs --duration; not with a rate, whose
    /// questions are shared by all -c conversations from the start)
    #[arg(long, value_name = "C", requires_all = ["duration", "conversations_step", "conversations_step_duration"],
          conflicts_with_all = ["rate", "rate_schedule"],
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub conversations_start: Option<usize>,

    /// Conversations added at each step
    #[arg(long, value_name = "C", requires = "conversations_start",
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub conversations_step: Option<usize>,

    /// How long between two steps
    #[arg(long, value_name = "DURATION", value_parser = duration, requires = "conversations_start")]
    pub conversations_step_duration: Option<Duration>,

    /// Verify that every answer is the echo server's answer to its question (the tutorial's
    /// method only)
    #[arg(long)]
    pub check: bool,

    /// Bidirectional: how many answers the server gives each question. A conversation that
    /// ends with any other count fails the run (exit 1), since answer k is then not the answer
    /// to question k and per-question latency means nothing
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub answers_per_question: u64,

    /// While the run goes on, print one line on stderr per interval this long (answers/s, p50
    /// and p99 in that interval, errors, conversations open), in place of the progress bar; the
    /// report carries the series
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub interval: Option<Duration>,

    /// Also write the report as one self-contained HTML page to FILE: settings, summary, a
    /// latency percentile plot, throughput and p99 over time (with --interval), errors by status
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Fail the run (exit 5) unless this holds, once it is over (repeatable): FIGURE then <,
    /// <=, >, >= or =, then a bound. Figures: pNN (p50, p99.9) and mean and max of the
    /// latency, with a unit (ns, us, ms, s); errors, as a share (0.1%) of the conversations or
    /// calls, or a count; rate, per second (answers, or questions when client streaming, or
    /// calls); unpaired; mismatches. Every report marks each one met or missed, with the figure
    /// measured. A threshold on errors (or unpaired) lets the run pass with them
    #[arg(long, value_name = "EXPR", value_parser = clap::value_parser!(Threshold))]
    pub threshold: Vec<Threshold>,

    /// Serve the run's counts and latency histogram at http://ADDR/metrics while it goes on
    /// (Prometheus text; HOST:PORT, :PORT or unix:PATH)
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<Addr>,

    /// After the run, keep --metrics-listen up until it has been scraped once more, for this
    /// long at most, so that a scraper gets the final figures
    #[arg(long, value_name = "DURATION", value_parser = duration, requires = "metrics_listen")]
    pub metrics_linger: Option<Duration>,

    /// Run only shard K of N (K from 0): the conversations (or slots) K, K+N, K+2N, ... of -c,
    /// with their connections and their share of --rate, so that N workers with the same flags
    /// make the load of one bench; `bench merge` adds their --save records up
    #[arg(long, value_name = "K/N", value_parser = clap::value_parser!(Shard))]
    pub shard: Option<Shard>,

    /// Wait until TIME (RFC 3339, as 2026-11-29T10:00:00Z, or Unix seconds) to start, once
    /// connected, so that workers start together; a time more than a second past is refused
    #[arg(long, value_name = "TIME", value_parser = start_at)]
    pub start_at: Option<SystemTime>,

    /// Write the whole record of the run to FILE as JSON (settings, shard, start and end,
    /// counts, errors, HDR histograms in their compressed base64 form, intervals), for `bench
    /// merge`; `-` writes it to stdout in place of the report
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    #[command(subcommand)]
    pub merge: Option<BenchCommand>,

    /// Report format: text, or json (one object)
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub method: MethodFlags,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub compression: Compression,

    #[command(flatten)]
    pub trace: TraceFlags,
}

/// An authority as HTTP/2 carries it: a host, with a port if need be.
fn authority(text: &str) -> Result<String, String> {
    match text.parse::<tonic::codegen::http::uri::Authority>() {
        Ok(authority) if !authority.as_str().contains('@') => Ok(text.to_owned()),
        _ => Err("expected HOST or HOST:PORT, as in a URL".into()),
    }
}

/// `bench merge`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Add up the --save records of the shards of one run into the report that one bench with
    /// those flags would have printed: counts and errors summed, histograms added (exact
    /// percentiles), throughput over the workers' wall time, intervals aligned on time
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The records, one per shard (`bench --shard K/N --save FILE`)
    #[arg(value_name = "FILE", required = true)]
    pub records: Vec<PathBuf>,

    /// Report format: text, or json (one object)
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// Also write the report as one self-contained HTML page to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// RFC 3339, or Unix seconds (with a fraction if need be).
fn start_at(text: &str) -> Result<SystemTime, String> {
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Ok(SystemTime::UNIX_EPOCH + Duration::from_secs_f64(seconds));
    }
    humantime::parse_rfc3339_weak(text)
        .map_err(|_| "expected RFC 3339 (2026-11-29T10:00:00Z) or Unix seconds".to_owned())
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err("must be a number of questions per second above zero".into()),
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List this service's methods (as pkg.Service.Method) instead of the services
    #[arg(value_name = "SERVICE", value_parser = symbol)]
    pub service: Option<String>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub schema: SchemaFlags,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Follow the status with Health/Watch: one line each time it changes, until the server
    /// ends the stream (the exit status is then the last status's)
    #[arg(long)]
    pub watch: bool,

    /// Deadline for the check (or the whole watch), sent to the server as grpc-timeout
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,

    /// The service to ask about, such as proto.Stream [default: "", the whole server]
    #[arg(value_name = "SERVICE", default_value = "", hide_default_value = true)]
    pub service: String,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// A service, method, message or enum, by its full name (pkg.Service, pkg.Service/Method or
    /// pkg.Service.Method, pkg.Message); its comments are printed above it [default: every
    /// service, as grpcurl describes them]
    #[arg(value_name = "SYMBOL", value_parser = symbol)]
    pub symbol: Option<String>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub schema: SchemaFlags,
}

/// Where a method's types come from, when not from the server's reflection.
#[derive(Debug, Args)]
#[command(next_help_heading = "Method")]
pub struct SchemaFlags {
    /// A .proto file that defines the method's types, parsed at run time (repeatable); given
    /// any of --proto or --protoset, no reflection call is made
    #[arg(long, value_name = "FILE")]
    pub proto: Vec<PathBuf>,

    /// Where --proto files and their imports are found (repeatable); each --proto file's own
    /// directory is searched too
    #[arg(long, short = 'I', value_name = "DIR")]
    pub import_path: Vec<PathBuf>,

    /// A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)
    #[arg(long, value_name = "FILE")]
    pub protoset: Vec<PathBuf>,
}

/// The method to call and how lines map to its messages.
#[derive(Debug, Args)]
#[command(next_help_heading = "Method")]
pub struct MethodFlags {
    /// The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or
    /// --protoset, else from the server's reflection (the default method is known without either)
    #[arg(long, value_name = "METHOD", default_value = tutorial::METHOD)]
    pub method: MethodName,

    /// A field each line fills, as a dotted path (meta.note): a string, bytes (the line's own),
    /// a number, true/false or an enum by name; repeat to cut each line at --separator into
    /// several fields, the last taking the rest [default: the request's only string field]
    #[arg(long, value_name = "PATH")]
    pub field: Vec<String>,

    /// A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or
    /// number, bytes as --bytes says; repeat for each element of a repeated field
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,

    #[command(flatten)]
    pub schema: SchemaFlags,

    #[command(flatten)]
    pub line: LineFlags,
}

/// How a line is cut into fields, and how bytes are written in it: both directions, every
/// command.
#[derive(Debug, Args)]
#[command(next_help_heading = "Method")]
pub struct LineFlags {
    /// What separates the fields of a line, for several --field or --answer-field [default: a
    /// tab, which may be written \t]
    #[arg(long, value_name = "STR", default_value = "\t", value_parser = separator,
          hide_default_value = true)]
    pub separator: Separator,

    /// How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64
    /// (also for --set)
    #[arg(long, value_enum, value_name = "HOW", default_value_t = BytesFlag::Raw)]
    pub bytes: BytesFlag,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BytesFlag {
    Raw,
    Base64,
}

/// `\t` for a tab, as shells make typing one awkward; anything else as it is.
fn separator(text: &str) -> Result<Separator, String> {
    let text = match text {
        "\\t" => "\t",
        other => other,
    };
    Separator::new(text).ok_or_else(|| "the separator cannot be empty".to_owned())
}

/// How ask prints the responses of any method.
#[derive(Debug, Args)]
#[command(next_help_heading = "Answers")]
pub struct AnswerFlags {
    /// A response field each answer prints, as a dotted path: a string as it is, bytes as --bytes
    /// says, a number or bool as text, an enum by name, a message or a whole repeated field in
    /// JSON; repeat to print several, joined by --separator; a path through a repeated field
    /// (kvs.value) prints a line per element [default: a response that is one string field
    /// prints as its text, any other whole in JSON]
    #[arg(long, value_name = "PATH")]
    pub answer_field: Vec<String>,

    /// With -o json: keep field names as written in the .proto instead of their JSON names
    #[arg(long)]
    pub proto_names: bool,
}

/// How a client reaches a server: shared by every command that connects.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectArgs {
    /// Server to talk to
    #[arg(
        long,
        env = "GRPC_CONVO_ADDR",
        value_name = "ADDR",
        default_value = "127.0.0.1:8000",
        long_help = "Server to talk to: HOST:PORT, :PORT (this machine), [IPV6]:PORT or \
                       unix:PATH; names are resolved."
    )]
    pub addr: Addr,

    /// How long to wait for the connection to the server: TCP, TLS and the server's first
    /// HTTP/2 frame
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "10s")]
    pub connect_timeout: Duration,

    /// If the server is not up yet, keep trying to connect, with backoff, until
    /// --connect-timeout runs out
    #[arg(long)]
    pub wait_ready: bool,

    /// Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished
    /// server is noticed: one not answered within this long (20 s at most) ends the
    /// conversation with UNAVAILABLE; 0 sends none
    #[arg(
        long,
        value_name = "DURATION",
        value_parser = duration_or_zero,
        default_value = "5m",
        long_help = "Interval of HTTP/2 pings while a conversation is open, so that a frozen or \
                     vanished server is noticed: a ping not answered within this long (20 s at \
                     most) ends the conversation with UNAVAILABLE (exit 78); 0 sends none. The \
                     default, 5m, is the shortest that grpc-go servers accept by default on a \
                     conversation that is quiet: they close the connection (GOAWAY \
                     too_many_pings) on a client that pings more often while they send nothing. \
                     grpc-convo serve accepts any interval."
    )]
    pub keepalive: Duration,

    /// Connect with TLS, trusting the system's root certificates
    #[arg(long)]
    pub tls: bool,

    /// Connect with TLS, trusting only the CA certificate(s) in this PEM file
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,

    /// The name to verify in the server's certificate, when it differs from the address (and
    /// from --authority); implies --tls
    #[arg(long, value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// Connect with TLS and verify nothing of the server's certificate (a development server's
    /// self-signed one): a warning says so on stderr each run. A token still goes only to this
    /// machine unless --allow-plaintext-token
    #[arg(long, conflicts_with = "ca_cert")]
    pub insecure: bool,

    /// The :authority of every call (the virtual host a proxy routes by), and the name to
    /// verify in the server's certificate unless --tls-server-name is given
    #[arg(long, value_name = "HOST[:PORT]", value_parser = authority)]
    pub authority: Option<String>,

    /// The protocol of the calls: grpc, or grpc-web or connect for servers that answer those
    /// (Envoy's gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over
    /// the same HTTP/2 connection. Connect sends unary calls in its unary form
    #[arg(long, value_enum, value_name = "PROTOCOL", default_value_t = crate::net::Wire::Grpc)]
    pub protocol: crate::net::Wire,

    /// Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress
    /// (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both
    /// ways where the server reads a request while it answers (serve does; many proxies and
    /// servers answer only once the request has ended)
    #[arg(long)]
    pub http1: bool,

    /// Client certificate for mutual TLS, in PEM (with --key; implies --tls)
    #[arg(long, value_name = "PEM", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Private key of --cert, in PEM
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Send the bearer token in this file as "authorization: Bearer TOKEN" (or set
    /// GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Send the token even without TLS (or with --insecure) to an address that is not this
    /// machine
    #[arg(long)]
    pub allow_plaintext_token: bool,

    /// Request metadata, as 'name: value' (repeatable); names ending in -bin take base64 values
    #[arg(short = 'H', long = "header", value_name = "'NAME: VALUE'")]
    pub headers: Vec<Header>,
}

impl ConnectArgs {
    /// Any TLS flag means TLS.
    pub fn uses_tls(&self) -> bool {
        self.tls
            || self.insecure
            || self.ca_cert.is_some()
            || self.tls_server_name.is_some()
            || self.cert.is_some()
    }
}

/// How `--rate-schedule` changes the rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RateSchedule {
    /// In steps of --rate-step every --rate-step-duration
    Step,
    /// Evenly over the whole --duration
    Line,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LinesOrJson {
    Lines,
    Json,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Messages")]
pub struct Limits {
    /// Largest message sent or received, in bytes (encoded protobuf)
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_MESSAGE_SIZE,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub max_message_size: usize,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Messages")]
pub struct Compression {
    /// Compress each question with this encoding (the server must accept it, as grpc-go's,
    /// grpc-java's and grpcio's servers do gzip); compressed answers are accepted either way
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub compress: Option<Encoding>,
}

/// W3C trace context on the calls, so that a conversation shows up in the traces around it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub struct TraceFlags {
    /// Send this W3C traceparent (00-TRACE_ID-PARENT_ID-FLAGS) on every call; serve logs it
    /// and hands it to a bridged process as TRACEPARENT
    #[arg(long, value_name = "TRACEPARENT", value_parser = Traceparent::parse, conflicts_with = "trace")]
    pub traceparent: Option<Traceparent>,

    /// Start a new trace for each conversation (a new traceparent, sampled); ask shows it with
    /// --show-metadata and records it in --transcript
    #[arg(long)]
    pub trace: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    Gzip,
    Zstd,
}

/// The command line as a report may show it: each argument quoted where a shell would need it,
/// and the values of `-H` headers left out, since they may carry secrets (the token itself is
/// never on the command line).
pub fn shown_command_line(args: impl IntoIterator<Item = String>) -> String {
    let mut shown = Vec::new();
    let mut header_next = false;
    for arg in args {
        let header = if header_next {
            Some(("", arg.as_str()))
        } else {
            ["--header=", "-H"]
                .into_iter()
                .find_map(|flag| arg.strip_prefix(flag).map(|rest| (flag, rest)))
                .filter(|(_, rest)| !rest.is_empty())
        };
        header_next = arg == "-H" || arg == "--header";
        let arg = match header {
            Some((flag, value)) => {
                let name = value.split_once(':').map_or(value, |(name, _)| name);
                format!("{flag}{name}: …")
            }
            None => arg,
        };
        shown.push(quoted(&arg));
    }
    shown.join(" ")
}

fn quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    match plain {
        true => arg.to_owned(),
        false => format!("'{}'", arg.replace('\'', r"'\''")),
    }
}

/// `500ms`, `10s`, `2m`, `1h 30m`: humantime's forms, with zero refused: a zero timeout or
/// interval is never what anyone means.
fn duration(text: &str) -> Result<Duration, String> {
    match duration_or_zero(text)? {
        duration if duration.is_zero() => Err("must be longer than zero".into()),
        duration => Ok(duration),
    }
}

/// A name of the schema, never an address: grpcurl takes the address there, grpc-convo with
/// --addr, and a habit should not dial the default address instead.
fn symbol(text: &str) -> Result<String, String> {
    if text.contains(':') {
        return Err(format!(
            "'{text}' is an address, not a name: give it with --addr {text}"
        ));
    }
    Ok(text.to_owned())
}

/// A duration where zero makes sense: no grace, no pings.
fn duration_or_zero(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|err| format!("{err} (write it as 500ms, 10s or 2m)"))
}

/// The completion script for `shell`. clap_complete's bash script names the states of a binary
/// whose name holds a hyphen one way where it sets them (`grpc__convo__subcmd__ask`) and another
/// in its case arms (`grpc__subcmd__convo__subcmd__ask`), so nothing below the top level
/// completed (clap-rs/clap#6421): the arms are renamed to match.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    use clap::CommandFactory as _;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "grpc-convo", &mut script);
    if shell != Shell::Bash {
        return script;
    }
    String::from_utf8_lossy(&script)
        .replace("grpc__subcmd__convo", "grpc__convo")
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_shown_command_line_leaves_header_values_out_and_quotes_for_a_shell() {
        let args = [
            "grpc-convo",
            "bench",
            "-H",
            "authorization: Bearer s3cret",
            "--header=x-api-key: k3y",
            "-Hcookie: c00kie",
            "--payload",
            "16",
            "it's",
        ]
        .map(String::from);
        let shown = shown_command_line(args);
        assert_eq!(
            shown,
            "grpc-convo bench -H 'authorization: …' '--header=x-api-key: …' '-Hcookie: …' \
             --payload 16 'it'\\''s'"
        );
        for secret in ["s3cret", "k3y", "c00kie"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn durations_take_units_and_refuse_zero_and_bare_numbers() {
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert!(duration("0s").is_err());
        assert!(duration("10").unwrap_err().contains("10s"));
        assert_eq!(duration_or_zero("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn clients_ping_no_more_often_than_grpc_go_servers_allow_by_default() {
        // grpc-go's defaultKeepalivePolicyMinTime: a client that pings sooner on a quiet
        // conversation gets a strike, and the third closes its connection.
        let grpc_go_min_time = Duration::from_secs(5 * 60);
        for command in ["ask", "bench"] {
            let keepalive = match Cli::try_parse_from(["grpc-convo", command])
                .unwrap()
                .command
            {
                Command::Ask(args) => args.connect.keepalive,
                Command::Bench(args) => args.connect.keepalive,
                _ => unreachable!(),
            };
            assert_eq!(keepalive, grpc_go_min_time, "{command}");
        }
    }

    #[test]
    fn serve_pings_more_often_than_nginx_gives_up_on_a_silent_upstream() {
        // nginx's default grpc_read_timeout: pings are reads, so they keep a quiet conversation
        // behind nginx alive (tests/scale_out.rs shows it, scaled down).
        let nginx_default = Duration::from_secs(60);
        let Command::Serve(args) = Cli::try_parse_from(["grpc-convo", "serve"])
            .unwrap()
            .command
        else {
            unreachable!()
        };
        assert!(args.keepalive < nginx_default && !args.keepalive.is_zero());
    }

    proptest::proptest! {
        #[test]
        fn any_duration_text_parses_or_is_refused_without_panic(text in ".*") {
            let _ = duration(&text);
            let _ = duration_or_zero(&text);
        }

        #[test]
        fn every_duration_with_a_unit_means_it(
            n in 0u64..1_000_000_000,
            (unit, nanos_per) in proptest::sample::select(vec![
                ("ns", 1u128), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
                ("m", 60_000_000_000), ("h", 3_600_000_000_000),
            ]),
        ) {
            let text = format!("{n}{unit}");
            let want = n as u128 * nanos_per;
            proptest::prop_assert_eq!(duration_or_zero(&text).map(|d| d.as_nanos()), Ok(want));
            proptest::prop_assert_eq!(duration(&text).is_ok(), n > 0);
        }
    }
}
