//! `serve -- COMMAND`: each conversation gets a process of its own, as websocketd gives each
//! WebSocket one. Questions go to its stdin one per line; every line it writes to stdout is an
//! answer the moment it is written. Its stderr goes to the server's log. When the conversation
//! ends early (cancel, disconnect, deadline, drain) its process group gets SIGTERM, then SIGKILL
//! after the kill grace, and is always waited for: no zombies, no orphans.

use std::{
    collections::HashSet,
    ffi::OsString,
    io,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{ExitStatus, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use futures_util::{FutureExt, StreamExt, future::BoxFuture, stream};
use nix::{sys::signal::Signal as Sig, unistd::Pid};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter},
    process::{Child, ChildStdin, ChildStdout, Command},
    sync::oneshot,
    task::JoinHandle,
};
use tokio_util::task::{AbortOnDropHandle, TaskTracker};
use tonic::{Status, metadata::KeyRef};

use super::{AnswerStream, Conversation, Hold, QuestionStream, Responder};
use crate::server::meter::Metrics;
use crate::{
    error::{Usage, lock},
    lines::{Line, LineRules},
    message::max_text_len,
    trace,
};

/// The longest stderr line kept whole in the log; longer ones are logged in pieces.
const STDERR_LINE: usize = 4096;

/// How long an exited process's stderr may stay open before its end is reported without it.
const STDERR_CLOSE: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Exec {
    program: PathBuf,
    args: Vec<OsString>,
    /// The command as the user wrote it, for messages.
    shown: String,
    kill_grace: Duration,
    max_message_size: usize,
    /// Tasks that stop and wait for processes whose conversations have ended.
    reapers: TaskTracker,
    /// Process groups that may still be running, for `kill_all`.
    live: Arc<Mutex<HashSet<i32>>>,
    /// Where processes running and their exits are counted (`--metrics-listen`).
    metrics: Option<Arc<Metrics>>,
}

impl Exec {
    /// Checks that `command[0]` resolves to an executable file now, so that a typo is reported
    /// at startup rather than to every client.
    pub fn new(
        command: &[String],
        kill_grace: Duration,
        max_message_size: usize,
        metrics: Option<Arc<Metrics>>,
    ) -> Result<Exec, Usage> {
        let (name, args) = command
            .split_first()
            .ok_or_else(|| Usage("no command given after --".into()))?;
        Ok(Exec {
            program: resolve(name)?,
            args: args.iter().map(OsString::from).collect(),
            shown: command.join(" "),
            kill_grace,
            max_message_size,
            reapers: TaskTracker::new(),
            live: Arc::default(),
            metrics,
        })
    }

    fn spawn(&self, conversation: &Conversation) -> io::Result<Process> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A group of its own, so that stopping it stops whatever it started too.
            .process_group(0)
            .env("GRPC_CONVO_PEER", &conversation.peer)
            .env("GRPC_CONVO_CONVERSATION", conversation.id.to_string())
            .env("GRPC_CONVO_METHOD", &conversation.method);
        for (name, value) in metadata_env(conversation) {
            command.env(name, value);
        }
        // The call's trace context, as OpenTelemetry's environment carriers name it; never
        // serve's own, which is not the conversation's.
        command.env_remove("TRACEPARENT").env_remove("TRACESTATE");
        if let Some((parent, state)) = trace::context_in(&conversation.metadata) {
            command.env("TRACEPARENT", parent.as_str());
            if let Some(state) = state {
                command.env("TRACESTATE", state);
            }
        }
        let child = command.spawn()?;
        // A child has an id until it is waited for; without one, group 0 would be our own.
        let group = child
            .id()
            .ok_or_else(|| io::Error::other("the process was gone as it started"))?
            as i32;
        lock(&self.live).insert(group);
        if let Some(metrics) = &self.metrics {
            metrics.processes.inc();
        }
        Ok(Process {
            child: Some(child),
            group,
            id: conversation.id,
            kill_grace: self.kill_grace,
            reapers: self.reapers.clone(),
            live: self.live.clone(),
            hold: conversation.hold.clone(),
            metrics: self.metrics.clone(),
        })
    }
}

