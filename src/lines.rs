//! Records of bounded length, read the same way by ask's input (a blocking reader on its own
//! thread) and by the exec bridge (a process's stdout): the same limit, the same line ends, and
//! a last record without a separator still counts.

/// What ends a record and how long one may be.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineRules {
    pub separator: u8,
    pub max: usize,
}

/// What one read left in the record buffer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// A whole record, without its separator (nor a `\r` before a `\n`).
    Record,
    /// Longer than `max`: refused without being read whole.
    TooLong,
    /// The end of the input, with nothing left over.
    End,
}

impl LineRules {
    /// How much the next read may take (`Read::take`) into a buffer already holding `have`
    /// bytes: one byte past the limit plus `\r\n`, so that an over-long record is recognised
    /// without being buffered whole.
    pub(crate) fn room(&self, have: usize) -> u64 {
        (self.max + 2).saturating_sub(have) as u64
    }

    /// Judges a record after `read_until(separator)` took `read` bytes of at most `room`.
    pub(crate) fn finish(&self, record: &mut Vec<u8>, read: usize, room: u64) -> Line {
        if record.last() == Some(&self.separator) {
            record.pop();
            if self.separator == b'\n' && record.last() == Some(&b'\r') {
                record.pop();
            }
        } else if read == 0 && record.is_empty() {
            return Line::End;
        } else if read as u64 == room {
            return Line::TooLong;
        }
        if record.len() > self.max {
            return Line::TooLong;
        }
        Line::Record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Read};

    fn records(input: &[u8], separator: u8, max: usize) -> Vec<Result<String, Line>> {
        let rules = LineRules { separator, max };
        let mut reader = std::io::BufReader::new(input);
        let mut found = Vec::new();
        loop {
            let mut record = Vec::new();
            let room = rules.room(0);
            let read = (&mut reader).take(room).read_until(separator, &mut record);
            match rules.finish(&mut record, read.unwrap(), room) {
                Line::End => return found,
                Line::TooLong => {
                    found.push(Err(Line::TooLong));
                    return found;
                }
                Line::Record => found.push(Ok(String::from_utf8(record).unwrap())),
            }
        }
    }

    #[test]
    fn line_ends_go_blank_lines_stay_and_an_unterminated_last_line_counts() {
        let got = records(b"a\r\n\nb\rc\nlast", b'\n', 10);
        let want = ["a", "", "b\rc", "last"].map(|line| Ok(line.to_owned()));
        assert_eq!(got, want);
    }

    #[test]
    fn nul_records_keep_carriage_returns_and_newlines() {
        let got = records(b"a\r\n\0b", 0, 10);
        assert_eq!(got, ["a\r\n", "b"].map(|record| Ok(record.to_owned())));
    }

    #[test]
    fn a_record_over_the_limit_is_refused_at_it() {
        assert_eq!(
            records(b"12345\n123456\n", b'\n', 5),
            [Ok("12345".to_owned()), Err(Line::TooLong)]
        );
        assert_eq!(records(b"123456789", b'\n', 5), [Err(Line::TooLong)]);
        assert_eq!(records(b"12345\r\n", b'\n', 5), [Ok("12345".to_owned())]);
    }
}
