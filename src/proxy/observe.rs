//! The proxy's observer: a thread of its own that takes the calls' notes in order, prints each
//! message as it passes (`--print`) and writes each call's recording when it ends (`--record`).
//! A thread, so that a slow terminal or disk blocks neither runtime thread; it asks the
//! runtime only to find a method's types.

use std::{
    collections::HashMap,
    fs::File,
    io::{self, BufWriter, Write},
    path::PathBuf,
    thread::JoinHandle,
    time::{Duration, SystemTime},
};

use prost_reflect::MethodDescriptor;
use serde_json::{Value, json};
use tokio::{runtime::Handle, sync::mpsc};
use tonic::{Code, Status};

use super::notes::{Message, Note, Noted};
use crate::{
    error::code_name,
    net::CallSetup,
    recording::{self, Event, Recording, Side, What, files_of, metadata_of, rfc3339},
    schema::{CallKind, MethodName, upstream::Upstream},
};

/// Notes waiting for the observer, at most: past them, calls wait.
const QUEUE: usize = 1024;

/// How `--print` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrintAs {
    Text,
    Json,
}

/// What to observe with.
#[derive(Debug)]
pub(super) struct Observing {
    pub(super) print: Option<PrintAs>,
    pub(super) record: Option<Sink>,
    pub(super) upstream: Upstream,
    pub(super) call: CallSetup,
}

/// Starts the observer: notes go in by the sender; the thread ends once every sender is gone,
/// having written what is left.
pub(super) fn start(observing: Observing) -> io::Result<(mpsc::Sender<Vec<Note>>, JoinHandle<()>)> {
    let (notes, mut received) = mpsc::channel::<Vec<Note>>(QUEUE);
    let runtime = Handle::current();
    let mut observer = Observer {
        observing,
        runtime,
        types: HashMap::new(),
        open: HashMap::new(),
    };
    let thread = std::thread::Builder::new()
        .name("proxy-observer".into())
        .spawn(move || {
            while let Some(notes) = received.blocking_recv() {
                notes.into_iter().for_each(|note| observer.take(note));
            }
            observer.stopped();
        })?;
    Ok((notes, thread))
}

/// Where recordings go: a file each in a directory, or all in one file.
#[derive(Debug)]
pub(super) enum Sink {
    Directory { path: PathBuf, written: u64 },
    File(PathBuf, BufWriter<File>),
}

impl Sink {
    /// A directory (one that exists, or a path ending in `/`, made if need be) takes a file
    /// per call; any other path is a file, emptied.
    pub(super) fn open(path: PathBuf) -> anyhow::Result<Sink> {
        if path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/') {
            std::fs::create_dir_all(&path).map_err(|err| {
                anyhow::anyhow!(
                    "--record {}: cannot make the directory: {err}",
                    path.display()
                )
            })?;
            return Ok(Sink::Directory { path, written: 0 });
        }
        let file = File::create(&path).map_err(|err| {
            anyhow::anyhow!("--record {}: cannot write it: {err}", path.display())
        })?;
        Ok(Sink::File(path, BufWriter::new(file)))
    }

    fn write(&mut self, recording: &Recording) -> io::Result<()> {
        let lines = recording::lines(recording);
        match self {
            Sink::Directory { path, written } => {
                *written += 1;
                let method = recording.method.trim_start_matches('/').replace('/', ".");
                std::fs::write(path.join(format!("{written:06}-{method}.jsonl")), lines)
            }
            Sink::File(_, out) => {
                out.write_all(lines.as_bytes())?;
                out.flush()
            }
        }
    }

    fn place(&self) -> String {
        match self {
            Sink::Directory { path, .. } | Sink::File(path, _) => path.display().to_string(),
        }
    }
}

/// A call in progress.
struct Open {
    recording: Recording,
    method: Option<MethodDescriptor>,
    connection: u64,
    begun: SystemTime,
    /// Why it cannot be recorded, if it cannot.
    unrecordable: Option<String>,
}

struct Observer {
    observing: Observing,
    runtime: Handle,
    /// The types of each method seen, by path, found once (or found missing once).
    types: HashMap<String, Option<MethodDescriptor>>,
    open: HashMap<u64, Open>,
}

impl Observer {
    /// Takes a note; its acknowledgement goes once the note is done with.
    fn take(&mut self, note: Note) {
        let Note {
            call,
            ms,
            what,
            ack: _done,
        } = note;
        if let Noted::Began {
            connection,
            method,
            metadata,
            started,
        } = what
        {
            let types = self.types_of(&method);
            let recording = Recording {
                kind: types.as_ref().map(CallKind::of),
                files: types.as_ref().map(files_of).unwrap_or_default(),
                method,
                started,
                metadata,
                events: Vec::new(),
                status: recording::Status {
                    ms: 0.0,
                    code: Code::Unknown,
                    message: String::new(),
                },
                origin: None,
            };
            let open = Open {
                recording,
                method: types,
                connection,
                begun: SystemTime::now(),
                unrecordable: None,
            };
            self.open.insert(call, open);
            return;
        }
        let Some(open) = self.open.get_mut(&call) else {
            return;
        };
        let message = matches!(what, Noted::Message(_, Message::Whole(_)));
        let ended = happened(open, ms, what);
        if let Some(event) = open.recording.events.last().filter(|_| message).cloned() {
            self.print(call, ms, Shown::Event(&event));
        }
        if let Some(status) = ended {
            self.print(call, ms, Shown::Status(&status));
            self.finish(call, ms, status);
        }
    }

