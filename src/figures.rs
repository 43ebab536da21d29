//! How figures are written for people to read: a count with its noun, singular or plural, and a
//! latency in the unit that fits it. JSON keeps plain numbers (microseconds in `_us` fields).

/// `1 answer`, `2 answers`: a count with its noun, singular or plural.
pub(crate) fn plural(count: u64, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// A latency in the unit that fits it: µs under a millisecond, ms under a second, s above.
pub(crate) fn latency_text(us: f64) -> String {
    match us {
        // Bounds below the next unit's by half the last digit, so 999.96 µs reads 1.00 ms.
        us if us < 999.95 => format!("{us:.1} µs"),
        us if us < 999_995.0 => format!("{:.2} ms", us / 1_000.0),
        us => format!("{:.3} s", us / 1_000_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "conversation"), "1 conversation");
        assert_eq!(plural(0, "answer"), "0 answers");
        assert_eq!(plural(4, "connection"), "4 connections");
    }

    #[test]
    fn latencies_take_the_unit_that_fits() {
        assert_eq!(latency_text(999.94), "999.9 µs");
        assert_eq!(latency_text(27_131.9), "27.13 ms");
        assert_eq!(latency_text(999_994.0), "999.99 ms");
        assert_eq!(latency_text(999.96), "1.00 ms");
        assert_eq!(latency_text(2_500_000.0), "2.500 s");
    }
}
