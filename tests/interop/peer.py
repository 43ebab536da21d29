"""grpcio peers for the interop suite: clients that check grpc-convo serve, servers that grpc-convo
ask is checked against. Every client exits 0 when the check holds and 1 with a reason when not;
every server prints "listening on HOST:PORT" on stderr once bound to a free port."""

import asyncio
import os
import sys
import threading

import grpc

sys.path.insert(0, os.environ["INTEROP_PY"])
import stream_pb2  # noqa: E402  (generated at set-up time into INTEROP_PY)
import stream_pb2_grpc  # noqa: E402


def echo(n, question):
    return f"from stream server answer: the {n} question is {question}"


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def questions(texts):
    for text in texts:
        yield stream_pb2.StreamRequest(question=text)


def client_pipeline(addr, count, compression=None):
    """Sends every question without waiting for answers, then checks each answer in order;
    with `compression`, every message on the channel is compressed."""
    texts = [f"py {i}" for i in range(count)]
    with grpc.insecure_channel(addr, compression=compression) as channel:
        stub = stream_pb2_grpc.StreamStub(channel)
        got = [r.answer for r in stub.Conversations(questions(texts))]
    want = [echo(i + 1, t) for i, t in enumerate(texts)]
    if got != want:
        first = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        fail(f"{len(got)} answers for {count} questions; first difference at {first}")


def client_concurrent(addr, conversations, count):
    """Many conversations at once on one channel, each numbered from 1 on its own."""

    async def one(stub, c):
        texts = [f"c{c} q{i}" for i in range(count)]
        got = [r.answer async for r in stub.Conversations(questions(texts))]
        return got == [echo(i + 1, t) for i, t in enumerate(texts)]

    async def run():
        async with grpc.aio.insecure_channel(addr) as channel:
            stub = stream_pb2_grpc.StreamStub(channel)
            return await asyncio.gather(*(one(stub, c) for c in range(conversations)))

    results = asyncio.run(run())
    if not all(results):
        fail(f"{results.count(False)} of {conversations} conversations had wrong answers")


def client_cancel(addr):
    """Cancels a conversation that is still sending, then checks the server still answers."""
    more = threading.Event()

    def slow_questions():
        yield stream_pb2.StreamRequest(question="before cancel")
        more.wait(30)

    with grpc.insecure_channel(addr) as channel:
        stub = stream_pb2_grpc.StreamStub(channel)
        call = stub.Conversations(slow_questions())
        first = next(call)
        if first.answer != echo(1, "before cancel"):
            fail(f"unexpected first answer {first.answer!r}")
        call.cancel()
        try:
            next(call)
            fail("answers went on after cancel")
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.CANCELLED:
                fail(f"cancel gave {err.code()}")
        more.set()
        again = [r.answer for r in stub.Conversations(questions(["after"]))]
        if again != [echo(1, "after")]:
            fail(f"server did not answer after a cancel: {again}")


def client_deadline(addr):
    """A conversation that outlives its deadline ends with DEADLINE_EXCEEDED."""
    never = threading.Event()

    def stalled():
        yield stream_pb2.StreamRequest(question="then silence")
        never.wait(30)

    with grpc.insecure_channel(addr) as channel:
        stub = stream_pb2_grpc.StreamStub(channel)
        call = stub.Conversations(stalled(), timeout=0.5)
        try:
            answers = [r.answer for r in call]
            fail(f"conversation ended without an error: {answers}")
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                fail(f"deadline gave {err.code()}: {err.details()}")
        finally:
            never.set()


def client_oversize(addr):
    """A question over the server's 4 MiB limit ends that conversation with RESOURCE_EXHAUSTED,
    and the server goes on answering others."""
    big = "x" * (4 * 1024 * 1024 + 1)
    with grpc.insecure_channel(addr) as channel:
        stub = stream_pb2_grpc.StreamStub(channel)
        try:
            answers = [r.answer for r in stub.Conversations(questions(["small", big]))]
            fail(f"oversize question accepted: {len(answers)} answers")
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                fail(f"oversize question gave {err.code()}: {err.details()}")
        again = [r.answer for r in stub.Conversations(questions(["still there?"]))]
        if again != [echo(1, "still there?")]:
            fail(f"server did not answer after an oversize question: {again}")


