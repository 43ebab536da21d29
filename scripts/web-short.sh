#!/bin/bash
# A warm gateway's short conversations (issue 33): each on a socket of its own, open, the start
# message and one line, its answer, close (examples/ws_pipeline.rs `short`), through web to a
# unary method of the kinds test service; beside the same socket answered at once with nothing
# behind it (`ws_pipeline floor`) and a direct unary call on a warm connection (`grpc-convo bench
# -c 1`). Prints each round's p50 in µs, then the medians. Release builds first: `cargo build
# --release --bin grpc-convo --example ws_pipeline --example kinds_server`.
#
#   scripts/web-short.sh [CONVERSATIONS] [ROUNDS]
set -euo pipefail
count=${1:-1000} rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/started.sh
. "$root/scripts/started.sh"
bin=$root/target/release/grpc-convo
client=$root/target/release/examples/ws_pipeline
proto=$root/tests/interop/proto/kinds.proto
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

"$root/target/release/examples/kinds_server" 127.0.0.1:0 2>"$work/kinds.log" &
kinds=$(started "$work/kinds.log" $!)
"$bin" web --listen 127.0.0.1:0 --addr "$kinds" --proto "$proto" 2>"$work/web.log" &
web=$(started "$work/web.log" $!)
"$client" floor 2>"$work/floor.log" &
floor=$(started "$work/floor.log" $!)
start='{"method":"kinds.Kinds/Echo","answer_field":["said"]}'
p50() { sed -n 's/^p50 \([0-9]*\) us.*/\1/p'; }
for _ in $(seq "$rounds"); do
    echo "web $("$client" short "$web" "$start" "$count" | p50)"
    echo "floor $("$client" short "$floor" "$start" "$count" | p50)"
    echo "direct $("$bin" bench --addr "$kinds" --proto "$proto" --method kinds.Kinds/Echo \
        -c 1 -n "$count" -o json | python3 -c \
        'import json, sys; print(round(json.load(sys.stdin)["latency_us"]["p50"]))')"
done | tee "$work/rounds"
python3 - "$work/rounds" <<'PY'
import collections, statistics, sys
rounds = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, value = line.split()
    rounds[name].append(int(value))
direct = statistics.median(rounds["direct"])
for name, values in rounds.items():
    median = statistics.median(values)
    print(f"{name}: p50 {median:g} us, {median / direct:.1f}x the direct call")
PY
