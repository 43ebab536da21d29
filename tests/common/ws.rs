//! A WebSocket client for web's API (docs/web.md), shared by the web tests: open a socket, say
//! JSON messages, read them back to the close.

#![allow(dead_code)] // each test binary uses its own part
#![allow(unreachable_pub)] // a module of each test crate, public to the tests that use it

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::{Message, protocol::frame::coding::CloseCode};

use super::Serve;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn open(web: &Serve, path: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{}{path}", web.addr))
        .await
        .expect("the handshake");
    socket
}

pub async fn say(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message, or the close code once the gateway has closed.
pub async fn next(socket: &mut Socket) -> Result<Value, Option<CloseCode>> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|frame| frame.code)),
            Some(Ok(_)) => continue,
            Some(Err(err)) => panic!("the socket failed: {err}"),
            None => return Err(None),
        }
    }
}

/// Every message until the close, and its code.
pub async fn rest(socket: &mut Socket) -> (Vec<Value>, Option<CloseCode>) {
    let mut messages = Vec::new();
    loop {
        match next(socket).await {
            Ok(message) => messages.push(message),
            Err(code) => return (messages, code),
        }
    }
}

/// A whole conversation: `said` sent in order, then everything until the close.
pub async fn converse(web: &Serve, said: &[Value]) -> (Vec<Value>, Option<CloseCode>) {
    let mut socket = open(web, "/ws").await;
    for message in said {
        say(&mut socket, message.clone()).await;
    }
    rest(&mut socket).await
}
