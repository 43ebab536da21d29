//! serve's gRPC-Web and Connect (docs/protocols.md), spoken by hand the way their clients speak
//! them: HTTP/1.1 on a plain socket, HTTP/2 with h2; every kind of call, JSON with int64s,
//! bytes, enums and repeated fields, errors, deadlines, the token, browsers' origins, and input
//! that is broken on purpose.

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
};

use common::*;

/// An HTTP/1.1 answer: status, headers (names lowercased) and the body, de-chunked.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a connection of its own, which the server closes after it.
fn http1(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_ascii_lowercase(), value.to_owned())
        })
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut chunked: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line = chunked.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&chunked[..line]).unwrap(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&chunked[line + 2..line + 2 + size]);
        chunked = &chunked[line + 2 + size + 2..];
    }
}

/// A message in an envelope.
fn envelope(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// The envelopes of a body, flags and payload.
fn envelopes(mut body: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let len = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        out.push((body[0], body[5..5 + len].to_vec()));
        body = &body[5 + len..];
    }
    out
}

const JSON: (&str, &str) = ("content-type", "application/json");
const CONNECT_JSON: (&str, &str) = ("content-type", "application/connect+json");

/// serve with kinds.proto's methods bridged to a script that answers in protobuf JSON:
/// Echo gives the request back as a Reply, Feed three replies, Chat one per talk.
fn kinds(extra: &[&str]) -> Serve {
    let proto = kinds_proto();
    let script = r#"case "$GRPC_CONVO_METHOD" in
  kinds.Kinds/Echo) IFS= read -r t; case "$t" in
      *slow*) sleep 30 ;;
      *fail*) echo "cannot echo that" >&2; exit 3 ;;
    esac
    printf '%s\n' "$t" | sed 's/"text"/"said"/; s/,"blob":"[^"]*"//' ;;
  kinds.Kinds/Feed) IFS= read -r t; for n in 1 2 3; do echo "{\"said\":\"feed $n\"}"; done ;;
  kinds.Kinds/Chat) n=0; while IFS= read -r t; do n=$((n + 1)); echo "{\"said\":\"chat $n\"}"; done ;;
esac"#;
    let mut args = vec!["--proto", proto.as_str(), "--process-format", "json"];
    for method in ["Echo", "Feed", "Chat"] {
        args.extend(["--method", ["kinds.Kinds/", method].concat().leak()]);
    }
    args.extend(extra);
    args.extend(["--", "sh", "-c", script]);
    Serve::start(&args)
}

#[test]
fn connect_unary_json_carries_int64s_bytes_enums_nested_and_repeated_fields() {
    let server = kinds(&[]);
    let talk = r#"{"text":"hi","meta":{"note":"n","level":3},"mood":"HAPPY","tags":["a","b"],"blob":"AAE=","big":"9007199254740993"}"#;
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[JSON],
        talk.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let reply: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        reply,
        serde_json::json!({"said": "hi", "meta": {"note": "n", "level": 3}, "mood": "HAPPY",
                           "tags": ["a", "b"], "big": "9007199254740993"})
    );
    // The same call in protobuf: the bare message each way.
    let talk = b"\x0a\x02hi\x30\x07"; // text "hi", big 7
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[("content-type", "application/proto")],
        talk,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/proto"));
    assert_eq!(answer.body, b"\x0a\x02hi\x28\x07");
    server.wait_for_log("method=\"kinds.Kinds/Echo\"");
}

