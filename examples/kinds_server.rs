//! The test service of `tests/interop/proto/kinds.proto`, natively in tonic with generated code:
//! the server `bench --method` is measured against (an exec bridge would measure process
//! start-up), and the Rust twin of `tests/interop/go/kindsserver`, answering the same way.
//!
//! ```text
//! kinds_server [ADDR] [--feed N]
//! ```
//!
//! It listens on ADDR (default 127.0.0.1:0, a free port), prints `listening on ADDRESS` on stderr
//! once bound, and serves until killed. `--feed N` makes each Feed call stream N replies instead
//! of three.

use std::{net::SocketAddr, pin::Pin};

use futures_util::{Stream, StreamExt, stream};
use tonic::{
    Request, Response, Status, Streaming,
    transport::{Server, server::TcpIncoming},
};

mod kinds {
    #![allow(clippy::all, unreachable_pub, missing_debug_implementations)]
    include!(concat!(env!("OUT_DIR"), "/kinds/kinds.rs"));
    pub mod common {
        #![allow(clippy::all, unreachable_pub, missing_debug_implementations)]
        include!(concat!(env!("OUT_DIR"), "/kinds/kinds.common.rs"));
    }
}

use kinds::{
    Choice, Numbers, Reply, Talk,
    kinds_server::{Kinds, KindsServer},
};

type Replies = Pin<Box<dyn Stream<Item = Result<Reply, Status>> + Send>>;

struct Service {
    /// Replies to each Feed call.
    feed: u64,
}

#[tonic::async_trait]
impl Kinds for Service {
    type ChatStream = Replies;
    type FeedStream = Replies;

    async fn chat(&self, talks: Request<Streaming<Talk>>) -> Result<Response<Replies>, Status> {
        let replies = talks.into_inner().enumerate().map(|(n, talk)| {
            let talk = talk?;
            Ok(Reply {
                said: format!("chat {}: {}", n + 1, talk.text),
                mood: talk.mood,
                ..Reply::default()
            })
        });
        Ok(Response::new(Box::pin(replies)))
    }

    async fn feed(&self, talk: Request<Talk>) -> Result<Response<Replies>, Status> {
        let text = talk.into_inner().text;
        let replies = stream::iter(1..=self.feed).map(move |n| {
            Ok(Reply {
                said: format!("feed {n}: {text}"),
                ..Reply::default()
            })
        });
        Ok(Response::new(Box::pin(replies)))
    }

    async fn collect(&self, talks: Request<Streaming<Talk>>) -> Result<Response<Reply>, Status> {
        let mut talks = talks.into_inner();
        let mut texts = Vec::new();
        while let Some(talk) = talks.message().await? {
            texts.push(talk.text);
        }
        Ok(Response::new(Reply {
            said: texts.join(","),
            ..Reply::default()
        }))
    }

    async fn echo(&self, talk: Request<Talk>) -> Result<Response<Reply>, Status> {
        let talk = talk.into_inner();
        Ok(Response::new(Reply {
            said: talk.text,
            mood: talk.mood,
            meta: talk.meta,
            tags: talk.tags,
            big: talk.big,
        }))
    }

    async fn pick(&self, choice: Request<Choice>) -> Result<Response<Choice>, Status> {
        Ok(Response::new(choice.into_inner()))
    }

    async fn count(&self, numbers: Request<Numbers>) -> Result<Response<Numbers>, Status> {
        let n = numbers.into_inner().n;
        if n < 0 {
            return Err(Status::invalid_argument(format!("cannot count to {n}")));
        }
        Ok(Response::new(Numbers { n: n + 1 }))
    }
}

/// The address and the replies per Feed call, from the command line.
fn args() -> Result<(SocketAddr, u64), String> {
    let mut addr = "127.0.0.1:0".to_owned();
    let mut feed = 3;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--feed" => {
                let n = args.next().ok_or("--feed needs a number")?;
                feed = n.parse().map_err(|_| format!("--feed {n}: not a number"))?;
            }
            _ => addr = arg,
        }
    }
    let addr = addr.parse().map_err(|err| format!("{addr}: {err}"))?;
    Ok((addr, feed))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, feed) = args()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("listening on {}", listener.local_addr()?);
    Server::builder()
        .add_service(KindsServer::new(Service { feed }))
        // Small answers go out at once, as serve sends them (Nagle's delay would be measured).
        .serve_with_incoming(TcpIncoming::from(listener).with_nodelay(Some(true)))
        .await?;
    Ok(())
}
