//! Shared test harness: the real binary, servers on port 0, and waits that end on an event (a
//! line, an exit) rather than after a guessed sleep. A generous limit only stops a hung test.

#![allow(dead_code)] // each test binary uses its own part of the harness
#![allow(unreachable_pub)] // a module of each test crate, public to the tests that use it

use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Output, Stdio},
    sync::{Arc, Condvar, Mutex, mpsc},
    thread,
    time::Duration,
};

use grpc_convo::{
    addr::Listener,
    server::{self, Responder},
};

/// Long enough for a loaded CI machine, short enough that a hang fails instead of stalling CI.
pub const LIMIT: Duration = Duration::from_secs(60);

pub fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grpc-convo"));
    command.env_remove("GRPC_CONVO_ADDR").env_remove("RUST_LOG");
    command
}

/// `grpc-convo serve` on a free port, killed when dropped. Its stderr is kept for assertions.
pub struct Serve {
    pub addr: String,
    child: Child,
    log: Arc<(Mutex<Log>, Condvar)>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Serve {
    pub fn start(extra: &[&str]) -> Serve {
        Serve::start_at("127.0.0.1:0", extra)
    }

    pub fn start_at(addr: &str, extra: &[&str]) -> Serve {
        let args = [&["serve", "--addr", addr][..], extra].concat();
        Serve::spawn(&args, "listening on ", "")
    }

    /// `grpc-convo web` on a free port in front of `upstream`; `addr` is the page's HOST:PORT.
    pub fn web(upstream: &str, extra: &[&str]) -> Serve {
        let args = [
            &["web", "--listen", "127.0.0.1:0", "--addr", upstream][..],
            extra,
        ]
        .concat();
        Serve::spawn(&args, "web page at http://", "/")
    }

    /// Runs `args`, and takes the address from the stderr line that starts with `ready`, less
    /// `suffix`.
    pub fn spawn(args: &[&str], ready: &str, suffix: &str) -> Serve {
        let mut command = bin();
        command.args(args);
        Serve::spawn_command(command, ready, suffix)
    }

    /// As `spawn`, for a command that runs the binary in its own way (under `sh -c`, say).
    pub fn spawn_command(mut command: Command, ready: &str, suffix: &str) -> Serve {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start grpc-convo");
        let log = Arc::new((Mutex::new(Log::default()), Condvar::new()));
        let lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let writer = log.clone();
        let reader = thread::spawn(move || {
            let (log, changed) = &*writer;
            for line in lines.map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.text.push_str(&line);
                log.text.push('\n');
                changed.notify_all();
            }
            // The server is gone: whoever waits for a line that never came is told now.
            log.lock().unwrap().closed = true;
            changed.notify_all();
        });
        let mut server = Serve {
            addr: String::new(),
            child,
            log,
            reader: Some(reader),
        };
        let line = server.wait_for_log(ready);
        let addr = &line[ready.len()..];
        server.addr = addr.strip_suffix(suffix).unwrap_or(addr).to_owned();
        server
    }

    pub fn stderr(&self) -> String {
        self.log.0.lock().unwrap().text.clone()
    }

    /// All of stderr, once the server has exited: waits until every line has been read.
    pub fn stderr_after_exit(&mut self) -> String {
        self.wait();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.stderr()
    }

