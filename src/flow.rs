//! HTTP/2 flow-control windows, shared by serve and ask because the same arithmetic binds both.
//!
//! h2 (0.4.16 and later) closes a connection with GOAWAY ENHANCE_YOUR_CALM when too many small
//! DATA frames sit unread: each frame under 256 bytes costs `256 - len` from a budget of half the
//! connection window. A grpc-go peer sends every short message in a frame of its own, so one
//! conversation that is pushed back (its answers not read fast enough) can leave a whole stream
//! window of 8-byte frames unread, costing about 31 times the window. tonic's defaults (1 MiB
//! stream, 1 MiB connection on the server; 2 MiB and 5 MiB on the client) trip the guard after a
//! few thousand pipelined questions. Keeping the stream window at HTTP/2's own default and the
//! connection window large bounds what one stalled stream can cost well inside the budget, while
//! the large connection window still lets many conversations share a connection at full speed.

/// Per conversation: what a peer may send before we have read it.
pub const STREAM_WINDOW: u32 = 64 * 1024;

/// Per connection: the budget for small unread frames is half of this, 8 MiB. A stalled stream of
/// empty questions (5-byte frames) costs at most 64 KiB / 5 * 251, about 3.2 MiB, and one of
/// `seq`-sized questions (13-byte frames) about 1.2 MiB, so a connection carries two to six
/// stalled conversations at once before the guard can fire.
pub const CONNECTION_WINDOW: u32 = 16 * 1024 * 1024;
