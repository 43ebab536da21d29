//! serve's connections: how many at once, how long one may take to say it speaks HTTP/2, what
//! an HTTP/1 client is told, the stream limit it advertises, and compressed messages both ways.

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
};

use common::{Coprocess, LIMIT, Serve, ask, echo, stdout_lines};
use grpc_convo::proto::{StreamRequest, stream_client::StreamClient};
use tonic::codec::CompressionEncoding;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to serve");
    // Only a guard against a hang: every read below is answered or closed by serve.
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Reads until serve closes the connection, failing the test if it does not within `LIMIT`.
fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => got,
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => got,
        Err(err) => panic!("serve did not close the connection: {err}"),
    }
}

/// serve's first SETTINGS frame, as (identifier, value) pairs.
fn server_settings(addr: &str) -> Vec<(u16, u32)> {
    let mut stream = connect(addr);
    // The preface and an empty SETTINGS frame.
    stream.write_all(PREFACE).unwrap();
    stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap();
    let mut header = [0; 9];
    stream.read_exact(&mut header).unwrap();
    assert_eq!(header[3], 4, "serve's first frame is SETTINGS");
    let length = u32::from_be_bytes([0, header[0], header[1], header[2]]) as usize;
    let mut payload = vec![0; length];
    stream.read_exact(&mut payload).unwrap();
    payload
        .chunks(6)
        .map(|s| {
            (
                u16::from_be_bytes([s[0], s[1]]),
                u32::from_be_bytes([s[2], s[3], s[4], s[5]]),
            )
        })
        .collect()
}

const MAX_CONCURRENT_STREAMS: u16 = 3;

#[test]
fn no_stream_limit_is_advertised_unless_asked_for() {
    let server = Serve::start(&[]);
    let settings = server_settings(&server.addr);
    assert!(
        !settings.iter().any(|(id, _)| *id == MAX_CONCURRENT_STREAMS),
        "{settings:?}"
    );
    let server = Serve::start(&["--max-conversations-per-connection", "7"]);
    let settings = server_settings(&server.addr);
    assert!(
        settings.contains(&(MAX_CONCURRENT_STREAMS, 7)),
        "{settings:?}"
    );
}

#[test]
fn a_connection_past_max_connections_is_closed_and_the_others_go_on() {
    let server = Serve::start(&["--max-connections", "2"]);
    let mut first = Coprocess::start(&server.addr, &[]);
    let mut second = Coprocess::start(&server.addr, &[]);
    for (n, coprocess) in [&mut first, &mut second].into_iter().enumerate() {
        coprocess.send("hello");
        assert_eq!(coprocess.read_line().unwrap(), echo(1, "hello"), "{n}");
    }
    let mut third = connect(&server.addr);
    assert_eq!(read_to_close(&mut third), b"");
    server.wait_for_log("--max-connections 2 reached: closed a new connection");
    first.send("still here");
    assert_eq!(first.read_line().unwrap(), echo(2, "still here"));
}

#[test]
fn a_silent_connection_is_closed_after_the_handshake_timeout() {
    let server = Serve::start(&["--handshake-timeout", "300ms"]);
    let mut silent = connect(&server.addr);
    let mut half = connect(&server.addr);
    half.write_all(&PREFACE[..10]).unwrap();
    assert_eq!(read_to_close(&mut silent), b"");
    assert_eq!(read_to_close(&mut half), b"");
    server.wait_for_log("no TLS handshake, HTTP/2 preface and SETTINGS within 300ms");
    // Honest clients are not held to it once through.
    let output = ask(&server.addr, &["after"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "after")]);
}

