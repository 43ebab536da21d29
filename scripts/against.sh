#!/usr/bin/env bash
# `scripts/bench.sh --against REF`: this work tree against REF (a commit, a branch, a tag), both
# release builds, each as its own serve and ask, in interleaved rounds (scripts/ab.sh): the
# median of each figure and its ratio, with the figures more than 5% worse marked. REF is built
# from a clean checkout of it in its own target directory, so neither build disturbs the other.
#
#   scripts/against.sh REF [ROUNDS]    # 11 rounds unless told: lockstep p50 is bimodal here
set -euo pipefail
cd "$(dirname "$0")/.."
ref=$1 rounds=${2:-11}
sha=$(git rev-parse --verify "$ref^{commit}")
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
checkout=$TARGET/against/src-$sha
if [ ! -d "$checkout" ]; then
    mkdir -p "$checkout"
    git archive "$sha" | tar -x -C "$checkout"
fi
echo "building $ref ($sha) in $TARGET/against" >&2
(cd "$checkout" && CARGO_TARGET_DIR=$TARGET/against cargo build --release --quiet --bin grpc-convo)
cargo build --release --quiet --bin grpc-convo
old=$TARGET/against/release/grpc-convo new=$TARGET/release/grpc-convo
scripts/ab.sh "$old" "$new" "$rounds" | scripts/ab-summary.py "$ref"
