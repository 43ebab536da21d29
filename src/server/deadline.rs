//! The deadline a client sends as `grpc-timeout` (read by `cutoff.rs`), which serve enforces on
//! the conversation.

use std::{pin::Pin, time::Duration};

use tokio::time::{Instant, Sleep};

/// When the conversation must be over, and a timer that wakes it then.
pub(super) struct Deadline {
    pub(super) at: Instant,
    pub(super) timer: Pin<Box<Sleep>>,
}

impl Deadline {
    pub(super) fn at(at: Instant) -> Deadline {
        Deadline {
            at,
            timer: Box::pin(tokio::time::sleep_until(at)),
        }
    }
}

/// `grpc-timeout`: at most eight digits and a unit, H, M, S, m (milli), u (micro) or n (nano).
pub(super) fn parse_grpc_timeout(value: &str) -> Option<Duration> {
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
