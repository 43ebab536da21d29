"""grpc-convo web's WebSocket API (docs/web.md) from Python's `websockets`, as a web app's own
client would use it: every kind of method, JSON both ways, the refusals, backpressure, and the
cost of 100,000 pipelined lines beside `seq 100000 | grpc-convo ask`. Exits 0 when the check
holds, 1 with a reason when not.

    ws_api.py kinds WEB_ADDR          (web in front of the kinds test service)
    ws_api.py refusals WEB_ADDR
    ws_api.py backpressure WEB_ADDR WEB_PID
    ws_api.py speed WEB_ADDR SERVE_ADDR GRPC_CONVO
    ws_api.py pipelined WEB_ADDR N    (for scripts/web-bench.sh)"""

import asyncio
import json
import subprocess
import sys
import time

import websockets


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


async def conversation(addr, start, said):
    """Every message the gateway sends for `start` then `said`, and its close code."""
    async with websockets.connect(f"ws://{addr}/ws", max_size=None) as ws:
        await ws.send(json.dumps(start))
        for message in said:
            await ws.send(json.dumps(message))
        got = []
        try:
            async for message in ws:
                got.append(json.loads(message))
        except websockets.ConnectionClosed:
            pass  # a refusal closes with 1008, which the iterator raises
        return got, ws.close_code


def answers(got):
    return [m["answer"] for m in got if "answer" in m]


async def kinds(addr):
    lines = lambda *texts: [{"line": t} for t in texts] + [{"end": True}]
    cases = [
        ({"method": "kinds.Kinds/Chat", "answer_field": ["said"]}, lines("a", "b"),
         ["chat 1: a", "chat 2: b"]),
        ({"method": "kinds.Kinds/Feed", "answer_field": ["said"]}, lines("x"),
         ["feed 1: x", "feed 2: x", "feed 3: x"]),
        ({"method": "kinds.Kinds/Collect", "answer_field": ["said"]}, lines("p", "q"), ["p,q"]),
        ({"method": "kinds.Kinds/Echo", "answer_field": ["said"]}, lines("1", "2"), ["1", "2"]),
    ]
    for start, said, want in cases:
        got, code = await conversation(addr, start, said)
        if answers(got) != want or got[-1].get("status", {}).get("code") != "OK" or code != 1000:
            fail(f"{start['method']}: {got} (close {code})")
    got, _ = await conversation(addr, {"method": "kinds.Kinds/Echo", "output": "json"},
                                [{"request": {"text": "j", "big": "-9000000000", "tags": ["t"]}}, {"end": True}])
    response = next(m["response"] for m in got if "response" in m)
    if (response["said"], response["big"], response["tags"]) != ("j", "-9000000000", ["t"]):
        fail(f"JSON both ways: {got}")


async def refusals(addr):
    cases = [
        ([{"method": "kinds.Nope/X"}], "kinds.Nope"),
        ([{"method": "kinds.Kinds/Chat"}, {"line": 5}], "message 2"),
        ([{"method": "kinds.Kinds/Chat", "field": ["nope"]}], '"field" nope'),
    ]
    for said, why in cases:
        got, code = await conversation(addr, said[0], said[1:])
        error = next((m["error"] for m in got if "error" in m), "")
        if why not in error or code != 1008:
            fail(f"{said}: {got} (close {code})")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


async def backpressure(addr, pid):
    """A client that sends and never reads: the gateway stops reading it once the upstream and
    the socket are full, and its memory stays bounded (docs/web.md gives the bound)."""
    total, line = 64 * 1024 * 1024, "x" * 1000
    before = rss_kib(pid)
    sent = 0
    async with websockets.connect(f"ws://{addr}/ws", max_size=None, write_limit=64 * 1024) as ws:
        await ws.send(json.dumps({"method": "proto.Stream/Conversations"}))

        async def send_all():
            nonlocal sent
            while sent < total:
                await ws.send(json.dumps({"line": line}))
                sent += len(line)

        sender = asyncio.ensure_future(send_all())
        # Sampled until the sender stops getting anywhere (or sends it all, which fails).
        last = -1
        while not sender.done() and sent != last:
            last = sent
            await asyncio.sleep(0.5)
        grown = (rss_kib(pid) - before) // 1024
        sender.cancel()
    if sent >= total:
        fail(f"the gateway read all {total >> 20} MiB from a client that never reads")
    print(f"blocked after {sent >> 20} MiB sent; the gateway grew {grown} MiB")
    if grown > 64:
        fail(f"the gateway grew {grown} MiB for a client that never reads (bound 64)")


async def pipelined(addr, count):
    async with websockets.connect(f"ws://{addr}/ws", max_size=None) as ws:
        await ws.send(json.dumps({"method": "proto.Stream/Conversations"}))

        async def send():
            for i in range(count):
                await ws.send(json.dumps({"line": str(i + 1)}))
            await ws.send(json.dumps({"end": True}))

        sender = asyncio.ensure_future(send())
        got = 0
        async for message in ws:
            got += message.startswith('{"answer"')
        await sender
    return got


def speed(web, serve, binary):
    count = 100_000
    started = time.monotonic()
    subprocess.run(f"seq {count} | {binary} ask --addr {serve} >/dev/null", shell=True, check=True)
    ask = time.monotonic() - started
    started = time.monotonic()
    got = asyncio.run(pipelined(web, count))
    through = time.monotonic() - started
    if got != count:
        fail(f"{got} answers of {count}")
    # Printed, not judged: this client's own Python costs most of the time, and the suite runs
    # debug builds; scripts/web-bench.sh measures the gateway (BENCHMARKS.md).
    print(f"seq {count} | ask: {ask:.2f} s; through web: {through:.2f} s; ratio {through / ask:.2f}")


def main():
    command, *args = sys.argv[1:]
    if command == "kinds":
        asyncio.run(kinds(args[0]))
    elif command == "refusals":
        asyncio.run(refusals(args[0]))
    elif command == "backpressure":
        asyncio.run(backpressure(args[0], int(args[1])))
    elif command == "speed":
        speed(*args)
    elif command == "pipelined":
        if asyncio.run(pipelined(args[0], int(args[1]))) != int(args[1]):
            fail("answers missing")
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main()
