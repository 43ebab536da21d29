//! A WebSocket client of `grpc-convo web` as fast as Rust makes one, to measure the gateway's own
//! cost: N lines of the tutorial's method sent without waiting, every answer counted, the time
//! from the first message to the status printed (`scripts/web-bench.sh` runs it beside `seq N |
//! grpc-convo ask` and beside Python's `websockets`).
//!
//! `ws_pipeline floor` is the other end with nothing behind it: a WebSocket server that answers
//! each line at once, as the gateway's API would, so that a client's own cost can be told from
//! the gateway's.
//!
//! `ws_pipeline short` times short conversations one after another, each on a socket of its own:
//! open, the start message and one line, its answer, close (issue 33's warm gateway).
//!
//! ```text
//! ws_pipeline WEB_ADDR N                  # prints "N answers in SECONDS s"
//! ws_pipeline floor                       # prints "listening on ADDRESS" on stderr
//! ws_pipeline short WEB_ADDR START_JSON N # prints "p50 MICROS us p99 MICROS us"
//! ```

use std::time::Instant;

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [floor] if floor == "floor" => serve_floor().await,
        [addr, count] => pipeline(addr, count.parse()?).await,
        [short, addr, start, count] if short == "short" => {
            short_conversations(addr, start, count.parse()?).await
        }
        _ => Err(
            "usage: ws_pipeline WEB_ADDR N | ws_pipeline floor | ws_pipeline short WEB_ADDR START N"
                .into(),
        ),
    }
}

async fn pipeline(addr: &str, count: usize) -> Result<()> {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await?;
    let (mut sink, mut stream) = socket.split();
    let started = Instant::now();
    let sending = tokio::spawn(async move {
        let start = r#"{"method":"proto.Stream/Conversations"}"#;
        sink.feed(Message::text(start)).await?;
        for n in 1..=count {
            sink.feed(Message::text(format!(r#"{{"line":"{n}"}}"#)))
                .await?;
        }
        sink.send(Message::text(r#"{"end":true}"#)).await?;
        Ok::<_, tokio_tungstenite::tungstenite::Error>(sink)
    });
    let mut answers = 0;
    while let Some(message) = stream.next().await {
        match message? {
            Message::Text(text) if text.starts_with(r#"{"answer""#) => answers += 1,
            Message::Text(text) if text.starts_with(r#"{"status""#) => break,
            _ => {}
        }
    }
    let took = started.elapsed();
    drop(sending.await?);
    println!("{answers} answers in {:.3} s", took.as_secs_f64());
    if answers != count {
        return Err(format!("{answers} answers of {count}").into());
    }
    Ok(())
}

async fn short_conversations(addr: &str, start: &str, count: usize) -> Result<()> {
    let mut took = Vec::with_capacity(count);
    for n in 0..count {
        let began = Instant::now();
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await?;
        socket.feed(Message::text(start)).await?;
        socket
            .send(Message::text(format!(r#"{{"line":"{n}"}}"#)))
            .await?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) if text.starts_with(r#"{"answer""#) => break,
                Some(Ok(Message::Text(text))) if !text.starts_with(r#"{"headers""#) => {
                    return Err(format!("conversation {n}: {text}").into());
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => return Err(err.into()),
                None => return Err(format!("conversation {n}: closed unanswered").into()),
            }
        }
        socket.close(None).await?;
        took.push(began.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() - 1) as f64 * q) as usize].as_micros();
    println!("p50 {} us p99 {} us", at(0.5), at(0.99));
    Ok(())
}

/// Answers every line of every connection at once, with no gRPC behind it.
async fn serve_floor() -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    eprintln!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let socket = tokio_tungstenite::accept_async(stream).await?;
            let (mut sink, mut stream) = socket.split();
            loop {
                // Written out when no further line is ready: one write per burst.
                let message = match stream.next().now_or_never() {
                    Some(message) => message,
                    None => {
                        sink.flush().await?;
                        stream.next().await
                    }
                };
                let Some(message) = message else { break };
                let Message::Text(text) = message? else {
                    continue;
                };
                if let Some(line) = text.strip_prefix(r#"{"line":"#) {
                    sink.feed(Message::text(format!(r#"{{"answer":{line}"#)))
                        .await?;
                } else if text.starts_with(r#"{"end""#) {
                    sink.send(Message::text(r#"{"status":{"code":"OK"}}"#))
                        .await?;
                    sink.send(Message::Close(None)).await?;
                    break;
                }
            }
            Ok::<_, tokio_tungstenite::tungstenite::Error>(())
        });
    }
}
