#!/usr/bin/env bash
# What grpc-convo proxy costs a call: grpc-go's load (1000 conversations of 200 pipelined
# questions on one connection, tests/interop/go/loadclient) and lockstep round trips
# (grpc-convo bench --lockstep -c 1), each straight to serve and through the proxy (plain, and
# with --record), interleaved ROUNDS times; the medians. Needs a release build and the interop
# suite's Go peers (tests/interop/run.sh --setup-only).
#
#   scripts/proxy-overhead.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
BIN=target/release/grpc-convo
LOAD=target/interop/go-bin/loadclient
[ -x "$BIN" ] || { echo "build it first: cargo build --release" >&2; exit 1; }
[ -x "$LOAD" ] || { echo "missing $LOAD: tests/interop/run.sh --setup-only" >&2; exit 1; }
WORK=$(mktemp -d)
source scripts/launch.sh

SERVE=$(launch serve "$BIN" serve --addr 127.0.0.1:0)
PROXY=$(launch proxy "$BIN" proxy --listen 127.0.0.1:0 --upstream "$SERVE" --no-print)
RECORDING=$(launch recording "$BIN" proxy --listen 127.0.0.1:0 --upstream "$SERVE" --no-print \
    --record "$WORK/calls.jsonl")

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
answers_per_second() { "$LOAD" -addr "$1" -c 1000 -n 200 | grep -o '[0-9.]* answers/s' | cut -d' ' -f1; }
p50_us() { "$BIN" bench --addr "$1" -c 1 -n 5000 --lockstep -o json | jq '.latency_us.p50'; }

for target in direct:$SERVE proxy:$PROXY recording:$RECORDING; do : >"$WORK/${target%%:*}.load"; : >"$WORK/${target%%:*}.p50"; done
for round in $(seq "$ROUNDS"); do
    for target in direct:$SERVE proxy:$PROXY recording:$RECORDING; do
        name=${target%%:*} addr=${target#*:}
        answers_per_second "$addr" >>"$WORK/$name.load"
        p50_us "$addr" >>"$WORK/$name.p50"
    done
done
printf '%-10s %18s %16s\n' "" "1000x200 answers/s" "lockstep p50 µs"
for name in direct proxy recording; do
    printf '%-10s %18s %16s\n' "$name" "$(median <"$WORK/$name.load")" "$(median <"$WORK/$name.p50")"
done
