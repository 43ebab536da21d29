//! Answers to stdout: one write per burst of answers rather than one per answer, yet every answer
//! is out before ask waits for the next, so a coprocess never waits on our buffer.

use std::io::{self, Write};

/// Buffered answers beyond this are written even while more are ready.
const WRITE_AT: usize = 64 * 1024;

pub struct AnswerWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> AnswerWriter<W> {
    pub fn new(out: W) -> Self {
        AnswerWriter {
            out,
            buf: Vec::with_capacity(WRITE_AT),
        }
    }

    pub fn answer(&mut self, answer: &str) -> io::Result<()> {
        self.buf.extend_from_slice(answer.as_bytes());
        self.buf.push(b'\n');
        if self.buf.len() >= WRITE_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes out everything buffered; call it whenever no further answer is ready.
    pub fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            // Clear first: after a failed write (a closed pipe) nothing is worth retrying.
            let result = self.out.write_all(&self.buf);
            self.buf.clear();
            result?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_reaches_the_output_until_flush_then_everything_does() {
        let mut writer = AnswerWriter::new(Vec::new());
        writer.answer("one").unwrap();
        writer.answer("two\nlines").unwrap();
        assert!(writer.out.is_empty());
        writer.flush().unwrap();
        assert_eq!(writer.out, b"one\ntwo\nlines\n");
    }

    #[test]
    fn a_large_burst_is_written_without_waiting_for_flush() {
        let mut writer = AnswerWriter::new(Vec::new());
        let answer = "x".repeat(1000);
        for _ in 0..100 {
            writer.answer(&answer).unwrap();
        }
        assert!(writer.out.len() >= WRITE_AT);
    }
}
