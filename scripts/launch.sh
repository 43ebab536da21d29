# Sourced by the scripts that start servers: launch, and the trap that stops what it started.
# Needs WORK, a directory of the caller's that the trap removes.
# shellcheck source=scripts/started.sh
. "$(dirname "${BASH_SOURCE[0]}")/started.sh"

# A command substitution's background process is no job of the script: its pid is kept here.
trap 'kill $(cat "$WORK/pids" 2>/dev/null) 2>/dev/null; rm -rf "$WORK"' EXIT

# launch NAME COMMAND...: starts it, waits for the address it says it listens on, prints it.
launch() {
    local name=$1
    shift
    "$@" 2>"$WORK/$name.log" >/dev/null &
    echo $! >>"$WORK/pids"
    started "$WORK/$name.log" $!
}
