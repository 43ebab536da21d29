
use builtin;
use str;

set edit:completion:arg-completer[grpc-convo] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'grpc-convo'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'grpc-convo'= {
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Answer conversations on proto.Stream/Conversations'
            cand ask 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives'
            cand bench 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles'
            cand list 'List a server''s services (by reflection, or from --proto/--protoset files), or the methods of one'
            cand describe 'Show a service, method, message or enum in proto syntax'
            cand health 'Check a server''s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other'
            cand completions 'Print a completion script for a shell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'grpc-convo;serve'= {
            cand --addr 'Address to listen on; port 0 picks a free port, printed as "listening on ADDRESS" on stderr'
            cand --max-message-size 'Largest message sent or received, in bytes (encoded protobuf)'
            cand --max-conversations 'Conversations in progress at once; one more gets RESOURCE_EXHAUSTED "server busy"'
            cand --max-conversations-per-connection 'Conversations at once on one connection; a client queues the next until one ends (HTTP/2''s SETTINGS_MAX_CONCURRENT_STREAMS) [default: no limit but --max-conversations]'
            cand --max-connections 'Connections open at once; one more is closed as soon as it is accepted, with a log line (one a second at most)'
            cand --handshake-timeout 'Close a connection that has not finished TLS and sent HTTP/2''s preface and SETTINGS within this long'
            cand --idle-timeout 'End a conversation with DEADLINE_EXCEEDED after this long without a question [default: off]'
            cand --keepalive 'Interval of HTTP/2 pings, so that dead clients are noticed: one not answered within this long (20 s at most) closes the connection; 0 sends none'
            cand --grace 'On SIGINT or SIGTERM, how long conversations in progress may go on before they are ended with UNAVAILABLE'
            cand --log-format 'Format of the log lines on stderr'
            cand --tls-cert 'Serve over TLS with this certificate chain, in PEM (with --tls-key)'
            cand --tls-key 'Private key of --tls-cert, in PEM'
            cand --client-ca 'Mutual TLS: require every client to present a certificate signed by a CA in this PEM file'
            cand --token-file 'Require "authorization: Bearer TOKEN" on every conversation, TOKEN being this file''s content (or GRPC_CONVO_TOKEN''s); missing or wrong gets UNAUTHENTICATED. Health checks and reflection stay open'
            cand --kill-grace 'With a COMMAND: after SIGTERM, how long a conversation''s process may take to exit before SIGKILL'
            cand --proto 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made'
            cand -I 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --import-path 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --protoset 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)'
            cand --method 'Serve this method of the --proto/--protoset files (pkg.Service/Method or pkg.Service.Method), each call with its own process of COMMAND (repeatable); without --method, serve answers proto.Stream/Conversations'
            cand --field 'The request field whose text the process reads as a line [default: the request''s only string field]; METHOD: applies it to that method only'
            cand --answer-field 'The response field each line the process writes fills (any scalar type, parsed as ask''s --field parses it) [default: the response''s only string field]; METHOD: applies it to that method only'
            cand --set 'A fixed value in every response, as PATH=VALUE (repeatable); METHOD: applies it to that method only'
            cand --separator 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]'
            cand --bytes 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)'
            cand --process-format 'What the process reads and writes for a bridged method: text (one field as a line), or json (each request and response as one line of protobuf JSON)'
            cand --compress-answers 'Compress answers with the encoding the client accepts (grpc-accept-encoding: gzip or zstd); compressed questions are accepted either way'
            cand --no-reflection 'Do not serve gRPC server reflection (v1 and v1alpha)'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;ask'= {
            cand --addr 'Server to talk to'
            cand --connect-timeout 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame'
            cand --keepalive 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none'
            cand --ca-cert 'Connect with TLS, trusting only the CA certificate(s) in this PEM file'
            cand --tls-server-name 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls'
            cand --authority 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given'
            cand --cert 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)'
            cand --key 'Private key of --cert, in PEM'
            cand --token-file 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user'
            cand -H 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --header 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --method 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server''s reflection (the default method is known without either)'
            cand --proto 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made'
            cand -I 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --import-path 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --protoset 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)'
            cand --field 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line''s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request''s only string field]'
            cand --set 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field'
            cand --separator 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]'
            cand --bytes 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)'
            cand --answer-field 'A response field each answer prints, as a dotted path: a string as it is, bytes as --bytes says, a number or bool as text, an enum by name, a message or a whole repeated field in JSON; repeat to print several, joined by --separator; a path through a repeated field (kvs.value) prints a line per element [default: the response''s only string field, else the whole response in JSON]'
            cand --parallel 'Unary methods: calls in flight at once on the connection; answers still print in question order'
            cand --timeout 'Deadline for the whole conversation (500ms, 10s, 2m), sent to the server as grpc-timeout'
            cand --max-message-size 'Largest message sent or received, in bytes (encoded protobuf)'
            cand --compress 'Compress each question with this encoding (the server must accept it, as grpc-go''s, grpc-java''s and grpcio''s servers do gzip); compressed answers are accepted either way'
            cand -o 'How answers are printed: text, or json (each response as one line of protobuf JSON with every field written, such as {"answer":"..."}, which survives answers holding newlines; a failed conversation''s status goes to stderr as {"code":...,"number":...,"message":...})'
            cand --output 'How answers are printed: text, or json (each response as one line of protobuf JSON with every field written, such as {"answer":"..."}, which survives answers holding newlines; a failed conversation''s status goes to stderr as {"code":...,"number":...,"message":...})'
            cand --input 'How questions are read: lines (each line is a question), or json (each line is a whole request in protobuf JSON, such as {"question":"..."}, as grpcurl -d @ reads; blank lines are skipped)'
            cand --max-answers 'After the N-th answer is printed, cancel the conversation and exit 0'
            cand --until 'After the first answer matching REGEX is printed, cancel the conversation and exit 0; if the conversation ends without one, exit 1'
            cand --idle-timeout 'Once a question has been sent, give up (exit 124) when no answer comes and no question goes for DURATION'
            cand --transcript 'Write every question and answer, and the final status, to FILE as JSON Lines, each with a millisecond offset from the start'
            cand --wait-ready 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
            cand --tls 'Connect with TLS, trusting the system''s root certificates'
            cand --insecure 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
            cand --allow-plaintext-token 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
            cand --proto-names 'With -o json: keep field names as written in the .proto instead of their JSON names'
            cand -0 'Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)'
            cand --null 'Questions are separated by NUL bytes and answers end with NUL (find -print0, xargs -0)'
            cand --lockstep 'Send each question only after the previous one is answered (for servers that answer every question exactly once)'
            cand --stats 'When the conversation ends, print questions sent, answers received, elapsed time and answers per second on stderr'
            cand --show-metadata 'Print the response headers and trailers on stderr, a "name: value" line each (binary ones in base64), after the answers that came before them'
            cand --keep-open 'At the end of input, do not half-close: wait for the server to end the conversation (or --timeout, --max-answers, --until, --idle-timeout)'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;bench'= {
            cand --addr 'Server to talk to'
            cand --connect-timeout 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame'
            cand --keepalive 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none'
            cand --ca-cert 'Connect with TLS, trusting only the CA certificate(s) in this PEM file'
            cand --tls-server-name 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls'
            cand --authority 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given'
            cand --cert 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)'
            cand --key 'Private key of --cert, in PEM'
            cand --token-file 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user'
            cand -H 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --header 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --method 'The method, as pkg.Service/Method or pkg.Service.Method; its types come from --proto or --protoset, else from the server''s reflection (the default method is known without either)'
            cand --proto 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made'
            cand -I 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --import-path 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --protoset 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)'
            cand --field 'A field each line fills, as a dotted path (meta.note): a string, bytes (the line''s own), a number, true/false or an enum by name; repeat to cut each line at --separator into several fields, the last taking the rest [default: the request''s only string field]'
            cand --set 'A fixed value in every request, as PATH=VALUE: a number, true/false, an enum by name or number, bytes as --bytes says; repeat for each element of a repeated field'
            cand --separator 'What separates the fields of a line, for several --field or --answer-field [default: a tab, which may be written \t]'
            cand --bytes 'How bytes fields are written in lines, both ways: raw (the bytes themselves) or base64 (also for --set)'
            cand -c 'Conversations at once; for a method that is not bidirectional, slots that each make their calls one after another'
            cand --conversations 'Conversations at once; for a method that is not bidirectional, slots that each make their calls one after another'
            cand -n 'Questions in each conversation (bidirectional), questions in each call (client streaming), or calls by each slot (server streaming, unary) [default: 1000]'
            cand --questions 'Questions in each conversation (bidirectional), questions in each call (client streaming), or calls by each slot (server streaming, unary) [default: 1000]'
            cand --duration 'Instead of -n: each conversation or slot goes on for this long (client streaming: calls of -n questions start until then, and each one started sends all of them)'
            cand --payload 'Bytes in each generated question'
            cand --questions-file 'Questions from FILE instead of generated ones, its lines cycled through the run: each fills --field, or with --input json is the whole request'
            cand --input 'How --questions-file is read: lines (each line is a question''s text), or json (each line is a whole request in protobuf JSON; blank lines are skipped)'
            cand --connections 'HTTP/2 connections the conversations are spread over'
            cand --rate 'Questions per second over all conversations, each on schedule: latency then counts from when a question was due, so a stalled server cannot hide (no coordinated omission)'
            cand --rate-schedule 'A rate that changes over the run (needs --duration): step rises from --rate-start by --rate-step every --rate-step-duration up to --rate-end; line rises evenly from --rate-start to --rate-end over the whole --duration'
            cand --rate-start 'The schedule''s first rate, questions per second'
            cand --rate-end 'The schedule''s last rate, kept from when it is reached to the end of the run'
            cand --rate-step 'step: how much the rate changes at each step (negative to fall)'
            cand --rate-step-duration 'step: how long each rate lasts'
            cand --conversations-start 'Open only this many conversations at first, then --conversations-step more every --conversations-step-duration, up to -c (needs --duration; not with a rate, whose questions are shared by all -c conversations from the start)'
            cand --conversations-step 'Conversations added at each step'
            cand --conversations-step-duration 'How long between two steps'
            cand --answers-per-question 'Bidirectional: how many answers the server gives each question. A conversation that ends with any other count fails the run (exit 1), since answer k is then not the answer to question k and per-question latency means nothing'
            cand --interval 'While the run goes on, print one line on stderr per interval this long (answers/s, p50 and p99 in that interval, errors, conversations open), in place of the progress bar; the report carries the series'
            cand --html 'Also write the report as one self-contained HTML page to FILE: settings, summary, a latency percentile plot, throughput and p99 over time (with --interval), errors by status'
            cand --shard 'Run only shard K of N (K from 0): the conversations (or slots) K, K+N, K+2N, ... of -c, with their connections and their share of --rate, so that N workers with the same flags make the load of one bench; `bench merge` adds their --save records up'
            cand --start-at 'Wait until TIME (RFC 3339, as 2026-11-29T10:00:00Z, or Unix seconds) to start, once connected, so that workers start together; a time more than a second past is refused'
            cand --save 'Write the whole record of the run to FILE as JSON (settings, shard, start and end, counts, errors, HDR histograms in their compressed base64 form, intervals), for `bench merge`; `-` writes it to stdout in place of the report'
            cand -o 'Report format: text, or json (one object)'
            cand --output 'Report format: text, or json (one object)'
            cand --max-message-size 'Largest message sent or received, in bytes (encoded protobuf)'
            cand --compress 'Compress each question with this encoding (the server must accept it, as grpc-go''s, grpc-java''s and grpcio''s servers do gzip); compressed answers are accepted either way'
            cand --wait-ready 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
            cand --tls 'Connect with TLS, trusting the system''s root certificates'
            cand --insecure 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
            cand --allow-plaintext-token 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
            cand --lockstep 'Send each question only after the previous one is answered (measures round trips; bidirectional methods)'
            cand --check 'Verify that every answer is the echo server''s answer to its question (the tutorial''s method only)'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand merge 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'grpc-convo;bench;merge'= {
            cand -o 'Report format: text, or json (one object)'
            cand --output 'Report format: text, or json (one object)'
            cand --html 'Also write the report as one self-contained HTML page to FILE'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;bench;help'= {
            cand merge 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'grpc-convo;bench;help;merge'= {
        }
        &'grpc-convo;bench;help;help'= {
        }
        &'grpc-convo;list'= {
            cand --addr 'Server to talk to'
            cand --connect-timeout 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame'
            cand --keepalive 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none'
            cand --ca-cert 'Connect with TLS, trusting only the CA certificate(s) in this PEM file'
            cand --tls-server-name 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls'
            cand --authority 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given'
            cand --cert 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)'
            cand --key 'Private key of --cert, in PEM'
            cand --token-file 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user'
            cand -H 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --header 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --proto 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made'
            cand -I 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --import-path 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --protoset 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)'
            cand --wait-ready 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
            cand --tls 'Connect with TLS, trusting the system''s root certificates'
            cand --insecure 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
            cand --allow-plaintext-token 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;describe'= {
            cand --addr 'Server to talk to'
            cand --connect-timeout 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame'
            cand --keepalive 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none'
            cand --ca-cert 'Connect with TLS, trusting only the CA certificate(s) in this PEM file'
            cand --tls-server-name 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls'
            cand --authority 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given'
            cand --cert 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)'
            cand --key 'Private key of --cert, in PEM'
            cand --token-file 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user'
            cand -H 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --header 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --proto 'A .proto file that defines the method''s types, parsed at run time (repeatable); given any of --proto or --protoset, no reflection call is made'
            cand -I 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --import-path 'Where --proto files and their imports are found (repeatable); each --proto file''s own directory is searched too'
            cand --protoset 'A FileDescriptorSet, as `protoc -o` or `buf build -o` writes it (repeatable)'
            cand --wait-ready 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
            cand --tls 'Connect with TLS, trusting the system''s root certificates'
            cand --insecure 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
            cand --allow-plaintext-token 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;health'= {
            cand --addr 'Server to talk to'
            cand --connect-timeout 'How long to wait for the connection to the server: TCP, TLS and the server''s first HTTP/2 frame'
            cand --keepalive 'Interval of HTTP/2 pings while a conversation is open, so that a frozen or vanished server is noticed: one not answered within this long (20 s at most) ends the conversation with UNAVAILABLE; 0 sends none'
            cand --ca-cert 'Connect with TLS, trusting only the CA certificate(s) in this PEM file'
            cand --tls-server-name 'The name to verify in the server''s certificate, when it differs from the address (and from --authority); implies --tls'
            cand --authority 'The :authority of every call (the virtual host a proxy routes by), and the name to verify in the server''s certificate unless --tls-server-name is given'
            cand --cert 'Client certificate for mutual TLS, in PEM (with --key; implies --tls)'
            cand --key 'Private key of --cert, in PEM'
            cand --token-file 'Send the bearer token in this file as "authorization: Bearer TOKEN" (or set GRPC_CONVO_TOKEN); no flag takes the token itself, as argv is visible to every user'
            cand -H 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --header 'Request metadata, as ''name: value'' (repeatable); names ending in -bin take base64 values'
            cand --timeout 'Deadline for the check (or the whole watch), sent to the server as grpc-timeout'
            cand --wait-ready 'If the server is not up yet, keep trying to connect, with backoff, until --connect-timeout runs out'
            cand --tls 'Connect with TLS, trusting the system''s root certificates'
            cand --insecure 'Connect with TLS and verify nothing of the server''s certificate (a development server''s self-signed one): a warning says so on stderr each run. A token still goes only to this machine unless --allow-plaintext-token'
            cand --allow-plaintext-token 'Send the token even without TLS (or with --insecure) to an address that is not this machine'
            cand --watch 'Follow the status with Health/Watch: one line each time it changes, until the server ends the stream (the exit status is then the last status''s)'
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;completions'= {
            cand -v 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand --verbose 'More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'grpc-convo;help'= {
            cand serve 'Answer conversations on proto.Stream/Conversations'
            cand ask 'Stream questions to a server (any gRPC method) and print each answer the moment it arrives'
            cand bench 'Measure a server on any method: many conversations or calls at once, rates and latency percentiles'
            cand list 'List a server''s services (by reflection, or from --proto/--protoset files), or the methods of one'
            cand describe 'Show a service, method, message or enum in proto syntax'
            cand health 'Check a server''s health (grpc.health.v1.Health): prints SERVING or another status; exit 0 for SERVING, 4 for any other'
            cand completions 'Print a completion script for a shell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'grpc-convo;help;serve'= {
        }
        &'grpc-convo;help;ask'= {
        }
        &'grpc-convo;help;bench'= {
            cand merge 'Add up the --save records of the shards of one run into the report that one bench with those flags would have printed: counts and errors summed, histograms added (exact percentiles), throughput over the workers'' wall time, intervals aligned on time'
        }
        &'grpc-convo;help;bench;merge'= {
        }
        &'grpc-convo;help;list'= {
        }
        &'grpc-convo;help;describe'= {
        }
        &'grpc-convo;help;health'= {
        }
        &'grpc-convo;help;completions'= {
        }
        &'grpc-convo;help;help'= {
        }
    ]
    $completions[$command]
}
