#!/usr/bin/env bash
# Idle memory at scale: conversations held open by grpc-go clients (tests/interop/go/idleclient,
# built by tests/interop/run.sh --setup-only), the server's RSS while they are open (and its
# peak) and after they close. Prints one markdown row per load.
#
#   scripts/idle-memory.sh SERVER_BIN...   # each: a command that prints "listening on ADDR"
#   e.g. scripts/idle-memory.sh "target/release/grpc-convo serve --max-conversations 100000" \
#                               "target/interop/go-bin/server"
set -euo pipefail
GO_BIN=${GO_BIN:-$(dirname "$0")/../target/interop/go-bin}
rss() { awk -v f="$2:" '$1 == f { print int($2 / 1024) }' "/proc/$1/status"; }

# load NAME CONNECTIONS PER_CONNECTION SERVER...: holds CONNECTIONS x PER_CONNECTION open.
load() {
    local name=$1 connections=$2 each=$3 log pid addr fifo i
    shift 3
    log=$(mktemp) fifo=$(mktemp -u)
    $@ --addr 127.0.0.1:0 2>"$log" &
    pid=$!
    until grep -q "listening on" "$log"; do sleep 0.1; done
    addr=$(grep -o 'listening on .*' "$log" | cut -d' ' -f3)
    local start=$(rss $pid VmRSS)
    mkfifo "$fifo"
    exec {hold}<>"$fifo"
    for ((i = 0; i < connections; i++)); do
        "$GO_BIN/idleclient" -addr "$addr" -c "$each" -hold <"$fifo" >"$log.$i" &
    done
    for ((i = 0; i < connections; i++)); do
        until grep -q "all open" "$log.$i" 2>/dev/null; do sleep 0.2; done
    done
    local open=$(rss $pid VmRSS)
    exec {hold}>&-
    rm -f "$fifo"
    wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
    sleep 2 # serve trims freed memory once idle; the figure is what stays
    printf '| %s | %d x %d | %d MiB | %d MiB | %d MiB | %d MiB |\n' "$name" "$connections" "$each" \
        "$start" "$open" "$(rss $pid VmHWM)" "$(rss $pid VmRSS)"
    kill $pid
    wait $pid 2>/dev/null || true
}

echo "| server | connections x conversations | at start | all open | peak | after close |"
echo "|---|---|---|---|---|---|"
for server in "$@"; do
    load "$server" 1 10000 $server
    load "$server" 10 10000 $server
done
