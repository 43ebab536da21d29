//! Answers to stdout: one write per burst of answers rather than one per answer, yet every answer
//! is out before ask waits for the next, so a coprocess never waits on our buffer.

use std::io::{self, Write};

use crate::mapping::Lines;

/// Buffered answers beyond this are written even while more are ready.
const WRITE_AT: usize = 64 * 1024;

/// Stdout, written from inside the runtime. A write can block for as long as the reader of our
/// output pauses (a full pipe into a pager); handing the runtime's other work to another thread
/// first keeps the connection answering the server's keepalive pings meanwhile, so a slow reader
/// slows the conversation down instead of losing it.
#[derive(Debug)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        tokio::task::block_in_place(|| io::stdout().lock().write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        tokio::task::block_in_place(|| io::stdout().lock().write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        tokio::task::block_in_place(|| io::stdout().lock().flush())
    }
}

pub struct AnswerWriter<W: Write> {
    out: W,
    separator: u8,
    buf: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for AnswerWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerWriter").finish_non_exhaustive()
    }
}

impl<W: Write> AnswerWriter<W> {
    /// Each answer is a line ended by `separator` (`\n`, or NUL for `-0`); a JSON answer comes
    /// already written as one.
    pub fn new(out: W, separator: u8) -> Self {
        AnswerWriter {
            out,
            separator,
            buf: Vec::with_capacity(WRITE_AT),
        }
    }

    /// Each line of an answer, ended by the separator.
    pub fn answer(&mut self, answer: &Lines) -> io::Result<()> {
        match answer {
            // The common case, without the iterator's branches.
            Lines::One(line) => self.line(line),
            Lines::Many(lines) => lines.iter().for_each(|line| self.line(line)),
        }
        if self.buf.len() >= WRITE_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn line(&mut self, line: &[u8]) {
        self.buf.extend_from_slice(line);
        self.buf.push(self.separator);
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

    fn written(separator: u8, answers: &[&str]) -> Vec<u8> {
        let mut writer = AnswerWriter::new(Vec::new(), separator);
        for answer in answers {
            writer
                .answer(&Lines::One(answer.as_bytes().to_vec()))
                .unwrap();
        }
        assert!(writer.out.is_empty(), "nothing is written before a flush");
        writer.flush().unwrap();
        writer.out
    }

    #[test]
    fn answers_are_terminated_lines_or_nul_records() {
        assert_eq!(written(b'\n', &["one", "two\nlines"]), b"one\ntwo\nlines\n");
        assert_eq!(written(0, &["a b", "c\nd"]), b"a b\0c\nd\0");
    }

    #[test]
    fn an_answer_of_several_lines_ends_each_and_one_of_none_writes_nothing() {
        let mut writer = AnswerWriter::new(Vec::new(), b'\n');
        writer
            .answer(&Lines::Many(vec![b"k1".to_vec(), b"k2".to_vec()]))
            .unwrap();
        writer.answer(&Lines::Many(Vec::new())).unwrap();
        writer.flush().unwrap();
        assert_eq!(writer.out, b"k1\nk2\n");
    }

    #[test]
    fn a_large_burst_is_written_without_waiting_for_flush() {
        let mut writer = AnswerWriter::new(Vec::new(), b'\n');
        let answer = Lines::One(vec![b'x'; 1000]);
        for _ in 0..100 {
            writer.answer(&answer).unwrap();
        }
        assert!(writer.out.len() >= WRITE_AT);
    }
}
