#!/usr/bin/env python3
"""What a tool call of `grpc-convo mcp` adds over calling the method directly: 1000 calls of the
kinds service's unary Echo through the MCP tool (the official Python SDK over stdio, one session),
and 1000 direct calls from the same Python process (grpcio, one channel), interleaved in rounds
of 100, against examples/kinds_server (release builds). Prints p50 and p99 of each, and of the
difference. Run with the interop suite's Python (tests/interop/run.sh --setup-only makes it):

    target/interop/venv/bin/python scripts/mcp-overhead.py [CALLS]
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "target", "interop", "py"))

import grpc  # noqa: E402
import kinds_pb2  # noqa: E402
import kinds_pb2_grpc  # noqa: E402
from mcp import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

BIN = os.path.join(ROOT, "target", "release", "grpc-convo")
KINDS = os.path.join(ROOT, "target", "release", "examples", "kinds_server")
PROTO = os.path.join(ROOT, "tests", "interop", "proto", "kinds.proto")


def percentiles(samples):
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def main(calls):
    server = subprocess.Popen([KINDS, "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    addr = server.stderr.readline().strip().removeprefix("listening on ")
    stub = kinds_pb2_grpc.KindsStub(grpc.insecure_channel(addr))
    params = StdioServerParameters(command=BIN, args=["mcp", "--addr", addr, "--proto", PROTO])
    tool, direct = [], []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()
            arguments = {"request": {"text": "hi"}}
            for _ in range(calls // 100):
                for _ in range(100):
                    start = time.perf_counter()
                    result = await session.call_tool("kinds_Kinds_Echo", arguments)
                    tool.append(time.perf_counter() - start)
                    assert not result.is_error, result
                for _ in range(100):
                    start = time.perf_counter()
                    stub.Echo(kinds_pb2.Talk(text="hi"))
                    direct.append(time.perf_counter() - start)
    server.kill()
    (t50, t99), (d50, d99) = percentiles(tool), percentiles(direct)
    print(f"{calls} calls each; ms")
    print(f"| | p50 | p99 | mean |")
    print(f"|---|---|---|---|")
    print(f"| MCP tool call (Python SDK, stdio) | {t50 * 1e3:.3f} | {t99 * 1e3:.3f} | {statistics.mean(tool) * 1e3:.3f} |")
    print(f"| direct call (grpcio) | {d50 * 1e3:.3f} | {d99 * 1e3:.3f} | {statistics.mean(direct) * 1e3:.3f} |")
    print(f"| added | {(t50 - d50) * 1e3:.3f} | {(t99 - d99) * 1e3:.3f} | |")


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
