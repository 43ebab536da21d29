//! `grpc-convo mcp`, the real binary, spoken to as an MCP client speaks to it: JSON-RPC lines on
//! its stdin and stdout, or HTTP at its Streamable HTTP endpoint, from a client's side and from
//! a hostile page's (a rebinding Host, another Origin, no token). The official SDKs drive it in
//! the interop suite (tests/interop/mcp_client.py, the MCP Inspector's CLI).

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, ChildStdin, ChildStdout, Stdio},
};

use common::*;
use serde_json::{Value, json};

/// An MCP session over the binary's stdio.
struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        let mut child = bin()
            .arg("mcp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
        let mut session = Session {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            next: 1,
        };
        let init = json!({ "protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": { "name": "tests", "version": "0" } });
        let info = session.request("initialize", init);
        assert_eq!(info["serverInfo"]["name"], "grpc-convo", "{info}");
        session.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        session
    }

    fn send(&mut self, message: Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// A request's result (or its error, as `{"error": ...}`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let watchdog = Watchdog::arm(self.child.id());
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "mcp ended");
            let reply: Value = serde_json::from_str(&line).unwrap();
            if reply["id"] == id {
                watchdog.disarm();
                return match reply.get("result") {
                    Some(result) => result.clone(),
                    None => json!({ "error": reply["error"] }),
                };
            }
        }
    }

    /// A tool's result: its structured content, and whether it is an error.
    fn call(&mut self, tool: &str, arguments: Value) -> (Value, bool) {
        let result = self.request(
            "tools/call",
            json!({ "name": tool, "arguments": arguments }),
        );
        let error = result["isError"] == true;
        let content = match result.get("structuredContent") {
            Some(content) => content.clone(),
            None => json!({ "text": result["content"][0]["text"] }),
        };
        (content, error)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn each_unary_and_server_streaming_method_is_a_tool_with_its_request_s_schema() {
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let mut mcp = Session::start(&["--addr", &kinds.addr, "--proto", &proto]);
    let tools = mcp.request("tools/list", json!({}));
    let names: Vec<&str> = (tools["tools"].as_array().unwrap().iter())
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    for name in [
        "kinds_Kinds_Echo",
        "kinds_Kinds_Feed",
        "kinds_Kinds_Count",
        "open_conversation",
        "receive",
    ] {
        assert!(names.contains(&name), "{name} missing: {names:?}");
    }
    assert!(
        !names.contains(&"kinds_Kinds_Chat"),
        "a bidirectional method is a conversation"
    );
    let echo = (tools["tools"].as_array().unwrap().iter())
        .find(|tool| tool["name"] == "kinds_Kinds_Echo")
        .unwrap();
    let request = &echo["inputSchema"]["properties"]["request"]["properties"];
    assert_eq!(
        request["big"]["type"], "string",
        "int64 as a string: {request}"
    );
    assert_eq!(request["blob"]["contentEncoding"], "base64");
    assert_eq!(request["mood"]["enum"], json!(["CALM", "HAPPY", "SAD"]));
    assert_eq!(request["tags"]["type"], "array");
    let meta = request["meta"]["$ref"].as_str().unwrap();
    assert_eq!(meta, "#/$defs/kinds.common.Meta");
    assert_eq!(
        echo["inputSchema"]["$defs"]["kinds.common.Meta"]["properties"]["level"]["type"],
        "integer"
    );

    let asked = json!({ "request": { "text": "hi", "big": "9007199254740993", "mood": "SAD" } });
    let (answered, error) = mcp.call("kinds_Kinds_Echo", asked);
    assert!(!error, "{answered}");
    assert_eq!(answered["responses"][0]["said"], "hi");
    assert_eq!(answered["responses"][0]["big"], "9007199254740993");
    let (fed, _) = mcp.call(
        "kinds_Kinds_Feed",
        json!({ "request": { "text": "x" }, "max_answers": 2 }),
    );
    assert_eq!(fed["responses"].as_array().unwrap().len(), 2, "{fed}");
    assert_eq!(fed["more"], true);
}

#[test]
fn a_failed_call_is_a_tool_error_with_its_status_and_credentials_stay_the_gateway_s() {
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let mut mcp = Session::start(&["--addr", &kinds.addr, "--proto", &proto]);
    let (failed, error) = mcp.call("kinds_Kinds_Count", json!({ "request": { "n": -1 } }));
    assert!(error);
    assert_eq!(failed["status"]["code"], "INVALID_ARGUMENT", "{failed}");
    assert_eq!(failed["status"]["message"], "cannot count to -1");
    let stolen = json!({ "request": {}, "metadata": { "Authorization": "Bearer x" } });
    let (refused, error) = mcp.call("kinds_Kinds_Echo", stolen);
    assert!(
        error && refused.to_string().contains("authorization"),
        "{refused}"
    );
    let (wrong, error) = mcp.call("kinds_Kinds_Echo", json!({ "request": { "big": "many" } }));
    assert!(error && wrong.to_string().contains("request"), "{wrong}");
    let unknown = mcp.request("tools/call", json!({ "name": "nope", "arguments": {} }));
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no tool nope"),
        "{unknown}"
    );
}

