# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_grpc_convo_global_optspecs
    string join \n v/verbose h/help V/version
end

function __fish_grpc_convo_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_grpc_convo_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_grpc_convo_using_subcommand
    set -l cmd (__fish_grpc_convo_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "serve" -d 'Answer conversations on proto.Stream/Conversations'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "ask" -d 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "bench" -d 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "list" -d 'List a server\'s services (by reflection, or from --proto/--protoset files), or the methods of one'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "describe" -d 'Show a service, method, message or enum in proto syntax'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "health" -d 'Check a server\'s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "web" -d 'Converse with any gRPC server from a browser: a page and a WebSocket API in front of the upstream server (--addr)'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "mcp" -d 'Offer the upstream server\'s methods to agents over the Model Context Protocol: a tool per unary and server-streaming method, and conversation tools for the streaming ones (stdio, or Streamable HTTP with --listen)'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "proxy" -d 'A transparent gRPC proxy for any method: prints the calls passing through (--print) and records each one (--record) for serve --replay and check'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "check" -d 'Replay recordings against a server: send each one\'s questions as it sent them and compare the answers and status with the recorded ones; exit 1 if any call differs'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "completions" -d 'Print a completion script for a shell'
complete -c grpc-convo -n "__fish_grpc_convo_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l addr -d 'Address to listen on; port 0 picks a free port, printed as "listening on ADDRESS" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l max-conversations -d 'Conversations in progress at once; one more gets RESOURCE_EXHAUSTED "server busy"' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l max-conversations-per-connection -d 'Conversations at once on one connection; a client queues the next until one ends (HTTP/2\'s SETTINGS_MAX_CONCURRENT_STREAMS) [default: no limit but --max-conversations]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l max-connections -d 'Connections open at once; one more is closed as soon as it is accepted, with a log line (one a second at most)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l handshake-timeout -d 'Close a connection that has not finished TLS and sent HTTP/2\'s preface and SETTINGS within this long' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l idle-timeout -d 'End a conversation with DEADLINE_EXCEEDED after this long without a question; one whose answer waits for the client\'s window that long as well is reset [default: off]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l max-side-calls -d 'Health, reflection and other calls that are not conversations, in progress at once across the server; one more gets RESOURCE_EXHAUSTED' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l side-call-idle -d 'Reset a health, reflection or other call that is not a conversation when its request stays open this long without a message, or its answer waits this long for the client\'s window' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l keepalive -d 'Interval of HTTP/2 pings, so that dead clients are noticed: one not answered within this long (20 s at most) closes the connection; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l grace -d 'On SIGINT or SIGTERM, how long conversations in progress may go on before they are ended with UNAVAILABLE' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l allow-origin -d 'Let pages from this origin call serve from a browser, over gRPC-Web or Connect (repeatable; "*" for any): their preflight is answered. A request from any other origin is refused with 403' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l metrics-listen -d 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l log-format -d 'Format of the log lines on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l tls-cert -d 'Serve over TLS with this certificate chain, in PEM (with --tls-key)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l tls-key -d 'Private key of --tls-cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l client-ca -d 'Mutual TLS: require every client to present a certificate signed by a CA in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l token-file -d 'Require "authorization: Bearer TOKEN" on every conversation, TOKEN being this file\'s content (or GRPC_CONVO_TOKEN\'s); missing or wrong gets UNAUTHENTICATED. Health checks and reflection stay open' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l replay -d 'Answer every method recorded in these recordings (files, or directories of them; repeatable) as recorded: a mock server. Reflection lists the recorded services' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l replay-timing -d 'When replayed answers go: none (as soon as the question they followed is in), recorded (at their offset in the recording), or xN (N times as fast)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l match-ignore -d 'Leave this field out when matching a call\'s questions to the recordings (repeatable): field names joined by dots, as meta.request_id' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l kill-grace -d 'With a COMMAND: after SIGTERM, how long a conversation\'s process may take to exit before SIGKILL' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l method -d 'Serve this method of the --proto/--protoset files (pkg.Service/Method or pkg.Service.Method), each call with its own process of COMMAND (repeatable); without --method, serve answers proto.Stream/Conversations' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l field -d 'The request field whose text the process reads as a line [default: the request\'s only string field]; METHOD: applies it to that method only' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l answer-field -d 'The response field each line the process writes fills (any scalar type, parsed as ask\'s --field parses it) [default: the response\'s only string field]; METHOD: applies it to that method only' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l set -d 'A fixed value in every response, as PATH=VALUE (repeatable); METHOD: applies it to that method only' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l process-format -d 'What the process reads and writes for a bridged method: text (one field as a line), or json (each request and response as one line of protobuf JSON)' -r -f -a "text\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l separator -d 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \\t]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l bytes -d 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)' -r -f -a "raw\t''
base64\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l compress-answers -d 'Compress answers with the encoding the client accepts (grpc-accept-encoding: gzip or zstd); compressed questions are accepted either way'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -l no-reflection -d 'Do not serve gRPC server reflection (v1 and v1alpha)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand serve" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l parallel -d 'Unary methods: calls in flight at once on the connection; answers still print in question order' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l timeout -d 'Deadline for the whole conversation (500ms, 10s, 2m), sent to the server as grpc-timeout' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s o -l output -d 'How answers are printed: text, or json (each response as one line of protobuf JSON with every field written, such as {"answer":"..."}, which survives answers holding newlines; a failed conversation\'s status goes to stderr as {"code":...,"number":...,"message":...})' -r -f -a "text\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l input -d 'How questions are read: lines (each line is a question), or json (each line is a whole request in protobuf JSON, such as {"question":"..."}, as grpcurl -d @ reads; blank lines are skipped)' -r -f -a "lines\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l max-answers -d 'After the N-th answer is printed, cancel the conversation and exit 0' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l until -d 'After the first answer matching REGEX is printed, cancel the conversation and exit 0; if the conversation ends without one, exit 1' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l idle-timeout -d 'Once a question has been sent, give up (exit 124) when no answer comes and no question goes for DURATION' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l transcript -d 'Write every question and answer, and the final status, to FILE as JSON Lines, each with a millisecond offset from the start' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l method -d 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server\'s reflection (the default method is known without either)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l field -d 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line\'s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request\'s only string field]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l set -d 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l separator -d 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \\t]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l bytes -d 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)' -r -f -a "raw\t''
base64\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l answer-field -d 'A response field each answer prints, as a dotted path: a string as it is, bytes as --bytes says, a number or bool as text, an enum by name, a message or a whole repeated field in JSON; repeat to print several, joined by --separator; a path through a repeated field (kvs.value) prints a line per element [default: a response that is one string field prints as its text, any other whole in JSON]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l compress -d 'Compress each question with this encoding (the server must accept it, as grpc-go\'s, grpc-java\'s and grpcio\'s servers do gzip); compressed answers are accepted either way' -r -f -a "gzip\t''
zstd\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l traceparent -d 'Send this W3C traceparent (00-TRACE_ID-PARENT_ID-FLAGS) on every call; serve logs it and hands it to a bridged process as TRACEPARENT' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s 0 -l null -d 'Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l lockstep -d 'Send each question only after the previous one is answered (for servers that answer every question exactly once)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l stats -d 'When the conversation ends, print questions sent, answers received, elapsed time and answers per second on stderr'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l show-metadata -d 'Print the response headers and trailers on stderr, a "name: value" line each (binary ones in base64), after the answers that came before them'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l keep-open -d 'At the end of input, do not half-close: wait for the server to end the conversation (or --timeout, --max-answers, --until, --idle-timeout)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l proto-names -d 'With -o json: keep field names as written in the .proto instead of their JSON names'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -l trace -d 'Start a new trace for each conversation (a new traceparent, sampled); ask shows it with --show-metadata and records it in --transcript'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand ask" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s c -l conversations -d 'Conversations at once; for a method that is not bidirectional, slots that each make their calls one after another' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s n -l questions -d 'Questions in each conversation (bidirectional), questions in each call (client streaming), or calls by each slot (server streaming, unary) [default: 1000]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l duration -d 'Instead of -n: each conversation or slot goes on for this long (client streaming: calls of -n questions start until then, and each one started sends all of them)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l payload -d 'Bytes in each generated question' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l questions-file -d 'Questions from FILE instead of generated ones, its lines cycled through the run: each fills --field, or with --input json is the whole request' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l input -d 'How --questions-file is read: lines (each line is a question\'s text), or json (each line is a whole request in protobuf JSON; blank lines are skipped)' -r -f -a "lines\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l connections -d 'HTTP/2 connections the conversations are spread over' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate -d 'Questions per second over all conversations, each on schedule: latency then counts from when a question was due, so a stalled server cannot hide (no coordinated omission)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate-schedule -d 'A rate that changes over the run (needs --duration): step rises from --rate-start by --rate-step every --rate-step-duration up to --rate-end; line rises evenly from --rate-start to --rate-end over the whole --duration' -r -f -a "step\t'In steps of --rate-step every --rate-step-duration'
line\t'Evenly over the whole --duration'"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate-start -d 'The schedule\'s first rate, questions per second' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate-end -d 'The schedule\'s last rate, kept from when it is reached to the end of the run' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate-step -d 'step: how much the rate changes at each step (negative to fall)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l rate-step-duration -d 'step: how long each rate lasts' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l conversations-start -d 'Open only this many conversations at first, then --conversations-step more every --conversations-step-duration, up to -c (needs --duration; not with a rate, whose questions are shared by all -c conversations from the start)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l conversations-step -d 'Conversations added at each step' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l conversations-step-duration -d 'How long between two steps' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l answers-per-question -d 'Bidirectional: how many answers the server gives each question. A conversation that ends with any other count fails the run (exit 1), since answer k is then not the answer to question k and per-question latency means nothing' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l interval -d 'While the run goes on, print one line on stderr per interval this long (answers/s, p50 and p99 in that interval, errors, conversations open), in place of the progress bar; the report carries the series' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l html -d 'Also write the report as one self-contained HTML page to FILE: settings, summary, a latency percentile plot, throughput and p99 over time (with --interval), errors by status' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l threshold -d 'Fail the run (exit 5) unless this holds, once it is over (repeatable): FIGURE then <, <=, >, >= or =, then a bound. Figures: pNN (p50, p99.9) and mean and max of the latency, with a unit (ns, us, ms, s); errors, as a share (0.1%) of the conversations or calls, or a count; rate, per second (answers, or questions when client streaming, or calls); unpaired; mismatches. Every report marks each one met or missed, with the figure measured. A threshold on errors (or unpaired) lets the run pass with them' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l metrics-listen -d 'Serve the run\'s counts and latency histogram at http://ADDR/metrics while it goes on (Prometheus text; HOST:PORT, :PORT or unix:PATH)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l metrics-linger -d 'After the run, keep --metrics-listen up until it has been scraped once more, for this long at most, so that a scraper gets the final figures' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l shard -d 'Run only shard K of N (K from 0): the conversations (or slots) K, K+N, K+2N, ... of -c, with their connections and their share of --rate, so that N workers with the same flags make the load of one bench; `bench merge` adds their --save records up' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l start-at -d 'Wait until TIME (RFC 3339, as 2026-11-29T10:00:00Z, or Unix seconds) to start, once connected, so that workers start together; a time more than a second past is refused' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l save -d 'Write the whole record of the run to FILE as JSON (settings, shard, start and end, counts, errors, HDR histograms in their compressed base64 form, intervals), for `bench merge`; `-` writes it to stdout in place of the report' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s o -l output -d 'Report format: text, or json (one object)' -r -f -a "text\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l method -d 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server\'s reflection (the default method is known without either)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l field -d 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line\'s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request\'s only string field]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l set -d 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l separator -d 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \\t]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l bytes -d 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)' -r -f -a "raw\t''
base64\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l compress -d 'Compress each question with this encoding (the server must accept it, as grpc-go\'s, grpc-java\'s and grpcio\'s servers do gzip); compressed answers are accepted either way' -r -f -a "gzip\t''
zstd\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l traceparent -d 'Send this W3C traceparent (00-TRACE_ID-PARENT_ID-FLAGS) on every call; serve logs it and hands it to a bridged process as TRACEPARENT' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l lockstep -d 'Send each question only after the previous one is answered (measures round trips; bidirectional methods)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l check -d 'Verify that every answer is the echo server\'s answer to its question (the tutorial\'s method only)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -l trace -d 'Start a new trace for each conversation (a new traceparent, sampled); ask shows it with --show-metadata and records it in --transcript'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -f -a "merge" -d 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers\' wall time, intervals aligned on time'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and not __fish_seen_subcommand_from merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from merge" -s o -l output -d 'Report format: text, or json (one object)' -r -f -a "text\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from merge" -l html -d 'Also write the report as one self-contained HTML page to FILE' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from merge" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from merge" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers\' wall time, intervals aligned on time'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand list" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand describe" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l timeout -d 'Deadline for the check (or the whole watch), sent to the server as grpc-timeout' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l watch -d 'Follow the status with Health/Watch: one line each time it changes, until the server ends the stream (the exit status is then the last status\'s)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand health" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l listen -d 'Address the page and the WebSocket API listen on (HTTP/1.1): HOST:PORT, :PORT or unix:PATH; port 0 picks a free port, printed as "web page at URL" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l method -d 'Offer only this method (pkg.Service/Method; repeatable) [default: every method the upstream\'s reflection or the files know]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l allow-origin -d 'Let pages from ORIGIN (scheme://host[:port]) open conversations too (repeatable); the page\'s own origin always may' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l allow-host -d 'Answer requests whose Host is NAME too (repeatable; a name or address, any port). Only localhost, 127.0.0.1, [::1] and the address listened on are answered otherwise: any other Host gets 403, so that a page whose name was re-pointed at this machine (DNS rebinding) cannot drive the gateway' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l web-token-file -d 'Require the token in FILE from the browser (the page asks once): needed to listen on an address that is not loopback or a Unix socket' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l web-tls-cert -d 'Serve the page over HTTPS with this certificate chain (PEM), with --web-tls-key' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l web-tls-key -d 'The private key (PEM) of --web-tls-cert' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l max-conversations -d 'Conversations in progress at once; one more is refused (WebSocket close 1013)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l max-connections -d 'Connections open at once; one more is closed as soon as it is accepted, with a log line (one a second at most)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l ping-interval -d 'Ping a conversation\'s socket this often while its answers wait; one not heard from since the last ping, or that takes no message for this long, is closed' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l metrics-listen -d 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l log-format -d 'Format of the log lines on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l pass-authorization -d 'Let the browser\'s metadata carry authorization (by default the upstream\'s credentials are the gateway\'s alone)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand web" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l listen -d 'Speak MCP over Streamable HTTP at http://ADDR/mcp (HOST:PORT, :PORT or unix:PATH) instead of stdio; port 0 picks a free port, printed as "mcp at URL" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l method -d 'Offer only this method (pkg.Service/Method; repeatable) [default: every method the upstream\'s reflection or the files know]' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l allow-host -d 'With --listen: answer requests whose Host is NAME too (repeatable). Only localhost, 127.0.0.1, ::1 and the address listened on are answered otherwise (DNS rebinding)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l allow-origin -d 'With --listen: let pages from ORIGIN (scheme://host:port) call (repeatable); any other Origin is refused with 403' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l mcp-token-file -d 'With --listen: require "Authorization: Bearer TOKEN", TOKEN being this file\'s content; needed to listen on an address that is not loopback or a Unix socket' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l conversation-idle -d 'Cancel a conversation no tool has touched for this long' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l max-conversations -d 'Conversations open at once, across sessions; open_conversation past them is refused' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l log-format -d 'Format of the log lines on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l listen -d 'Address to listen on (HTTP/2 without TLS): HOST:PORT, :PORT or unix:PATH; port 0 picks a free port, printed as "listening on ADDRESS" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s o -l output -d 'Format of the printed lines' -r -f -a "text\t''
json\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l record -d 'Record each call: in a file of its own in DIR (a directory, or a path ending in /, made if need be), or all in FILE (emptied first)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l max-connections -d 'Client connections open at once; one more is closed as soon as it is accepted' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l grace -d 'On SIGINT or SIGTERM, how long calls in progress may go on before they are cut' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l metrics-listen -d 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l log-format -d 'Format of the log lines on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l proto -d 'A .proto file that defines the method\'s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s I -l import-path -d 'Where --proto files and their imports are found (repeatable); each --proto file\'s own directory is searched too' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l protoset -d 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l upstream -d 'Server to forward every call to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l print -d 'Print each message as it passes, one line each [default: when stdout is a terminal]'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l no-print -d 'Print nothing'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand proxy" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l match-ignore -d 'Leave this field out when comparing answers (repeatable): field names joined by dots, as meta.request_id; through a repeated field, the field of each element' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l junit -d 'Write the outcome as JUnit XML: a test case per recording, the diff in its failure' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l wait -d 'How long to wait for an answer the recording has before the next question, or for the call\'s end' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l addr -d 'Server to talk to' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l connect-timeout -d 'How long to wait for the connection to the server: TCP, TLS and the server\'s first HTTP/2 frame' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l keepalive -d 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l ca-cert -d 'Connect with TLS, trusting only the CA certificate(s) in this PEM file' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l tls-server-name -d 'The name to verify in the server\'s certificate, when it differs from the address (and from --authority); implies --tls' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l authority -d 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server\'s certificate unless --tls-server-name is given' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l protocol -d 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy\'s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form' -r -f -a "grpc\t''
grpc-web\t''
connect\t''"
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l cert -d 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l key -d 'Private key of --cert, in PEM' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l token-file -d 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user' -r -F
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -s H -l header -d 'Request metadata, as \'name: value\' (repeatable); names ending in -bin take base64 values' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l max-message-size -d 'Largest message sent or received, in bytes (encoded protobuf)' -r
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l check-metadata -d 'Compare the response headers and trailers too'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l update -d 'Record each call again from the server\'s answers, headers, trailers and status, in place'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l wait-ready -d 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l tls -d 'Connect with TLS, trusting the system\'s root certificates'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l insecure -d 'Connect with TLS and verify nothing of the server\'s certificate (a development server\'s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l http1 -d 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -l allow-plaintext-token -d 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand check" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand completions" -s v -l verbose -d 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand completions" -s h -l help -d 'Print help'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand completions" -s V -l version -d 'Print version'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "serve" -d 'Answer conversations on proto.Stream/Conversations'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "ask" -d 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "bench" -d 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "list" -d 'List a server\'s services (by reflection, or from --proto/--protoset files), or the methods of one'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "describe" -d 'Show a service, method, message or enum in proto syntax'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "health" -d 'Check a server\'s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "web" -d 'Converse with any gRPC server from a browser: a page and a WebSocket API in front of the upstream server (--addr)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "mcp" -d 'Offer the upstream server\'s methods to agents over the Model Context Protocol: a tool per unary and server-streaming method, and conversation tools for the streaming ones (stdio, or Streamable HTTP with --listen)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "proxy" -d 'A transparent gRPC proxy for any method: prints the calls passing through (--print) and records each one (--record) for serve --replay and check'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "check" -d 'Replay recordings against a server: send each one\'s questions as it sent them and compare the answers and status with the recorded ones; exit 1 if any call differs'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "completions" -d 'Print a completion script for a shell'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and not __fish_seen_subcommand_from serve ask bench list describe health web mcp proxy check completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grpc-convo -n "__fish_grpc_convo_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "merge" -d 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers\' wall time, intervals aligned on time'
