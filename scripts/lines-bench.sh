#!/bin/bash
# The line-to-request path, timed: `seq 1000000 | ask` with one string field by two builds of
# grpc-convo against one serve (interleaved), then one build's ask with one field and with two
# fields a line against grpc-go's kinds server (the interop suite's; `tests/interop/run.sh
# --setup-only` builds it). Prints each run's wall time and ask's CPU time (user + sys), in ms.
#
#   scripts/lines-bench.sh OLD_BINARY NEW_BINARY [RUNS]
set -euo pipefail
old=$1 new=$2 runs=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/started.sh
. "$root/scripts/started.sh"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
seq 1000000 >"$work/one"
awk '{ print $1 "\t" $1 }' "$work/one" >"$work/two"

run() { # LABEL INPUT COMMAND...
    local label=$1 input=$2
    shift 2
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" <"$input" >/dev/null
    read -r wall user sys <"$work/time"
    echo "$label wall_ms=$(echo "$wall * 1000 / 1" | bc) cpu_ms=$(echo "($user + $sys) * 1000 / 1" | bc)"
}

"$new" serve --addr 127.0.0.1:0 2>"$work/serve.log" &
addr=$(started "$work/serve.log" $!)
for _ in $(seq "$runs"); do
    run old "$work/one" "$old" ask --addr "$addr"
    run new "$work/one" "$new" ask --addr "$addr"
done

"$root/target/interop/go-bin/kindsserver" 2>"$work/kinds.log" &
addr=$(started "$work/kinds.log" $!)
chat=(--addr "$addr" --proto "$root/tests/interop/proto/kinds.proto" --method kinds.Kinds/Chat --answer-field said)
for _ in $(seq "$runs"); do
    run one-field "$work/one" "$new" ask "${chat[@]}" --field text
    run two-fields "$work/two" "$new" ask "${chat[@]}" --field text --field big
done
