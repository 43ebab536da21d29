//! Every example in README.md, docs/*.md and the `--help` texts runs as written, with only its
//! ports (and Unix socket paths) swapped for free ones, and prints what the page says it prints:
//! `ask --addr :8000` broke once while every test wrote `127.0.0.1:PORT`.
//!
//! How a page's examples are read (the same rules for README.md, docs/ and `Examples:` in help):
//! - ```sh, ```bash, ```console and ```shell blocks are scripts: each command (with its `\`
//!   continuations, heredocs and compound statements) runs in one bash per page, in a scratch
//!   directory where `examples/`, `proto/`, `tests/` and `deploy/` are the repository's; state
//!   (files, variables, coprocesses) carries from one command to the next.
//! - `# ...` lines right under a command (no blank line between) are its stdout, compared
//!   exactly. Other comments, and comments after a command on its line, explain.
//! - A block with no language whose lines start with `$ ` is a transcript: each `$ ` command's
//!   output follows it, compared with every number (and its µs, ms or s) taken as any number.
//! - `grpc-convo serve ... &` starts a server: its --addr gets port 0 (a Unix path, the scratch
//!   directory), and the port it reports replaces the written one in every later command of the
//!   page; clients that name no address get it through GRPC_CONVO_ADDR. `grpc-convo web ... &`,
//!   `grpc-convo proxy ... &` and `grpc-convo mcp ... &` likewise, by their --listen and the
//!   address they print; a `--metrics-listen` port likewise, by the "metrics at" URL the server
//!   prints.
//! - ```json blocks must parse: configuration people paste (mcpServers entries).
//! - A command that needs a peer grpc-convo does not bring (grpcurl, Python, kubectl, cargo, Go,
//!   nginx, the interop suite) is skipped and listed; so is a block under
//!   `<!-- docs-test: skip: REASON -->`.
//!   Every other command must exit 0.

mod common;

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Write},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    thread,
};

use clap::CommandFactory;
use common::Watchdog;
use grpc_convo::cli::Cli;
use regex::Regex;

/// Programs that are peers, not grpc-convo: the interop suite and the scale-out tests run them.
const PEERS: &[&str] = &[
    "grpcurl",
    "python",
    "kubectl",
    "cargo ",
    "go run",
    "go build",
    "nginx",
    "docker",
    "systemctl",
    "tests/interop/",
    "install ",
    "evans",
    "ghz",
];

/// What a command must print.
#[derive(Debug)]
enum Expected {
    Nothing,
    Exact(Vec<String>),
    /// A transcript of a measurement: numbers may differ.
    Shape(Vec<String>),
}

#[derive(Debug)]
struct Example {
    /// `README.md:42`
    place: String,
    command: String,
    expected: Expected,
}

/// A page's examples, in order, and those it cannot run with why.
#[derive(Debug, Default)]
struct Page {
    examples: Vec<Example>,
    skipped: Vec<(String, String)>,
}

#[test]
fn every_example_in_the_readme_and_docs_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    if let Ok(docs) = std::fs::read_dir(root.join("docs")) {
        let mut docs: Vec<PathBuf> = docs.flatten().map(|entry| entry.path()).collect();
        docs.retain(|path| path.extension().is_some_and(|ext| ext == "md"));
        docs.sort();
        pages.extend(docs);
    }
    let mut ran = 0;
    for path in pages {
        let name = path.strip_prefix(root).unwrap().display().to_string();
        let page = read_page(&name, &std::fs::read_to_string(&path).unwrap());
        ran += run_page(&name, page);
    }
    assert!(
        ran > 10,
        "only {ran} examples ran: the page reader is broken"
    );
}

#[test]
fn every_example_in_the_help_texts_runs_as_written() {
    let mut cli = Cli::command();
    let mut ran = 0;
    for sub in cli.get_subcommands_mut() {
        let name = format!("grpc-convo {} --help", sub.get_name());
        let help = sub.render_long_help().to_string();
        let Some(examples) = help.split("Examples:\n").nth(1) else {
            continue;
        };
        let block: Vec<(usize, &str)> = examples
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(|line| line.trim_start())
            .enumerate()
            .collect();
        let mut page = Page::default();
        read_script(&name, &block, false, &mut page);
        ran += run_page(&name, page);
    }
    assert!(ran >= 6, "only {ran} help examples ran");
}