#[test]
fn an_http1_client_is_told_what_is_served() {
    let server = Serve::start(&[]);
    let answer = |request: &[u8]| {
        let mut client = connect(&server.addr);
        client.write_all(request).unwrap();
        String::from_utf8(read_to_close(&mut client)).unwrap()
    };
    // gRPC itself needs HTTP/2; gRPC-Web and Connect do not (tests/web_protocols.rs).
    let grpc = answer(
        b"POST /proto.Stream/Conversations HTTP/1.1\r\nhost: localhost\r\n\
          content-type: application/grpc\r\ncontent-length: 0\r\n\r\n",
    );
    assert!(
        grpc.starts_with("HTTP/1.1 505 HTTP Version Not Supported\r\n"),
        "{grpc}"
    );
    assert!(
        grpc.ends_with("grpc-convo serves gRPC, which needs HTTP/2\n"),
        "{grpc}"
    );
    let page = answer(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n");
    assert!(
        page.starts_with("HTTP/1.1 415 Unsupported Media Type\r\n"),
        "{page}"
    );
    assert!(page.contains("application/grpc-web"), "{page}");
    assert!(page.contains("application/connect+json"), "{page}");
}

#[test]
fn ask_sends_compressed_questions_with_either_encoding() {
    let server = Serve::start(&[]);
    for encoding in ["gzip", "zstd"] {
        let output = ask(&server.addr, &["--compress", encoding], b"one\ntwo\n");
        assert!(output.status.success(), "{encoding}: {output:?}");
        assert_eq!(stdout_lines(&output), [echo(1, "one"), echo(2, "two")]);
    }
}

/// One conversation from a tonic client that compresses its question and accepts compressed
/// answers; returns the answer and the encoding serve answered with.
async fn converse_compressed(
    addr: &str,
    encoding: CompressionEncoding,
) -> (String, Option<String>) {
    let channel = common::channel(addr).await;
    let mut client = StreamClient::new(channel)
        .send_compressed(encoding)
        .accept_compressed(encoding);
    let question = StreamRequest {
        question: "squeezed ".repeat(100),
    };
    let response = client
        .conversations(futures_util::stream::iter([question]))
        .await
        .expect("serve takes a compressed question");
    let used = response
        .metadata()
        .get("grpc-encoding")
        .map(|value| value.to_str().unwrap().to_owned());
    let mut answers = response.into_inner();
    let answer = answers.message().await.unwrap().unwrap().answer;
    (answer, used)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_compressed_only_with_compress_answers() {
    let plain = Serve::start(&[]);
    let (answer, used) = converse_compressed(&plain.addr, CompressionEncoding::Gzip).await;
    assert_eq!(answer, echo(1, &"squeezed ".repeat(100)));
    assert_eq!(used, None);

    let squeezing = Serve::start(&["--compress-answers"]);
    for (encoding, name) in [
        (CompressionEncoding::Gzip, "gzip"),
        (CompressionEncoding::Zstd, "zstd"),
    ] {
        let (answer, used) = converse_compressed(&squeezing.addr, encoding).await;
        assert_eq!(answer, echo(1, &"squeezed ".repeat(100)));
        assert_eq!(used.as_deref(), Some(name));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_is_held_to_the_size_limit_once_decompressed() {
    let server = Serve::start(&["--max-message-size", "65536"]);
    let channel = common::channel(&server.addr).await;
    let mut client = StreamClient::new(channel).send_compressed(CompressionEncoding::Gzip);
    // A megabyte of one letter: a few KiB on the wire, far over the limit unpacked.
    let bomb = StreamRequest {
        question: "a".repeat(1 << 20),
    };
    let status = match client
        .conversations(futures_util::stream::iter([bomb]))
        .await
    {
        Ok(response) => response.into_inner().message().await.unwrap_err(),
        Err(status) => status,
    };
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
}

#[test]
fn bench_sends_compressed_questions_and_checks_the_answers() {
    let server = Serve::start(&["--compress-answers"]);
    for encoding in ["gzip", "zstd"] {
        let args = format!(
            "bench --addr {} -c 2 -n 50 --check --compress {encoding}",
            server.addr
        );
        let output = common::run(&args.split(' ').collect::<Vec<_>>());
        assert!(output.status.success(), "{encoding}: {output:?}");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report
                .lines()
                .any(|line| line.starts_with("answers") && line.contains("100")),
            "{report}"
        );
        assert!(
            report
                .lines()
                .any(|line| line.starts_with("mismatches") && line.ends_with(" 0")),
            "{report}"
        );
    }
}
