//! Replicas behind a real HTTP/2 proxy: nginx (Debian's), run with `deploy/nginx.conf` itself
//! in front of two `grpc-convo serve` replicas, everything on Unix sockets in a temporary
//! directory. Without nginx these tests say so and pass; under CI (CI=true) a missing nginx is a
//! failure, since `.ci/run` installs it.

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::*;

fn nginx_binary() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "nginx is missing under CI: .ci/run should have installed it"
        );
        eprintln!("skipping: nginx is not installed (apt-get install nginx; .ci/run installs it)");
    }
    found
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("grpc-convo-scale-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn socket(&self, name: &str) -> String {
        format!("unix:{}", self.0.join(format!("{name}.sock")).display())
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// nginx in the foreground, one process, stopped when dropped.
struct Nginx {
    child: Child,
    addr: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `deploy/nginx.conf` with its listener and replicas moved to Unix sockets; with `timeout`, its
/// three raised timeouts are set to that many seconds instead: nginx's default of 60 s, scaled
/// down so that a test of it takes seconds.
fn site_config(listen: &str, replicas: &[&str], timeout: Option<u32>) -> String {
    let deployed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx.conf")).unwrap();
    let servers = "    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n";
    assert!(deployed.contains(servers) && deployed.contains("listen 8000 http2;"));
    let replicas: String = replicas
        .iter()
        .map(|r| format!("    server {r};\n"))
        .collect();
    let config = deployed
        .replace(servers, &replicas)
        .replace("listen 8000 http2;", &format!("listen {listen} http2;"));
    let Some(timeout) = timeout else {
        return config;
    };
    let raised = [
        "client_body_timeout",
        "grpc_read_timeout",
        "grpc_send_timeout",
    ];
    let lines: Vec<String> = config
        .lines()
        .map(
            |line| match raised.iter().find(|t| line.trim_start().starts_with(*t)) {
                Some(name) => format!("    {name} {timeout}s;"),
                None => line.to_owned(),
            },
        )
        .collect();
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.ends_with(&format!(" {timeout}s;")))
            .count(),
        3,
        "the three timeouts are in the config"
    );
    lines.join("\n")
}

fn start_nginx(
    nginx: &Path,
    dir: &Dir,
    name: &str,
    replicas: &[&str],
    timeout: Option<u32>,
) -> Nginx {
    let path = |suffix: &str| dir.0.join(format!("{name}{suffix}"));
    let addr = dir.socket(name);
    std::fs::write(path("-site.conf"), site_config(&addr, replicas, timeout)).unwrap();
    let temp: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|kind| {
            format!(
                "    {kind}_temp_path {};\n",
                path(&format!("-{kind}")).display()
            )
        })
        .collect();
    let main = format!(
        "events {{}}\nhttp {{\n    access_log {};\n{temp}    include {};\n}}\n",
        path("-access.log").display(),
        path("-site.conf").display()
    );
    std::fs::write(path(".conf"), main).unwrap();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&dir.0)
        .arg("-c")
        .arg(path(".conf"))
        .arg("-e")
        .arg(path("-error.log"))
        .arg("-g")
        .arg(format!(
            "daemon off; master_process off; pid {};",
            path(".pid").display()
        ))
        .stdin(Stdio::null())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx { child, addr };
    // Ready when a conversation gets through.
    let ready = ask(
        &nginx.addr,
        &["--wait-ready", "--connect-timeout", "30s", "ready?"],
        b"",
    );
    assert!(
        ready.status.success(),
        "nginx did not come up: {}",
        stderr_text(&ready)
    );
    nginx
}

fn replica(dir: &Dir, name: &str) -> Serve {
    Serve::start_at(&dir.socket(name), &["--grace", "1h"])
}

fn opened(log: &str) -> usize {
    log.matches("conversation opened").count()
}

/// A conversation through the proxy with its first question answered, stdin held open.
fn open_conversation(addr: &str, n: usize) -> Coprocess {
    let mut conversation = Coprocess::start(addr, &[]);
    conversation.send(&format!("c{n} first"));
    assert_eq!(
        conversation.read_line().unwrap(),
        echo(1, &format!("c{n} first"))
    );
    conversation
}

#[test]
fn a_hundred_conversations_through_nginx_are_answered_in_order_by_both_replicas() {
    let Some(nginx_path) = nginx_binary() else {
        return;
    };
    let dir = Dir::new("hundred");
    let (mut a, mut b) = (replica(&dir, "a"), replica(&dir, "b"));
    let nginx = start_nginx(&nginx_path, &dir, "nginx", &[&a.addr, &b.addr], None);
    std::thread::scope(|scope| {
        for batch in 0..10 {
            let addr = &nginx.addr;
            scope.spawn(move || {
                for c in batch * 10..batch * 10 + 10 {
                    let questions: String = (1..=20).map(|q| format!("c{c} q{q}\n")).collect();
                    let output = ask(addr, &[], questions.as_bytes());
                    assert!(output.status.success(), "{}", stderr_text(&output));
                    let want: Vec<_> = (1..=20).map(|q| echo(q, &format!("c{c} q{q}"))).collect();
                    assert_eq!(stdout_lines(&output), want, "conversation {c}");
                }
            });
        }
    });
    a.kill("TERM");
    b.kill("TERM");
    let (on_a, on_b) = (
        opened(&a.stderr_after_exit()),
        opened(&b.stderr_after_exit()),
    );
    assert_eq!(
        on_a + on_b,
        101,
        "100 conversations and the readiness check"
    );
    assert!(
        on_a >= 20 && on_b >= 20,
        "round robin: {on_a} on a, {on_b} on b"
    );
}

