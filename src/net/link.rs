//! What the client saw of its connection at the socket, to say why a call lost it: when the
//! server was last heard, whether it closed the socket, and the GOAWAY it sent.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::time::Instant;

use crate::error::lock;

/// Shared between the socket, which records, and the call, which asks when it fails.
#[derive(Clone, Debug)]
pub struct Link(Arc<State>);

#[derive(Debug)]
struct State {
    since: Instant,
    /// When bytes last came from the server, in nanoseconds after `since`.
    heard_at: AtomicU64,
    /// The server (or the path) ended the stream: end of file or an error on reading.
    closed_by_peer: AtomicBool,
    go_away: Mutex<Option<GoAway>>,
}

impl Default for Link {
    fn default() -> Link {
        Link(Arc::new(State {
            since: Instant::now(),
            heard_at: AtomicU64::new(0),
            closed_by_peer: AtomicBool::new(false),
            go_away: Mutex::new(None),
        }))
    }
}

impl Link {
    pub(super) fn heard(&self) {
        let at = self.0.since.elapsed().as_nanos() as u64;
        self.0.heard_at.store(at, Ordering::Relaxed);
    }

    pub(super) fn closed_by_peer(&self) {
        self.0.closed_by_peer.store(true, Ordering::Relaxed);
    }

    fn went_away(&self, payload: &[u8]) {
        let code = u32::from_be_bytes([payload[4], payload[5], payload[6], payload[7]]);
        let go_away = GoAway {
            reason: h2::Reason::from(code),
            debug: String::from_utf8_lossy(&payload[8..]).into_owned(),
        };
        *lock(&self.0.go_away) = Some(go_away);
    }

    /// The last GOAWAY the server sent, if any.
    pub fn go_away(&self) -> Option<GoAway> {
        self.0
            .go_away
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether the connection went down with nothing heard for `quiet` and without the server
    /// closing it: our own keepalive gave up on it.
    pub fn went_silent(&self, quiet: Duration) -> bool {
        let heard = Duration::from_nanos(self.0.heard_at.load(Ordering::Relaxed));
        !self.0.closed_by_peer.load(Ordering::Relaxed) && self.0.since.elapsed() >= heard + quiet
    }
}

/// A GOAWAY frame's error code and debug data: why the server closed the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoAway {
    pub reason: h2::Reason,
    pub debug: String,
}

/// HTTP/2 frame type of GOAWAY (RFC 9113, 6.8).
const GOAWAY: u8 = 0x7;
const FRAME_HEADER: usize = 9;
/// More debug data than this is not worth keeping for a message.
const DEBUG_KEPT: usize = 256;

/// Follows the frames the server sends, to catch a GOAWAY: h2 keeps its reason from a call that
/// then fails on the closed socket (grpc-go's `too_many_pings` arrives as "broken pipe").
/// Payloads other than a GOAWAY's are skipped, not copied.
#[derive(Debug, Default)]
pub(super) struct Frames {
    header: [u8; FRAME_HEADER],
    have: usize,
    /// Payload bytes of the current frame still to come.
    remaining: usize,
    /// The payload of a GOAWAY being read.
    go_away: Option<Vec<u8>>,
}

impl Frames {
    pub(super) fn scan(&mut self, mut bytes: &[u8], link: &Link) {
        while !bytes.is_empty() {
            if self.remaining == 0 {
                let n = (FRAME_HEADER - self.have).min(bytes.len());
                self.header[self.have..self.have + n].copy_from_slice(&bytes[..n]);
                self.have += n;
                bytes = &bytes[n..];
                if self.have == FRAME_HEADER {
                    self.have = 0;
                    let [a, b, c, kind, ..] = self.header;
                    self.remaining = u32::from_be_bytes([0, a, b, c]) as usize;
                    let collect = kind == GOAWAY && self.remaining >= 8;
                    self.go_away = collect.then(Vec::new);
                }
                continue;
            }
            let n = self.remaining.min(bytes.len());
            if let Some(payload) = &mut self.go_away {
                let room = (8 + DEBUG_KEPT).saturating_sub(payload.len());
                payload.extend_from_slice(&bytes[..n.min(room)]);
            }
            self.remaining -= n;
            bytes = &bytes[n..];
            if self.remaining == 0
                && let Some(payload) = self.go_away.take()
            {
                link.went_away(&payload);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
        let len = (payload.len() as u32).to_be_bytes();
        let mut frame = vec![len[1], len[2], len[3], kind, 0, 0, 0, 0, 0];
        frame.extend_from_slice(payload);
        frame
    }

    #[test]
    fn a_go_away_is_caught_among_other_frames_at_any_read_boundary() {
        let mut go_away = vec![0, 0, 0, 1, 0, 0, 0, 11];
        go_away.extend_from_slice(b"too_many_pings");
        let mut bytes = frame(0x4, &[0; 6]);
        bytes.extend(frame(0x0, b"some data"));
        bytes.extend(frame(0x4, &[]));
        bytes.extend(frame(GOAWAY, &go_away));
        for cut in 1..bytes.len() {
            let (link, mut frames) = (Link::default(), Frames::default());
            for chunk in bytes.chunks(cut) {
                frames.scan(chunk, &link);
            }
            let want = GoAway {
                reason: h2::Reason::ENHANCE_YOUR_CALM,
                debug: "too_many_pings".into(),
            };
            assert_eq!(link.go_away(), Some(want), "reads of {cut} bytes");
        }
    }

    #[test]
    fn no_go_away_in_data_that_only_looks_like_one() {
        let (link, mut frames) = (Link::default(), Frames::default());
        frames.scan(&frame(0x0, &frame(GOAWAY, &[0; 8])), &link);
        assert_eq!(link.go_away(), None);
    }
}
