# Sourced by the benchmark scripts: `started LOG PID` waits for the server PID to print its
# address in LOG, and prints it; a server that exits first ends the script.
started() {
    until grep -qo '127.0.0.1:[0-9]*' "$1" 2>/dev/null; do
        kill -0 "$2" 2>/dev/null || { echo "the server did not start: $(cat "$1")" >&2; exit 1; }
        sleep 0.1
    done
    grep -o '127.0.0.1:[0-9]*' "$1" | head -1
}
