// A connect-node client of examples/calc.proto as grpc-convo serve answers it (examples/calc.sh
// behind serve --proto): a unary call and a server stream, with the types from a descriptor set.
//
//   node calc-client.mjs connect|grpcweb 1.1|2 json|binary BASE_URL DESCRIPTOR_SET
import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";

const [protocol, httpVersion, format, baseUrl, descriptors] = process.argv.slice(2);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptors)));
const options = { baseUrl, httpVersion, useBinaryFormat: format === "binary" };
const transport =
  protocol === "connect" ? createConnectTransport(options) : createGrpcWebTransport(options);
const calc = createClient(registry.getService("calc.Calc"), transport);

const value = await calc.eval({ text: "6*7" });
const counted = [];
for await (const one of calc.count({ text: "3" })) counted.push(one.result);
if (value.result !== "42" || counted.join() !== "1,2,3") {
  console.error(`${protocol} ${httpVersion} ${format}: eval ${value.result}, count ${counted.join()}`);
  process.exit(1);
}
console.log(`${protocol} ${httpVersion} ${format}: a unary call and a server stream`);
// connect-node keeps its HTTP/2 session open for the next call: nothing else is coming.
process.exit(0);
