//! What every call to the server carries, set up in one place for ask and bench: its deadline,
//! its metadata, the bearer token, and the message limits both ways.

use std::time::Duration;

use tokio::time::Instant;

use super::Channel;
use tonic::{Request, Status, client::Grpc, codec::CompressionEncoding, metadata::MetadataMap};

use super::headers::Header;
use crate::{token::Token, trace::Traceparent};

/// The message encodings ask and bench accept (and send with `--compress`), and serve takes:
/// those grpc-go, grpc-java and grpcio clients and servers compress with.
pub const ENCODINGS: [CompressionEncoding; 2] =
    [CompressionEncoding::Gzip, CompressionEncoding::Zstd];

#[derive(Clone, Debug, Default)]
pub struct CallSetup {
    /// Deadline for the whole run, sent to the server as `grpc-timeout`: each call carries the
    /// time left of it once `start` has been called.
    pub timeout: Option<Duration>,
    /// Request metadata (`-H`).
    pub headers: Vec<Header>,
    /// Sent as `authorization: Bearer <token>`.
    pub token: Option<Token>,
    /// The largest encoded message sent or accepted, in bytes.
    pub max_message_size: usize,
    /// How questions are compressed (`--compress`); answers may come in any of `ENCODINGS`.
    pub compress: Option<CompressionEncoding>,
    /// The W3C trace context each call carries (`--traceparent`, `--trace`).
    pub trace: Option<Trace>,
}

/// Which `traceparent` a call carries.
#[derive(Clone, Debug)]
pub enum Trace {
    /// This one, on every call.
    Given(Traceparent),
    /// A new trace for each call: each conversation is found on its own.
    EachCall,
}

impl CallSetup {
    /// The same setup, its `--timeout` running from now: calls made later carry less of it.
    pub fn start(&self) -> Started {
        Started {
            deadline: self.timeout.map(|timeout| Instant::now() + timeout),
            setup: self.clone(),
        }
    }

    /// The request for one call, with the whole `--timeout` as its deadline, metadata and token.
    pub fn request<T>(&self, message: T) -> Request<T> {
        self.request_within(message, self.timeout)
    }

    fn request_within<T>(&self, message: T, timeout: Option<Duration>) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(timeout) = timeout {
            request.set_timeout(timeout);
        }
        self.stamp(request.metadata_mut());
        request
    }

    /// Adds the `-H` metadata and the token, as every call of this setup carries them.
    pub fn stamp(&self, metadata: &mut MetadataMap) {
        for header in &self.headers {
            header.insert_into(metadata);
        }
        if let Some(token) = &self.token {
            metadata.insert("authorization", token.header_value());
        }
        let traceparent = match &self.trace {
            None => return,
            Some(Trace::Given(traceparent)) => traceparent.clone(),
            Some(Trace::EachCall) => Traceparent::new_trace(),
        };
        // A traceparent is lower-case hex and dashes: always a valid metadata value.
        if let Ok(value) = traceparent.as_str().parse() {
            metadata.insert("traceparent", value);
        }
    }
}

/// A setup whose deadline is running: each call gets the time left.
#[derive(Clone, Debug)]
pub struct Started {
    pub setup: CallSetup,
    deadline: Option<Instant>,
}

impl Started {
    pub fn request<T>(&self, message: T) -> Request<T> {
        let left = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        // A call due with no time left still goes, with the least timeout gRPC can send, so
        // that the server and the local deadline end it together.
        let left = left.map(|left| left.max(Duration::from_millis(1)));
        self.setup.request_within(message, left)
    }
}

/// A client for one call of any method on `channel`, holding both directions to the setup's
/// limit and compressing as it says, once the connection can take the call.
pub(crate) async fn ready(channel: &Channel, setup: &CallSetup) -> Result<Grpc<Channel>, Status> {
    let limit = setup.max_message_size;
    let mut grpc = Grpc::new(channel.clone())
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    for encoding in ENCODINGS {
        grpc = grpc.accept_compressed(encoding);
    }
    if let Some(encoding) = setup.compress {
        grpc = grpc.send_compressed(encoding);
    }
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(format!("the connection is not ready: {err}")))?;
    Ok(grpc)
}

/// `grpc-timeout`: at most eight digits and a unit, H, M, S, m (milli), u (micro) or n (nano).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    // Split at a character: a multi-byte last character (never valid) must not split a byte.
    let unit = value.chars().next_back()?;
    let (digits, unit) = value.split_at(value.len() - unit.len_utf8());
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_takes_every_unit_and_refuses_the_malformed() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse_grpc_timeout("10S"), Some(Duration::from_secs(10)));
        assert_eq!(parse_grpc_timeout("500m"), Some(Duration::from_millis(500)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(
            parse_grpc_timeout("99999999n"),
            Some(Duration::from_nanos(99_999_999))
        );
        for bad in ["", "S", "123456789S", "10s", "-1S", "1.5S", "10"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_grpc_timeout_text_parses_or_is_refused_without_panic(text in ".*") {
            let _ = parse_grpc_timeout(&text);
        }

        #[test]
        fn every_valid_grpc_timeout_means_its_digits_in_its_unit(
            n in 0u64..100_000_000,
            unit in proptest::sample::select(vec!["H", "M", "S", "m", "u", "n"]),
        ) {
            let nanos_per = match unit {
                "H" => 3_600_000_000_000u128,
                "M" => 60_000_000_000,
                "S" => 1_000_000_000,
                "m" => 1_000_000,
                "u" => 1_000,
                _ => 1,
            };
            let parsed = parse_grpc_timeout(&format!("{n}{unit}")).unwrap();
            proptest::prop_assert_eq!(parsed.as_nanos(), n as u128 * nanos_per);
        }
    }
}