#[test]
fn a_conversation_answers_each_question_before_the_next_and_ends_when_closed() {
    let server = Serve::start(&[]);
    let mut mcp = Session::start(&["--addr", &server.addr, "--max-conversations", "1"]);
    let (opened, _) = mcp.call(
        "open_conversation",
        json!({ "method": "proto.Stream/Conversations" }),
    );
    let id = opened["id"].as_str().unwrap().to_owned();
    let (busy, error) = mcp.call(
        "open_conversation",
        json!({ "method": "proto.Stream/Conversations" }),
    );
    assert!(
        error && busy.to_string().contains("--max-conversations"),
        "{busy}"
    );
    for turn in 1..=3 {
        let question = format!("turn {turn}");
        let (sent, _) = mcp.call(
            "send",
            json!({ "id": id, "requests": [{ "question": question }] }),
        );
        assert_eq!(sent["sent"], 1);
        let (received, _) = mcp.call("receive", json!({ "id": id, "wait_ms": 30000 }));
        assert_eq!(
            received["answers"],
            json!([{ "answer": echo(turn, &question) }]),
            "{received}"
        );
    }
    mcp.call("send", json!({ "id": id, "end": true }));
    let (ended, _) = mcp.call("receive", json!({ "id": id, "wait_ms": 30000 }));
    assert_eq!(
        (ended["ended"].as_bool(), &ended["status"]["code"]),
        (Some(true), &json!("OK")),
        "{ended}"
    );
    mcp.call("close", json!({ "id": id }));
    let (gone, error) = mcp.call("receive", json!({ "id": id }));
    assert!(
        error && gone.to_string().contains("no conversation"),
        "{gone}"
    );
    // Its seat is free again.
    let (again, error) = mcp.call(
        "open_conversation",
        json!({ "method": "proto.Stream/Conversations", "input": "lines" }),
    );
    assert!(!error, "{again}");
}

/// An HTTP request to the Streamable HTTP endpoint: its status.
fn post(addr: &str, host: &str, extra: &str) -> u16 {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#;
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         accept: application/json, text/event-stream\r\n{extra}content-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = [0; 12];
    stream.read_exact(&mut head).unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

#[test]
fn streamable_http_refuses_a_rebinding_host_another_origin_and_a_missing_token() {
    let server = Serve::start(&[]);
    let dir = std::env::temp_dir().join(format!("mcp-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, "s3cret").unwrap();
    let args = [
        "mcp",
        "--addr",
        &server.addr,
        "--listen",
        "127.0.0.1:0",
        "--mcp-token-file",
        token.to_str().unwrap(),
    ];
    let mcp = Serve::spawn(&args, "mcp at http://", "/mcp");
    let port = mcp.addr.rsplit_once(':').unwrap().1;
    let here = format!("127.0.0.1:{port}");
    let bearer = "authorization: Bearer s3cret\r\n";
    assert_eq!(post(&mcp.addr, &here, bearer), 200);
    assert_eq!(post(&mcp.addr, &here, ""), 401, "no token");
    assert_eq!(
        post(&mcp.addr, &here, "authorization: Bearer guess\r\n"),
        401
    );
    assert_eq!(
        post(&mcp.addr, &format!("evil.example:{port}"), bearer),
        403,
        "a rebinding Host"
    );
    let page = format!("{bearer}origin: http://evil.example\r\n");
    assert_eq!(
        post(&mcp.addr, &here, &page),
        403,
        "a page on another origin"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn listening_beyond_loopback_needs_a_token() {
    let output = run(&["mcp", "--addr", "127.0.0.1:1", "--listen", "0.0.0.0:0"]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr_text(&output);
    assert!(said.contains("--mcp-token-file"), "{said}");
}

#[test]
fn a_conversation_left_idle_is_cancelled() {
    let server = Serve::start(&[]);
    let mut mcp = Session::start(&["--addr", &server.addr, "--conversation-idle", "300ms"]);
    let (opened, _) = mcp.call(
        "open_conversation",
        json!({ "method": "proto.Stream/Conversations" }),
    );
    let id = opened["id"].as_str().unwrap().to_owned();
    mcp.call(
        "send",
        json!({ "id": id, "requests": [{ "question": "hi" }] }),
    );
    let (received, _) = mcp.call("receive", json!({ "id": id, "wait_ms": 30000 }));
    assert_eq!(
        received["answers"].as_array().unwrap().len(),
        1,
        "{received}"
    );
    // Nothing touches it now: once it has been idle long enough, its call ends (its input
    // closed, its answers dropped), and the server logs the conversation's close.
    server.wait_for_log("conversation closed");
    let (gone, error) = mcp.call("receive", json!({ "id": id }));
    assert!(
        error && gone.to_string().contains("idle too long"),
        "{gone}"
    );
}
