//! W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a call carries,
//! checked as the recommendation asks (a malformed one is ignored, not passed on), and new ones
//! made for `--trace`. Kept in serve's log lines and handed to bridged processes, so that a
//! conversation can be found in the traces of the systems around it.

use ring::rand::{SecureRandom, SystemRandom};

/// A `traceparent` value: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traceparent(String);

impl Traceparent {
    /// `value` if it is a traceparent of version 00 (or a later version's first four fields,
    /// as the recommendation lets a parser read them), with ids that are not all zeros.
    pub fn parse(value: &str) -> Result<Traceparent, String> {
        let fields: Vec<&str> = value.split('-').collect();
        let hex = |field: &str, len: usize| {
            field.len() == len
                && (field.bytes()).all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        let bad = || {
            format!(
                "'{value}' is not a W3C traceparent: expected 00-<32 hex digits>-<16 hex digits>-<2 hex digits>, in lower case"
            )
        };
        let [version, trace, parent, flags, rest @ ..] = &fields[..] else {
            return Err(bad());
        };
        if !hex(version, 2) || !hex(trace, 32) || !hex(parent, 16) || !hex(flags, 2) {
            return Err(bad());
        }
        // Version ff is invalid; only later versions may add fields.
        if *version == "ff" || (*version == "00" && !rest.is_empty()) {
            return Err(bad());
        }
        if trace.bytes().all(|b| b == b'0') || parent.bytes().all(|b| b == b'0') {
            return Err(format!(
                "'{value}': a trace or parent id of all zeros is invalid"
            ));
        }
        Ok(Traceparent(value.to_owned()))
    }

    /// A new trace, sampled, with a random trace id and parent id.
    pub fn new_trace() -> Traceparent {
        let mut bytes = [0u8; 24];
        // The system's random source does not fail on Linux once the process runs; were it
        // to, ids from the clock still tell conversations apart.
        if SystemRandom::new().fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|t| t.as_nanos())
                .unwrap_or_default();
            bytes[..16].copy_from_slice(&nanos.to_be_bytes());
            bytes[16..].copy_from_slice(&(std::process::id() as u64 | 1).to_be_bytes());
        }
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Traceparent(format!("00-{}-{}-01", &hex[..32], &hex[32..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The trace context a call's metadata carries: its traceparent if valid, and then its
/// tracestate (which means nothing without one).
pub fn context_in(
    metadata: &tonic::metadata::MetadataMap,
) -> Option<(Traceparent, Option<String>)> {
    let parent = metadata.get("traceparent")?.to_str().ok()?;
    let parent = Traceparent::parse(parent.trim()).ok()?;
    let state = (metadata.get_all("tracestate").iter())
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    Some((parent, (!state.is_empty()).then_some(state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recommendation_s_examples_parse_and_malformed_ones_do_not() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(Traceparent::parse(good).unwrap().as_str(), good);
        let later = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds";
        assert!(Traceparent::parse(later).is_ok());
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(Traceparent::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_traces_are_valid_and_differ() {
        let (a, b) = (Traceparent::new_trace(), Traceparent::new_trace());
        assert_eq!(Traceparent::parse(a.as_str()).unwrap(), a);
        // The trace ids (the second field) differ.
        assert_ne!(a.as_str()[3..35], b.as_str()[3..35]);
    }
}
