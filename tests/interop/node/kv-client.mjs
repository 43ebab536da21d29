// A connect-node client of examples/kv.proto as grpc-convo serve answers it (examples/kv-store.sh
// behind serve --proto): puts with bytes keys and int64 revisions, a range with repeated results,
// an error, and (where the protocol allows a bidi stream: Connect over HTTP/2) a watch that
// replays the puts. The types come from a descriptor set at run time, as no generated code.
//
//   node kv-client.mjs connect|grpcweb 1.1|2 json|binary BASE_URL DESCRIPTOR_SET
import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";

const [protocol, httpVersion, format, baseUrl, descriptors] = process.argv.slice(2);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptors)));
const options = { baseUrl, httpVersion, useBinaryFormat: format === "binary" };
const transport =
  protocol === "connect" ? createConnectTransport(options) : createGrpcWebTransport(options);
const kv = createClient(registry.getService("store.KV"), transport);
const text = new TextEncoder();
const bytes = new TextDecoder();

function fail(why) {
  console.error(`${protocol} ${httpVersion} ${format}: ${why}`);
  process.exit(1);
}

const key = text.encode(`key-${protocol}-${httpVersion}-${format}`);
const first = await kv.put({ key, value: text.encode("one") });
const second = await kv.put({ key, value: text.encode("two") });
if (second.header.revision !== first.header.revision + 1n) {
  fail(`revisions ${first.header.revision} then ${second.header.revision}`);
}
const range = await kv.range({ prefix: key });
const found = range.kvs.map((one) => `${bytes.decode(one.key)}=${bytes.decode(one.value)}`);
if (found.join() !== `${bytes.decode(key)}=two`) {
  fail(`range gave ${found.join()}`);
}
try {
  await kv.range({ prefix: text.encode("no-such-key") });
  fail("a missing key was found");
} catch (err) {
  const error = ConnectError.from(err);
  if (error.code !== Code.Unknown || !error.rawMessage.includes("no such key: no-such-key")) {
    fail(`a missing key gave ${error.code}: ${error.rawMessage}`);
  }
}
let watched = "not a bidi stream here";
if (protocol === "connect" && httpVersion === "2") {
  const create = { key, startRevision: first.header.revision };
  async function* requests() {
    yield { requestUnion: { case: "createRequest", value: create } };
    // The watch goes on until the client is done with it.
    await new Promise(() => {});
  }
  const values = [];
  for await (const answer of kv.watch(requests())) {
    values.push(...answer.events.map((event) => bytes.decode(event.kv.value)));
    if (values.length >= 2) break;
  }
  if (values.join() !== "one,two") fail(`watch gave ${values.join()}`);
  watched = `watched ${values.join(" then ")}`;
}
console.log(`${protocol} ${httpVersion} ${format}: put, range, error; ${watched}`);
// connect-node keeps its HTTP/2 session open for the next call: nothing else is coming.
process.exit(0);
