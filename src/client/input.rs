//! Turns arguments, a byte stream or an interactive prompt into questions, as they arrive, with
//! every refusal naming where the bad input was. Input is read on a thread of its own: tokio's
//! stdin cannot be cancelled, and ask must be free to exit the moment the server ends a
//! conversation, however long stdin stays open.

use std::{
    io::{BufRead, BufReader, Read},
    sync::{Arc, Mutex},
    thread,
};

use anyhow::Context as _;
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use super::{
    framing::Framing,
    prompt::{Prompt, Typed},
};
use crate::{
    error::{BadInput, lock},
    lines::{Line, LineRules},
    mapping::{self, MappingArgs, Outgoing as Question, ToMessage},
    message::too_big,
    schema::Schema,
    signals::Signal,
    tutorial,
};

/// How records become requests.
#[derive(Clone, Debug)]
pub struct Reading {
    pub framing: Framing,
    pub requests: ToMessage,
    /// The largest request, encoded.
    pub max_message_size: usize,
    /// Keep each JSON record's text beside its request (for `--transcript`).
    pub keep_text: bool,
}

impl Reading {
    /// The tutorial's requests (`StreamRequest.question`), each record's text kept.
    pub fn tutorial(framing: Framing, max_message_size: usize) -> Reading {
        let schema = Schema::builtin();
        let method = tutorial::METHOD.parse().expect("a valid method name");
        let request = schema.method(&method).expect("the built-in method").input();
        let args = MappingArgs {
            json_in: framing.json,
            ..MappingArgs::default()
        };
        Reading {
            framing,
            requests: mapping::to_message(&request, &args).expect("the tutorial's mapping"),
            max_message_size,
            keep_text: true,
        }
    }
}

/// Where the questions come from.
pub enum Source {
    /// Each argument is one question.
    Args(Vec<String>),
    /// Each record of the stream is one question.
    Stream(Box<dyn Read + Send>),
    /// Each line typed at an interactive prompt is one question.
    Prompt(Prompt),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source").finish_non_exhaustive()
    }
}

/// The questions of a conversation, as they are read, and how their reading may end early.
pub struct Input<S> {
    pub questions: S,
    /// Why the questions stopped, when it was not the end of the input: a refused record is
    /// reported once the answers to the questions before it are in.
    pub refusal: Refusal,
    /// Ctrl-C at the prompt, where the terminal delivers it as a key rather than a signal.
    pub interrupted: oneshot::Receiver<Signal>,
}

impl<S> std::fmt::Debug for Input<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input").finish_non_exhaustive()
    }
}

/// The error that stopped the questions, set before the question stream ends, so that whoever
/// sees the end can tell a refusal from the end of the input.
#[derive(Clone, Default, Debug)]
pub struct Refusal(Arc<(Mutex<Option<anyhow::Error>>, Notify)>);

impl Refusal {
    fn set(&self, err: anyhow::Error) {
        *self.lock() = Some(err);
        // Kept as a permit when nobody waits yet.
        self.0.1.notify_one();
    }

    /// Done once input has been refused.
    pub async fn refused(&self) {
        while !self.is_set() {
            self.0.1.notified().await;
        }
    }

    fn is_set(&self) -> bool {
        self.lock().is_some()
    }

