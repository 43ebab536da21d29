//! The tutorial's method byte by byte, from a client on h2 itself: messages cut across frames,
//! larger than the stream window, several in one frame, and frames no library would send. serve
//! reads uncompressed conversations itself and leaves the rest to tonic (`--compress-answers`
//! sends every conversation there), so each case is asked of both and must read the same.

mod common;

use bytes::{Buf, Bytes, BytesMut};
use common::*;
use grpc_convo::proto::StreamResponse;
use prost::Message as _;
use tokio::net::TcpStream;
use tonic::codegen::http;

/// What came back: the answers, then grpc-status and grpc-message.
#[derive(Debug, PartialEq)]
struct Outcome {
    answers: Vec<String>,
    status: String,
    message: String,
}

const TUTORIAL: &str = "/proto.Stream/Conversations";

/// One conversation on its own connection: `chunks` sent as DATA frames in turn, then the end.
async fn converse(addr: &str, path: &str, chunks: Vec<Bytes>) -> Outcome {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(format!("http://test{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let mut client = client.ready().await.unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    let sending = tokio::spawn(async move {
        for chunk in chunks {
            send.reserve_capacity(chunk.len());
            // h2 holds what the window does not yet allow and sends it as the window opens.
            if send.send_data(chunk, false).is_err() {
                return;
            }
        }
        let _ = send.send_data(Bytes::new(), true);
    });
    let response = response.await.unwrap();
    let (head, mut body) = response.into_parts();
    let mut bytes = BytesMut::new();
    while let Some(data) = body.data().await {
        let data = data.unwrap();
        let _ = body.flow_control().release_capacity(data.len());
        bytes.extend_from_slice(&data);
    }
    let trailers = body.trailers().await.unwrap().unwrap_or(head.headers);
    sending.await.unwrap();
    let text = |name: &str| {
        let value = trailers.get(name).map(|v| v.to_str().unwrap().to_owned());
        value.unwrap_or_default()
    };
    Outcome {
        answers: answers(bytes.freeze()),
        status: text("grpc-status"),
        message: percent_decoded(&text("grpc-message")),
    }
}

/// grpc-message as it reads: percent-encoding undone.
fn percent_decoded(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        match (
            byte,
            tail.get(..2).and_then(|hex| std::str::from_utf8(hex).ok()),
        ) {
            (b'%', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                rest = &tail[2..];
            }
            _ => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

fn answers(mut bytes: Bytes) -> Vec<String> {
    let mut answers = Vec::new();
    while bytes.has_remaining() {
        assert_eq!(bytes.get_u8(), 0, "an answer marked compressed");
        let len = bytes.get_u32() as usize;
        let message = bytes.split_to(len);
        answers.push(StreamResponse::decode(message).unwrap().answer);
    }
    answers
}

/// A gRPC message: `flag`, the length, then a message whose field 1 is the string `text` (a
/// StreamRequest, or kinds' Talk).
fn framed(flag: u8, text: &[u8]) -> Vec<u8> {
    let mut body = vec![0x0a];
    let mut len = text.len();
    while len >= 0x80 {
        body.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    body.push(len as u8);
    body.extend_from_slice(text);
    let mut frame = vec![flag];
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend(body);
    frame
}

/// Asks the same of serve reading conversations itself and of serve leaving them to tonic.
async fn both_ways(serve: &[&str], path: &str, chunks: Vec<Bytes>) -> Outcome {
    let direct = Serve::start(serve);
    let through_tonic = Serve::start(&[&["--compress-answers"], serve].concat());
    // A window never given back would hang the conversation: fail instead.
    let within = |addr: String, chunks| async move {
        let outcome = tokio::time::timeout(LIMIT, converse(&addr, path, chunks)).await;
        outcome.expect("the conversation stalled")
    };
    let outcome = within(direct.addr.clone(), chunks.clone()).await;
    assert_eq!(outcome, within(through_tonic.addr.clone(), chunks).await);
    outcome
}

/// `bytes` cut where no message ends: inside a prefix, inside a message, across two.
fn cut(bytes: &[u8]) -> Vec<Bytes> {
    bytes.chunks(1000).map(Bytes::copy_from_slice).collect()
}

#[tokio::test]
async fn messages_cut_anywhere_and_larger_than_the_window_are_all_answered() {
    let long = vec![b'x'; 100 * 1024];
    let mut bytes = framed(0, &long);
    bytes.extend(framed(0, b"short"));
    bytes.extend(framed(0, "ü".as_bytes()));
    let outcome = both_ways(&[], TUTORIAL, cut(&bytes)).await;
    let long = String::from_utf8(long).unwrap();
    let expected = [echo(1, &long), echo(2, "short"), echo(3, "ü")];
    assert_eq!(outcome.answers, expected);
    assert_eq!(outcome.status, "0");
}

#[tokio::test]
async fn frames_no_library_sends_end_with_the_same_status_either_way() {
    let refusals: [(&str, Vec<u8>, &str, &str); 4] = [
        ("compressed flag", framed(1, b"q"), "13", "compressed-flag"),
        (
            "unknown flag",
            framed(2, b"q"),
            "13",
            "invalid compression flag",
        ),
        (
            "over the limit",
            framed(0, &[b'q'; 200]),
            "8",
            "--max-message-size",
        ),
        (
            "cut short",
            framed(0, b"question")[..8].to_vec(),
            "13",
            "Unexpected EOF",
        ),
    ];
    for (case, bad, status, words) in refusals {
        let mut bytes = framed(0, b"first");
        bytes.extend(bad);
        let chunks = vec![Bytes::from(bytes)];
        let outcome = both_ways(&["--max-message-size", "100"], TUTORIAL, chunks).await;
        assert_eq!(outcome.answers, [echo(1, "first")], "{case}");
        assert_eq!(outcome.status, status, "{case}: {outcome:?}");
        assert!(outcome.message.contains(words), "{case}: {outcome:?}");
    }
}

#[tokio::test]
async fn a_bridged_conversation_reads_the_same_either_way() {
    let proto = kinds_proto();
    let serve = [
        "--proto",
        &proto,
        "--method",
        "kinds.Kinds/Chat",
        "--field",
        "text",
        "--answer-field",
        "said",
        "--",
        "cat",
    ];
    let long = "y".repeat(50 * 1024);
    let mut bytes = framed(0, long.as_bytes());
    bytes.extend(framed(0, "naïve".as_bytes()));
    let outcome = both_ways(&serve, "/kinds.Kinds/Chat", cut(&bytes)).await;
    let sizes: Vec<usize> = outcome.answers.iter().map(String::len).collect();
    assert_eq!(sizes, [long.len(), "naïve".len()]);
    assert_eq!(outcome.answers[1], "naïve");
    assert_eq!(
        (outcome.status.as_str(), outcome.message.as_str()),
        ("0", "")
    );
}