impl Responder for Exec {
    /// Waits until every process of an ended conversation has been stopped and waited for.
    fn finish(&self) -> BoxFuture<'_, ()> {
        self.reapers.close();
        Box::pin(self.reapers.wait())
    }

    /// SIGKILL for every process still running: the server is stopping without a drain.
    fn abort(&self) {
        for &group in lock(&self.live).iter() {
            let _ = nix::sys::signal::killpg(Pid::from_raw(group), Sig::SIGKILL);
        }
    }

    fn respond(&self, conversation: &Conversation, questions: QuestionStream) -> AnswerStream {
        let mut process = match self.spawn(conversation) {
            Ok(process) => process,
            Err(err) => {
                let status = Status::unavailable(format!("cannot start {}: {err}", self.shown));
                return stream::once(async { Err(status) }).boxed();
            }
        };
        let child = process.child.as_mut().expect("just spawned");
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(stderr)) = (stdin, stdout, stderr) else {
            return stream::once(async {
                Err(Status::internal("the command's pipes are missing"))
            })
            .boxed();
        };
        let last_stderr = Arc::new(Mutex::new(String::new()));
        let stderr_logger = tokio::spawn(log_stderr(stderr, conversation.id, last_stderr.clone()));
        let (failed_tx, failed) = oneshot::channel();
        let feeder = tokio::spawn(feed(questions, stdin, failed_tx));
        let talk = ProcessOutput {
            stdout: BufReader::new(stdout),
            line: Vec::new(),
            rules: LineRules {
                separator: b'\n',
                max: max_text_len(self.max_message_size),
            },
            max_message_size: self.max_message_size,
            failed: Some(failed),
            _feeder: AbortOnDropHandle::new(feeder),
            stderr_logger: Some(stderr_logger),
            last_stderr,
            shown: self.shown.clone(),
            id: conversation.id,
            process,
        };
        stream::unfold(Some(talk), |talk| async move {
            let mut talk = talk?;
            match talk.next().await? {
                Said::Answer(answer) => Some((Ok(answer), Some(talk))),
                Said::Last(status) => Some((Err(status), None)),
            }
        })
        .boxed()
    }
}

/// What the process said next: an answer, or the status that ends the conversation (`None`
/// from [`ProcessOutput::next`] is the end with OK).
enum Said {
    Answer(String),
    Last(Status),
}

/// One conversation's side of its process: stdout lines in, the process's end out.
struct ProcessOutput {
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    rules: LineRules,
    max_message_size: usize,
    /// A status that ended the questions (a question over the limit, an idle timeout).
    failed: Option<oneshot::Receiver<Status>>,
    _feeder: AbortOnDropHandle<()>,
    /// Done when the process's stderr closes; its last line is then in `last_stderr`.
    stderr_logger: Option<JoinHandle<()>>,
    last_stderr: Arc<Mutex<String>>,
    shown: String,
    id: u64,
    /// Last, so that the pipes and the feeder go before the process is stopped.
    process: Process,
}

impl ProcessOutput {
    /// The next answer, or how the conversation ends: `None` for OK.
    async fn next(&mut self) -> Option<Said> {
        let slot = &mut self.failed;
        let failed = async {
            if let Some(failed) = slot.as_mut()
                && let Ok(status) = failed.await
            {
                return status;
            }
            // The questions ended well: from now on only the process decides.
            *slot = None;
            std::future::pending().await
        };
        let line = tokio::select! {
            biased;
            status = failed => return Some(Said::Last(status)),
            line = read_line(&mut self.stdout, &mut self.line, self.rules) => line,
        };
        match line {
            Ok(Line::Record) => {
                let answer = match String::from_utf8(std::mem::take(&mut self.line)) {
                    Ok(answer) => answer,
                    Err(err) => {
                        tracing::warn!(id = self.id, "the command wrote a line that is not UTF-8");
                        String::from_utf8_lossy(err.as_bytes()).into_owned()
                    }
                };
                Some(Said::Answer(answer))
            }
            Ok(Line::TooLong) => Some(Said::Last(Status::resource_exhausted(format!(
                "{} wrote a line over the {}-byte message limit",
                self.shown, self.max_message_size
            )))),
            Ok(Line::End) => {
                let status = self.process.wait().await;
                // The last stderr line may still be in the pipe; something the process left
                // running may hold it open, so wait only a moment.
                if let Some(logger) = self.stderr_logger.take() {
                    let _ = tokio::time::timeout(STDERR_CLOSE, logger).await;
                }
                self.ended(status).map(Said::Last)
            }
            Err(err) => Some(Said::Last(Status::internal(format!(
                "reading from {}: {err}",
                self.shown
            )))),
        }
    }

