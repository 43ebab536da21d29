//! `grpc-convo web`: conversations over its WebSocket API (docs/web.md) with every kind of
//! method, JSON both ways, the refusals, the origin and token guards, and `/api/methods`. The
//! browser test drives the page in the interop suite (tests/interop/browser.py).

mod common;
#[path = "common/ws.rs"]
mod ws;

use std::io::{Read, Write};

use common::*;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{
    client::IntoClientRequest, http::HeaderValue, protocol::frame::coding::CloseCode,
};
use ws::*;

/// The kinds test service, and web in front of it with its .proto.
fn kinds_web() -> (KindsServer, Serve) {
    let kinds = KindsServer::start(&[]);
    let web = Serve::web(&kinds.addr, &["--proto", &kinds_proto()]);
    (kinds, web)
}

/// The answers among `messages`.
fn answers(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .filter_map(|m| m["answer"].as_str())
        .collect()
}

#[tokio::test]
async fn each_answer_comes_back_before_the_next_question_and_the_status_last() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &[]);
    let mut socket = open(&web, "/ws").await;
    say(&mut socket, json!({"method": "proto.Stream/Conversations"})).await;
    let headers = next(&mut socket).await;
    for (n, question) in ["one", "two", "three"].into_iter().enumerate() {
        say(&mut socket, json!({"line": question})).await;
        let mut answer = next(&mut socket).await.unwrap();
        if answer.get("headers").is_some() {
            answer = next(&mut socket).await.unwrap();
        }
        assert_eq!(answer, json!({"answer": echo(n + 1, question)}));
    }
    // The headers came when the server sent them: before the first answer, and only once.
    assert!(headers.is_ok());
    say(&mut socket, json!({"end": true})).await;
    let (messages, code) = rest(&mut socket).await;
    let status = &messages.last().unwrap()["status"];
    assert_eq!(
        (status["code"].as_str(), status["number"].as_i64()),
        (Some("OK"), Some(0))
    );
    assert_eq!(code, Some(CloseCode::Normal));
}

#[tokio::test]
async fn unary_and_server_streaming_methods_make_a_call_per_line() {
    let (_kinds, web) = kinds_web();
    let end = json!({"end": true});
    let echo = json!({"method": "kinds.Kinds/Echo", "answer_field": ["said"]});
    let (messages, _) = converse(
        &web,
        &[
            echo,
            json!({"line": "a"}),
            json!({"line": "b"}),
            end.clone(),
        ],
    )
    .await;
    assert_eq!(answers(&messages), ["a", "b"]);

    let feed = json!({"method": "kinds.Kinds/Feed", "answer_field": ["said"]});
    let (messages, code) = converse(&web, &[feed, json!({"line": "x"}), end]).await;
    assert_eq!(answers(&messages), ["feed 1: x", "feed 2: x", "feed 3: x"]);
    assert_eq!(messages.last().unwrap()["status"]["code"], "OK");
    assert_eq!(code, Some(CloseCode::Normal));
}

#[tokio::test]
async fn whole_requests_and_responses_travel_as_json_objects() {
    let (_kinds, web) = kinds_web();
    let said = [
        json!({"method": "kinds.Kinds/Echo", "output": "json"}),
        json!({"request": {"text": "hi", "big": "9007199254740993", "mood": "SAD"}}),
        json!({"end": true}),
    ];
    let (messages, _) = converse(&web, &said).await;
    let response = messages.iter().find_map(|m| m.get("response")).unwrap();
    assert_eq!(response["said"], "hi");
    assert_eq!(response["big"], "9007199254740993");
    assert_eq!(response["mood"], "SAD");
}

#[tokio::test]
async fn a_failed_call_ends_with_its_status_and_trailers() {
    let (_kinds, web) = kinds_web();
    let said = [
        json!({"method": "kinds.Kinds/Count", "field": ["n"], "answer_field": ["n"]}),
        json!({"line": "4"}),
        json!({"line": "-1"}),
    ];
    let (messages, code) = converse(&web, &said).await;
    assert_eq!(answers(&messages), ["5"]);
    let status = &messages.last().unwrap()["status"];
    assert_eq!(status["code"], "INVALID_ARGUMENT", "{messages:?}");
    assert!(status["trailers"].is_object());
    assert_eq!(code, Some(CloseCode::Normal));
}