def client_tls_token(addr, ca_file, cert_file, key_file, token_file):
    """Mutual TLS and a bearer token: answered with them, UNAUTHENTICATED without the token."""
    read = lambda path: open(path, "rb").read()
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(ca_file),
        private_key=read(key_file),
        certificate_chain=read(cert_file),
    )
    token = read(token_file).decode().strip()
    with grpc.secure_channel(addr, credentials) as channel:
        stub = stream_pb2_grpc.StreamStub(channel)
        texts = [f"secure {i}" for i in range(100)]
        metadata = [("authorization", f"Bearer {token}")]
        got = [r.answer for r in stub.Conversations(questions(texts), metadata=metadata)]
        if got != [echo(i + 1, t) for i, t in enumerate(texts)]:
            fail(f"{len(got)} answers over TLS with a token")
        try:
            list(stub.Conversations(questions(["no token"])))
            fail("answered without a token")
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNAUTHENTICATED:
                fail(f"no token gave {err.code()}")


class FailAfter(stream_pb2_grpc.StreamServicer):
    """Answers like the tutorial, then ends each conversation with RESOURCE_EXHAUSTED (never,
    with None)."""

    def __init__(self, answers):
        self.answers = answers

    def Conversations(self, request_iterator, context):
        for n, request in enumerate(request_iterator, start=1):
            yield stream_pb2.StreamResponse(answer=echo(n, request.question))
            if n == self.answers:
                context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"gave up after {n} answers")


class MetadataEcho(stream_pb2_grpc.StreamServicer):
    """Answers each question with the request metadata it names, values joined by commas."""

    def Conversations(self, request_iterator, context):
        metadata = context.invocation_metadata()
        for request in request_iterator:
            values = [value for key, value in metadata if key == request.question]
            yield stream_pb2.StreamResponse(answer=",".join(str(v) for v in values))


