#!/usr/bin/env bash
# Unary calls per second on one serve, over gRPC, gRPC-Web and Connect, from the same client
# library (connect-node; tests/interop/node/unary-bench.mjs): health's Check, which serve answers
# without a process. The Node client is the slower side, so serve's own CPU time per call (from
# /proc) is the figure that compares the protocols' cost to serve. Interleaved ROUNDS times; the
# medians. Needs a release build and the
# interop suite's Node peers (tests/interop/run.sh --setup-only).
#
#   scripts/protocols-bench.sh [ROUNDS] [CALLS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3} CALLS=${2:-20000} CONCURRENCY=${3:-50}
BIN=target/release/grpc-convo
NODE_DIR=target/interop/node
[ -x "$BIN" ] || { echo "build it first: cargo build --release" >&2; exit 1; }
[ -d "$NODE_DIR/node_modules/@connectrpc/connect-node" ] ||
    { echo "missing connect-node: tests/interop/run.sh --setup-only" >&2; exit 1; }
WORK=$(mktemp -d)
source scripts/launch.sh
protoc -I tests/interop/node --descriptor_set_out="$WORK/health.binpb" health.proto
cp tests/interop/node/unary-bench.mjs "$NODE_DIR/"
SERVE=$(launch serve "$BIN" serve --addr 127.0.0.1:0)
PID=$(head -1 "$WORK/pids")
# serve's CPU time so far, in clock ticks (user + system).
ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }

WAYS=("grpc 2 binary" "grpcweb 2 binary" "grpcweb 1.1 binary" "connect 2 binary" "connect 1.1 json" "connect 2 json")
for round in $(seq "$ROUNDS"); do
    for way in "${WAYS[@]}"; do
        read -r protocol http format <<<"$way"
        before=$(ticks)
        node "$NODE_DIR/unary-bench.mjs" "$protocol" "$http" "$format" "http://$SERVE" \
            "$WORK/health.binpb" "$CALLS" "$CONCURRENCY" | grep -o '[0-9]* calls/s' | cut -d' ' -f1 \
            >>"$WORK/${protocol}-${http}-${format}"
        # µs of serve's CPU a call: ticks are 1/CLK_TCK s.
        echo "$before $(ticks) $(getconf CLK_TCK) $CALLS" |
            awk '{ printf "%.1f\n", ($2 - $1) * 1e6 / $3 / $4 }' >>"$WORK/${protocol}-${http}-${format}.cpu"
    done
done
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-24s %10s %22s\n' "" "calls/s" "serve CPU µs per call"
for way in "${WAYS[@]}"; do
    read -r protocol http format <<<"$way"
    name=$WORK/${protocol}-${http}-${format}
    printf '%-24s %10s %22s\n' "$protocol http/$http $format" "$(median <"$name")" "$(median <"$name.cpu")"
done