#[tokio::test]
async fn what_cannot_be_sent_is_refused_by_name_with_1008_and_nothing_goes_upstream() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &[]);
    let cases = [
        (vec![json!({"method": "nope.Nope/Nothing"})], "nope.Nope"),
        (
            vec![json!({"methd": "proto.Stream/Conversations"})],
            "unknown field `methd`",
        ),
        (
            vec![
                json!({"method": "proto.Stream/Conversations", "metadata": {"authorization": "Bearer x"}}),
            ],
            "--pass-authorization",
        ),
        (
            vec![
                json!({"method": "proto.Stream/Conversations"}),
                json!({"line": "a", "end": true}),
            ],
            "message 2: a message after the first holds exactly one of",
        ),
        (
            vec![
                json!({"method": "proto.Stream/Conversations"}),
                json!({"end": true}),
                json!({"line": "late"}),
            ],
            "message 3: a question after end",
        ),
    ];
    for (said, why) in cases {
        let (messages, code) = converse(&web, &said).await;
        let error = messages.iter().find_map(|m| m["error"].as_str());
        assert!(
            error.is_some_and(|error| error.contains(why)),
            "{why}: {messages:?}"
        );
        assert_eq!(code, Some(CloseCode::Policy), "{why}");
        assert!(answers(&messages).is_empty(), "{why}: {messages:?}");
    }
    // The refused conversations asked nothing.
    assert!(
        !server.stderr().contains("questions=1"),
        "{}",
        server.stderr()
    );
}

#[tokio::test]
async fn only_the_pages_own_origin_or_an_allowed_one_may_open_a_conversation() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &["--allow-origin", "https://app.example"]);
    let handshake = |origin: &str| {
        let mut request = format!("ws://{}/ws", web.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin).unwrap());
        tokio_tungstenite::connect_async(request)
    };
    match handshake("http://evil.example").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!(
            "a cross-site handshake was not refused: {:?}",
            other.map(|_| ())
        ),
    }
    assert!(handshake(&format!("http://{}", web.addr)).await.is_ok());
    assert!(handshake("https://app.example").await.is_ok());
}

