//! Turns arguments or a byte stream into questions, as they arrive, with every refusal naming where
//! the bad input was. Stdin is read on a thread of its own: tokio's stdin cannot be cancelled, and
//! ask must be free to exit the moment the server ends a conversation, however long stdin stays
//! open.

use std::{
    io::{BufRead, BufReader, Read},
    thread,
};

use anyhow::Context as _;
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use crate::{exit::BadInput, proto::StreamRequest};

/// Where the questions come from.
pub enum Source {
    /// Each argument is one question.
    Args(Vec<String>),
    /// Each line is one question: `\n` or `\r\n` ends it, and a last line without one counts.
    Lines(Box<dyn Read + Send>),
}

/// How the input ended, once the question stream is over: `None` for a clean end of input.
pub type InputEnd = oneshot::Receiver<anyhow::Error>;

/// Lines read before a batch is handed over regardless of what else is buffered, so that memory
/// stays bounded for long lines too.
const BATCH_BYTES: usize = 64 * 1024;
const READ_BUFFER: usize = 64 * 1024;
/// Batches in flight between the reader thread and the connection.
const BATCHES_QUEUED: usize = 4;

/// The questions to send, in order, and a receiver that says why they stopped if it was not the
/// end of the input. Nothing is sent for a question that is refused, and nothing after it.
pub fn questions(
    source: Source,
    max_message_size: usize,
) -> (impl Stream<Item = StreamRequest> + Send + 'static, InputEnd) {
    let (end_tx, end_rx) = oneshot::channel();
    let stream = match source {
        Source::Args(args) => {
            let limit = max_question_len(max_message_size);
            let checked: Result<Vec<_>, _> = args
                .into_iter()
                .enumerate()
                .map(|(i, question)| {
                    check_len(question.len(), limit, max_message_size, || {
                        format!("argument {}", i + 1)
                    })
                    .map(|()| question)
                })
                .collect();
            let questions = checked.unwrap_or_else(|refused| {
                let _ = end_tx.send(refused.into());
                Vec::new()
            });
            stream::iter(questions).left_stream()
        }
        Source::Lines(reader) => {
            let (tx, rx) = mpsc::channel(BATCHES_QUEUED);
            let spawned = thread::Builder::new().name("stdin".into()).spawn(move || {
                if let Err(err) = pump(Lines::new(reader, max_message_size), &tx) {
                    let _ = end_tx.send(err);
                }
            });
            if let Err(err) = spawned {
                tracing::error!("cannot start the input thread: {err}");
            }
            ReceiverStream::new(rx)
                .flat_map(stream::iter)
                .right_stream()
        }
    };
    (stream.map(|question| StreamRequest { question }), end_rx)
}

/// Sends questions in batches until the input ends, the conversation no longer wants them, or a
/// line is refused. The questions before a refused line are sent all the same.
fn pump<R: Read>(mut lines: Lines<R>, tx: &mpsc::Sender<Vec<String>>) -> anyhow::Result<()> {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    let ended = loop {
        match lines.next_question() {
            Ok(Some(question)) => {
                batch_bytes += question.len();
                batch.push(question);
            }
            Ok(None) => break Ok(()),
            Err(err) => break Err(err),
        }
        // Hand the batch over whenever the next read could block, so that a coprocess's
        // question goes out at once, and in large batches when input is plentiful.
        if lines.reader.buffer().is_empty() || batch_bytes >= BATCH_BYTES {
            if tx.blocking_send(std::mem::take(&mut batch)).is_err() {
                return Ok(());
            }
            batch_bytes = 0;
        }
    };
    if !batch.is_empty() {
        let _ = tx.blocking_send(batch);
    }
    ended
}

/// Splits a byte stream into checked questions, counting lines for error messages.
struct Lines<R> {
    reader: BufReader<R>,
    line: Vec<u8>,
    number: u64,
    limit: usize,
    max_message_size: usize,
}

impl<R: Read> Lines<R> {
    fn new(reader: R, max_message_size: usize) -> Self {
        Lines {
            reader: BufReader::with_capacity(READ_BUFFER, reader),
            line: Vec::new(),
            number: 0,
            limit: max_question_len(max_message_size),
            max_message_size,
        }
    }

