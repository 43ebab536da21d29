//! Compressed messages: every route serve answers takes the encodings clients commonly send
//! (gzip, zstd), and compresses its answers only when told to.

use tonic::codec::CompressionEncoding;

use super::Config;
use crate::net::ENCODINGS;

/// `server` taking every encoding; sending them too (as the client accepts) with
/// `--compress-answers`: answers are mostly short lines, which compression only lengthens.
pub(super) fn compressed<S>(
    mut server: S,
    config: &Config,
    accept: impl Fn(S, CompressionEncoding) -> S,
    send: impl Fn(S, CompressionEncoding) -> S,
) -> S {
    for encoding in ENCODINGS {
        server = accept(server, encoding);
        if config.compress_answers {
            server = send(server, encoding);
        }
    }
    server
}
