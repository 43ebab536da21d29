#!/usr/bin/env bash
# Reproduces the tables in BENCHMARKS.md in one run: grpc-convo (release build) against the
# raw-TCP ceiling (examples/tcp_baseline.rs, same answer text, no HTTP/2 or protobuf), and, when
# the interop suite has built them, the Go tutorial's server and a grpc-go client for scale.
# Everything runs on this machine over loopback; servers take free ports. Prints Markdown.
#
#   scripts/bench.sh            # about two minutes on a 2-core machine
#   scripts/bench.sh --against REF [ROUNDS]
#                               # this tree against REF, interleaved: each figure's ratio, those
#                               # more than 5% worse marked (scripts/against.sh), before a stop
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --against ]; then
    shift
    exec scripts/against.sh "$@"
fi

cargo build --release --quiet --bin grpc-convo --example tcp_baseline --example kinds_server
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
B=$TARGET/release/grpc-convo
T=$TARGET/release/examples/tcp_baseline
K=$TARGET/release/examples/kinds_server
GO=$TARGET/interop/go-bin
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT

# start NAME COMMAND...: a server on a free port; sets ADDR and PID.
start() {
    local name=$1 fd line
    shift
    exec {fd}< <(exec "$@" 2>&1)
    PID=$!
    PIDS+=("$PID")
    IFS= read -r -u "$fd" line
    ADDR=${line#listening on }
    cat <&"$fd" >"$WORK/$name.log" &
}

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
peak_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# Connections for C conversations all open at once: serve takes 256 per connection (src/flow.rs).
conns() { echo $((($1 + 255) / 256)); }

# ms RUNS COMMAND: the median wall time of a shell command, in milliseconds.
ms() {
    local runs=$1 i start
    shift
    for ((i = 0; i < runs; i++)); do
        start=$(date +%s%N)
        eval "$*" >/dev/null
        echo $((($(date +%s%N) - start) / 1000))
    done | median | awk '{ printf "%.2f", $1 / 1000 }'
}

start convo "$B" serve --addr 127.0.0.1:0
CONVO=$ADDR CONVO_PID=$PID
start tcp "$T" serve 127.0.0.1:0
TCP=$ADDR

seq 1000000 >"$WORK/million"
echo hi >"$WORK/hi"

ask_million=$(ms 5 "$B ask --addr $CONVO <$WORK/million")
tcp_million=$(ms 5 "$T ask $TCP <$WORK/million")
ask_hi=$(ms 51 "$B ask --addr $CONVO <$WORK/hi")
tcp_hi=$(ms 51 "$T ask $TCP <$WORK/hi")
lockstep=$(for i in 1 2 3; do "$B" bench --addr "$CONVO" -n 20000 --lockstep -o json | json 'd["latency_us"]["p50"]'; done | median)
tcp_lockstep=$(for i in 1 2 3; do "$T" bench "$TCP" 1 20000 lockstep | json 'd["latency_us"]["p50"]'; done | median)
pipelined=$(for i in 1 2 3; do "$B" bench --addr "$CONVO" -c 1000 -n 200 --connections "$(conns 1000)" --check -o json | json 'int(d["answers_per_s"])'; done | median)
tcp_pipelined=$(for i in 1 2 3; do "$T" bench "$TCP" 1000 200 | json 'int(d["answers_per_s"])'; done | median)

idle_before=$(rss_mib "$CONVO_PID")
"$B" bench --addr "$CONVO" -c 10000 --connections "$(conns 10000)" --duration 6s --rate 1 -o json >/dev/null &
sleep 4 # measuring, not synchronising: the 10,000 conversations are open well before this
idle_during=$(rss_mib "$CONVO_PID")
wait $!
sleep 1 # the server trims its heap 100 ms after the last conversation; give it that
idle_after=$(rss_mib "$CONVO_PID")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -sr), $(rustc --version)."
echo
echo "| target | grpc-convo | TCP ceiling | grpc-convo / ceiling | goal |"
echo "|---|---|---|---|---|"
echo "| \`seq 1000000 \\| ask\` against serve | ${ask_million} ms | ${tcp_million} ms | $(ratio "$ask_million" "$tcp_million") | under 1000 ms |"
echo "| bench, 1 conversation, lockstep: p50 round trip | ${lockstep} µs | ${tcp_lockstep} µs | $(ratio "$lockstep" "$tcp_lockstep") | under 50 µs |"
echo "| bench, 1000 conversations × 200, pipelined | ${pipelined} answers/s | ${tcp_pipelined} answers/s (1000 connections) | $(ratio "$pipelined" "$tcp_pipelined") | over 500,000/s |"
echo "| 10,000 idle conversations: server RSS | ${idle_during} MiB (from ${idle_before}; ${idle_after} after they close) | | | under 100 MiB |"
echo "| \`echo hi \\| ask\`: start, connect, one answer, exit (median of 51) | ${ask_hi} ms | ${tcp_hi} ms | $(ratio "$ask_hi" "$tcp_hi") | under 5 ms |"

