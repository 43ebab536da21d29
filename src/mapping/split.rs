//! A line cut into the parts its fields take, as `read key value` cuts one: at the separator,
//! the last part taking the rest of the line, separators and all.

/// What separates the fields of a line (`--separator`, a tab unless told).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Separator(Vec<u8>);

impl Default for Separator {
    fn default() -> Separator {
        Separator(b"\t".to_vec())
    }
}

impl Separator {
    /// Any non-empty string.
    pub fn new(text: &str) -> Option<Separator> {
        (!text.is_empty()).then(|| Separator(text.as_bytes().to_vec()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// As messages name it.
    pub fn shown(&self) -> String {
        match self.0.as_slice() {
            b"\t" => "a tab".to_owned(),
            b" " => "a space".to_owned(),
            other => format!("'{}'", String::from_utf8_lossy(other).escape_debug()),
        }
    }

    /// Up to `count` parts of `line`, each with the column it starts at: the first `count - 1`
    /// end at a separator, the last takes what is left. Fewer when the line has fewer
    /// separators. An iterator, so that no list is made per line.
    pub fn split<'a>(&'a self, line: &'a [u8], count: usize) -> Cuts<'a> {
        Cuts {
            line,
            separator: &self.0,
            start: 0,
            left: count,
        }
    }
}

/// The parts of one line, in order.
#[derive(Debug)]
pub struct Cuts<'a> {
    line: &'a [u8],
    separator: &'a [u8],
    start: usize,
    left: usize,
}

impl<'a> Iterator for Cuts<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.start;
        let rest = self.line.get(start..)?;
        self.left = self.left.checked_sub(1)?;
        let found = match self.left {
            0 => None,
            _ => memchr::memmem::find(rest, self.separator),
        };
        match found {
            Some(at) => {
                self.start += at + self.separator.len();
                Some((start, &rest[..at]))
            }
            None => {
                // The last part: nothing follows it.
                self.start = self.line.len() + 1;
                Some((start, rest))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(separator: &str, line: &str, count: usize) -> Vec<(usize, String)> {
        let separator = Separator::new(separator).unwrap();
        (separator.split(line.as_bytes(), count))
            .map(|(at, part)| (at, String::from_utf8(part.to_vec()).unwrap()))
            .collect()
    }

    #[test]
    fn the_last_part_takes_the_rest_as_read_does() {
        let want = [(0, "k".to_owned()), (2, "v\tw".to_owned())];
        assert_eq!(split("\t", "k\tv\tw", 2), want);
        assert_eq!(split("\t", "k\tv\tw", 1), [(0, "k\tv\tw".to_owned())]);
        assert_eq!(split("::", "a::b::c", 3).len(), 3);
        assert_eq!(split("::", "a::b::c", 3)[2], (6, "c".to_owned()));
        assert_eq!(split("\t", "alone", 3), [(0, "alone".to_owned())]);
        assert_eq!(
            split("\t", "a\t", 2),
            [(0, "a".to_owned()), (2, String::new())]
        );
    }
}