    /// Waits until a line of stderr starts with or contains `needle`, and returns that line.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let (log, changed) = &*self.log;
        let (log, _) = changed
            .wait_timeout_while(log.lock().unwrap(), LIMIT, |log| {
                !log.text.contains(needle) && !log.closed
            })
            .unwrap();
        let text = &log.text;
        assert!(
            text.contains(needle),
            "no {needle:?} in the server's log{}:\n{text}",
            log.ended()
        );
        text.lines()
            .find(|line| line.contains(needle))
            .unwrap()
            .to_owned()
    }

    /// Waits until `needle` stands in `count` lines of stderr.
    pub fn wait_for_logs(&self, needle: &str, count: usize) {
        let (log, changed) = &*self.log;
        let seen = |text: &str| text.lines().filter(|l| l.contains(needle)).count();
        let (log, _) = changed
            .wait_timeout_while(log.lock().unwrap(), LIMIT, |log| {
                seen(&log.text) < count && !log.closed
            })
            .unwrap();
        assert!(
            seen(&log.text) >= count,
            "{needle:?} in {} lines of the server's log{}, not {count}:\n{}",
            seen(&log.text),
            log.ended(),
            log.text
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal without waiting for its effect.
    pub fn kill(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    pub fn wait(&mut self) -> ExitStatus {
        wait_limited(&mut self.child)
    }

    /// Sends a signal and waits for the exit.
    pub fn signal(&mut self, signal: &str) -> ExitStatus {
        self.kill(signal);
        self.wait()
    }
}

/// A server's stderr as read so far, and whether it has ended (the server exited).
#[derive(Default)]
struct Log {
    text: String,
    closed: bool,
}

impl Log {
    fn ended(&self) -> &'static str {
        if self.closed { " (it has ended)" } else { "" }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The library's server with a test responder, on a runtime of its own, stopped when dropped.
pub struct TestServer {
    pub addr: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestServer {
    pub fn start(responder: impl Responder) -> TestServer {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(server::run(
            Listener::Tcp(listener),
            server::Config::default(),
            Arc::new(responder),
            async {
                let _ = stopped.await;
            },
            std::future::pending(),
        ));
        TestServer {
            addr,
            stop: Some(stop),
            runtime: Some(runtime),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop.take().map(|stop| stop.send(()));
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `grpc-convo ask --addr ADDR ARGS...` with all three streams piped.
pub fn spawn_ask(addr: &str, args: &[&str]) -> Child {
    bin()
        .args(["ask", "--addr", addr])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start grpc-convo ask")
}

/// Runs `grpc-convo ask --addr ADDR ARGS...` with `stdin` as its whole input.
pub fn ask(addr: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn_ask(addr, args);
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // A writer thread, so that a large input cannot deadlock against unread output.
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = output_limited(child);
    let _ = writer.join();
    output
}

/// Collects a child's output, killing it if it outlives `LIMIT`.
/// The binary run with `args` and no stdin, to its end (within the harness's limit).
pub fn run(args: &[&str]) -> Output {
    let child = bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    output_limited(child)
}

pub fn output_limited(child: Child) -> Output {
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("process {id} still running after {LIMIT:?}");
        }
    }
}

/// Waits for a child, killing it if it outlives `LIMIT`.
pub fn wait_limited(child: &mut Child) -> ExitStatus {
    let watchdog = Watchdog::arm(child.id());
    let status = child.wait().unwrap();
    watchdog.disarm();
    status
}

/// `ask` as a coprocess: questions written and answers read one at a time, stdin held open.
pub struct Coprocess {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Coprocess {
    pub fn start(addr: &str, args: &[&str]) -> Coprocess {
        let mut child = spawn_ask(addr, args);
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(BufReader::new);
        Coprocess {
            child,
            stdin,
            stdout,
        }
    }

    pub fn send(&mut self, line: &str) {
        assert!(self.try_send(line), "ask closed its stdin: it has exited");
    }

    /// Sends a line unless ask has already exited (its stdin is closed).
    pub fn try_send(&mut self, line: &str) -> bool {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .is_ok()
    }

    /// The next line of stdout, failing the test if none comes within `LIMIT`.
    pub fn read_line(&mut self) -> Option<String> {
        let id = self.child.id();
        let watchdog = Watchdog::arm(id);
        let mut line = String::new();
        let stdout = self.stdout.as_mut().expect("stdout still open");
        let read = stdout.read_line(&mut line).unwrap();
        watchdog.disarm();
        (read > 0).then(|| line.trim_end_matches('\n').to_owned())
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Closes our end of its stdout, as `| head -1` does after one line.
    pub fn close_stdout(&mut self) {
        self.stdout = None;
    }

    /// Waits for the exit, stdin still open unless closed before; returns status and stderr.
    pub fn finish(mut self) -> (ExitStatus, String) {
        let status = wait_limited(&mut self.child);
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stderr)
    }
}

impl Drop for Coprocess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Kills a process that blocks a read for longer than `LIMIT`, so the read returns and the test
/// fails instead of hanging.
pub struct Watchdog(mpsc::Sender<()>);

impl Watchdog {
    pub fn arm(pid: u32) -> Watchdog {
        Watchdog::arm_target(pid.to_string())
    }

    /// For a whole process group, led by `leader`.
    pub fn arm_group(leader: u32) -> Watchdog {
        Watchdog::arm_target(format!("-{leader}"))
    }

    fn arm_target(target: String) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(LIMIT) {
                let _ = Command::new("kill").args(["-KILL", "--", &target]).status();
            }
        });
        Watchdog(tx)
    }

    pub fn disarm(self) {
        let _ = self.0.send(());
    }
}

/// A plaintext HTTP/2 channel to a server of ours, for tests that speak gRPC themselves.
pub async fn channel(addr: &str) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// A loopback address nothing listens on: a port that was free a moment ago, bound, read back
/// and released.
pub fn unused_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// A process's resident memory, from /proc.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

pub fn echo(n: usize, question: &str) -> String {
    format!("from stream server answer: the {n} question is {question}")
}

pub fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// examples/faultproxy between a client and `upstream`, killed when dropped: the network's
/// faults, switched on and off through its stdin.
pub struct FaultProxy {
    pub addr: String,
    child: Child,
    commands: ChildStdin,
    acks: BufReader<ChildStdout>,
}

impl FaultProxy {
    pub fn start(upstream: &str, options: &[&str]) -> FaultProxy {
        let args = [&["127.0.0.1:0", upstream], options].concat();
        let (mut child, addr) = start_example("faultproxy", &args);
        FaultProxy {
            addr,
            commands: child.stdin.take().unwrap(),
            acks: BufReader::new(child.stdout.take().unwrap()),
            child,
        }
    }

    /// Gives a command and waits until the proxy says it is in force.
    pub fn command(&mut self, command: &str) {
        writeln!(self.commands, "{command}").unwrap();
        self.commands.flush().unwrap();
        let watchdog = Watchdog::arm(self.child.id());
        let mut ack = String::new();
        self.acks.read_line(&mut ack).unwrap();
        watchdog.disarm();
        assert_eq!(ack.trim_end(), format!("ok {command}"));
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts examples/NAME with `args` and reads the address it says, on stderr, it listens on.
fn start_example(name: &str, args: &[&str]) -> (Child, String) {
    // Cargo builds examples beside the binaries, under the same target directory.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_grpc-convo"));
    let path = bin.with_file_name("examples").join(name);
    let mut child = Command::new(&path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("start {}: {err}", path.display()));
    let mut line = String::new();
    let watchdog = Watchdog::arm(child.id());
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    watchdog.disarm();
    let addr = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{name} said {line:?}"))
        .to_owned();
    (child, addr)
}

/// examples/kinds_server: the test service of tests/interop/proto/kinds.proto in tonic, with
/// no process per call; killed when dropped.
pub struct KindsServer {
    pub addr: String,
    child: Child,
}

impl KindsServer {
    pub fn start(args: &[&str]) -> KindsServer {
        let (child, addr) = start_example("kinds_server", args);
        KindsServer { addr, child }
    }
}

impl Drop for KindsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test service's definition.
pub fn kinds_proto() -> String {
    format!(
        "{}/tests/interop/proto/kinds.proto",
        env!("CARGO_MANIFEST_DIR")
    )
}