#[test]
fn a_replica_killed_ends_its_conversations_with_unavailable_and_the_other_goes_on() {
    let Some(nginx_path) = nginx_binary() else {
        return;
    };
    let dir = Dir::new("kill");
    let (mut a, mut b) = (replica(&dir, "a"), replica(&dir, "b"));
    let nginx = start_nginx(&nginx_path, &dir, "nginx", &[&a.addr, &b.addr], None);
    let conversations: Vec<_> = (0..10).map(|n| open_conversation(&nginx.addr, n)).collect();

    a.kill("KILL");
    a.wait();
    let (mut cut, mut carried_on) = (0, 0);
    for (n, mut conversation) in conversations.into_iter().enumerate() {
        // A conversation that was cut has ended ask, whose stdin may be closed already.
        let sent = conversation.try_send(&format!("c{n} second"));
        match conversation.read_line().filter(|_| sent) {
            Some(answer) => {
                assert_eq!(answer, echo(2, &format!("c{n} second")));
                drop(conversation.stdin.take());
                let (status, stderr) = conversation.finish();
                assert!(status.success(), "{stderr}");
                carried_on += 1;
            }
            None => {
                let (status, stderr) = conversation.finish();
                assert_eq!(status.code(), Some(78), "{stderr}");
                assert!(stderr.starts_with("grpc-convo: UNAVAILABLE: "), "{stderr}");
                cut += 1;
            }
        }
    }
    let on_a = opened(&a.stderr_after_exit());
    assert!(
        cut > 0 && carried_on > 0,
        "{cut} cut, {carried_on} carried on"
    );
    // Every conversation the killed replica held was cut (the readiness check may have been one).
    assert!(
        cut == on_a || cut + 1 == on_a,
        "{cut} cut of {on_a} on the killed replica"
    );

    for n in 0..10 {
        let output = ask(&nginx.addr, &[&format!("after {n}")], b"");
        assert_eq!(stdout_lines(&output), [echo(1, &format!("after {n}"))]);
    }
    b.kill("TERM");
    assert!(
        opened(&b.stderr_after_exit()) >= 10,
        "new conversations went to the survivor"
    );
}

#[test]
fn a_replica_drained_finishes_its_conversations_and_new_ones_go_to_the_other() {
    let Some(nginx_path) = nginx_binary() else {
        return;
    };
    let dir = Dir::new("drain");
    let (mut a, b) = (replica(&dir, "a"), replica(&dir, "b"));
    let nginx = start_nginx(&nginx_path, &dir, "nginx", &[&a.addr, &b.addr], None);
    let conversations: Vec<_> = (0..10).map(|n| open_conversation(&nginx.addr, n)).collect();

    a.kill("TERM");
    a.wait_for_log("shutting down");
    // New conversations during the drain go to the other replica.
    for n in 0..10 {
        let output = ask(&nginx.addr, &[&format!("during {n}")], b"");
        assert_eq!(
            stdout_lines(&output),
            [echo(1, &format!("during {n}"))],
            "{}",
            stderr_text(&output)
        );
    }
    // Those in progress, on either replica, lose nothing.
    for (n, mut conversation) in conversations.into_iter().enumerate() {
        for q in 2..=5 {
            conversation.send(&format!("c{n} q{q}"));
            assert_eq!(
                conversation.read_line().unwrap(),
                echo(q, &format!("c{n} q{q}"))
            );
        }
        drop(conversation.stdin.take());
        assert_eq!(conversation.read_line(), None);
        let (status, stderr) = conversation.finish();
        assert!(status.success(), "{stderr}");
    }
    // With its conversations done, the drained replica leaves.
    assert_eq!(a.wait().code(), Some(0));
    let on_a = a.stderr_after_exit();
    assert!(
        !on_a.contains("during"),
        "a draining replica took a new conversation"
    );
}

/// nginx ends a conversation that reads nothing from the replica for 60 s (its default), here
/// scaled down to 2 s. The replica's HTTP/2 pings count as reads, so with pings more often than
/// the timeout a silent conversation survives it; without pings it is cut, and the raised
/// timeouts of deploy/nginx.conf keep it. All three side by side, so the wait is paid once.
#[test]
fn a_conversation_silent_past_nginx_timeout_survives_by_pings_or_by_the_config() {
    let Some(nginx_path) = nginx_binary() else {
        return;
    };
    let dir = Dir::new("idle");
    let pinging = Serve::start_at(&dir.socket("pinging"), &["--keepalive", "500ms"]);
    let quiet = Serve::start_at(&dir.socket("quiet"), &["--keepalive", "0"]);
    let scaled = Some(2);
    let defaults_pinging = start_nginx(
        &nginx_path,
        &dir,
        "defaults-pinging",
        &[&pinging.addr],
        scaled,
    );
    let defaults_quiet = start_nginx(&nginx_path, &dir, "defaults-quiet", &[&quiet.addr], scaled);
    let raised_quiet = start_nginx(&nginx_path, &dir, "raised-quiet", &[&quiet.addr], None);
    let mut kept_by_pings = open_conversation(&defaults_pinging.addr, 1);
    let mut cut = open_conversation(&defaults_quiet.addr, 2);
    let mut kept_by_config = open_conversation(&raised_quiet.addr, 3);
    // The silence is what is being tested: longer than nginx's (scaled-down) timeout.
    std::thread::sleep(Duration::from_secs(4));
    for kept in [&mut kept_by_pings, &mut kept_by_config] {
        kept.send("still there?");
        assert_eq!(kept.read_line().unwrap(), echo(2, "still there?"));
    }
    let sent = cut.try_send("still there?");
    assert_eq!(
        cut.read_line().filter(|_| sent),
        None,
        "nginx's timeout should have ended it"
    );
    let (status, stderr) = cut.finish();
    assert_eq!(status.code(), Some(78), "{stderr}");
}
