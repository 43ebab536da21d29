# Sourced by the benchmark scripts: `started LOG PID` waits for the server PID to print its
# address in LOG ("listening on ADDR", or web's "web page at URL"), and prints it; a server that
# exits first ends the script. Other lines (such as "metrics at URL") are not its address.
started() {
    local pattern='^(listening on |web page at http://)127\.0\.0\.1:[0-9]*'
    until grep -Eq "$pattern" "$1" 2>/dev/null; do
        kill -0 "$2" 2>/dev/null || { echo "the server did not start: $(cat "$1")" >&2; exit 1; }
        sleep 0.1
    done
    grep -Eo "$pattern" "$1" | head -1 | grep -o '127.0.0.1:[0-9]*'
}
