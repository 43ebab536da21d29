//! HTTP/2 flow control: the windows and the stream limit, shared by serve, ask and bench because
//! one piece of arithmetic binds them all.
//!
//! h2 (0.4.16 and later) closes a connection with GOAWAY ENHANCE_YOUR_CALM "too_many_data_frames"
//! when too many small DATA frames sit unread. Each frame of L < 256 bytes that arrives costs
//! `256 - L` from a budget of half the connection window W (at least 25,600 bytes); the cost comes
//! back when the application reads the frame, and a frame of L > 256 bytes gives back `L - 256`.
//! h2's own `data_frame_budget` setting would change that, but neither hyper 1.12 nor tonic 0.14
//! exposes it, so the windows are the only lever.
//!
//! A grpc-go peer sends every short message in a DATA frame of its own, and multiplexes all its
//! conversations on one connection. What is unread at once is bounded per stream by the stream
//! window S, so M streams stalled on frames of L bytes cost at most `M * S * (256 - L) / L`, which
//! must stay under `W / 2`. The smallest frame a gRPC message makes is 5 bytes (an empty message:
//! the length prefix alone), the worst case, at `251 / 5 = 50.2` budget bytes per window byte:
//!
//! - W = 2^31 - 1, HTTP/2's largest window: the budget is 1,073,741,823 bytes.
//! - S = 64 KiB, HTTP/2's default: one stalled stream costs at most 3,289,907.
//! - M = 256 streams at once per connection (SETTINGS_MAX_CONCURRENT_STREAMS, which tonic leaves
//!   unset and hyper would otherwise set to 200): at most 842,216,243 of the budget, 78% of it,
//!   even with every stream stalled on empty messages. Streams over the limit wait in the
//!   client's queue (grpc-go and h2 honour the setting), so 1000 conversations on one connection
//!   are all answered, 256 at a time.
//!
//! hyper's adaptive window (`http2_adaptive_window`) would raise S to W and void the bound, so it
//! stays off. A peer that floods on purpose, with frames of 1 to 4 bytes on many streams that it
//! never lets us read, can still run the budget down: that is what the guard is for.
//!
//! Memory one connection can make serve hold: what it has received and not read, at most
//! `M * S` = 16 MiB; and answers waiting for a client that stops reading them, at most hyper's
//! per-stream send buffer (400 KiB, not configurable through tonic 0.14) per stream, 100 MiB in
//! all, and only for a client that also advertised windows that large.

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

/// Per conversation on serve: what a client may send before the server has read it.
pub(crate) const STREAM_WINDOW: u32 = 64 * 1024;

/// Conversations at once on one connection to serve.
pub(crate) const MAX_STREAMS: u32 = 256;

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

/// The stream window for a client that opens `streams` conversations on one connection: HTTP/2's
/// default while the worst case fits the budget, smaller (in whole KiB) when it would not, so
/// that a server answering each question in a frame of its own can never trip our guard.
pub(crate) fn client_stream_window(streams: usize) -> u32 {
    let streams = streams.max(1) as u64;
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
    fn serve_settings_keep_the_worst_case_inside_the_budget() {
        let worst = worst_cost(MAX_STREAMS as u64, STREAM_WINDOW as u64);
        assert_eq!(worst, 842_216_243);
        assert!(worst < budget(CONNECTION_WINDOW));
    }

    #[test]
    fn client_windows_shrink_with_the_streams_they_carry() {
        assert_eq!(client_stream_window(1), STREAM_WINDOW);
        assert_eq!(client_stream_window(300), STREAM_WINDOW);
        for streams in [327, 1000, 10_000] {
            let window = client_stream_window(streams);
            assert!(window < STREAM_WINDOW, "{streams}");
            assert!(worst_cost(streams as u64, window as u64) < budget(CONNECTION_WINDOW));
        }
    }
}
