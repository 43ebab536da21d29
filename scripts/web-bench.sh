#!/bin/bash
# grpc-convo web's cost: N pipelined lines of the tutorial's method through web to serve, from a
# Rust WebSocket client (examples/ws_pipeline.rs) and from Python's websockets
# (tests/interop/ws_api.py pipelined), beside `seq N | grpc-convo ask` against the same serve,
# and each client against `ws_pipeline floor` (the API answered at once, nothing behind it: the
# client's own cost), interleaved. Release builds: `cargo build --release --example
# ws_pipeline` first; the Python client needs the interop suite's venv (tests/interop/run.sh
# --setup-only).
#
#   scripts/web-bench.sh [N] [RUNS]
set -euo pipefail
count=${1:-100000} runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/started.sh
. "$root/scripts/started.sh"
bin=$root/target/release/grpc-convo
client=$root/target/release/examples/ws_pipeline
python=$root/target/interop/venv/bin/python
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

seconds() { /usr/bin/time -f %e -o "$work/time" "$@" >/dev/null; cat "$work/time"; }

"$bin" serve --addr 127.0.0.1:0 2>"$work/serve.log" &
serve=$(started "$work/serve.log" $!)
"$bin" web --listen 127.0.0.1:0 --addr "$serve" 2>"$work/web.log" &
web=$(started "$work/web.log" $!)
# The clients' own cost: the same API answered at once, with nothing behind it.
"$client" floor 2>"$work/floor.log" &
floor=$(started "$work/floor.log" $!)
seq "$count" >"$work/lines"
for _ in $(seq "$runs"); do
    echo "ask $(seconds "$bin" ask --addr "$serve" <"$work/lines")"
    echo "web-rust $(seconds "$client" "$web" "$count")"
    echo "web-python $(seconds "$python" "$root/tests/interop/ws_api.py" pipelined "$web" "$count")"
    echo "floor-rust $(seconds "$client" "$floor" "$count")"
    echo "floor-python $(seconds "$python" "$root/tests/interop/ws_api.py" pipelined "$floor" "$count")"
done
