#!/usr/bin/env bash
# Idle memory at scale: conversations held open by grpc-go clients (tests/interop/go/idleclient,
# built by tests/interop/run.sh --setup-only), the server's RSS while they are open (and its
# peak) and after they close. Prints one markdown row per load.
#
#   [LOADS="1x10000 10x10000"] scripts/idle-memory.sh SERVER...   # each: a command that takes
#                                            --addr and prints "listening on ADDR" on stderr
#   e.g. scripts/idle-memory.sh "target/release/grpc-convo serve --max-conversations 100000" \
#                               "target/interop/go-bin/server"
set -euo pipefail
GO_BIN=${GO_BIN:-$(dirname "$0")/../target/interop/go-bin}
rss() { awk -v f="$2:" '$1 == f { print int($2 / 1024) }' "/proc/$1/status"; }

# load NAME CONNECTIONS PER_CONNECTION SERVER...: holds CONNECTIONS x PER_CONNECTION open.
load() {
    local name=$1 connections=$2 each=$3 dir pid addr i start open
    shift 3
    dir=$(mktemp -d)
    "$@" --addr 127.0.0.1:0 2>"$dir/server.log" &
    pid=$!
    until grep -q "listening on" "$dir/server.log"; do sleep 0.1; done
    addr=$(grep -o 'listening on .*' "$dir/server.log" | cut -d' ' -f3)
    start=$(rss $pid VmRSS)
    # Each client holds its conversations until its stdin, a pipe of ours, closes.
    local writers=()
    for ((i = 0; i < connections; i++)); do
        mkfifo "$dir/hold.$i"
        "$GO_BIN/idleclient" -addr "$addr" -c "$each" -hold <"$dir/hold.$i" >"$dir/client.$i" &
        exec {fd}>"$dir/hold.$i"
        writers+=("$fd")
    done
    for ((i = 0; i < connections; i++)); do
        until grep -q "all open" "$dir/client.$i"; do sleep 0.2; done
    done
    open=$(rss $pid VmRSS)
    for fd in "${writers[@]}"; do exec {fd}>&-; done
    for ((i = 0; i < connections; i++)); do
        until grep -q "conversations open at once" "$dir/client.$i"; do sleep 0.2; done
    done
    sleep 2 # serve trims freed memory once idle; the figure is what stays
    printf '| %s | %d x %d | %d MiB | %d MiB | %d MiB | %d MiB |\n' "${name%% *}" "$connections" "$each" \
        "$start" "$open" "$(rss $pid VmHWM)" "$(rss $pid VmRSS)"
    kill $pid
    wait $pid 2>/dev/null || true
    rm -rf "$dir"
}

echo "| server | connections x conversations | at start | all open | peak | after close |"
echo "|---|---|---|---|---|---|"
# LOADS: CONNECTIONSxCONVERSATIONS each, space-separated.
for server in "$@"; do
    for shape in ${LOADS:-1x10000 10x10000}; do
        load "$server" "${shape%x*}" "${shape#*x}" $server
    done
done
