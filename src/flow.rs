//! HTTP/2 flow control: the windows, the stream limit and what they cost, shared by serve, ask
//! and bench because one piece of arithmetic binds them all.
//!
//! h2 (0.4.16 and later) closes a connection with GOAWAY ENHANCE_YOUR_CALM "too_many_data_frames"
//! when too many small DATA frames sit unread. Each frame of L < 256 bytes that arrives costs
//! `256 - L` from a budget of half the connection window W (at least 25,600 bytes); the cost comes
//! back when the application reads the frame, and a frame of L > 256 bytes gives back `L - 256`.
//! The smallest frame a gRPC message makes is 5 bytes (an empty message: its length prefix), the
//! worst case, at `251 / 5 = 50.2` budget bytes per byte unread.
//!
//! **serve** has no stream limit of its own (as grpc-go's server: `--max-conversations` bounds
//! them all; `--max-conversations-per-connection` sets SETTINGS_MAX_CONCURRENT_STREAMS for
//! operators who want one), so the stream windows no longer bound what sits unread. What does:
//! each call's task takes its frames off h2 as they arrive (`server/exchange.rs`), and the
//! connection yields to those tasks after every 64 KiB it reads (`server/handshake.rs`). At most
//! one such turn is unread at once: 65,536 / 5 frames, `13,107 * 251` = 3,289,857 budget bytes,
//! 0.3% of the budget of W = 2^31 - 1 (1,073,741,823). So the guard never fires for a client that
//! keeps within its windows, however many conversations it multiplexes; h2's own default budget
//! stays. The window a conversation's questions take is given back only as the conversation
//! reads them, so a stalled conversation still holds at most its stream window S.
//!
//! Memory a client that never reads can make serve hold, per conversation: the questions of one
//! stream window, packed (S = 32 KiB); what tonic was handed of them and holds undecoded (at most
//! 16 KiB, `exchange::HANDOUT`); answers waiting in h2's send buffer (B = 8 KiB) plus the chunk
//! tonic encoded last (up to 32 KiB, tonic's yield threshold): `S + B + 48 KiB` = 88 KiB, and
//! 109 KiB measured with the tasks and buffers around them (1024 conversations: +112 MiB). Per
//! connection on top: the frames of one read turn waiting in h2 (~13,000 slots of ~260 bytes,
//! ~3.3 MiB at worst). Without packing, each waiting frame would cost its slot: a 64 KiB window of
//! 8-byte questions, 2 MiB a conversation.
//!
//! **ask and bench**, as clients, read with tonic on hyper, whose windows are the only lever:
//! see `client_stream_window`. hyper's adaptive window would raise S to W and void that bound,
//! so it stays off.

use std::time::Duration;

/// The longest wait for a ping's answer, however long the interval between pings.
const MAX_PING_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a keepalive ping sent every `interval` may go unanswered before the peer counts as
/// lost, on both sides: the interval itself, up to 20 s (hyper's own default timeout).
pub(crate) fn ping_timeout(interval: Duration) -> Duration {
    interval.min(MAX_PING_TIMEOUT)
}

/// HTTP/2's largest window (RFC 9113, 6.9.1).
const MAX_WINDOW: u32 = (1 << 31) - 1;

/// Per connection, both sides: as large as HTTP/2 allows, for the largest budget. It costs no
/// memory by itself: what can arrive unread is bounded by the stream windows.
pub(crate) const CONNECTION_WINDOW: u32 = MAX_WINDOW;

/// Per conversation of a client with several on a connection (bench, and the relays: proxy, web
/// and mcp, which hold what their own clients do not read): HTTP/2's default, what a server may
/// send unread.
pub(crate) const STREAM_WINDOW: u32 = 64 * 1024;

/// For a client's only conversation (ask, or bench with one): what it holds unread is its own
/// to print. With 64 KiB the server sent only as fast as ask's printing thread gave the window
/// back: `seq 1000000 | ask` took 1.34x as long.
const ONLY_STREAM_WINDOW: u32 = 1024 * 1024;

/// Per conversation on serve: what a client may send before the conversation has read it, and
/// so what a stalled one holds of its questions (packed).
pub(crate) const SERVE_STREAM_WINDOW: u32 = 32 * 1024;

/// What serve reads of a connection before the calls' tasks take their frames off h2.
pub(crate) const READ_BEFORE_YIELD: usize = 64 * 1024;

/// Streams serve may reset for the client's errors on one connection before it closes the
/// connection (hyper's default, against a client that provokes resets on purpose).
pub(crate) const MAX_LOCAL_RESETS: usize = 1024;

/// Answers serve keeps ready for one conversation beyond what the client has read: h2's
/// per-stream send buffer (hyper's default is 400 KiB). Answers are made only when it has room.
pub(crate) const SEND_BUFFER: usize = 8 * 1024;

/// The smallest DATA frame a gRPC message makes: the 5-byte prefix of an empty message.
const SMALLEST_MESSAGE_FRAME: u64 = 5;

/// h2's threshold: frames below it are charged `THRESHOLD - len`.
const THRESHOLD: u64 = 256;

/// What `streams` stalled streams with window `window` can cost, at worst.
#[cfg(test)]
const fn worst_cost(streams: u64, window: u64) -> u64 {
    streams * window * (THRESHOLD - SMALLEST_MESSAGE_FRAME) / SMALLEST_MESSAGE_FRAME
}

/// h2's budget for a connection window of `window`.
pub(crate) const fn budget(window: u32) -> u64 {
    window as u64 / 2
}

/// The stream window for a client that opens `streams` conversations on one connection: 1 MiB
/// for one; for more, HTTP/2's default while the worst case fits the budget, smaller (in whole
/// KiB) when it would not, so that a server answering each question in a frame of its own can
/// never trip our guard.
pub(crate) fn client_stream_window(streams: usize) -> u32 {
    if streams <= 1 {
        return ONLY_STREAM_WINDOW;
    }
    let streams = streams as u64;
    let fits = budget(CONNECTION_WINDOW) * SMALLEST_MESSAGE_FRAME
        / (streams * (THRESHOLD - SMALLEST_MESSAGE_FRAME));
    let window = fits.min(STREAM_WINDOW as u64) / 1024 * 1024;
    // Below 1 KiB a stream would crawl; tens of thousands of conversations on one connection
    // are better spread over more (--connections).
    window.max(1024) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_read_turn_of_serve_stays_far_inside_the_budget() {
        let turn = READ_BEFORE_YIELD as u64;
        let worst = turn / SMALLEST_MESSAGE_FRAME * (THRESHOLD - SMALLEST_MESSAGE_FRAME);
        assert_eq!(worst, 3_289_857);
        assert!(worst * 100 < budget(CONNECTION_WINDOW));
    }

    #[test]
    fn client_windows_shrink_with_the_streams_they_carry() {
        assert_eq!(client_stream_window(1), ONLY_STREAM_WINDOW);
        assert!(worst_cost(1, ONLY_STREAM_WINDOW as u64) < budget(CONNECTION_WINDOW));
        assert_eq!(client_stream_window(2), STREAM_WINDOW);
        assert_eq!(client_stream_window(300), STREAM_WINDOW);
        for streams in [327, 1000, 10_000] {
            let window = client_stream_window(streams);
            assert!(window < STREAM_WINDOW, "{streams}");
            assert!(worst_cost(streams as u64, window as u64) < budget(CONNECTION_WINDOW));
        }
    }
}
