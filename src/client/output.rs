//! Answers to stdout: one write per burst of answers rather than one per answer, yet every answer
//! is out before ask waits for the next, so a coprocess never waits on our buffer.

use std::io::{self, Write};

use super::framing::Framing;

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
    format: Framing,
    buf: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for AnswerWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerWriter").finish_non_exhaustive()
    }
}

impl<W: Write> AnswerWriter<W> {
    pub fn new(out: W, format: Framing) -> Self {
        AnswerWriter {
            out,
            format,
            buf: Vec::with_capacity(WRITE_AT),
        }
    }

    pub fn answer(&mut self, answer: &str) -> io::Result<()> {
        if self.format.json {
            // The field is written even when empty (protobuf's JSON mapping would leave it out)
            // so that `jq .answer` always finds it.
            self.buf.extend_from_slice(b"{\"answer\":");
            serde_json::to_writer(&mut self.buf, answer)?;
            self.buf.push(b'}');
        } else {
            self.buf.extend_from_slice(answer.as_bytes());
        }
        self.buf.push(self.format.separator);
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

    fn written(format: Framing, answers: &[&str]) -> Vec<u8> {
        let mut writer = AnswerWriter::new(Vec::new(), format);
        for answer in answers {
            writer.answer(answer).unwrap();
        }
        assert!(writer.out.is_empty(), "nothing is written before a flush");
        writer.flush().unwrap();
        writer.out
    }

    #[test]
    fn text_answers_are_terminated_lines_or_nul_records() {
        assert_eq!(
            written(Framing::default(), &["one", "two\nlines"]),
            b"one\ntwo\nlines\n"
        );
        let null = Framing {
            json: false,
            separator: 0,
        };
        assert_eq!(written(null, &["a b", "c\nd"]), b"a b\0c\nd\0");
    }

    #[test]
    fn json_answers_parse_back_whatever_they_hold() {
        let json = Framing {
            json: true,
            separator: b'\n',
        };
        let answers = [
            "",
            "quote \" backslash \\",
            "new\nline\ttab",
            "\u{1}\u{1f}",
            "ünï ☃ 😀",
        ];
        let out = String::from_utf8(written(json, &answers)).unwrap();
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines.len(), answers.len());
        for (line, answer) in lines.iter().zip(answers) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(value, serde_json::json!({ "answer": answer }));
        }
    }

    #[test]
    fn a_large_burst_is_written_without_waiting_for_flush() {
        let mut writer = AnswerWriter::new(Vec::new(), Framing::default());
        let answer = "x".repeat(1000);
        for _ in 0..100 {
            writer.answer(&answer).unwrap();
        }
        assert!(writer.out.len() >= WRITE_AT);
    }
}