    /// The conversation's end once the process has exited: OK for status 0.
    fn ended(&self, status: io::Result<ExitStatus>) -> Option<Status> {
        use std::os::unix::process::ExitStatusExt;
        let how = match status {
            Ok(status) if status.success() => return None,
            Ok(status) => match (status.code(), status.signal()) {
                (Some(code), _) => format!("exited with status {code}"),
                (None, Some(signal)) => match Sig::try_from(signal) {
                    Ok(name) => format!("was killed by signal {signal} ({name})"),
                    Err(_) => format!("was killed by signal {signal}"),
                },
                (None, None) => "ended abnormally".to_owned(),
            },
            Err(err) => format!("could not be waited for: {err}"),
        };
        let last = lock(&self.last_stderr);
        let message = match last.as_str() {
            "" => format!("{} {how}", self.shown),
            line => format!("{} {how}: {line}", self.shown),
        };
        Some(Status::unknown(message))
    }
}

/// Reads one line into `line`. Cancel-safe: a partial line stays in `line` for the next call.
async fn read_line(
    reader: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    rules: LineRules,
) -> io::Result<Line> {
    let room = rules.room(line.len());
    let read = (&mut *reader).take(room).read_until(b'\n', line).await?;
    Ok(rules.finish(line, read, room))
}

/// Questions to the process's stdin, one per line, flushed whenever no further question is
/// ready. The end of the questions closes stdin; a broken question stream ends the conversation.
async fn feed(mut questions: QuestionStream, stdin: ChildStdin, failed: oneshot::Sender<Status>) {
    let mut stdin = BufWriter::new(stdin);
    let mut writable = true;
    loop {
        let next = match questions.next().now_or_never() {
            Some(next) => next,
            None => {
                if writable {
                    writable = stdin.flush().await.is_ok();
                }
                questions.next().await
            }
        };
        match next {
            Some(Ok(question)) if writable => {
                let written = async {
                    stdin.write_all(question.as_bytes()).await?;
                    stdin.write_all(b"\n").await
                };
                // A process that stops reading has said all it will; its questions are
                // still taken off the wire so that the client is not left waiting.
                writable = written.await.is_ok();
            }
            Some(Ok(_)) => {}
            Some(Err(status)) => {
                let _ = failed.send(status);
                return;
            }
            None => break,
        }
    }
    if writable {
        let _ = stdin.shutdown().await;
    }
}

async fn log_stderr(stderr: impl AsyncRead + Unpin, id: u64, last: Arc<Mutex<String>>) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(STDERR_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        tracing::info!(id, stderr = %text, "command stderr");
        *lock(&last) = text.to_owned();
    }
}

/// The process of one conversation. Dropped before it has been waited for, it is stopped:
/// SIGTERM to its group, SIGKILL after the grace, then waited for.
struct Process {
    child: Option<Child>,
    /// The process's pid, which is also its group's id.
    group: i32,
    /// The conversation's id, for the log.
    id: u64,
    kill_grace: Duration,
    reapers: TaskTracker,
    live: Arc<Mutex<HashSet<i32>>>,
    /// The conversation's seat, given back only once the process is gone.
    hold: Hold,
    metrics: Option<Arc<Metrics>>,
}

impl Process {
    async fn wait(&mut self) -> io::Result<ExitStatus> {
        let child = self.child.as_mut().expect("waited for once");
        let status = child.wait().await;
        self.child = None;
        count_exit(self.metrics.as_deref(), &status);
        status
    }
}

/// A process's end, counted by its exit status or the signal that ended it.
fn count_exit(metrics: Option<&Metrics>, status: &io::Result<ExitStatus>) {
    use std::os::unix::process::ExitStatusExt;
    let Some(metrics) = metrics else {
        return;
    };
    let label = match status {
        Ok(status) => match (status.code(), status.signal().map(Sig::try_from)) {
            (Some(code), _) => code.to_string(),
            (None, Some(Ok(signal))) => signal.as_str().to_owned(),
            _ => "other".to_owned(),
        },
        Err(_) => "other".to_owned(),
    };
    metrics.exited(label);
}

