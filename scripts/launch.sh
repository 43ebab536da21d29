# Sourced by the scripts that start servers: launch, and the trap that stops what it started.
# Needs WORK, a directory of the caller's that the trap removes.

# A command substitution's background process is no job of the script: its pid is kept here.
trap 'kill $(cat "$WORK/pids" 2>/dev/null) 2>/dev/null; rm -rf "$WORK"' EXIT

# launch NAME COMMAND...: starts it, waits for its "listening on", prints the address.
launch() {
    local name=$1 line
    shift
    "$@" 2>"$WORK/$name.log" >/dev/null &
    echo $! >>"$WORK/pids"
    until line=$(grep -m1 '^listening on ' "$WORK/$name.log" 2>/dev/null); do
        kill -0 $! 2>/dev/null || { cat "$WORK/$name.log" >&2; exit 1; }
        sleep 0.05
    done
    echo "${line#listening on }"
}
