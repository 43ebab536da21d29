#!/bin/bash
# Two builds of grpc-convo side by side, each as its own serve and ask, in interleaved rounds:
# `seq 1000000 | ask` (wall ms), the grpc-go load of 1000 conversations x 200 questions on one
# connection (tests/interop/go/loadclient, which `tests/interop/run.sh --setup-only` builds;
# answers/s), and bench's lockstep p50 on one conversation (µs). One line per figure per round.
#
#   scripts/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# NEW_SERVE_FLAGS (words) are added to the new side's serve only: scripts/metrics-cost.sh runs
# one binary against itself with --metrics-listen. When that serve prints "metrics at URL", it
# is scraped every second for the whole run, as Prometheus would.
set -euo pipefail
old=$1 new=$2 rounds=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/started.sh
. "$root/scripts/started.sh"
load=$root/target/interop/go-bin/loadclient
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
seq 1000000 >"$work/in"

"$old" serve --addr 127.0.0.1:0 2>"$work/old.log" &
old_addr=$(started "$work/old.log" $!)
# shellcheck disable=SC2086 # the flags are words
"$new" serve --addr 127.0.0.1:0 ${NEW_SERVE_FLAGS:-} 2>"$work/new.log" &
new_addr=$(started "$work/new.log" $!)
metrics=$(sed -n 's/^metrics at //p' "$work/new.log")
if [ -n "$metrics" ]; then
    while curl -s -o /dev/null "$metrics"; do sleep 1; done &
fi

for _ in $(seq "$rounds"); do
    for side in old new; do
        if [ "$side" = old ]; then bin=$old addr=$old_addr; else bin=$new addr=$new_addr; fi
        start=$(date +%s%N)
        "$bin" ask --addr "$addr" <"$work/in" >/dev/null
        echo "$side seq_ms=$(( ($(date +%s%N) - start) / 1000000 ))"
        if [ -x "$load" ]; then
            echo "$side load_answers_per_s=$("$load" -addr "$addr" -c 1000 -n 200 2>&1 |
                sed -n 's/.* \([0-9]*\) answers\/s$/\1/p')"
        fi
        echo "$side lockstep_p50_us=$("$bin" bench --addr "$addr" -n 20000 --lockstep -o json |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["latency_us"]["p50"])')"
    done
done
