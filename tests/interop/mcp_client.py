"""`grpc-convo mcp` driven by the official Python MCP SDK (PyPI `mcp`), over stdio or over
Streamable HTTP, in front of a server of the kinds service (grpc-go's or grpcio's).

    mcp_client.py stdio BIN KINDS_ADDR TUTORIAL_ADDR
    mcp_client.py http MCP_URL KINDS_ADDR TUTORIAL_ADDR BIN   # mcp --listen in front of KINDS_ADDR

Against the kinds service (tests/interop/proto/kinds.proto): tools listed for every unary and
server-streaming method, each input schema validating the request this sends (`jsonschema`);
a unary call and a server-streaming call; a client-streaming call and a failed call's status
through the conversation tools; a refused `authorization` header. Against the tutorial's
service (a second mcp over stdio): a three-turn bidirectional conversation through
open_conversation, send, receive and close, each answer received before the next question.
"""

import asyncio
import json
import sys

import jsonschema
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def structured(result):
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


async def call(session, name, arguments, error=False):
    result = await session.call_tool(name, arguments)
    if bool(result.is_error) != error:
        fail(f"{name}({arguments}): error {result.is_error}: {result.content}")
    return structured(result)


async def kinds(session):
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    listed = await call(session, "list_methods", {})
    kinds_of = {m["method"]: m["kind"] for m in listed["methods"]}
    for method, kind in kinds_of.items():
        tool = next((m["tool"] for m in listed["methods"] if m["method"] == method), None)
        if kind in ("unary", "server-streaming") and tool not in tools:
            fail(f"{method} ({kind}) has no tool: {sorted(tools)}")
    echo = tools["kinds_Kinds_Echo"]
    request = {"request": {"text": "hi", "big": "9007199254740993", "mood": "SAD", "blob": "AAE=",
                           "tags": ["a", "b"], "meta": {"note": "n", "level": 2}},
               "metadata": {"x-id": "7"}}
    jsonschema.validate(request, echo.input_schema)
    pick = tools["kinds_Kinds_Pick"].input_schema
    jsonschema.validate({"request": {"left": "a", "n": 1}}, pick)
    for bad, schema in [({"request": {"big": 12.5}}, echo.input_schema), ({"request": {"mood": "ANGRY"}}, echo.input_schema),
                        ({"request": {"left": "a", "right": "b"}}, pick)]:
        try:
            jsonschema.validate(bad, schema)
            fail(f"the schema let {bad} pass")
        except jsonschema.ValidationError:
            pass
    answered = await call(session, "kinds_Kinds_Echo", request)
    reply = answered["responses"][0]
    if reply.get("said") != "hi" or reply.get("big") != "9007199254740993" or reply.get("mood") != "SAD" \
            or reply.get("meta") != {"note": "n", "level": 2}:
        fail(f"Echo: {answered}")
    feed = {"request": {"text": "x"}, "max_answers": 2}
    jsonschema.validate(feed, tools["kinds_Kinds_Feed"].input_schema)
    fed = await call(session, "kinds_Kinds_Feed", feed)
    if len(fed["responses"]) != 2 or not fed["more"]:
        fail(f"Feed, 2 answers at most: {fed}")
    await client_stream(session)
    failed = await call(session, "kinds_Kinds_Count", {"request": {"n": -1}}, error=True)
    if failed["status"]["code"] != "INVALID_ARGUMENT" or "cannot count" not in failed["status"]["message"]:
        fail(f"Count -1: {failed}")
    print("a failed call:", json.dumps(failed["status"]))
    refused = await session.call_tool("kinds_Kinds_Echo", {"request": {}, "metadata": {"Authorization": "Bearer stolen"}})
    if not refused.is_error or "authorization" not in refused.content[0].text:
        fail(f"authorization passed: {refused.content}")
    print(f"{len(tools)} tools; Echo, Feed, Pick's oneof, a client stream, a failed call, a refused header: ok")


async def client_stream(session):
    opened = await call(session, "open_conversation", {"method": "kinds.Kinds/Collect", "input": "lines", "field": ["text"]})
    await call(session, "send", {"id": opened["id"], "lines": ["a", "bb", "ccc"], "end": True})
    received = await call(session, "receive", {"id": opened["id"], "wait_ms": 10000})
    while not received["ended"]:
        more = await call(session, "receive", {"id": opened["id"], "wait_ms": 10000})
        received["answers"] += more["answers"]
        received["ended"], received["status"] = more["ended"], more["status"]
    if [a.get("said") for a in received["answers"]] != ["a,bb,ccc"] or received["status"]["code"] != "OK":
        fail(f"Collect: {received}")
    print("client stream:", json.dumps(received["answers"][0]))


async def tutorial(session):
    opened = await call(session, "open_conversation", {"method": "proto.Stream/Conversations"})
    conversation = opened["id"]
    for turn in range(1, 4):
        question = f"turn {turn}"
        await call(session, "send", {"id": conversation, "requests": [{"question": question}]})
        received = await call(session, "receive", {"id": conversation, "wait_ms": 10000})
        want = f"from stream server answer: the {turn} question is {question}"
        if [a.get("answer") for a in received["answers"]] != [want]:
            fail(f"turn {turn}: {received}")
    await call(session, "close", {"id": conversation})
    gone = await session.call_tool("receive", {"id": conversation})
    if not gone.is_error:
        fail("a closed conversation still answers")
    print("three turns, each answer before the next question: ok")


async def over_stdio(binary, addr, drive):
    params = StdioServerParameters(command=binary, args=["mcp", "--addr", addr])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await drive(session)


async def main():
    mode, target, kinds_addr, tutorial_addr = sys.argv[1:5]
    if mode == "stdio":
        await over_stdio(target, kinds_addr, kinds)
    else:
        async with streamable_http_client(target) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                await kinds(session)
    binary = sys.argv[5] if mode == "http" else target
    await over_stdio(binary, tutorial_addr, tutorial)


asyncio.run(main())