def serve(servicer, add=None, reflection=()):
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    (add or stream_pb2_grpc.add_StreamServicer_to_server)(servicer, server)
    # grpcio's own health service, for `grpc-convo health`: the whole server SERVING, one
    # service that is not, as a server draining or starting would say.
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc

    checks = health.HealthServicer()
    checks.set("", health_pb2.HealthCheckResponse.SERVING)
    checks.set("interop.Resting", health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(checks, server)
    if reflection:
        from grpc_reflection.v1alpha import reflection as v1alpha

        names = (*reflection, v1alpha.SERVICE_NAME)
        v1alpha.enable_server_reflection(names, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.wait_for_termination()


def kv_servicer():
    """The key-value store of examples/kv.proto, in memory, as tests/interop/go/kvserver keeps
    it: revisions from 1, a watch answers created, then the key's puts from start_revision in
    one response, then each later put in one of its own."""
    import kv_pb2
    import kv_pb2_grpc

    log, changed = [], threading.Condition()
    leases = iter(range(9007199254740993, 2**63))

    class Store(kv_pb2_grpc.KVServicer):
        def Put(self, request, context):
            with changed:
                log.append(kv_pb2.KeyValue(key=request.key, value=request.value,
                                           mod_revision=len(log) + 1, lease=request.lease))
                changed.notify_all()
                return kv_pb2.PutResponse(header=kv_pb2.Header(revision=len(log)))

        def Range(self, request, context):
            with changed:
                newest = {kv.key: kv for kv in log if kv.key.startswith(request.prefix)}
                return kv_pb2.RangeResponse(header=kv_pb2.Header(revision=len(log)),
                                            kvs=[newest[k] for k in sorted(newest)], count=len(newest))

        def Lease(self, request, context):
            return kv_pb2.LeaseResponse(id=next(leases), ttl=request.ttl)

        def Watch(self, request_iterator, context):
            create = next(request_iterator).create_request
            yield kv_pb2.WatchResponse(watch_id=1, created=True)
            at = create.start_revision - 1 if create.start_revision else len(log)
            while context.is_active():
                with changed:
                    changed.wait_for(lambda: at < len(log) or not context.is_active(), timeout=1)
                    events = [kv_pb2.Event(type=kv_pb2.PUT, kv=kv) for kv in log[at:] if kv.key == create.key]
                    at = len(log)
                if events:
                    yield kv_pb2.WatchResponse(watch_id=1, events=events,
                                               header=kv_pb2.Header(revision=at))

    return Store(), kv_pb2_grpc.add_KVServicer_to_server


def kinds_servicer():
    """The test service of proto/kinds.proto, with every kind of method."""
    import kinds_pb2
    import kinds_pb2_grpc

    class Kinds(kinds_pb2_grpc.KindsServicer):
        def Chat(self, request_iterator, context):
            for n, talk in enumerate(request_iterator, start=1):
                yield kinds_pb2.Reply(said=f"chat {n}: {talk.text}", mood=talk.mood)

        def Feed(self, request, context):
            for n in range(1, 4):
                yield kinds_pb2.Reply(said=f"feed {n}: {request.text}")

        def Collect(self, request_iterator, context):
            return kinds_pb2.Reply(said=",".join(talk.text for talk in request_iterator))

        def Echo(self, request, context):
            return kinds_pb2.Reply(
                said=request.text, mood=request.mood, meta=request.meta, tags=request.tags,
                big=request.big,
            )

        def Pick(self, request, context):
            return request

        def Count(self, request, context):
            if request.n < 0:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"cannot count to {request.n}")
            return kinds_pb2.Numbers(n=request.n + 1)

    return Kinds(), kinds_pb2_grpc.add_KindsServicer_to_server


def client_kinds(addr):
    """Every kind of method of kinds.Kinds, as grpcio stubs call them, against a server that
    answers as tests/interop/run.sh's script does."""
    import kinds_pb2
    import kinds_pb2_grpc

    talks = lambda texts: (kinds_pb2.Talk(text=t) for t in texts)
    with grpc.insecure_channel(addr) as channel:
        stub = kinds_pb2_grpc.KindsStub(channel)
        chat = [r.said for r in stub.Chat(talks(["a", "b"]))]
        feed = [r.said for r in stub.Feed(kinds_pb2.Talk(text="x"))]
        collect = stub.Collect(talks(["p", "q", "r"])).said
        echo = stub.Echo(kinds_pb2.Talk(text="hello")).said
    got = (chat, feed, collect, echo)
    want = (["chat 1: a", "chat 2: b"], [f"feed {n}: x" for n in (1, 2, 3)], "p,q,r", "hello")
    if got != want:
        fail(f"got {got}, want {want}")


def main():
    command, *args = sys.argv[1:]
    if command == "pipeline":
        client_pipeline(args[0], int(args[1]))
    elif command == "pipeline-gzip":
        client_pipeline(args[0], int(args[1]), grpc.Compression.Gzip)
    elif command == "concurrent":
        client_concurrent(args[0], int(args[1]), int(args[2]))
    elif command == "cancel":
        client_cancel(args[0])
    elif command == "deadline":
        client_deadline(args[0])
    elif command == "oversize":
        client_oversize(args[0])
    elif command == "tls-token":
        client_tls_token(*args)
    elif command == "serve-fail-after":
        serve(FailAfter(int(args[0])))
    elif command == "serve-echo":
        serve(FailAfter(None))
    elif command == "serve-metadata":
        serve(MetadataEcho())
    elif command == "kinds-client":
        client_kinds(args[0])
    elif command == "serve-kv":
        servicer, add = kv_servicer()
        serve(servicer, add, ("store.KV",))
    elif command == "serve-kinds":
        servicer, add = kinds_servicer()
        reflection = () if args == ["--no-reflection"] else ("kinds.Kinds",)
        serve(servicer, add, reflection)
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main()