    pub fn take(&self) -> Option<anyhow::Error> {
        self.lock().take()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<anyhow::Error>> {
        lock(&self.0.0)
    }
}

/// Lines read before a batch is handed over regardless of what else is buffered, so that memory
/// stays bounded for long lines too.
const BATCH_BYTES: usize = 64 * 1024;
const READ_BUFFER: usize = 64 * 1024;
/// Batches in flight between the input thread and the connection.
const BATCHES_QUEUED: usize = 4;

/// The questions to send, in order. Nothing is sent for a record that is refused, nor after it.
/// With `keep_open`, the stream does not end with the input (it still ends at a refusal).
pub fn questions(
    source: Source,
    reading: Reading,
    keep_open: bool,
) -> Input<impl Stream<Item = Question> + Send + 'static> {
    let separator = reading.framing.separator;
    let decoder = RecordCheck { reading };
    let refusal = Refusal::default();
    let (interrupted_tx, interrupted) = oneshot::channel();
    let stream = match source {
        Source::Args(args) => from_args(&args, &decoder, &refusal).left_stream(),
        Source::Stream(reader) => {
            let records = Records::new(reader, separator, decoder.raw_limit());
            let refusal = refusal.clone();
            spawn_reader(Box::new(move |tx| {
                if let Err(err) = pump(records, &decoder, tx) {
                    refusal.set(err);
                }
            }))
            .right_stream()
        }
        Source::Prompt(prompt) => spawn_reader(Box::new(move |tx| {
            from_prompt(prompt, &decoder, tx, interrupted_tx);
        }))
        .right_stream(),
    };
    let held_open = {
        let refusal = refusal.clone();
        stream::once(async move {
            if keep_open && !refusal.is_set() {
                std::future::pending::<()>().await;
            }
        })
        .filter_map(|()| std::future::ready(None))
    };
    Input {
        questions: stream.chain(held_open),
        refusal,
        interrupted,
    }
}

/// Every argument is checked before any is sent: one refused, none goes.
fn from_args(
    args: &[String],
    decoder: &RecordCheck,
    refusal: &Refusal,
) -> impl Stream<Item = Question> + Send + 'static + use<> {
    let decoded: Result<Vec<_>, _> = args
        .iter()
        .enumerate()
        .map(|(i, arg)| decoder.decode(arg.as_bytes(), || format!("argument {}", i + 1)))
        .collect();
    let questions = decoded.unwrap_or_else(|refused| {
        refusal.set(refused.into());
        Vec::new()
    });
    stream::iter(questions.into_iter().flatten())
}

/// Typed lines until Ctrl-D (the end) or Ctrl-C (`interrupted`). At a prompt a refused line is
/// reported and the conversation goes on.
fn from_prompt(
    mut prompt: Prompt,
    decoder: &RecordCheck,
    tx: &Batches,
    interrupted: oneshot::Sender<Signal>,
) {
    let mut number = 0;
    loop {
        let line = match prompt.read_line() {
            Typed::Line(line) => line,
            Typed::End => return,
            Typed::Interrupted => {
                let _ = interrupted.send(Signal::Interrupt);
                return;
            }
        };
        number += 1;
        match decoder.decode(line.as_bytes(), || format!("line {number}")) {
            Ok(Some(question)) => {
                if tx.blocking_send(vec![question]).is_err() {
                    return;
                }
            }
            Ok(None) => {}
            Err(refusal) => eprintln!("grpc-convo: {refusal}"),
        }
    }
}

/// Runs `read` on a thread of its own, handing batches of questions to the returned stream.
/// Where the input thread hands its questions over, a batch at a time.
type Batches = mpsc::Sender<Vec<Question>>;

/// Not generic, so that every source read on a thread yields the same stream type.
fn spawn_reader(
    read: Box<dyn FnOnce(&Batches) + Send>,
) -> impl Stream<Item = Question> + Send + 'static {
    let (tx, rx) = mpsc::channel(BATCHES_QUEUED);
    let spawned = thread::Builder::new()
        .name("input".into())
        .spawn(move || read(&tx));
    if let Err(err) = spawned {
        // Without the thread the stream simply ends, which reads as empty input: say why.
        tracing::error!("cannot start the input thread: {err}");
    }
    ReceiverStream::new(rx).flat_map(stream::iter)
}