/// A plain HTTP/1.1 GET: the status code and the body.
fn get(addr: &str, path: &str, headers: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\n{headers}connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let status = reply[9..12].parse().unwrap();
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_methods_come_with_their_kind_and_messages_and_the_page_is_served() {
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let web = Serve::web(
        &kinds.addr,
        &["--proto", &proto, "--method", "kinds.Kinds/Chat"],
    );
    let (status, body) = get(&web.addr, "/api/methods", "");
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(body.trim()).unwrap();
    let methods = body["methods"].as_array().unwrap();
    assert_eq!(methods.len(), 1, "--method narrows the list: {body}");
    assert_eq!(methods[0]["method"], "kinds.Kinds/Chat");
    assert_eq!(methods[0]["kind"], "bidirectional");
    assert_eq!(methods[0]["request"]["name"], "kinds.Talk");
    assert!(
        methods[0]["request"]["proto"]
            .as_str()
            .unwrap()
            .contains("string text = 1;")
    );
    let (status, page) = get(&web.addr, "/", "");
    assert_eq!(status, 200);
    assert!(page.contains("<title>grpc-convo</title>") && page.contains("new WebSocket("));
}

#[tokio::test]
async fn a_token_guards_the_api_and_the_socket_but_not_the_page() {
    let server = Serve::start(&[]);
    let token = std::env::temp_dir().join(format!("grpc-convo-web-token-{}", std::process::id()));
    std::fs::write(&token, "s3cret\n").unwrap();
    let web = Serve::web(&server.addr, &["--web-token-file", token.to_str().unwrap()]);
    assert_eq!(get(&web.addr, "/api/methods", "").0, 401);
    assert_eq!(
        get(&web.addr, "/api/methods", "authorization: Bearer s3cre\r\n").0,
        401
    );
    assert_eq!(
        get(
            &web.addr,
            "/api/methods",
            "authorization: Bearer s3cret\r\n"
        )
        .0,
        200
    );
    assert_eq!(get(&web.addr, "/", "").0, 200);
    let refused = tokio_tungstenite::connect_async(format!("ws://{}/ws", web.addr)).await;
    assert!(refused.is_err());
    let mut socket = open(&web, "/ws?token=s3cret").await;
    for message in [
        json!({"method": "proto.Stream/Conversations"}),
        json!({"line": "hi"}),
        json!({"end": true}),
    ] {
        say(&mut socket, message).await;
    }
    let (messages, _) = rest(&mut socket).await;
    assert_eq!(answers(&messages), [echo(1, "hi")]);
    std::fs::remove_file(&token).unwrap();
}

#[test]
fn listening_beyond_this_machine_needs_a_token() {
    let output = run(&["web", "--listen", "0.0.0.0:0", "--addr", &unused_addr()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_text(&output));
    assert!(
        stderr_text(&output).contains("give --web-token-file"),
        "{}",
        stderr_text(&output)
    );
}

/// A GET over TLS to `addr`, trusting `ca` for `localhost`: the status code.
async fn get_tls(addr: &str, ca: &[u8], path: &str) -> u16 {
    use rustls_pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from_pem_slice(ca).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    let _ = tls.read_to_end(&mut reply).await;
    String::from_utf8_lossy(&reply[9..12]).parse().unwrap()
}

#[tokio::test]
async fn the_page_is_served_over_https_and_on_a_unix_socket() {
    let server = Serve::start(&[]);
    let dir = std::env::temp_dir().join(format!("grpc-convo-web-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (cert_path, key_path) = (dir.join("web.pem"), dir.join("web.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let tls = [
        "--web-tls-cert",
        cert_path.to_str().unwrap(),
        "--web-tls-key",
        key_path.to_str().unwrap(),
    ];
    let args = [
        &["web", "--listen", "127.0.0.1:0", "--addr", &server.addr][..],
        &tls,
    ]
    .concat();
    let web = Serve::spawn(&args, "web page at https://", "/");
    assert_eq!(get_tls(&web.addr, cert.pem().as_bytes(), "/").await, 200);

    let socket = dir.join("web.sock");
    let listen = format!("unix:{}", socket.display());
    let args = ["web", "--listen", &listen, "--addr", &server.addr];
    let _web = Serve::spawn(&args, "web page at unix:", " (http)");
    let mut stream = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    stream
        .write_all(b"GET /api/methods HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("proto.Stream/Conversations"), "{reply}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_browsers_metadata_reaches_the_upstream_beside_the_gateways_own() {
    // The process sees the call's metadata as GRPC_CONVO_META_*; authorization never reaches it.
    let script = "read -r line; echo \"$GRPC_CONVO_META_X_TRACE $GRPC_CONVO_META_X_GATEWAY\"";
    let server = Serve::start(&["--", "sh", "-c", script]);
    let web = Serve::web(&server.addr, &["-H", "x-gateway: set-by-gateway"]);
    let said = [
        json!({"method": "proto.Stream/Conversations", "metadata": {"x-trace": "7"}}),
        json!({"line": "q"}),
    ];
    let (messages, _) = converse(&web, &said).await;
    assert_eq!(answers(&messages), ["7 set-by-gateway"], "{messages:?}");
}

#[tokio::test]
async fn a_gateway_at_its_limit_refuses_one_more_conversation_with_1013() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &["--max-conversations", "1"]);
    let mut first = open(&web, "/ws").await;
    say(&mut first, json!({"method": "proto.Stream/Conversations"})).await;
    say(&mut first, json!({"line": "held"})).await;
    // Answered: the first conversation holds the one seat.
    while next(&mut first).await.unwrap().get("answer").is_none() {}
    let (messages, code) = converse(&web, &[json!({"method": "proto.Stream/Conversations"})]).await;
    let error = messages[0]["error"].as_str().unwrap();
    assert!(
        error.contains("gateway busy") && error.contains("--max-conversations"),
        "{error}"
    );
    assert_eq!(code, Some(CloseCode::Again));
    say(&mut first, json!({"end": true})).await;
    let (messages, _) = rest(&mut first).await;
    assert_eq!(messages.last().unwrap()["status"]["code"], "OK");
}

#[tokio::test]
async fn a_conversation_may_name_its_separator_and_write_bytes_in_base64() {
    let (_kinds, web) = kinds_web();
    let start = json!({"method": "kinds.Kinds/Echo", "field": ["text", "big"],
        "answer_field": ["said", "big"], "separator": ","});
    let said = [start, json!({"line": "hi,5"}), json!({"end": true})];
    assert_eq!(answers(&converse(&web, &said).await.0), ["hi,5"]);

    // Bytes that are not text travel in base64 both ways: a key-value store keeps them exactly.
    let root = env!("CARGO_MANIFEST_DIR");
    let (proto, script) = (
        format!("{root}/examples/kv.proto"),
        format!("{root}/examples/kv-store.sh"),
    );
    let dir = std::env::temp_dir().join(format!("grpc-convo-web-kv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mapping = "--bytes base64 --method store.KV/Put --method store.KV/Range --field Put:key \
                   --field Put:value --answer-field Put:header.revision --field Range:prefix \
                   --answer-field Range:header.revision --answer-field Range:kvs.key \
                   --answer-field Range:kvs.value";
    let mut serve = vec!["--proto", &proto];
    serve.extend(mapping.split_whitespace());
    serve.extend(["--", &script, dir.to_str().unwrap()]);
    let store = Serve::start(&serve);
    let web = Serve::web(&store.addr, &[]);
    let put = json!({"method": "store.KV/Put", "field": ["key", "value"], "bytes": "base64"});
    let said = [put, json!({"line": "aw==\t/wD+"}), json!({"end": true})];
    let (messages, _) = converse(&web, &said).await;
    assert_eq!(
        messages.last().unwrap()["status"]["code"],
        "OK",
        "{messages:?}"
    );
    let range = json!({"method": "store.KV/Range", "field": ["prefix"],
        "answer_field": ["kvs.value"], "bytes": "base64"});
    let said = [range, json!({"line": "aw=="}), json!({"end": true})];
    let (messages, _) = converse(&web, &said).await;
    assert_eq!(answers(&messages), ["/wD+"], "{messages:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn conversations_share_one_upstream_connection_which_comes_back_after_a_restart() {
    let server = Serve::start(&[]);
    let web = Serve::web(&server.addr, &[]);
    let said = |line: &str| {
        [
            json!({"method": "proto.Stream/Conversations"}),
            json!({"line": line}),
            json!({"end": true}),
        ]
    };
    for (n, line) in ["one", "two"].into_iter().enumerate() {
        let (messages, _) = converse(&web, &said(line)).await;
        assert_eq!(answers(&messages), [echo(1, line)], "conversation {n}");
    }
    let (status, listed) = get(&web.addr, "/api/methods", "");
    assert_eq!(status, 200, "{listed}");
    server.wait_for_logs("conversation closed", 2);
    let peers: Vec<String> = (server.stderr().lines())
        .filter(|line| line.contains("conversation opened"))
        .map(|line| {
            line.split("peer=")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(peers.len(), 2, "{peers:?}");
    assert_eq!(
        peers[0], peers[1],
        "each conversation opened its own connection"
    );
    // The upstream restarts where it was: the gateway's next conversation reaches it.
    let addr = server.addr.clone();
    drop(server);
    let _restarted = Serve::start_at(&addr, &[]);
    let (messages, _) = converse(&web, &said("three")).await;
    assert_eq!(answers(&messages), [echo(1, "three")], "{messages:?}");
}
