//! Every address form reaches the server from every client, from `--addr` and from
//! `GRPC_CONVO_ADDR`: `:PORT` once looked its empty host up as a name and failed in every client
//! while `127.0.0.1:PORT`, the form every other test writes, worked.

mod common;

use std::process::{Output, Stdio};

use common::{Serve, bin, output_limited, stderr_text};

/// What each client is asked, and a line its output must hold to show it reached the server.
const CLIENTS: &[(&[&str], &str)] = &[
    (
        &["ask", "what is grpc?"],
        "from stream server answer: the 1 question is what is grpc?",
    ),
    (&["bench", "-n", "3"], "answers        3"),
    (&["list"], "proto.Stream"),
    (&["describe", "proto.Stream"], "service Stream {"),
    (&["health", "proto.Stream"], "SERVING"),
];

enum From {
    Flag,
    Env,
}

fn client(args: &[&str], addr: &str, from: &From) -> Output {
    let mut command = bin();
    command.arg(args[0]);
    match from {
        From::Flag => command.args(["--addr", addr]),
        From::Env => command.env("GRPC_CONVO_ADDR", addr),
    };
    let child = command
        .args(&args[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start grpc-convo");
    output_limited(child)
}

fn every_client_reaches(addr: &str) {
    for from in [From::Flag, From::Env] {
        for (args, expected) in CLIENTS {
            let output = client(args, addr, &from);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success() && stdout.contains(expected),
                "{args:?} at {addr} ({}): {:?}\nstdout: {stdout}\nstderr: {}",
                match from {
                    From::Flag => "--addr",
                    From::Env => "GRPC_CONVO_ADDR",
                },
                output.status,
                stderr_text(&output)
            );
        }
    }
}

#[test]
fn every_tcp_form_reaches_a_server_on_every_interface() {
    // `:0` listens on every interface, IPv4 and IPv6 alike, as the README's `:8000` does.
    let server = Serve::start_at(":0", &[]);
    let port = server.addr.rsplit_once(':').expect("a port").1;
    for addr in [
        format!(":{port}"),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        every_client_reaches(&addr);
    }
}

#[test]
fn bare_port_reaches_a_server_on_ipv4_loopback_only() {
    // localhost may name ::1 first: the client goes on to 127.0.0.1 when that is refused.
    let server = Serve::start(&[]);
    let port = server.addr.rsplit_once(':').expect("a port").1;
    every_client_reaches(&format!(":{port}"));
}

#[test]
fn unix_socket_reaches_the_server() {
    let dir = std::env::temp_dir().join(format!("grpc-convo-addresses-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let socket = format!("unix:{}", dir.join("s.sock").display());
    let server = Serve::start_at(&socket, &[]);
    assert_eq!(server.addr, socket);
    every_client_reaches(&socket);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