/// Sends questions in batches until the input ends, the conversation no longer wants them, or a
/// record is refused. The questions before a refused record are sent all the same.
fn pump<R: Read>(
    mut records: Records<R>,
    decoder: &RecordCheck,
    tx: &Batches,
) -> anyhow::Result<()> {
    let noun = records.noun();
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    let ended = loop {
        let (number, record) = match records.next_record() {
            Ok(Some(numbered)) => numbered,
            Ok(None) => break Ok(()),
            Err(err) => break Err(err),
        };
        match decoder.decode(record, || format!("{noun} {number}")) {
            Ok(Some(question)) => {
                batch_bytes += question.size();
                batch.push(question);
            }
            Ok(None) => {}
            Err(refusal) => break Err(refusal.into()),
        }
        // Hand the batch over whenever the next read could block, so that a coprocess's
        // question goes out at once, and in large batches when input is plentiful.
        if !batch.is_empty() && (records.would_block() || batch_bytes >= BATCH_BYTES) {
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

/// Splits a byte stream into records, counting them for error messages.
struct Records<R> {
    reader: BufReader<R>,
    record: Vec<u8>,
    rules: LineRules,
    number: u64,
}

impl<R: Read> Records<R> {
    fn new(reader: R, separator: u8, max: usize) -> Self {
        Records {
            reader: BufReader::with_capacity(READ_BUFFER, reader),
            record: Vec::new(),
            rules: LineRules { separator, max },
            number: 0,
        }
    }

    /// What a record is called in messages.
    fn noun(&self) -> &'static str {
        if self.rules.separator == b'\n' {
            "line"
        } else {
            "record"
        }
    }

    fn would_block(&self) -> bool {
        self.reader.buffer().is_empty()
    }

    /// The next record, numbered. One that is too long comes back cut to one byte over the
    /// limit, which the decoder refuses by its length.
    fn next_record(&mut self) -> anyhow::Result<Option<(u64, &[u8])>> {
        let record = &mut self.record;
        record.clear();
        let room = self.rules.room(0);
        let read = (&mut self.reader)
            .take(room)
            .read_until(self.rules.separator, record)
            .context("reading stdin")?;
        match self.rules.finish(record, read, room) {
            Line::End => return Ok(None),
            Line::TooLong => record.truncate(self.rules.max + 1),
            Line::Record => {}
        }
        self.number += 1;
        Ok(Some((self.number, record)))
    }
}

/// Checks one record and makes it a request.
struct RecordCheck {
    reading: Reading,
}

impl RecordCheck {
    /// The longest raw record that can make an acceptable request: JSON may spell one byte of
    /// text as six (`\u0000`).
    fn raw_limit(&self) -> usize {
        let limit = self.reading.max_message_size;
        match self.reading.framing.json {
            true => limit.saturating_mul(6).saturating_add(64),
            false => limit,
        }
    }

    /// The question in `raw`; `None` for a blank JSON record, which holds none.
    fn decode(&self, raw: &[u8], place: impl Fn() -> String) -> Result<Option<Question>, BadInput> {
        let refuse = |what: String| BadInput(format!("{}: {what}", place()));
        if raw.len() > self.raw_limit() {
            return Err(refuse(self.over_limit()));
        }
        if self.reading.framing.json && raw.trim_ascii().is_empty() {
            return Ok(None);
        }
        let (question, size) = (self.reading.requests)
            .request(raw, self.reading.keep_text)
            .map_err(refuse)?;
        if size > self.reading.max_message_size {
            return Err(refuse(self.over_limit()));
        }
        Ok(Some(question))
    }

    /// Without the size: a record too long to read is cut short at the limit.
    fn over_limit(&self) -> String {
        let limit = self.reading.max_message_size;
        too_big("question", None, limit) + " (--max-message-size)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use prost::Message;

    fn question(question: Question) -> String {
        match question {
            Question::Line(line) => String::from_utf8(line.to_vec()).unwrap(),
            Question::Message(message) => {
                crate::proto::StreamRequest::decode(message)
                    .unwrap()
                    .question
            }
            Question::Encoded(encoded) => {
                crate::proto::StreamRequest::decode(encoded.message)
                    .unwrap()
                    .question
            }
        }
    }

    async fn collect_with(
        input: &'static [u8],
        format: Framing,
        max_message_size: usize,
    ) -> (Vec<String>, Option<String>) {
        let input = questions(
            Source::Stream(Box::new(input)),
            Reading::tutorial(format, max_message_size),
            false,
        );
        let got = input.questions.map(question).collect().await;
        (got, input.refusal.take().map(|e| e.to_string()))
    }

    async fn collect(
        input: &'static [u8],
        max_message_size: usize,
    ) -> (Vec<String>, Option<String>) {
        collect_with(input, Framing::default(), max_message_size).await
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
    async fn nul_records_keep_newlines_and_carriage_returns() {
        let null = Framing {
            json: false,
            separator: 0,
        };
        let (got, end) = collect_with(b"two\nlines\0cr\r\0\0last", null, 100).await;
        assert_eq!(got, ["two\nlines", "cr\r", "", "last"]);
        assert_eq!(end, None);
        let (_, end) = collect_with(b"ok\0bad\xff\0", null, 100).await;
        assert_eq!(
            end.unwrap(),
            "record 2: not valid UTF-8 (byte 0xff at column 4)"
        );
    }

    #[tokio::test]
    async fn json_lines_decode_escapes_skip_blank_lines_and_refuse_the_malformed() {
        let json = Framing {
            json: true,
            separator: b'\n',
        };
        let (got, end) = collect_with(
            b"{\"question\":\"multi\\nline \\u2603\"}\n\n  \n{}\n{\"question\":\"x\"}\n{\"question\":1}\n",
            json,
            100,
        )
        .await;
        assert_eq!(got, ["multi\nline ☃", "", "x"]);
        let end = end.unwrap();
        assert!(
            end.starts_with("line 6: not a proto.StreamRequest in JSON: "),
            "{end}"
        );

        let (_, end) = collect_with(b"{\"questoin\":\"typo\"}\n", json, 100).await;
        assert!(end.unwrap().contains("'questoin'"));
    }

    #[tokio::test]
    async fn json_limits_apply_to_the_decoded_question() {
        let json = Framing {
            json: true,
            separator: b'\n',
        };
        // Escapes make the record longer than the limit, the question is not.
        let (got, end) = collect_with(b"{\"question\":\"\\u0041\\u0042\\u0043\"}\n", json, 7).await;
        assert_eq!((got, end), (vec!["ABC".to_owned()], None));
        let (_, end) = collect_with(b"{\"question\":\"123456\"}\n", json, 7).await;
        assert!(end.unwrap().contains("over the 7-byte message limit"));
    }

    #[tokio::test]
    async fn keep_open_holds_the_stream_after_the_input_but_not_after_a_refusal() {
        let args = vec!["one".to_owned()];
        let input = questions(
            Source::Args(args),
            Reading::tutorial(Framing::default(), 100),
            true,
        );
        let mut held = Box::pin(input.questions);
        assert_eq!(question(held.next().await.unwrap()), "one");
        assert!(held.next().now_or_never().is_none(), "held open");

        let input = questions(
            Source::Stream(Box::new(&b"ok\n\xff\n"[..])),
            Reading::tutorial(Framing::default(), 100),
            true,
        );
        assert_eq!(input.questions.count().await, 1);
        assert!(input.refusal.take().is_some());
    }

    #[tokio::test]
    async fn arguments_are_checked_before_any_is_sent() {
        let args = vec!["short".to_owned(), "far too long".to_owned()];
        let input = questions(
            Source::Args(args),
            Reading::tutorial(Framing::default(), 7),
            false,
        );
        assert_eq!(input.questions.count().await, 0);
        assert_eq!(
            input.refusal.take().unwrap().to_string(),
            "argument 2: question over the 7-byte message limit (--max-message-size)"
        );
    }
}