/// The runnable blocks of a Markdown page.
fn read_page(name: &str, text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut page = Page::default();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let opened = i;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        let block: Vec<(usize, &str)> = (i + 1..end).map(|j| (j + 1, lines[j])).collect();
        i = end + 1;
        let marker = lines[..opened]
            .iter()
            .rev()
            .find(|line| !line.trim().is_empty());
        if let Some(why) = marker.and_then(|line| line.trim().strip_prefix("<!-- docs-test: skip:"))
        {
            let why = why.trim_end_matches("-->").trim().to_owned();
            page.skipped.push((format!("{name}:{}", opened + 1), why));
            continue;
        }
        match info.trim() {
            "sh" | "bash" | "console" | "shell" => read_script(name, &block, true, &mut page),
            "" if block.first().is_some_and(|(_, l)| l.starts_with("$ ")) => {
                read_transcript(name, &block, &mut page)
            }
            // Configuration people paste (mcpServers entries): it must at least parse.
            "json" => {
                let text: Vec<&str> = block.iter().map(|(_, line)| *line).collect();
                let parsed = serde_json::from_str::<serde_json::Value>(&text.join("\n"));
                assert!(
                    parsed.is_ok(),
                    "{name}:{}: not JSON: {parsed:?}",
                    opened + 1
                );
            }
            _ => {}
        }
    }
    page
}

/// Commands and the `# ` lines under them. `numbered` says whether the line numbers are the
/// page's own (help texts count from the Examples heading).
fn read_script(name: &str, block: &[(usize, &str)], numbered: bool, page: &mut Page) {
    let mut i = 0;
    while i < block.len() {
        let (number, line) = block[i];
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            i += 1;
            continue;
        }
        let (command, next) = gather(block, i);
        let mut expected = Vec::new();
        i = next;
        while let Some(output) = block
            .get(i)
            .and_then(|(_, l)| l.trim_start().strip_prefix('#'))
        {
            expected.push(output.strip_prefix(' ').unwrap_or(output).to_owned());
            i += 1;
        }
        let place = match numbered {
            true => format!("{name}:{number}"),
            false => format!("{name}: {}", line.trim()),
        };
        let expected = match expected.is_empty() {
            true => Expected::Nothing,
            false => Expected::Exact(expected),
        };
        add(page, place, command, expected);
    }
}

/// `$ command` lines, each followed by its output.
fn read_transcript(name: &str, block: &[(usize, &str)], page: &mut Page) {
    let mut i = 0;
    while i < block.len() {
        let (number, line) = block[i];
        let Some(first) = line.strip_prefix("$ ") else {
            i += 1;
            continue;
        };
        let mut command = first.to_owned();
        i += 1;
        while command.ends_with('\\') && i < block.len() {
            command.push('\n');
            command.push_str(block[i].1);
            i += 1;
        }
        let mut output = Vec::new();
        while i < block.len() && !block[i].1.starts_with("$ ") {
            if !block[i].1.trim().is_empty() {
                output.push(block[i].1.to_owned());
            }
            i += 1;
        }
        add(
            page,
            format!("{name}:{number}"),
            command,
            Expected::Shape(output),
        );
    }
}

fn add(page: &mut Page, place: String, command: String, expected: Expected) {
    match PEERS.iter().find(|peer| command.contains(*peer)) {
        Some(peer) => page
            .skipped
            .push((place, format!("needs {}", peer.trim_end_matches('/')))),
        None => page.examples.push(Example {
            place,
            command,
            expected,
        }),
    }
}

/// One whole command from line `i`: continued lines, a heredoc's body, and the rest of a
/// compound statement (bash itself says when the text is complete).
fn gather(block: &[(usize, &str)], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    loop {
        let line = block[i].1;
        text.push_str(line);
        text.push('\n');
        i += 1;
        if let Some(end) = heredoc_end(line) {
            while i < block.len() {
                text.push_str(block[i].1);
                text.push('\n');
                i += 1;
                if block[i - 1].1.trim() == end {
                    break;
                }
            }
        }
        let open = ["\\", "|", "&&", "||"]
            .iter()
            .any(|tail| line.trim_end().ends_with(tail));
        if i >= block.len() || (!open && complete(&text)) {
            return (text.trim_end().to_owned(), i);
        }
    }
}