    fn next_question(&mut self) -> anyhow::Result<Option<String>> {
        let line = &mut self.line;
        line.clear();
        // Reading at most one byte past the limit (plus `\r\n`) keeps a huge line from being
        // buffered whole just to be refused.
        let read = (&mut self.reader)
            .take(self.limit as u64 + 2)
            .read_until(b'\n', line)
            .context("reading stdin")?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let number = self.number;
        let terminated = line.last() == Some(&b'\n');
        if terminated {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let cut_short = !terminated && read == self.limit + 2;
        let len = if cut_short {
            self.limit + 1
        } else {
            line.len()
        };
        check_len(len, self.limit, self.max_message_size, || {
            format!("line {number}")
        })?;
        let question = std::str::from_utf8(line).map_err(|err| {
            let at = err.valid_up_to();
            BadInput(format!(
                "line {number}: not valid UTF-8 (byte 0x{:02x} at column {})",
                line[at],
                at + 1
            ))
        })?;
        Ok(Some(question.to_owned()))
    }
}

fn check_len(
    len: usize,
    limit: usize,
    max_message_size: usize,
    place: impl FnOnce() -> String,
) -> Result<(), BadInput> {
    if len > limit {
        return Err(BadInput(format!(
            "{}: question over the {max_message_size}-byte message limit (--max-message-size)",
            place()
        )));
    }
    Ok(())
}

/// The longest question whose encoded StreamRequest fits in `max_message_size` bytes: one tag
/// byte and a varint length come before the text.
pub fn max_question_len(max_message_size: usize) -> usize {
    let mut len = max_message_size.saturating_sub(1);
    while len > 0 && 1 + prost::encoding::encoded_len_varint(len as u64) + len > max_message_size {
        len -= 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn max_question_len_is_exactly_the_largest_that_fits() {
        for limit in [1, 2, 127, 128, 129, 130, 16_384, 16_387, 4 * 1024 * 1024] {
            let len = max_question_len(limit);
            let fits = StreamRequest {
                question: "x".repeat(len),
            };
            assert!(fits.encoded_len() <= limit, "limit {limit}");
            let over = StreamRequest {
                question: "x".repeat(len + 1),
            };
            assert!(over.encoded_len() > limit, "limit {limit}");
        }
    }

    async fn collect(
        input: &'static [u8],
        max_message_size: usize,
    ) -> (Vec<String>, Option<String>) {
        let (stream, end) = questions(Source::Lines(Box::new(input)), max_message_size);
        let got = stream.map(|r| r.question).collect().await;
        (got, end.await.ok().map(|e| e.to_string()))
    }

    #[tokio::test]
    async fn lines_keep_blanks_drop_line_ends_and_count_an_unterminated_last_line() {
        let (got, end) = collect(b"a\r\n\nb\n\r\nlast", 100).await;
        assert_eq!(got, ["a", "", "b", "", "last"]);
        assert_eq!(end, None);
    }

    #[tokio::test]
    async fn invalid_utf8_stops_before_the_bad_line_and_names_it() {
        let (got, end) = collect(b"ok\nfine\nbad \xff here\nnever", 100).await;
        assert_eq!(got, ["ok", "fine"]);
        assert_eq!(
            end.unwrap(),
            "line 3: not valid UTF-8 (byte 0xff at column 5)"
        );
    }

    #[tokio::test]
    async fn a_line_over_the_limit_is_refused_by_number() {
        // A limit of 7 bytes leaves room for 5-byte questions.
        let (got, end) = collect(b"12345\r\n123456\n", 7).await;
        assert_eq!(got, ["12345"]);
        assert_eq!(
            end.unwrap(),
            "line 2: question over the 7-byte message limit (--max-message-size)"
        );
        let (_, end) = collect(b"1234567890", 7).await;
        assert!(end.unwrap().starts_with("line 1:"));
    }

    #[tokio::test]
    async fn arguments_are_checked_before_any_is_sent() {
        let args = vec!["short".to_owned(), "far too long".to_owned()];
        let (stream, end) = questions(Source::Args(args), 7);
        assert_eq!(stream.count().await, 0);
        assert_eq!(
            end.await.unwrap().to_string(),
            "argument 2: question over the 7-byte message limit (--max-message-size)"
        );
    }
}