# Any method: the same million questions through a method known only from a .proto, against
# the tutorial's method, interleaved (median of 5 each).
cat >"$WORK/chat.proto" <<'PROTO'
syntax = "proto3";
package chat;
message Line { string text = 1; }
service Chat { rpc Talk(stream Line) returns (stream Line); }
PROTO
cat >"$WORK/stream.proto" <<'PROTO'
syntax = "proto3";
package proto;
message StreamRequest { string text = 1; }
message StreamResponse { string reply = 1; }
service Stream { rpc Conversations(stream StreamRequest) returns (stream StreamResponse); }
PROTO
start cat "$B" serve --addr 127.0.0.1:0 -- cat
CAT=$ADDR
start bridged "$B" serve --addr 127.0.0.1:0 --proto "$WORK/chat.proto" --method chat.Chat/Talk -- cat
BRIDGED=$ADDR
interleaved() { # NAME_A CMD_A NAME_B CMD_B: medians of 5 runs each, alternating; sets FIRST, SECOND
    local i a=() b=()
    for ((i = 0; i < 5; i++)); do a+=("$(ms 1 "$2")"); b+=("$(ms 1 "$4")"); done
    FIRST=$(printf '%s\n' "${a[@]}" | median)
    SECOND=$(printf '%s\n' "${b[@]}" | median)
}
interleaved builtin "$B ask --addr $CONVO <$WORK/million" \
    proto "$B ask --addr $CONVO --proto $WORK/stream.proto <$WORK/million"
builtin_ms=$FIRST proto_ms=$SECOND
interleaved tutorial "$B ask --addr $CAT <$WORK/million" \
    bridged "$B ask --addr $BRIDGED --proto $WORK/chat.proto --method chat.Chat/Talk <$WORK/million"
cat_ms=$FIRST bridged_ms=$SECOND
echo
echo "Any method: 1,000,000 questions through one conversation, interleaved, median of 5 each:"
echo
echo "| what | time | ratio | limit |"
echo "|---|---|---|---|"
echo "| ask, the tutorial's method (built in) → serve | ${builtin_ms} ms | | |"
echo "| ask, the same method known only from a .proto (its own field names) → serve | ${proto_ms} ms | $(ratio "$proto_ms" "$builtin_ms") | 1.25 |"
echo "| ask → serve -- cat (the tutorial's method) | ${cat_ms} ms | | |"
echo "| ask --method chat.Chat/Talk → serve --proto chat.proto --method chat.Chat/Talk -- cat | ${bridged_ms} ms | $(ratio "$bridged_ms" "$cat_ms") | 1.25 |"

# bench --method: methods known only from a .proto, against the test service in tonic
# (examples/kinds_server.rs, generated code, no process per call), median of 3 each.
start kinds "$K" 127.0.0.1:0
KINDS=$ADDR
KP=tests/interop/proto/kinds.proto
kinds_bench() { # FIGURES ARGS...: the median run (by its first figure) of three
    local figures=$1
    shift
    for i in 1 2 3; do
        "$B" bench --addr "$KINDS" --proto "$KP" "$@" -o json | json "$figures"
    done | sort -g | sed -n 2p
}
us='"%.0f µs | %.0f µs" % (d["latency_us"]["p50"], d["latency_us"]["p99"])'
CHAT="--method kinds.Kinds/Chat -c 100 -n 10000"
FEED="--method kinds.Kinds/Feed -c 100 -n 1000"
ECHO="--method kinds.Kinds/Echo -c 100 -n 1000"
COLLECT="--method kinds.Kinds/Collect -c 100 -n 200 --duration 2s"
chat=$(kinds_bench 'int(d["answers_per_s"]), "answers/s |", '"$us" $CHAT)
feed=$(kinds_bench 'int(d["answers_per_s"]), "responses/s,", int(d["calls_per_s"]), "calls/s |", '"$us" $FEED)
echo_=$(kinds_bench 'int(d["calls_per_s"]), "calls/s |", '"$us" $ECHO)
collect=$(kinds_bench 'int(d["questions"] / d["wall_s"]), "questions/s,", int(d["calls_per_s"]), "calls/s |", '"$us" $COLLECT)
echo
echo "bench --method on methods known only from a .proto (\`--proto $KP\`), against the test"
echo "service in tonic (examples/kinds_server.rs), 100 conversations or slots on one connection,"
echo "median of 3 (latency: per answer for Chat, per call for the others; Feed to its first of"
echo "three responses):"
echo
echo "| method (kind) | bench arguments | throughput | p50 | p99 |"
echo "|---|---|---|---|---|"
echo "| Chat (bidirectional, pipelined) | \`$CHAT\` | $chat |"
echo "| Feed (server streaming) | \`$FEED\` | $feed |"
echo "| Echo (unary) | \`$ECHO\` | $echo_ |"
echo "| Collect (client streaming) | \`$COLLECT\` | $collect |"

