// examples/calc.proto served by connect-node, which answers gRPC, gRPC-Web and Connect on one
// HTTP/2 port (h2c), or gRPC-Web and Connect on HTTP/1.1 with `1.1`: grpc-convo's clients call
// it with each --protocol. Eval answers one expression, Count counts to one, Session answers
// each expression as it comes. It prints "listening on ADDRESS" on stderr once it listens.
//
//   node calc-server.mjs DESCRIPTOR_SET [1.1]
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as http2 from "node:http2";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(process.argv[2])));
const calc = registry.getService("calc.Calc");

function value(text) {
  // Integer arithmetic only, as examples/calc.sh does it.
  if (!/^[0-9+*/%() -]+$/.test(text)) {
    throw new ConnectError(`not arithmetic: ${text}`, Code.InvalidArgument);
  }
  return String(Math.trunc(Function(`"use strict"; return (${text});`)()));
}

const handler = connectNodeAdapter({
  routes(router) {
    router.service(calc, {
      eval(expr) {
        return { result: value(expr.text) };
      },
      async *count(expr) {
        for (let n = 1; n <= Number(value(expr.text)); n++) yield { result: String(n) };
      },
      async *session(exprs) {
        for await (const expr of exprs) yield { result: value(expr.text) };
      },
    });
  },
});
const make = process.argv[3] === "1.1" ? http.createServer : http2.createServer;
const server = make(handler).listen(0, "127.0.0.1", () => {
  console.error(`listening on 127.0.0.1:${server.address().port}`);
});