    /// The method's types: from the files, the built-in proto or the upstream's reflection.
    fn types_of(&mut self, path: &str) -> Option<MethodDescriptor> {
        if let Some(known) = self.types.get(path) {
            return known.clone();
        }
        let found = path.parse::<MethodName>().ok().and_then(|name| {
            let observing = &self.observing;
            let schema = (self.runtime).block_on(observing.upstream.schema(&name, &observing.call));
            schema.ok()?.method(&name).ok()
        });
        self.types.insert(path.to_owned(), found.clone());
        found
    }

    fn finish(&mut self, call: u64, ms: f64, status: Status) {
        let Some(mut open) = self.open.remove(&call) else {
            return;
        };
        open.recording.status = recording::Status {
            ms,
            code: status.code(),
            message: status.message().to_owned(),
        };
        let Some(sink) = &mut self.observing.record else {
            return;
        };
        let written = match &open.unrecordable {
            Some(why) => Err(io::Error::other(why.clone())),
            None => sink.write(&open.recording),
        };
        if let Err(err) = written {
            tracing::warn!(
                "call {call} ({}) not recorded in {}: {err}",
                open.recording.method,
                sink.place()
            );
        }
    }

    /// The calls still open when the proxy stops end as their clients see them end.
    fn stopped(&mut self) {
        let open: Vec<(u64, f64)> = (self.open.iter())
            .map(|(call, open)| (*call, since(open.begun)))
            .collect();
        for (call, ms) in open {
            let status = Status::unavailable("the proxy stopped before the call ended");
            self.print(call, ms, Shown::Status(&status));
            self.finish(call, ms, status);
        }
    }

    fn print(&mut self, call: u64, ms: f64, shown: Shown<'_>) {
        let Some(how) = self.observing.print else {
            return;
        };
        let Some(open) = self.open.get(&call) else {
            return;
        };
        let line = line(how, open, call, ms, shown);
        let mut stdout = io::stdout().lock();
        if let Err(err) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            // A closed pipe (`| head`) ends the printing, not the proxy.
            tracing::warn!("printing stopped: {err}");
            self.observing.print = None;
        }
    }
}

/// Milliseconds since `begun`.
fn since(begun: SystemTime) -> f64 {
    let elapsed = begun.elapsed().unwrap_or(Duration::ZERO);
    elapsed.as_micros() as f64 / 1000.0
}

/// Puts what happened into the call's recording; the status when the call is over.
fn happened(open: &mut Open, ms: f64, what: Noted) -> Option<Status> {
    let mut event = |what| (open.recording.events).push(Event { ms, what, line: 0 });
    match what {
        Noted::Began { .. } => None,
        Noted::Message(side, Message::Whole(bytes)) => {
            event(match side {
                Side::Question => What::Question(bytes),
                Side::Answer => What::Answer(bytes),
            });
            None
        }
        Noted::Message(side, Message::TooLarge(len)) => {
            let why = format!("a {} of {len} bytes, over --max-message-size", side.name());
            open.unrecordable = Some(why);
            None
        }
        Noted::Message(side, Message::Unreadable(why)) => {
            open.unrecordable = Some(format!("a {} that {why}", side.name()));
            None
        }
        Noted::Headers(headers) => match Status::from_header_map(&headers) {
            Some(status) => Some(ended_with(open, ms, &headers, status)),
            None => {
                event(What::Headers(metadata_of(&headers)));
                None
            }
        },
        Noted::HalfClose => {
            event(What::HalfClose);
            None
        }
        Noted::Trailers(trailers) => {
            let status = Status::from_header_map(&trailers)
                .unwrap_or_else(|| Status::internal("the upstream's trailers had no grpc-status"));
            Some(ended_with(open, ms, &trailers, status))
        }
        Noted::NoTrailers => Some(Status::internal(
            "the upstream ended the call without a status",
        )),
        Noted::Broken(why) => Some(Status::unknown(why)),
        Noted::Ended(status) => Some(status),
    }
}

/// The trailers recorded, if they say more than the status.
fn ended_with(
    open: &mut Open,
    ms: f64,
    trailers: &tonic::codegen::http::HeaderMap,
    status: Status,
) -> Status {
    let metadata = metadata_of(trailers);
    if !metadata.is_empty() {
        let what = What::Trailers(metadata);
        open.recording.events.push(Event { ms, what, line: 0 });
    }
    status
}

/// What a printed line shows.
enum Shown<'a> {
    Event(&'a Event),
    Status(&'a Status),
}

fn line(how: PrintAs, open: &Open, call: u64, ms: f64, shown: Shown<'_>) -> String {
    let at = open.begun + Duration::from_micros((ms * 1000.0) as u64);
    let method = &open.recording.method;
    let (direction, body) = match shown {
        Shown::Event(Event {
            what: What::Question(bytes),
            ..
        }) => ("question", message(bytes, open, Side::Question)),
        Shown::Event(Event {
            what: What::Answer(bytes),
            ..
        }) => ("answer", message(bytes, open, Side::Answer)),
        Shown::Event(_) => ("event", Value::Null),
        Shown::Status(status) => (
            "status",
            json!({ "code": code_name(status.code()), "message": status.message() }),
        ),
    };
    match how {
        PrintAs::Text => format!(
            "{} c{} #{call} {method} {direction} {body}",
            rfc3339(at),
            open.connection
        ),
        PrintAs::Json => json!({
            "time": rfc3339(at),
            "connection": open.connection,
            "call": call,
            "method": method,
            "direction": direction,
            "message": body,
        })
        .to_string(),
    }
}

fn message(bytes: &[u8], open: &Open, side: Side) -> Value {
    let message = open.method.as_ref().map(|method| side.of(method));
    recording::shown(bytes, message.as_ref())
}