if [ -x "$GO/server" ] && [ -x "$GO/pipeclient" ]; then
    start go "$GO/server" -addr 127.0.0.1:0
    GOSERVER=$ADDR
    go_client_convo=$(ms 5 "$GO/pipeclient -addr $CONVO <$WORK/million")
    go_client_go=$(ms 5 "$GO/pipeclient -addr $GOSERVER <$WORK/million")
    ask_go=$(ms 5 "$B ask --addr $GOSERVER <$WORK/million")
    echo
    echo "For scale, 1,000,000 pipelined questions through one conversation, in the same run:"
    echo
    echo "| client → server | time |"
    echo "|---|---|"
    echo "| grpc-convo ask → grpc-convo serve | ${ask_million} ms |"
    echo "| grpc-go full-duplex client → grpc-convo serve | ${go_client_convo} ms |"
    echo "| grpc-convo ask → the tutorial's Go server | ${ask_go} ms |"
    echo "| grpc-go full-duplex client → the tutorial's Go server | ${go_client_go} ms |"
fi
if [ -x "$GO/server" ] && [ -x "$GO/loadclient" ]; then
    load() { for i in 1 2 3; do "$GO/loadclient" -addr "$1" -c 1000 -n 200 | sed 's/.*, \([0-9]*\) answers\/s/\1/'; done | median; }
    load_convo=$(load "$CONVO")
    load_go=$(load "$GOSERVER")
    echo
    echo "A grpc-go client's load: 1000 conversations × 200 pipelined questions on its one"
    echo "connection, every answer checked (tests/interop/go/loadclient), median of 3:"
    echo
    echo "| server | answers/s |"
    echo "|---|---|"
    echo "| grpc-convo serve | ${load_convo} |"
    echo "| the tutorial's Go server | ${load_go} |"
fi

NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
if [ -n "$NGINX" ]; then
    # deploy/nginx.conf in front of one replica and of two, everything on Unix sockets.
    N=$WORK/nginx
    mkdir -p "$N"
    start replica-a "$B" serve --addr "unix:$N/a.sock"
    start replica-b "$B" serve --addr "unix:$N/b.sock"
    proxy() { # proxy NAME REPLICA-SOCKET...: nginx with deploy/nginx.conf; sets PROXY
        local name=$1 servers=""
        shift
        for socket in "$@"; do servers+="    server unix:$socket;\n"; done
        sed -e "/server 127.0.0.1:800[12];/d" -e "s|keepalive 32;|$servers    keepalive 32;|" \
            -e "s|listen 8000 http2;|listen unix:$N/$name.sock http2;|" deploy/nginx.conf >"$N/$name-site.conf"
        printf 'events {}\nhttp {\n    access_log off;\n    include %s;\n}\n' "$N/$name-site.conf" >"$N/$name.conf"
        for kind in client_body proxy fastcgi uwsgi scgi; do
            sed -i "s|^http {|http {\n    ${kind}_temp_path $N/$name-$kind;|" "$N/$name.conf"
        done
        "$NGINX" -p "$N" -c "$N/$name.conf" -e "$N/$name-error.log" \
            -g "daemon off; master_process off; pid $N/$name.pid;" &
        PIDS+=("$!")
        PROXY=unix:$N/$name.sock
        "$B" ask --addr "$PROXY" --wait-ready --connect-timeout 30s ready >/dev/null
    }
    proxy two "$N/a.sock" "$N/b.sock"
    TWO=$PROXY
    proxy one "$N/a.sock"
    ONE=$PROXY
    through() { for i in 1 2 3; do "$B" bench --addr "$1" -c 100 -n 200 --connections 100 -o json | json 'int(d["answers_per_s"])'; done | median; }
    two_replicas=$(through "$TWO")
    one_replica=$(through "$ONE")
    echo
    echo "Through nginx ($("$NGINX" -v 2>&1 | sed 's/.*: //'), deploy/nginx.conf, one worker process), the same load"
    echo "(\`bench -c 100 -n 200 --connections 100\`) in the same run:"
    echo
    echo "| replicas | answers/s | two / one |"
    echo "|---|---|---|"
    echo "| 1 | $one_replica | |"
    echo "| 2 | $two_replicas | $(ratio "$two_replicas" "$one_replica") |"
fi

echo
echo "How cost grows: a fresh server for each row, 200 pipelined questions per conversation, all"
echo "conversations open at once (one connection per 256); RSS is the server's peak (VmHWM)."
echo
echo "| conversations | answers/s | server peak RSS |"
echo "|---|---|---|"
for c in 1 10 100 1000 10000; do
    start "scale-$c" "$B" serve --addr 127.0.0.1:0
    rate=$("$B" bench --addr "$ADDR" -c "$c" -n 200 --connections "$(conns "$c")" -o json | json 'int(d["answers_per_s"])')
    echo "| $c | $rate | $(peak_mib "$PID") MiB |"
    kill "$PID"
done