fn heredoc_end(line: &str) -> Option<String> {
    let at = line.find("<<")?;
    let word = line[at + 2..].trim_start_matches('-').trim_start();
    let word: String = word
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

fn complete(text: &str) -> bool {
    Command::new("bash")
        .args(["-n", "-c", text])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs a page's examples; returns how many ran.
fn run_page(name: &str, page: Page) -> usize {
    for (place, why) in &page.skipped {
        eprintln!("skipped {place}: {why}");
    }
    let mut session = Session::new(name);
    for example in &page.examples {
        session.run(example);
    }
    page.examples.len()
}

/// One page's scratch directory, its bash, and the servers its examples started.
struct Session {
    dir: PathBuf,
    shell: Shell,
    /// Each written port (or socket path) and what it became.
    addresses: BTreeMap<String, String>,
    servers: BTreeMap<String, Server>,
}

impl Session {
    fn new(name: &str) -> Session {
        let slug: String = name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let dir =
            std::env::temp_dir().join(format!("grpc-convo-docs-{}-{slug}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for shared in ["examples", "proto", "tests", "deploy"] {
            std::os::unix::fs::symlink(root.join(shared), dir.join(shared)).unwrap();
        }
        Session {
            shell: Shell::start(&dir),
            dir,
            addresses: BTreeMap::new(),
            servers: BTreeMap::new(),
        }
    }

    fn run(&mut self, example: &Example) {
        // A server's own address is as written: it names the port that later commands write.
        if let Some(server) = self.server_command(&example.command) {
            return self.start(example, server);
        }
        let command = self.rewrite(&example.command);
        // A transcript shows what a terminal shows: stdout and stderr together.
        let merged = matches!(example.expected, Expected::Shape(_));
        let (status, stdout, stderr) = self.shell.run(&command, merged);
        let place = &example.place;
        assert_eq!(
            status, 0,
            "{place}: `{command}` exited {status}\nstdout: {stdout}\nstderr: {stderr}"
        );
        let stdout: Vec<&str> = stdout.lines().collect();
        match &example.expected {
            Expected::Nothing => {}
            Expected::Exact(lines) => assert_eq!(
                stdout, *lines,
                "{place}: `{command}` printed otherwise than the page says\nstderr: {stderr}"
            ),
            Expected::Shape(lines) => {
                let printed: Vec<String> = stdout.iter().map(|l| shape(l)).collect();
                let written: Vec<String> = lines.iter().map(|l| shape(l)).collect();
                assert!(
                    alike(&printed, &written),
                    "{place}: `{command}` printed otherwise than the page says (numbers aside)\n\
                     printed:\n{}\nwritten:\n{}",
                    printed.join("\n"),
                    written.join("\n")
                );
            }
        }
    }

    /// The written ports and socket paths swapped for those of the servers started.
    fn rewrite(&self, command: &str) -> String {
        let mut command = command.to_owned();
        for (written, now) in &self.addresses {
            command = match written.parse::<u16>() {
                Ok(_) => Regex::new(&format!(r":{written}\b"))
                    .unwrap()
                    .replace_all(&command, format!(":{now}").as_str())
                    .into_owned(),
                Err(_) => command.replace(written.as_str(), now),
            };
        }
        command
    }

    /// For `grpc-convo serve ... &`: what its address was written as (its port, or its socket
    /// path), and the command with that address made free.
    fn server_command(&self, command: &str) -> Option<(String, String)> {
        let code = command.split(" #").next().unwrap_or_default().trim_end();
        let listens = ["grpc-convo web", "grpc-convo proxy", "grpc-convo mcp"];
        if listens.iter().any(|c| command.starts_with(c)) && code.ends_with('&') {
            return Some(self.listen_command(command));
        }
        if !(command.starts_with("grpc-convo serve") && code.ends_with('&')) {
            return None;
        }
        let addr = Regex::new(r"--addr[ =](\S+)").unwrap();
        let Some(written) = addr.captures(command).map(|c| c[1].to_owned()) else {
            // The default address, 127.0.0.1:8000, through the environment.
            let free = format!("GRPC_CONVO_ADDR=127.0.0.1:0 {command}");
            return Some(("8000".into(), free));
        };
        let (key, free) = match written.strip_prefix("unix:") {
            Some(path) => {
                let file = Path::new(path).file_name().unwrap().to_string_lossy();
                let free = format!("unix:{}", self.dir.join(file.as_ref()).display());
                (path.to_owned(), free)
            }
            None => {
                let (host, port) = written.rsplit_once(':').unwrap();
                (port.to_owned(), format!("{host}:0"))
            }
        };
        Some((key, command.replacen(&written, &free, 1)))
    }

    /// `grpc-convo web ... &` or `grpc-convo proxy ... &`: its --listen port made free, its
    /// upstream's swapped as any client's.
    fn listen_command(&self, command: &str) -> (String, String) {
        let command = self.rewrite(command);
        let listen = Regex::new(r"--listen[ =](\S+)").unwrap();
        match listen.captures(&command).map(|c| c[1].to_owned()) {
            Some(written) => {
                let (host, port) = written.rsplit_once(':').unwrap();
                let free = command.replacen(&written, &format!("{host}:0"), 1);
                (port.to_owned(), free)
            }
            None => {
                let (name, port) = match command.starts_with("grpc-convo proxy") {
                    true => ("grpc-convo proxy", "8001"),
                    false => ("grpc-convo web", "8080"),
                };
                assert!(
                    !command.starts_with("grpc-convo mcp"),
                    "mcp & needs --listen: {command}"
                );
                let free = command.replacen(name, &format!("{name} --listen 127.0.0.1:0"), 1);
                (port.to_owned(), free)
            }
        }
    }

    fn start(&mut self, example: &Example, (key, command): (String, String)) {
        // A server started again on the same address replaces the one before.
        drop(self.servers.remove(&key));
        // --metrics-listen gets a free port too, which later commands (curl) then name.
        let metrics = Regex::new(r"--metrics-listen[ =](\S+):(\d+)").unwrap();
        let written_metrics = metrics.captures(&command).map(|c| c[2].to_owned());
        let command = metrics
            .replace(&command, "--metrics-listen $1:0")
            .into_owned();
        let server = Server::start(&self.dir, &command, &example.place);
        if let (Some(written), Some(now)) = (written_metrics, &server.metrics) {
            self.addresses.insert(written, now.clone());
        }
        let now = match key.parse::<u16>() {
            Ok(_) => server.addr.rsplit_once(':').unwrap().1.to_owned(),
            Err(_) => server.addr.trim_start_matches("unix:").to_owned(),
        };
        if key == "8000" {
            let export = format!("export GRPC_CONVO_ADDR=127.0.0.1:{now}");
            self.shell.run(&export, false);
        }
        self.addresses.insert(key.clone(), now);
        self.servers.insert(key, server);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.servers.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether printed lines match written ones, where a written `...` stands for any lines.
fn alike(printed: &[String], written: &[String]) -> bool {
    match written.split_first() {
        None => printed.is_empty(),
        Some((any, rest)) if any == "..." => {
            (0..=printed.len()).any(|skip| alike(&printed[skip..], rest))
        }
        Some((line, rest)) => printed
            .split_first()
            .is_some_and(|(first, others)| first == line && alike(others, rest)),
    }
}

/// Numbers (with their time unit, if any) as `#`, and runs of spaces as one.
fn shape(line: &str) -> String {
    let numbers = Regex::new(r"\d+(\.\d+)?( ?(µs|ms|s)\b)?").unwrap();
    let line = numbers.replace_all(line, "#");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page's bash: commands go in on stdin, each followed by a marker with its exit status.
struct Shell {
    child: Child,
    stdin: ChildStdin,
    markers: BufReader<ChildStdout>,
    dir: PathBuf,
    count: usize,
}

impl Shell {
    fn start(dir: &Path) -> Shell {
        let mut child = bash(dir, &["--noprofile", "--norc"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Shell {
            stdin: child.stdin.take().unwrap(),
            markers: BufReader::new(child.stdout.take().unwrap()),
            child,
            dir: dir.to_owned(),
            count: 0,
        }
    }

    /// Runs one command to its end: its exit status, stdout and stderr.
    /// With `merged`, stderr goes where stdout goes.
    fn run(&mut self, command: &str, merged: bool) -> (i32, String, String) {
        self.count += 1;
        let out = self.dir.join(format!(".docs-out-{}", self.count));
        let err = self.dir.join(format!(".docs-err-{}", self.count));
        let stderr = match merged {
            true => "&1".to_owned(),
            false => format!("'{}'", err.display()),
        };
        std::fs::write(&err, "").unwrap();
        writeln!(
            self.stdin,
            "{{ {command}\n}} >'{}' 2>{stderr} </dev/null; echo \"__docs_done__ $?\"",
            out.display(),
        )
        .unwrap();
        self.stdin.flush().unwrap();
        let watchdog = Watchdog::arm_group(self.child.id());
        let mut line = String::new();
        while !line.starts_with("__docs_done__ ") {
            line.clear();
            let read = self.markers.read_line(&mut line).unwrap();
            assert!(read > 0, "bash ended during `{command}`");
        }
        watchdog.disarm();
        let status = line.trim_end()["__docs_done__ ".len()..].parse().unwrap();
        let read =
            |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        (status, read(&out), read(&err))
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.wait();
    }
}

/// A server an example started, in its own process group, its log drained.
struct Server {
    child: Child,
    addr: String,
    /// The port of its `--metrics-listen`, if any.
    metrics: Option<String>,
}

impl Server {
    fn start(dir: &Path, command: &str, place: &str) -> Server {
        let mut child = bash(dir, &["-c", &format!("{command}\nwait")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let watchdog = Watchdog::arm_group(child.id());
        let mut metrics = None;
        let addr = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("metrics at http://") {
                        let port = url.trim_end_matches("/metrics").rsplit_once(':');
                        metrics = port.map(|(_, port)| port.to_owned());
                    }
                    let web = (line.strip_prefix("web page at http://"))
                        .or_else(|| line.strip_prefix("mcp at http://"))
                        .map(|a| a.trim_end_matches('/').trim_end_matches("/mcp"));
                    match line.strip_prefix("listening on ").or(web) {
                        Some(addr) => break addr.to_owned(),
                        None => continue,
                    }
                }
                _ => panic!("{place}: `{command}` ended without listening"),
            }
        };
        watchdog.disarm();
        // The log must be read, or a busy server would block writing it.
        thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            addr,
            metrics,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.wait();
    }
}

fn kill_group(leader: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{leader}")])
        .status();
}

/// bash in `dir`, in a process group of its own, with grpc-convo first on its PATH and none of
/// the caller's grpc-convo settings.
fn bash(dir: &Path, args: &[&str]) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_grpc-convo"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("GRPC_CONVO_ADDR")
        .env_remove("RUST_LOG")
        .process_group(0);
    command
}

#[test]
fn the_page_reader_finds_commands_their_output_and_servers() {
    let page = read_page(
        "t.md",
        "```sh\ngrpc-convo serve --addr :8000 &   # a server\n\n\
         seq 2 | grpc-convo ask --addr :8000 \\\n  | cut -c1-4\n# from\n# from\n\n\
         for q in a b; do\n  echo \"$q\"\ndone\n# a\n# b\n```\n\n\
         <!-- docs-test: skip: not here -->\n```sh\nnever\n```\n\n\
         ```\n$ grpc-convo bench\n1 conversation over 1 connection\nwall time 0.1 s\n```\n\n\
         ```sh\ngrpcurl -plaintext :8000 list\n```\n",
    );
    let commands: Vec<&str> = page.examples.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "grpc-convo serve --addr :8000 &   # a server",
            "seq 2 | grpc-convo ask --addr :8000 \\\n  | cut -c1-4",
            "for q in a b; do\n  echo \"$q\"\ndone",
            "grpc-convo bench",
        ]
    );
    assert!(matches!(&page.examples[1].expected, Expected::Exact(l) if l == &["from", "from"]));
    assert!(matches!(&page.examples[2].expected, Expected::Exact(l) if l == &["a", "b"]));
    assert_eq!(page.skipped.len(), 2, "{:?}", page.skipped);
    assert_eq!(
        shape("wall time      0.123 s"),
        shape("wall time 27.5 ms"),
        "numbers and their units are alike in a transcript"
    );
    let lines = |text: &str| text.lines().map(String::from).collect::<Vec<_>>();
    assert!(alike(&lines("a\nb\nc\nd"), &lines("a\n...\nd")));
    assert!(alike(&lines("a"), &lines("a\n...")));
    assert!(!alike(&lines("a\nb"), &lines("a\n...\nc")));
    assert!(!alike(&lines("a\nb"), &lines("a")));
}
