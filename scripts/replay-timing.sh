#!/usr/bin/env bash
# How closely serve --replay-timing recorded keeps a recording's time: a conversation of N
# questions (default 100) whose server answers each 10 ms after the one before is recorded
# through grpc-convo proxy, then replayed to the same questions with ask --transcript; each
# answer's time since the first question, replayed less recorded, in ms (min, median, p99, max).
#
#   scripts/replay-timing.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
BIN=target/release/grpc-convo
[ -x "$BIN" ] || { echo "build it first: cargo build --release" >&2; exit 1; }
WORK=$(mktemp -d)
source scripts/launch.sh

SLOW=$(launch slow "$BIN" serve --addr 127.0.0.1:0 -- sh -c 'while read -r q; do sleep 0.01; echo "$q"; done')
PROXY=$(launch proxy "$BIN" proxy --listen 127.0.0.1:0 --upstream "$SLOW" --no-print \
    --record "$WORK/recorded.jsonl")
seq "$N" | "$BIN" ask --addr "$PROXY" >/dev/null
REPLAY=$(launch replay "$BIN" serve --addr 127.0.0.1:0 --replay "$WORK/recorded.jsonl" \
    --replay-timing recorded)
seq "$N" | "$BIN" ask --addr "$REPLAY" --transcript "$WORK/replayed.jsonl" >/dev/null

# Each answer's time since the first question, in the file.
answers() { jq -s '(map(select(.direction == "question")) | first.ms) as $q
                   | map(select(.direction == "answer") | .ms - $q)' "$1"; }
jq -n --argjson recorded "$(answers "$WORK/recorded.jsonl")" \
    --argjson replayed "$(answers "$WORK/replayed.jsonl")" '
    [range(0; $recorded | length) | $replayed[.] - $recorded[.]] | sort as $e
    | ($e | length) as $n
    | "\($n) answers over \($recorded | last | round) ms; replayed less recorded, ms: min \($e[0] * 100 | round / 100), median \($e[($n / 2 | floor)] * 100 | round / 100), p99 \($e[(($n * 99 / 100) | floor) - (if $n >= 100 then 1 else 0 end)] * 100 | round / 100), max \($e[-1] * 100 | round / 100)"' -r
