//! A WebSocket client of `grpc-convo web` as fast as Rust makes one, to measure the gateway's own
//! cost: N lines of the tutorial's method sent without waiting, every answer counted, the time
//! from the first message to the status printed (`scripts/web-bench.sh` runs it beside `seq N |
//! grpc-convo ask` and beside Python's `websockets`).
//!
//! ```text
//! ws_pipeline WEB_ADDR N      # prints "N answers in SECONDS s"
//! ```

use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, count] = args.as_slice() else {
        return Err("usage: ws_pipeline WEB_ADDR N".into());
    };
    let count: usize = count.parse()?;
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