impl Drop for Process {
    fn drop(&mut self) {
        let group = Pid::from_raw(self.group);
        // Whatever the process started goes with it, even when it exited by itself.
        let _ = nix::sys::signal::killpg(group, Sig::SIGTERM);
        let Some(mut child) = self.child.take() else {
            lock(&self.live).remove(&self.group);
            return;
        };
        let (grace, live, pid, id) = (self.kill_grace, self.live.clone(), self.group, self.id);
        let hold = std::mem::take(&mut self.hold);
        let metrics = self.metrics.take();
        let reaper = async move {
            let (signal, status) = match tokio::time::timeout(grace, child.wait()).await {
                Ok(status) => (Sig::SIGTERM, status),
                Err(_) => {
                    let _ = nix::sys::signal::killpg(group, Sig::SIGKILL);
                    (Sig::SIGKILL, child.wait().await)
                }
            };
            count_exit(metrics.as_deref(), &status);
            lock(&live).remove(&pid);
            tracing::info!(id, pid, %signal, "stopped the process of an ended conversation");
            drop(hold);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                self.reapers.spawn_on(reaper, &handle);
            }
            // No runtime left to wait in: make sure it dies; tokio reaps what it orphans.
            Err(_) => {
                let _ = nix::sys::signal::killpg(group, Sig::SIGKILL);
            }
        }
    }
}

/// `GRPC_CONVO_META_<NAME>` for each ASCII metadata entry but `authorization`, as websocketd
/// hands CGI-style variables to its processes; several values of one name are joined with commas.
fn metadata_env(conversation: &Conversation) -> Vec<(String, String)> {
    let metadata = &conversation.metadata;
    metadata
        .keys()
        .filter_map(|key| match key {
            // Credentials stay with the server, as CGI keeps Authorization from its scripts.
            KeyRef::Ascii(key) if key.as_str() != "authorization" => Some(key),
            _ => None,
        })
        .map(|key| {
            let values: Vec<_> = metadata
                .get_all(key.as_str())
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect();
            let name = key.as_str().to_ascii_uppercase().replace('-', "_");
            (format!("GRPC_CONVO_META_{name}"), values.join(","))
        })
        .collect()
}

/// Finds `name` as the shell would: a path if it holds a slash, else the first match in PATH.
fn resolve(name: &str) -> Result<PathBuf, Usage> {
    let executable = |path: &Path| {
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    };
    if name.contains('/') {
        let path = PathBuf::from(name);
        return if executable(&path) {
            Ok(path)
        } else if path.exists() {
            Err(Usage(format!("{name}: not an executable file")))
        } else {
            Err(Usage(format!("{name}: no such file")))
        };
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|path| executable(path))
        .ok_or_else(|| Usage(format!("{name}: command not found in PATH")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_finds_commands_in_path_and_refuses_what_is_not_there() {
        assert!(resolve("sh").unwrap().ends_with("sh"));
        assert!(resolve("/bin/sh").is_ok());
        let missing = resolve("no-such-command-here").unwrap_err().to_string();
        assert_eq!(missing, "no-such-command-here: command not found in PATH");
        let plain = std::env::temp_dir().join(format!("grpc-convo-plain-{}", std::process::id()));
        std::fs::write(&plain, "not a program").unwrap();
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = resolve(plain.to_str().unwrap()).unwrap_err().to_string();
        std::fs::remove_file(&plain).unwrap();
        assert!(refused.contains("not an executable"), "{refused}");
        assert!(
            resolve("./nowhere/x")
                .unwrap_err()
                .to_string()
                .contains("no such file")
        );
    }

    #[test]
    fn metadata_becomes_upper_case_environment_variables() {
        let mut metadata = tonic::metadata::MetadataMap::new();
        metadata.append("x-team", "blue".parse().unwrap());
        metadata.append("x-team", "green".parse().unwrap());
        metadata.append("authorization", "Bearer secret".parse().unwrap());
        metadata.append_bin(
            "trace-bin",
            tonic::metadata::BinaryMetadataValue::from_bytes(b"\0"),
        );
        let conversation = Conversation {
            id: 1,
            peer: "test".into(),
            method: "proto.Stream/Conversations".into(),
            metadata,
            hold: Hold::default(),
        };
        assert_eq!(
            metadata_env(&conversation),
            [("GRPC_CONVO_META_X_TEAM".to_owned(), "blue,green".to_owned())]
        );
    }
}
