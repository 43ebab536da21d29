
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'grpc-convo' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'grpc-convo'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'grpc-convo' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer conversations on proto.Stream/Conversations')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a server''s services (by reflection, or from --proto/--protoset files), or the methods of one')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a service, method, message or enum in proto syntax')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check a server''s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other')
            [CompletionResult]::new('web', 'web', [CompletionResultType]::ParameterValue, 'Converse with any gRPC server from a browser: a page and a WebSocket API in front of the upstream server (--addr)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Offer the upstream server''s methods to agents over the Model Context Protocol: a tool per unary and server-streaming method, and conversation tools for the streaming ones (stdio, or Streamable HTTP with --listen)')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'A transparent gRPC proxy for any method: prints the calls passing through (--print) and records each one (--record) for serve --replay and check')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Replay recordings against a server: send each one''s questions as it sent them and compare the answers and status with the recorded ones; exit 1 if any call differs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for a shell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grpc-convo;serve' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Address to listen on; port 0 picks a free port, printed as "listening on ADDRESS" on stderr')
            [CompletionResult]::new('--max-conversations', '--max-conversations', [CompletionResultType]::ParameterName, 'Conversations in progress at once; one more gets RESOURCE_EXHAUSTED "server busy"')
            [CompletionResult]::new('--max-conversations-per-connection', '--max-conversations-per-connection', [CompletionResultType]::ParameterName, 'Conversations at once on one connection; a client queues the next until one ends (HTTP/2''s SETTINGS_MAX_CONCURRENT_STREAMS) [default: no limit but --max-conversations]')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once; one more is closed as soon as it is accepted, with a log line (one a second at most)')
            [CompletionResult]::new('--handshake-timeout', '--handshake-timeout', [CompletionResultType]::ParameterName, 'Close a connection that has not finished TLS and sent HTTP/2''s preface and SETTINGS within this long')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'End a conversation with DEADLINE_EXCEEDED after this long without a question; one whose answer waits for the client''s window that long as well is reset [default: off]')
            [CompletionResult]::new('--max-side-calls', '--max-side-calls', [CompletionResultType]::ParameterName, 'Health, reflection and other calls that are not conversations, in progress at once across the server; one more gets RESOURCE_EXHAUSTED')
            [CompletionResult]::new('--side-call-idle', '--side-call-idle', [CompletionResultType]::ParameterName, 'Reset a health, reflection or other call that is not a conversation when its request stays open this long without a message, or its answer waits this long for the client''s window')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings, so that dead clients are noticed: one not answered within this long (20 s at most) closes the connection; 0 sends none')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On SIGINT or SIGTERM, how long conversations in progress may go on before they are ended with UNAVAILABLE')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'Let pages from this origin call serve from a browser, over gRPC-Web or Connect (repeatable; "*" for any): their preflight is answered. A request from any other origin is refused with 403')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the log lines on stderr')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve over TLS with this certificate chain, in PEM (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'Private key of --tls-cert, in PEM')
            [CompletionResult]::new('--client-ca', '--client-ca', [CompletionResultType]::ParameterName, 'Mutual TLS: require every client to present a certificate signed by a CA in this PEM file')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Require "authorization: Bearer TOKEN" on every conversation, TOKEN being this file''s content (or GRPC_CONVO_TOKEN''s); missing or wrong gets UNAUTHENTICATED. Health checks and reflection stay open')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Answer every method recorded in these recordings (files, or directories of them; repeatable) as recorded: a mock server. Reflection lists the recorded services')
            [CompletionResult]::new('--replay-timing', '--replay-timing', [CompletionResultType]::ParameterName, 'When replayed answers go: none (as soon as the question they followed is in), recorded (at their offset in the recording), or xN (N times as fast)')
            [CompletionResult]::new('--match-ignore', '--match-ignore', [CompletionResultType]::ParameterName, 'Leave this field out when matching a call''s questions to the recordings (repeatable): field names joined by dots, as meta.request_id')
            [CompletionResult]::new('--kill-grace', '--kill-grace', [CompletionResultType]::ParameterName, 'With a COMMAND: after SIGTERM, how long a conversation''s process may take to exit before SIGKILL')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Serve this method of the --proto/--protoset files (pkg.Service/Method or pkg.Service.Method), each call with its own process of COMMAND (repeatable); without --method, serve answers proto.Stream/Conversations')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'The request field whose text the process reads as a line [default: the request''s only string field]; METHOD: applies it to that method only')
            [CompletionResult]::new('--answer-field', '--answer-field', [CompletionResultType]::ParameterName, 'The response field each line the process writes fills (any scalar type, parsed as ask''s --field parses it) [default: the response''s only string field]; METHOD: applies it to that method only')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'A fixed value in every response, as PATH=VALUE (repeatable); METHOD: applies it to that method only')
            [CompletionResult]::new('--process-format', '--process-format', [CompletionResultType]::ParameterName, 'What the process reads and writes for a bridged method: text (one field as a line), or json (each request and response as one line of protobuf JSON)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)')
            [CompletionResult]::new('--compress-answers', '--compress-answers', [CompletionResultType]::ParameterName, 'Compress answers with the encoding the client accepts (grpc-accept-encoding: gzip or zstd); compressed questions are accepted either way')
            [CompletionResult]::new('--no-reflection', '--no-reflection', [CompletionResultType]::ParameterName, 'Do not serve gRPC server reflection (v1 and v1alpha)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;ask' {
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Unary methods: calls in flight at once on the connection; answers still print in question order')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for the whole conversation (500ms, 10s, 2m), sent to the server as grpc-timeout')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'How answers are printed: text, or json (each response as one line of protobuf JSON with every field written, such as {"answer":"..."}, which survives answers holding newlines; a failed conversation''s status goes to stderr as {"code":...,"number":...,"message":...})')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How answers are printed: text, or json (each response as one line of protobuf JSON with every field written, such as {"answer":"..."}, which survives answers holding newlines; a failed conversation''s status goes to stderr as {"code":...,"number":...,"message":...})')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'How questions are read: lines (each line is a question), or json (each line is a whole request in protobuf JSON, such as {"question":"..."}, as grpcurl -d @ reads; blank lines are skipped)')
            [CompletionResult]::new('--max-answers', '--max-answers', [CompletionResultType]::ParameterName, 'After the N-th answer is printed, cancel the conversation and exit 0')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'After the first answer matching REGEX is printed, cancel the conversation and exit 0; if the conversation ends without one, exit 1')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Once a question has been sent, give up (exit 124) when no answer comes and no question goes for DURATION')
            [CompletionResult]::new('--transcript', '--transcript', [CompletionResultType]::ParameterName, 'Write every question and answer, and the final status, to FILE as JSON Lines, each with a millisecond offset from the start')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server''s reflection (the default method is known without either)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line''s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request''s only string field]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)')
            [CompletionResult]::new('--answer-field', '--answer-field', [CompletionResultType]::ParameterName, 'A response field each answer prints, as a dotted path: a string as it is, bytes as --bytes says, a number or bool as text, an enum by name, a message or a whole repeated field in JSON; repeat to print several, joined by --separator; a path through a repeated field (kvs.value) prints a line per element [default: a response that is one string field prints as its text, any other whole in JSON]')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--compress', '--compress', [CompletionResultType]::ParameterName, 'Compress each question with this encoding (the server must accept it, as grpc-go''s, grpc-java''s and grpcio''s servers do gzip); compressed answers are accepted either way')
            [CompletionResult]::new('--traceparent', '--traceparent', [CompletionResultType]::ParameterName, 'Send this W3C traceparent (00-TRACE_ID-PARENT_ID-FLAGS) on every call; serve logs it and hands it to a bridged process as TRACEPARENT')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)')
            [CompletionResult]::new('--lockstep', '--lockstep', [CompletionResultType]::ParameterName, 'Send each question only after the previous one is answered (for servers that answer every question exactly once)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'When the conversation ends, print questions sent, answers received, elapsed time and answers per second on stderr')
            [CompletionResult]::new('--show-metadata', '--show-metadata', [CompletionResultType]::ParameterName, 'Print the response headers and trailers on stderr, a "name: value" line each (binary ones in base64), after the answers that came before them')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'At the end of input, do not half-close: wait for the server to end the conversation (or --timeout, --max-answers, --until, --idle-timeout)')
            [CompletionResult]::new('--proto-names', '--proto-names', [CompletionResultType]::ParameterName, 'With -o json: keep field names as written in the .proto instead of their JSON names')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Start a new trace for each conversation (a new traceparent, sampled); ask shows it with --show-metadata and records it in --transcript')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;bench' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Conversations at once; for a method that is not bidirectional, slots that each make their calls one after another')
            [CompletionResult]::new('--conversations', '--conversations', [CompletionResultType]::ParameterName, 'Conversations at once; for a method that is not bidirectional, slots that each make their calls one after another')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Questions in each conversation (bidirectional), questions in each call (client streaming), or calls by each slot (server streaming, unary) [default: 1000]')
            [CompletionResult]::new('--questions', '--questions', [CompletionResultType]::ParameterName, 'Questions in each conversation (bidirectional), questions in each call (client streaming), or calls by each slot (server streaming, unary) [default: 1000]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Instead of -n: each conversation or slot goes on for this long (client streaming: calls of -n questions start until then, and each one started sends all of them)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Bytes in each generated question')
            [CompletionResult]::new('--questions-file', '--questions-file', [CompletionResultType]::ParameterName, 'Questions from FILE instead of generated ones, its lines cycled through the run: each fills --field, or with --input json is the whole request')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'How --questions-file is read: lines (each line is a question''s text), or json (each line is a whole request in protobuf JSON; blank lines are skipped)')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'HTTP/2 connections the conversations are spread over')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Questions per second over all conversations, each on schedule: latency then counts from when a question was due, so a stalled server cannot hide (no coordinated omission)')
            [CompletionResult]::new('--rate-schedule', '--rate-schedule', [CompletionResultType]::ParameterName, 'A rate that changes over the run (needs --duration): step rises from --rate-start by --rate-step every --rate-step-duration up to --rate-end; line rises evenly from --rate-start to --rate-end over the whole --duration')
            [CompletionResult]::new('--rate-start', '--rate-start', [CompletionResultType]::ParameterName, 'The schedule''s first rate, questions per second')
            [CompletionResult]::new('--rate-end', '--rate-end', [CompletionResultType]::ParameterName, 'The schedule''s last rate, kept from when it is reached to the end of the run')
            [CompletionResult]::new('--rate-step', '--rate-step', [CompletionResultType]::ParameterName, 'step: how much the rate changes at each step (negative to fall)')
            [CompletionResult]::new('--rate-step-duration', '--rate-step-duration', [CompletionResultType]::ParameterName, 'step: how long each rate lasts')
            [CompletionResult]::new('--conversations-start', '--conversations-start', [CompletionResultType]::ParameterName, 'Open only this many conversations at first, then --conversations-step more every --conversations-step-duration, up to -c (needs --duration; not with a rate, whose questions are shared by all -c conversations from the start)')
            [CompletionResult]::new('--conversations-step', '--conversations-step', [CompletionResultType]::ParameterName, 'Conversations added at each step')
            [CompletionResult]::new('--conversations-step-duration', '--conversations-step-duration', [CompletionResultType]::ParameterName, 'How long between two steps')
            [CompletionResult]::new('--answers-per-question', '--answers-per-question', [CompletionResultType]::ParameterName, 'Bidirectional: how many answers the server gives each question. A conversation that ends with any other count fails the run (exit 1), since answer k is then not the answer to question k and per-question latency means nothing')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'While the run goes on, print one line on stderr per interval this long (answers/s, p50 and p99 in that interval, errors, conversations open), in place of the progress bar; the report carries the series')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write the report as one self-contained HTML page to FILE: settings, summary, a latency percentile plot, throughput and p99 over time (with --interval), errors by status')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Fail the run (exit 5) unless this holds, once it is over (repeatable): FIGURE then <, <=, >, >= or =, then a bound. Figures: pNN (p50, p99.9) and mean and max of the latency, with a unit (ns, us, ms, s); errors, as a share (0.1%) of the conversations or calls, or a count; rate, per second (answers, or questions when client streaming, or calls); unpaired; mismatches. Every report marks each one met or missed, with the figure measured. A threshold on errors (or unpaired) lets the run pass with them')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve the run''s counts and latency histogram at http://ADDR/metrics while it goes on (Prometheus text; HOST:PORT, :PORT or unix:PATH)')
            [CompletionResult]::new('--metrics-linger', '--metrics-linger', [CompletionResultType]::ParameterName, 'After the run, keep --metrics-listen up until it has been scraped once more, for this long at most, so that a scraper gets the final figures')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run only shard K of N (K from 0): the conversations (or slots) K, K+N, K+2N, ... of -c, with their connections and their share of --rate, so that N workers with the same flags make the load of one bench; `bench merge` adds their --save records up')
            [CompletionResult]::new('--start-at', '--start-at', [CompletionResultType]::ParameterName, 'Wait until TIME (RFC 3339, as 2026-11-29T10:00:00Z, or Unix seconds) to start, once connected, so that workers start together; a time more than a second past is refused')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write the whole record of the run to FILE as JSON (settings, shard, start and end, counts, errors, HDR histograms in their compressed base64 form, intervals), for `bench merge`; `-` writes it to stdout in place of the report')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format: text, or json (one object)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format: text, or json (one object)')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server''s reflection (the default method is known without either)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line''s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request''s only string field]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--compress', '--compress', [CompletionResultType]::ParameterName, 'Compress each question with this encoding (the server must accept it, as grpc-go''s, grpc-java''s and grpcio''s servers do gzip); compressed answers are accepted either way')
            [CompletionResult]::new('--traceparent', '--traceparent', [CompletionResultType]::ParameterName, 'Send this W3C traceparent (00-TRACE_ID-PARENT_ID-FLAGS) on every call; serve logs it and hands it to a bridged process as TRACEPARENT')
            [CompletionResult]::new('--lockstep', '--lockstep', [CompletionResultType]::ParameterName, 'Send each question only after the previous one is answered (measures round trips; bidirectional methods)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Verify that every answer is the echo server''s answer to its question (the tutorial''s method only)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Start a new trace for each conversation (a new traceparent, sampled); ask shows it with --show-metadata and records it in --transcript')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grpc-convo;bench;merge' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format: text, or json (one object)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format: text, or json (one object)')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write the report as one self-contained HTML page to FILE')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;bench;help' {
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grpc-convo;bench;help;merge' {
            break
        }
        'grpc-convo;bench;help;help' {
            break
        }
        'grpc-convo;list' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;describe' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;health' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for the check (or the whole watch), sent to the server as grpc-timeout')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Follow the status with Health/Watch: one line each time it changes, until the server ends the stream (the exit status is then the last status''s)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;web' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address the page and the WebSocket API listen on (HTTP/1.1): HOST:PORT, :PORT or unix:PATH; port 0 picks a free port, printed as "web page at URL" on stderr')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Offer only this method (pkg.Service/Method; repeatable) [default: every method the upstream''s reflection or the files know]')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'Let pages from ORIGIN (scheme://host[:port]) open conversations too (repeatable); the page''s own origin always may')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Answer requests whose Host is NAME too (repeatable; a name or address, any port). Only localhost, 127.0.0.1, [::1] and the address listened on are answered otherwise: any other Host gets 403, so that a page whose name was re-pointed at this machine (DNS rebinding) cannot drive the gateway')
            [CompletionResult]::new('--web-token-file', '--web-token-file', [CompletionResultType]::ParameterName, 'Require the token in FILE from the browser (the page asks once): needed to listen on an address that is not loopback or a Unix socket')
            [CompletionResult]::new('--web-tls-cert', '--web-tls-cert', [CompletionResultType]::ParameterName, 'Serve the page over HTTPS with this certificate chain (PEM), with --web-tls-key')
            [CompletionResult]::new('--web-tls-key', '--web-tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --web-tls-cert')
            [CompletionResult]::new('--max-conversations', '--max-conversations', [CompletionResultType]::ParameterName, 'Conversations in progress at once; one more is refused (WebSocket close 1013)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once; one more is closed as soon as it is accepted, with a log line (one a second at most)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Ping a conversation''s socket this often while its answers wait; one not heard from since the last ping, or that takes no message for this long, is closed')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the log lines on stderr')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--pass-authorization', '--pass-authorization', [CompletionResultType]::ParameterName, 'Let the browser''s metadata carry authorization (by default the upstream''s credentials are the gateway''s alone)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;mcp' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Speak MCP over Streamable HTTP at http://ADDR/mcp (HOST:PORT, :PORT or unix:PATH) instead of stdio; port 0 picks a free port, printed as "mcp at URL" on stderr')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Offer only this method (pkg.Service/Method; repeatable) [default: every method the upstream''s reflection or the files know]')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'With --listen: answer requests whose Host is NAME too (repeatable). Only localhost, 127.0.0.1, ::1 and the address listened on are answered otherwise (DNS rebinding)')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'With --listen: let pages from ORIGIN (scheme://host:port) call (repeatable); any other Origin is refused with 403')
            [CompletionResult]::new('--mcp-token-file', '--mcp-token-file', [CompletionResultType]::ParameterName, 'With --listen: require "Authorization: Bearer TOKEN", TOKEN being this file''s content; needed to listen on an address that is not loopback or a Unix socket')
            [CompletionResult]::new('--conversation-idle', '--conversation-idle', [CompletionResultType]::ParameterName, 'Cancel a conversation no tool has touched for this long')
            [CompletionResult]::new('--max-conversations', '--max-conversations', [CompletionResultType]::ParameterName, 'Conversations open at once, across sessions; open_conversation past them is refused')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the log lines on stderr')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;proxy' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (HTTP/2 without TLS): HOST:PORT, :PORT or unix:PATH; port 0 picks a free port, printed as "listening on ADDRESS" on stderr')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of the printed lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the printed lines')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Record each call: in a file of its own in DIR (a directory, or a path ending in /, made if need be), or all in FILE (emptied first)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Client connections open at once; one more is closed as soon as it is accepted')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On SIGINT or SIGTERM, how long calls in progress may go on before they are cut')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT, :PORT or unix:PATH; a listener of its own, never the gRPC port); port 0 picks a free port, printed as "metrics at URL" on stderr')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the log lines on stderr')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--import-path', '--import-path', [CompletionResultType]::ParameterName, 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too')
            [CompletionResult]::new('--protoset', '--protoset', [CompletionResultType]::ParameterName, 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--upstream', '--upstream', [CompletionResultType]::ParameterName, 'Server to forward every call to')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print each message as it passes, one line each [default: when stdout is a terminal]')
            [CompletionResult]::new('--no-print', '--no-print', [CompletionResultType]::ParameterName, 'Print nothing')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;check' {
            [CompletionResult]::new('--match-ignore', '--match-ignore', [CompletionResultType]::ParameterName, 'Leave this field out when comparing answers (repeatable): field names joined by dots, as meta.request_id; through a repeated field, the field of each element')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write the outcome as JUnit XML: a test case per recording, the diff in its failure')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for an answer the recording has before the next question, or for the call''s end')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Server to talk to')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting only the CA certificate(s) in this PEM file')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The protocol of the calls: grpc, or grpc-web or connect for servers that answer those (Envoy''s gRPC-Web filter, connect-go and connect-node servers, grpc-convo serve), over the same HTTP/2 connection. Connect sends unary calls in its unary form')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key of --cert, in PEM')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values')
            [CompletionResult]::new('--max-message-size', '--max-message-size', [CompletionResultType]::ParameterName, 'Largest message sent or received, in bytes (encoded protobuf)')
            [CompletionResult]::new('--check-metadata', '--check-metadata', [CompletionResultType]::ParameterName, 'Compare the response headers and trailers too')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Record each call again from the server''s answers, headers, trailers and status, in place')
            [CompletionResult]::new('--wait-ready', '--wait-ready', [CompletionResultType]::ParameterName, 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS, trusting the system''s root certificates')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token')
            [CompletionResult]::new('--http1', '--http1', [CompletionResultType]::ParameterName, 'Speak --protocol grpc-web or connect over HTTP/1.1, a connection per call in progress (kept for the next one), for servers that answer them on HTTP/1.1 alone. Streams go both ways where the server reads a request while it answers (serve does; many proxies and servers answer only once the request has ended)')
            [CompletionResult]::new('--allow-plaintext-token', '--allow-plaintext-token', [CompletionResultType]::ParameterName, 'Send the token even without TLS (or with --insecure) to an address that is not this machine')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;completions' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grpc-convo;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer conversations on proto.Stream/Conversations')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a server''s services (by reflection, or from --proto/--protoset files), or the methods of one')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a service, method, message or enum in proto syntax')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check a server''s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other')
            [CompletionResult]::new('web', 'web', [CompletionResultType]::ParameterValue, 'Converse with any gRPC server from a browser: a page and a WebSocket API in front of the upstream server (--addr)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Offer the upstream server''s methods to agents over the Model Context Protocol: a tool per unary and server-streaming method, and conversation tools for the streaming ones (stdio, or Streamable HTTP with --listen)')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'A transparent gRPC proxy for any method: prints the calls passing through (--print) and records each one (--record) for serve --replay and check')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Replay recordings against a server: send each one''s questions as it sent them and compare the answers and status with the recorded ones; exit 1 if any call differs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for a shell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grpc-convo;help;serve' {
            break
        }
        'grpc-convo;help;ask' {
            break
        }
        'grpc-convo;help;bench' {
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time')
            break
        }
        'grpc-convo;help;bench;merge' {
            break
        }
        'grpc-convo;help;list' {
            break
        }
        'grpc-convo;help;describe' {
            break
        }
        'grpc-convo;help;health' {
            break
        }
        'grpc-convo;help;web' {
            break
        }
        'grpc-convo;help;mcp' {
            break
        }
        'grpc-convo;help;proxy' {
            break
        }
        'grpc-convo;help;check' {
            break
        }
        'grpc-convo;help;completions' {
            break
        }
        'grpc-convo;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
