// Unary calls per second against one server, the same client library (connect-node) speaking
// each protocol: health's Check, CONCURRENCY calls at a time until CALLS are done.
//
//   node unary-bench.mjs connect|grpcweb|grpc 1.1|2 json|binary BASE_URL DESCRIPTOR_SET CALLS CONCURRENCY
import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

const [protocol, httpVersion, format, baseUrl, descriptors, calls, concurrency] =
  process.argv.slice(2);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptors)));
const options = { baseUrl, httpVersion, useBinaryFormat: format === "binary" };
const make = { connect: createConnectTransport, grpcweb: createGrpcWebTransport, grpc: createGrpcTransport };
const health = createClient(registry.getService("grpc.health.v1.Health"), make[protocol](options));

let left = Number(calls);
async function worker() {
  while (left-- > 0) {
    const answer = await health.check({ service: "" });
    if (answer.status !== 1) throw new Error(`status ${answer.status}`);
  }
}
await health.check({ service: "" }); // the connection, made before the clock starts
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${protocol} http/${httpVersion} ${format}: ${Math.round(Number(calls) / seconds)} calls/s`);
process.exit(0);
