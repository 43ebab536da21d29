"""PyPI's connectrpc (connect-python) against serve's calculator (examples/calc.proto behind
examples/calc.sh): a unary call in protobuf and in JSON, the same as a GET (the method declares
no side effects), a server stream, and an error's code. The stubs are grpc_tools' messages;
the methods are described by hand, as no generated client, and the codecs (connectrpc's own
expect its newer message runtime) are google.protobuf's, binary and JSON.

    connect_python.py BASE_URL   (INTEROP_PY: the directory of calc_pb2)"""

import os
import sys

sys.path.insert(0, os.environ["INTEROP_PY"])

import calc_pb2  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from connectrpc.client import ConnectClientSync  # noqa: E402
from connectrpc.code import Code  # noqa: E402
from connectrpc.errors import ConnectError  # noqa: E402
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType  # noqa: E402


def method(name, stream_type, idempotency=IdempotencyLevel.UNKNOWN):
    return MethodInfo(name=name, service_name="calc.Calc", input=calc_pb2.Expr,
                      output=calc_pb2.Value, idempotency_level=idempotency,
                      stream_type=stream_type)


class Binary:
    def name(self):
        return "proto"

    def encode(self, message):
        return message.SerializeToString()

    def decode(self, data, message_class):
        return message_class.FromString(bytes(data))


class Json:
    def name(self):
        return "json"

    def encode(self, message):
        return json_format.MessageToJson(message).encode()

    def decode(self, data, message_class):
        return json_format.Parse(bytes(data), message_class())


EVAL = method("Eval", StreamType.UNARY, IdempotencyLevel.NO_SIDE_EFFECTS)
COUNT = method("Count", StreamType.SERVER_STREAM)


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def main():
    base = sys.argv[1]
    for codec in (Binary(), Json()):
        with ConnectClientSync(base, codec=codec) as calc:
            got = calc.execute_unary(request=calc_pb2.Expr(text="6*7"), method=EVAL).result
            if got != "42":
                fail(f"Eval gave {got!r}")
            got = calc.execute_unary(request=calc_pb2.Expr(text="2+2"), method=EVAL, use_get=True)
            if got.result != "4":
                fail(f"Eval by GET gave {got.result!r}")
            counted = [v.result for v in calc.execute_server_stream(request=calc_pb2.Expr(text="3"), method=COUNT)]
            if counted != ["1", "2", "3"]:
                fail(f"Count gave {counted}")
            try:
                calc.execute_unary(request=calc_pb2.Expr(text="six"), method=EVAL)
                fail("six was evaluated")
            except ConnectError as err:
                if err.code != Code.UNKNOWN or "not arithmetic: six" not in str(err):
                    fail(f"six gave {err.code}: {err}")
    print("protobuf and JSON: unary, GET, a server stream and an error")


if __name__ == "__main__":
    main()
