//! A connection's first moments: the TLS handshake when serving TLS, then HTTP/2's preface and
//! the client's first SETTINGS frame, all within `--handshake-timeout`. A client that takes
//! longer (slowloris) or sends nothing is let go before h2 holds a connection for it. One that
//! speaks HTTP/1 is handed to `http1.rs` as soon as its first bytes say so.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio_rustls::TlsAcceptor;

use crate::{flow, write_through::write_through};

/// A connection's byte stream, plain or TLS, TCP or Unix.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

pub(super) type BoxIo = Box<dyn Io>;

/// RFC 9113, 3.4: what every HTTP/2 client sends first.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const FRAME_HEADER: usize = 9;
const SETTINGS: u8 = 0x4;
/// HTTP/2's initial SETTINGS_MAX_FRAME_SIZE: no first frame may be longer.
const MAX_FIRST_FRAME: usize = 16 * 1024;

/// Why a connection was closed before it was served.
#[derive(Debug, thiserror::Error)]
pub(super) enum Refused {
    #[error("no TLS handshake, HTTP/2 preface and SETTINGS within {}", humantime::format_duration(*.0))]
    Slow(Duration),
    #[error("TLS handshake failed: {0}")]
    Tls(io::Error),
    #[error("the first frame is not SETTINGS")]
    NoSettings,
    /// Closed before a byte came: a TCP probe, not worth a log line.
    #[error("closed before sending anything")]
    Silent,
    #[error("{0}")]
    Io(io::Error),
}

/// A connection through its handshake: what it read is replayed to h2 (or hyper), which
/// checks it all again.
pub(super) enum Opened {
    Http2(Replay),
    Http1(Replay),
}

/// Runs the handshake.
pub(super) async fn handshake(
    io: BoxIo,
    tls: Option<&TlsAcceptor>,
    limit: Duration,
) -> Result<Opened, Refused> {
    let handshake = async {
        let mut io: BoxIo = match tls {
            Some(acceptor) => Box::new(acceptor.accept(io).await.map_err(Refused::Tls)?),
            None => io,
        };
        let (head, http2) = read_head(&mut io).await?;
        let replay = Replay {
            head,
            at: 0,
            io,
            since_yield: 0,
        };
        Ok(match http2 {
            true => Opened::Http2(replay),
            false => Opened::Http1(replay),
        })
    };
    tokio::time::timeout(limit, handshake)
        .await
        .map_err(|_| Refused::Slow(limit))?
}

/// Reads the preface and the first frame, which must be SETTINGS; or, as soon as the bytes are
/// not HTTP/2's preface, those bytes (`false`).
async fn read_head(io: &mut BoxIo) -> Result<(Vec<u8>, bool), Refused> {
    let mut head = Vec::with_capacity(PREFACE.len() + FRAME_HEADER);
    // Byte runs as they come: an HTTP/1 request may be shorter than the preface.
    while head.len() < PREFACE.len() {
        let mut chunk = [0; 64];
        let want = PREFACE.len() - head.len();
        let read = io.read(&mut chunk[..want]).await.map_err(Refused::Io)?;
        if read == 0 {
            return Err(if head.is_empty() {
                Refused::Silent
            } else {
                Refused::Io(io::ErrorKind::UnexpectedEof.into())
            });
        }
        head.extend_from_slice(&chunk[..read]);
        if !PREFACE.starts_with(&head) {
            return Ok((head, false));
        }
    }
    let frame = read_more(io, &mut head, FRAME_HEADER).await?;
    let length = u32::from_be_bytes([0, frame[0], frame[1], frame[2]]) as usize;
    if frame[3] != SETTINGS || length > MAX_FIRST_FRAME {
        return Err(Refused::NoSettings);
    }
    read_more(io, &mut head, length).await?;
    Ok((head, true))
}

/// Appends exactly `n` more bytes to `head` and returns them.
async fn read_more<'a>(
    io: &mut BoxIo,
    head: &'a mut Vec<u8>,
    n: usize,
) -> Result<&'a [u8], Refused> {
    let start = head.len();
    head.resize(start + n, 0);
    io.read_exact(&mut head[start..])
        .await
        .map_err(Refused::Io)?;
    Ok(&head[start..])
}

/// The connection with the bytes the handshake read put back in front.
///
/// It also lets the calls' tasks take what arrived before h2 reads more: h2 reads as long as
/// the socket has bytes, and each DATA frame waiting in h2 costs a slot of some 260 bytes, so a
/// client sending many short frames at once would make it hold ~30 times their size before the
/// calls pack them away (`exchange.rs`). Yielding every `flow::READ_BEFORE_YIELD` bytes bounds
/// that (the arithmetic is in `src/flow.rs`).
pub(super) struct Replay {
    head: Vec<u8>,
    at: usize,
    io: BoxIo,
    since_yield: usize,
}

impl AsyncRead for Replay {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.at < self.head.len() {
            let n = buf.remaining().min(self.head.len() - self.at);
            buf.put_slice(&self.head[self.at..self.at + n]);
            self.at += n;
            if self.at == self.head.len() {
                self.head = Vec::new();
                self.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        if self.since_yield >= flow::READ_BEFORE_YIELD {
            self.since_yield = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let before = buf.filled().len();
        let read = Pin::new(&mut self.io).poll_read(cx, buf);
        self.since_yield += buf.filled().len() - before;
        read
    }
}

write_through!(Replay, io);
