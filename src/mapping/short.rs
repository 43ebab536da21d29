//! A line's bytes, kept inline when short. `seq 1000000 | ask` reads a million lines of a few
//! bytes each: with an allocation per line, made on the input thread and freed on the runtime's,
//! malloc and free were a tenth of ask's samples.

use std::{fmt, ops::Deref};

/// Lines this long or shorter live inside the value.
const INLINE: usize = 30;

#[derive(Clone)]
pub enum LineBytes {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl From<&[u8]> for LineBytes {
    fn from(line: &[u8]) -> LineBytes {
        if line.len() > INLINE {
            return LineBytes::Heap(line.into());
        }
        let mut bytes = [0; INLINE];
        bytes[..line.len()].copy_from_slice(line);
        // At most INLINE, which fits a byte.
        let len = line.len() as u8;
        LineBytes::Inline { len, bytes }
    }
}

impl From<Vec<u8>> for LineBytes {
    fn from(line: Vec<u8>) -> LineBytes {
        match line.len() <= INLINE {
            true => LineBytes::from(&line[..]),
            false => LineBytes::Heap(line.into_boxed_slice()),
        }
    }
}

impl Deref for LineBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            LineBytes::Inline { len, bytes } => &bytes[..usize::from(*len)],
            LineBytes::Heap(bytes) => bytes,
        }
    }
}

impl fmt::Debug for LineBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(self), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_reads_back_as_it_went_in_either_way() {
        for len in [0, 1, INLINE - 1, INLINE, INLINE + 1, 1000] {
            let line: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let (borrowed, owned) = (LineBytes::from(&line[..]), LineBytes::from(line.clone()));
            assert_eq!(&*borrowed, &line[..], "{len}");
            assert_eq!(&*owned, &line[..], "{len}");
            let inline = matches!(borrowed, LineBytes::Inline { .. });
            assert_eq!(inline, len <= INLINE, "{len}");
            assert_eq!(matches!(owned, LineBytes::Inline { .. }), inline, "{len}");
        }
    }
}