#[test]
fn connect_errors_are_json_with_the_http_status_of_their_code() {
    let server = kinds(&[]);
    let call = |body: &str, extra: &[(&str, &str)]| {
        let mut headers = vec![JSON];
        headers.extend(extra);
        let answer = http1(
            &server.addr,
            "POST",
            "/kinds.Kinds/Echo",
            &headers,
            body.as_bytes(),
        );
        let error: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        (
            answer.status,
            error["code"].as_str().unwrap().to_owned(),
            error["message"].to_string(),
        )
    };
    let (status, code, message) = call(r#"{"text":"fail"}"#, &[]);
    assert_eq!((status, code.as_str()), (500, "unknown"));
    assert!(message.contains("cannot echo that"), "{message}");
    let (status, code, message) = call(r#"{"txt":"hi"}"#, &[]);
    assert_eq!((status, code.as_str()), (400, "invalid_argument"));
    assert!(
        message.contains("not a kinds.Talk") && message.contains("txt"),
        "{message}"
    );
    let (status, code, _) = call(r#"{"text":"slow"}"#, &[("connect-timeout-ms", "200")]);
    assert_eq!((status, code.as_str()), (504, "deadline_exceeded"));
    let missing = http1(&server.addr, "POST", "/kinds.Kinds/Nope", &[JSON], b"{}");
    assert_eq!(missing.status, 501, "{}", missing.text());
    assert!(
        missing.text().contains("unimplemented"),
        "{}",
        missing.text()
    );
}

#[test]
fn connect_streams_send_envelopes_and_end_with_the_status() {
    let server = kinds(&[]);
    let feed = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Feed",
        &[CONNECT_JSON],
        &envelope(0, br#"{"text":"x"}"#),
    );
    assert_eq!(feed.status, 200);
    assert_eq!(
        feed.header("content-type"),
        Some("application/connect+json")
    );
    let got = envelopes(&feed.body);
    let want: Vec<(u8, Vec<u8>)> = vec![
        (0, br#"{"said":"feed 1"}"#.to_vec()),
        (0, br#"{"said":"feed 2"}"#.to_vec()),
        (0, br#"{"said":"feed 3"}"#.to_vec()),
        (2, b"{}".to_vec()),
    ];
    assert_eq!(got, want);
    // A bidi call with its whole request sent first works over HTTP/1.1 too.
    let talks = [
        envelope(0, br#"{"text":"a"}"#),
        envelope(0, br#"{"text":"b"}"#),
    ]
    .concat();
    let chat = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Chat",
        &[CONNECT_JSON],
        &talks,
    );
    let got = envelopes(&chat.body);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1], (0, br#"{"said":"chat 2"}"#.to_vec()));
    // An error in the stream's end.
    let bad = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Feed",
        &[CONNECT_JSON],
        &envelope(0, b"[]"),
    );
    let got = envelopes(&bad.body);
    let end: serde_json::Value = serde_json::from_slice(&got.last().unwrap().1).unwrap();
    assert_eq!(got.last().unwrap().0, 2);
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    // A health watch never ends by itself: over HTTP/1.1 its deadline ends it.
    let watch = http1(
        &server.addr,
        "POST",
        "/grpc.health.v1.Health/Watch",
        &[CONNECT_JSON, ("connect-timeout-ms", "300")],
        &envelope(0, br#"{"service":""}"#),
    );
    let got = envelopes(&watch.body);
    assert_eq!(got[0], (0, br#"{"status":"SERVING"}"#.to_vec()));
    let end: serde_json::Value = serde_json::from_slice(&got.last().unwrap().1).unwrap();
    assert_eq!(end["error"]["code"], "deadline_exceeded", "{end}");
}

#[test]
fn grpc_web_binary_and_text_reach_the_tutorial_with_trailers_in_the_body() {
    let server = Serve::start(&[]);
    let question = envelope(0, b"\x0a\x02hi");
    let web = http1(
        &server.addr,
        "POST",
        "/proto.Stream/Conversations",
        &[("content-type", "application/grpc-web+proto")],
        &question,
    );
    assert_eq!(web.status, 200);
    let got = envelopes(&web.body);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(String::from_utf8_lossy(&got[0].1).ends_with(&echo(1, "hi")));
    assert_eq!(got[1].0, 0x80);
    assert_eq!(got[1].1, b"grpc-status: 0\r\n");
    // -text: base64 each way, sent here in two separately padded chunks.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let two = [envelope(0, b"\x0a\x01a"), envelope(0, b"\x0a\x01b")];
    let text = [b64.encode(&two[0]), b64.encode(&two[1])].concat();
    let web = http1(
        &server.addr,
        "POST",
        "/proto.Stream/Conversations",
        &[("content-type", "application/grpc-web-text")],
        text.as_bytes(),
    );
    assert_eq!(
        web.header("content-type"),
        Some("application/grpc-web-text+proto")
    );
    // Each group of four characters decodes on its own, however the chunks were padded.
    let decoded: Vec<u8> = (web.body.chunks(4))
        .flat_map(|group| b64.decode(group).unwrap())
        .collect();
    let got = envelopes(&decoded);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(String::from_utf8_lossy(&got[1].1).ends_with(&echo(2, "b")));
}

#[test]
fn browsers_need_an_allowed_origin_even_for_a_get() {
    let proto = format!("{}/examples/calc.proto", env!("CARGO_MANIFEST_DIR"));
    let script = format!("{}/examples/calc.sh", env!("CARGO_MANIFEST_DIR"));
    let server = Serve::start(&[
        "--proto",
        &proto,
        "--method",
        "calc.Calc/Eval",
        "--allow-origin",
        "http://app.example",
        "--",
        &script,
    ]);
    let get = "/calc.Calc/Eval?connect=v1&encoding=json&message=%7B%22text%22%3A%222%2B2%22%7D";
    let allowed = http1(
        &server.addr,
        "GET",
        get,
        &[("origin", "http://app.example")],
        b"",
    );
    assert_eq!(
        (allowed.status, allowed.text().as_str()),
        (200, r#"{"result":"4"}"#)
    );
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://app.example")
    );
    assert!(
        allowed
            .header("access-control-expose-headers")
            .unwrap()
            .contains("grpc-status")
    );
    // The query's own compression and base64, as connect-python sends a GET.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(br#"{"text":"3*3"}"#).unwrap();
    use base64::Engine as _;
    let message = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip.finish().unwrap());
    let packed = format!(
        "/calc.Calc/Eval?connect=v1&encoding=json&base64=1&compression=gzip&message={message}"
    );
    let answer = http1(
        &server.addr,
        "GET",
        &packed,
        &[("content-encoding", "identity")],
        b"",
    );
    assert_eq!(
        (answer.status, answer.text().as_str()),
        (200, r#"{"result":"9"}"#)
    );
    // A page elsewhere, or a name rebound to this address, is refused before any call.
    let evil = http1(
        &server.addr,
        "GET",
        get,
        &[("origin", "http://evil.example")],
        b"",
    );
    assert_eq!(evil.status, 403, "{}", evil.text());
    let post = http1(
        &server.addr,
        "POST",
        "/calc.Calc/Eval",
        &[JSON, ("origin", "http://evil.example")],
        b"{}",
    );
    assert_eq!(post.status, 403);
    let preflight = |origin: &str| {
        let headers = [
            ("origin", origin),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "content-type,connect-protocol-version",
            ),
        ];
        http1(&server.addr, "OPTIONS", "/calc.Calc/Eval", &headers, b"")
    };
    let ok = preflight("http://app.example");
    assert_eq!(ok.status, 204);
    assert_eq!(
        ok.header("access-control-allow-headers"),
        Some("content-type,connect-protocol-version")
    );
    assert_eq!(preflight("http://evil.example").status, 403);
    assert!(
        !server.stderr().contains("conversation opened id=3"),
        "{}",
        server.stderr()
    );
}

#[test]
fn broken_requests_get_their_protocols_error_and_the_server_goes_on() {
    let server = kinds(&["--max-message-size", "1024"]);
    let huge = [0u8, 0xff, 0xff, 0xff, 0xff];
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Feed",
        &[CONNECT_JSON],
        &huge,
    );
    let got = envelopes(&answer.body);
    let end: serde_json::Value = serde_json::from_slice(&got.last().unwrap().1).unwrap();
    assert_eq!(end["error"]["code"], "resource_exhausted", "{end}");
    let truncated = &envelope(0, br#"{"text":"x"}"#)[..8];
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Feed",
        &[CONNECT_JSON],
        truncated,
    );
    let end: serde_json::Value =
        serde_json::from_slice(&envelopes(&answer.body).last().unwrap().1).unwrap();
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(2000));
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[JSON],
        big.as_bytes(),
    );
    assert_eq!(answer.status, 429, "{}", answer.text());
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[("content-type", "text/plain")],
        b"hi",
    );
    assert_eq!(answer.status, 415);
    let answer = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[("content-type", "application/grpc-web-text")],
        b"!!!!",
    );
    assert_eq!(answer.status, 200);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let decoded: Vec<u8> = (answer.body.chunks(4))
        .flat_map(|group| b64.decode(group).unwrap())
        .collect();
    // The status comes in the trailers' envelope, or in the headers of a trailers-only answer.
    let trailers = match envelopes(&decoded).last() {
        Some((0x80, block)) => String::from_utf8_lossy(block).into_owned(),
        _ => format!(
            "grpc-status: {}\r\n{:?}",
            answer.header("grpc-status").unwrap(),
            answer.headers
        ),
    };
    assert!(trailers.starts_with("grpc-status: 3\r\n"), "{trailers}");
    assert!(trailers.contains("base64"), "{trailers}");
    let output = ask(
        &server.addr,
        &[
            "--method",
            "kinds.Kinds/Echo",
            "--field",
            "text",
            "--answer-field",
            "said",
        ],
        b"still here\n",
    );
    assert_eq!(stdout_lines(&output), ["still here"]);
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

#[test]
fn the_token_is_asked_of_connect_and_grpc_web_calls_as_of_grpc_ones() {
    let token = std::env::temp_dir().join(format!("grpc-convo-web-token-{}", std::process::id()));
    std::fs::write(&token, "s3cret\n").unwrap();
    let server = kinds(&["--token-file", token.to_str().unwrap()]);
    let call = |extra: &[(&str, &str)]| {
        let mut headers = vec![JSON];
        headers.extend(extra);
        http1(
            &server.addr,
            "POST",
            "/kinds.Kinds/Echo",
            &headers,
            br#"{"text":"hi"}"#,
        )
    };
    let refused = call(&[]);
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert!(
        refused.text().contains("unauthenticated"),
        "{}",
        refused.text()
    );
    let admitted = call(&[("authorization", "Bearer s3cret")]);
    assert_eq!(
        (admitted.status, admitted.text().as_str()),
        (200, r#"{"said":"hi"}"#)
    );
    let web = http1(
        &server.addr,
        "POST",
        "/kinds.Kinds/Echo",
        &[("content-type", "application/grpc-web")],
        &envelope(0, b"\x0a\x02hi"),
    );
    assert_eq!(web.header("grpc-status"), Some("16"), "{:?}", web.headers);
    let _ = std::fs::remove_file(token);
}

/// Over HTTP/2 a Connect bidi stream is full duplex: each answer arrives before the next
/// question is sent.
#[test]
fn connect_bidi_over_http2_answers_each_message_as_it_comes() {
    let server = kinds(&[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let said = runtime.block_on(async {
        let tcp = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
        let (client, connection) = h2::client::handshake(tcp).await.unwrap();
        tokio::spawn(connection);
        let mut client = client.ready().await.unwrap();
        let request =
            tonic::codegen::http::Request::post(format!("http://{}/kinds.Kinds/Chat", server.addr))
                .header("content-type", "application/connect+json")
                .body(())
                .unwrap();
        let (response, mut send) = client.send_request(request, false).unwrap();
        let mut said = Vec::new();
        send.send_data(envelope(0, br#"{"text":"a"}"#).into(), false)
            .unwrap();
        let mut body = response.await.unwrap().into_body();
        for text in ["b", "c"] {
            said.push(next_envelope(&mut body).await);
            let talk = format!(r#"{{"text":"{text}"}}"#);
            send.send_data(envelope(0, talk.as_bytes()).into(), false)
                .unwrap();
        }
        said.push(next_envelope(&mut body).await);
        send.send_data(bytes::Bytes::new(), true).unwrap();
        said.push(next_envelope(&mut body).await);
        // A page's origin is screened over HTTP/2 as over HTTP/1.1.
        let evil =
            tonic::codegen::http::Request::post(format!("http://{}/kinds.Kinds/Echo", server.addr))
                .header("content-type", "application/json")
                .header("origin", "http://evil.example")
                .body(())
                .unwrap();
        let (refused, _) = client.send_request(evil, true).unwrap();
        assert_eq!(refused.await.unwrap().status(), 403);
        // A name rebound to this address: the page is same-origin to its browser, and its
        // Host and Origin agree, but that origin is not one --allow-origin names.
        let port = server.addr.rsplit_once(':').unwrap().1;
        let rebound = tonic::codegen::http::Request::post(format!(
            "http://evil.example:{port}/kinds.Kinds/Echo"
        ))
        .header("content-type", "application/json")
        .header("origin", format!("http://evil.example:{port}"))
        .body(())
        .unwrap();
        let (refused, _) = client.send_request(rebound, true).unwrap();
        assert_eq!(refused.await.unwrap().status(), 403);
        // A client that resets a translated stream mid-call ends its conversation.
        let chat =
            tonic::codegen::http::Request::post(format!("http://{}/kinds.Kinds/Chat", server.addr))
                .header("content-type", "application/connect+json")
                .body(())
                .unwrap();
        let (response, mut send) = client.send_request(chat, false).unwrap();
        send.send_data(envelope(0, br#"{"text":"a"}"#).into(), false)
            .unwrap();
        let mut body = response.await.unwrap().into_body();
        assert_eq!(next_envelope(&mut body).await.0, 0);
        send.send_reset(h2::Reason::CANCEL);
        said
    });
    let closed = server.wait_for_log("status=CANCELLED");
    assert!(
        closed.contains("kinds.Kinds/Chat") || closed.contains("conversation closed"),
        "{closed}"
    );
    let want: Vec<(u8, Vec<u8>)> = vec![
        (0, br#"{"said":"chat 1"}"#.to_vec()),
        (0, br#"{"said":"chat 2"}"#.to_vec()),
        (0, br#"{"said":"chat 3"}"#.to_vec()),
        (2, b"{}".to_vec()),
    ];
    assert_eq!(said, want);
}

/// The next whole envelope of an HTTP/2 body.
async fn next_envelope(body: &mut h2::RecvStream) -> (u8, Vec<u8>) {
    let mut held = Vec::new();
    loop {
        if held.len() >= 5 {
            let len = u32::from_be_bytes(held[1..5].try_into().unwrap()) as usize;
            if held.len() >= 5 + len {
                assert_eq!(held.len(), 5 + len, "one envelope at a time");
                return (held[0], held[5..].to_vec());
            }
        }
        let chunk = body.data().await.expect("more of the body").unwrap();
        let _ = body.flow_control().release_capacity(chunk.len());
        held.extend_from_slice(&chunk);
    }
}

/// A client that never finishes its request head is let go after --handshake-timeout, as one
/// that never finishes HTTP/2's preface is.
#[test]
fn an_http1_request_head_that_never_ends_is_cut_off() {
    let server = Serve::start(&["--handshake-timeout", "300ms"]);
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"POST /proto.Stream/Conversations HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    let watchdog = Watchdog::arm(server.pid());
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    watchdog.disarm();
    let told = String::from_utf8_lossy(&rest);
    assert!(
        told.is_empty() || told.starts_with("HTTP/1.1 408"),
        "{told}"
    );
    let output = ask(&server.addr, &["after"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "after")]);
}

/// Health and reflection over HTTP/1.1 hold one of --max-side-calls' seats for as long as they
/// run, as over HTTP/2: a client holding watches open cannot take more than its seats, and a
/// seat is given back when its call ends.
#[test]
fn side_calls_over_http1_are_held_to_their_seats() {
    let server = Serve::start(&["--max-side-calls", "1"]);
    let body = envelope(0, br#"{"service":""}"#);
    let request = format!(
        "POST /grpc.health.v1.Health/Watch HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
         content-type: application/connect+json\r\nconnect-timeout-ms: 1000\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    );
    let mut held = TcpStream::connect(&server.addr).unwrap();
    held.write_all(request.as_bytes()).unwrap();
    held.write_all(&body).unwrap();
    // The watch has its seat once its first answer is out.
    let mut first = [0u8; 512];
    let read = held.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..read]).contains("SERVING"));
    let check = || {
        let request = br#"{"service":""}"#;
        http1(
            &server.addr,
            "POST",
            "/grpc.health.v1.Health/Check",
            &[JSON],
            request,
        )
    };
    let refused = check();
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert!(
        refused.text().contains("--max-side-calls"),
        "{}",
        refused.text()
    );
    // The watch ends at its deadline, and its seat is free before its client has read the end.
    let mut rest = Vec::new();
    held.read_to_end(&mut rest).unwrap();
    assert!(String::from_utf8_lossy(&rest).contains("deadline_exceeded"));
    let answer = check();
    assert_eq!(
        (answer.status, answer.text().as_str()),
        (200, r#"{"status":"SERVING"}"#)
    );
}

/// The clients speak gRPC-Web and Connect too (`--protocol`), with the same lines and exit
/// statuses as over gRPC.
#[test]
fn ask_health_list_and_bench_speak_grpc_web_and_connect() {
    let server = Serve::start(&[]);
    let over = [
        ["--protocol", "grpc"],
        ["--protocol", "grpc-web"],
        ["--protocol", "connect"],
        ["--protocol=grpc-web", "--http1"],
        ["--protocol=connect", "--http1"],
    ];
    for protocol in over {
        let output = ask(&server.addr, &protocol, b"a\nb\n");
        assert_eq!(
            stdout_lines(&output),
            [echo(1, "a"), echo(2, "b")],
            "{protocol:?}"
        );
        let lockstep = [&protocol[..], &["--lockstep", "x", "y"]].concat();
        let output = ask(&server.addr, &lockstep, b"");
        assert_eq!(
            stdout_lines(&output),
            [echo(1, "x"), echo(2, "y")],
            "{protocol:?}"
        );
        let addr = [&["--addr", &server.addr][..], &protocol].concat();
        let health = run(&[&["health"][..], &addr].concat());
        assert_eq!(stdout_lines(&health), ["SERVING"], "{protocol:?}");
        let list = run(&[&["list"][..], &addr].concat());
        assert!(
            stdout_lines(&list).contains(&"proto.Stream".to_owned()),
            "{protocol:?}"
        );
        let bench = run(&[&["bench", "-c", "2", "-n", "50", "--check"][..], &addr].concat());
        let report = String::from_utf8_lossy(&bench.stdout).into_owned();
        assert!(
            bench.status.success(),
            "{protocol:?}: {report}{}",
            stderr_text(&bench)
        );
        assert!(
            report.contains("answers        100"),
            "{protocol:?}: {report}"
        );
    }
    let refused = run(&["health", "--addr", &server.addr, "--http1"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr_text(&refused).contains("--http1: gRPC needs HTTP/2"));
}

#[test]
fn a_unary_call_over_connect_answers_and_fails_as_over_grpc() {
    let server = kinds(&[]);
    let echo_call = |protocol: &str, line: &[u8]| {
        let mut args: Vec<&str> = ["--protocol"]
            .into_iter()
            .chain(protocol.split(' '))
            .collect();
        args.extend([
            "--method",
            "kinds.Kinds/Echo",
            "--input",
            "json",
            "--answer-field",
            "said",
        ]);
        ask(&server.addr, &args, line)
    };
    let mut failures = Vec::new();
    for protocol in ["grpc", "grpc-web", "connect", "connect --http1"] {
        let output = echo_call(protocol, br#"{"text":"hi","big":"9007199254740993"}"#);
        assert_eq!(
            stdout_lines(&output),
            ["hi"],
            "{protocol}: {}",
            stderr_text(&output)
        );
        let failed = echo_call(protocol, br#"{"text":"fail"}"#);
        assert!(
            stderr_text(&failed).contains("cannot echo that"),
            "{}",
            stderr_text(&failed)
        );
        failures.push(failed.status.code());
    }
    assert_eq!(failures, [Some(64 + 2); 4]);
    // A deadline travels as connect-timeout-ms.
    let slow = ask(
        &server.addr,
        &[
            "--protocol",
            "connect",
            "--method",
            "kinds.Kinds/Echo",
            "--input",
            "json",
            "--timeout",
            "300ms",
        ],
        br#"{"text":"slow"}"#,
    );
    assert_eq!(slow.status.code(), Some(64 + 4), "{}", stderr_text(&slow));
}
