//! A TCP proxy that injects the faults of real networks, for tests: put it between a client and a
//! server and tell it, on its stdin, what the network should do next.
//!
//! ```text
//! faultproxy LISTEN UPSTREAM [--latency DURATION] [--bytewise]
//! ```
//!
//! It prints `listening on ADDRESS` on stderr once bound (port 0 picks a free port). Each line of
//! stdin is a command, acknowledged with `ok COMMAND` on stdout once in force, for every
//! connection open and to come:
//!
//! - `latency DURATION`: hold each chunk this long in each direction (order kept);
//! - `bytewise on` / `bytewise off`: deliver one byte per write, both ways;
//! - `blackhole`: forward nothing more, close nothing; new connections are accepted and held;
//! - `pass`: forward again (ends a black hole);
//! - `close` / `reset`: cut every open connection on both sides, with FIN or with RST.
//!
//! It runs until killed; at the end of stdin it takes no more commands and goes on as it is.

use std::{
    io::{self, BufRead, Write},
    net::SocketAddr,
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{
        TcpListener, TcpStream,
        tcp::{ReadHalf, WriteHalf},
    },
    sync::{mpsc, watch},
    time::Instant,
};

/// What the network does now.
#[derive(Clone, Debug, Default)]
struct Mode {
    latency: Duration,
    bytewise: bool,
    blackhole: bool,
    /// Bumped by every cut; a connection that sees it change is cut.
    cuts: u64,
    reset: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [listen, upstream, options @ ..] = args.as_slice() else {
        eprintln!("usage: faultproxy LISTEN UPSTREAM [--latency DURATION] [--bytewise]");
        std::process::exit(2);
    };
    let mut mode = Mode::default();
    let mut options = options.iter();
    while let Some(option) = options.next() {
        match (option.as_str(), options.clone().next()) {
            ("--latency", Some(value)) => {
                mode.latency = humantime::parse_duration(value)?;
                options.next();
            }
            ("--bytewise", _) => mode.bytewise = true,
            _ => return Err(format!("unknown option {option}").into()),
        }
    }
    let upstream: SocketAddr = upstream.parse()?;
    let listener = TcpListener::bind(listen).await?;
    eprintln!("listening on {}", listener.local_addr()?);
    let (modes, watching) = watch::channel(mode);
    tokio::spawn(accept(listener, upstream, watching));
    // Commands come from a thread: tokio's stdin cannot be cancelled, and this one ends the run.
    let (commands, mut received) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in io::stdin().lock().lines().map_while(Result::ok) {
            if commands.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = received.recv().await {
        match apply(&modes, line.trim()) {
            Ok(()) => println!("ok {}", line.trim()),
            Err(err) => println!("error {}: {err}", line.trim()),
        }
        io::stdout().flush()?;
    }
    std::future::pending().await
}

fn apply(modes: &watch::Sender<Mode>, command: &str) -> Result<(), String> {
    let (verb, value) = command.split_once(' ').unwrap_or((command, ""));
    let mut failed = None;
    modes.send_modify(|mode| match (verb, value) {
        ("latency", value) => match humantime::parse_duration(value) {
            Ok(latency) => mode.latency = latency,
            Err(err) => failed = Some(err.to_string()),
        },
        ("bytewise", "on") => mode.bytewise = true,
        ("bytewise", "off") => mode.bytewise = false,
        ("blackhole", "") => mode.blackhole = true,
        ("pass", "") => mode.blackhole = false,
        ("close", "") | ("reset", "") => {
            mode.reset = verb == "reset";
            mode.cuts += 1;
        }
        _ => failed = Some("unknown command".into()),
    });
    failed.map_or(Ok(()), Err)
}

async fn accept(listener: TcpListener, upstream: SocketAddr, modes: watch::Receiver<Mode>) {
    while let Ok((client, _)) = listener.accept().await {
        tokio::spawn(relay(client, upstream, modes.clone()));
    }
}

/// One connection: held while the network is a black hole, then forwarded both ways until
/// either side ends or a cut comes.
async fn relay(mut client: TcpStream, upstream: SocketAddr, mut modes: watch::Receiver<Mode>) {
    let cuts = modes.borrow().cuts;
    if modes.wait_for(|mode| !mode.blackhole).await.is_err() {
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let mut watching = modes.clone();
    let reset = {
        let (mut client_read, mut client_write) = client.split();
        let (mut server_read, mut server_write) = server.split();
        let forward = async {
            tokio::join!(
                pump(&mut client_read, &mut server_write, modes.clone()),
                pump(&mut server_read, &mut client_write, modes.clone()),
            )
        };
        tokio::select! {
            _ = forward => false,
            cut = watching.wait_for(|mode| mode.cuts != cuts) => cut.is_ok_and(|mode| mode.reset),
        }
    };
    if reset {
        // Closed with a zero linger, a socket sends RST instead of FIN.
        let _ = client.set_zero_linger();
        let _ = server.set_zero_linger();
    }
}

/// Copies one direction, applying the mode to every chunk, until either end closes.
async fn pump(
    from: &mut ReadHalf<'_>,
    to: &mut WriteHalf<'_>,
    modes: watch::Receiver<Mode>,
) -> io::Result<()> {
    let (chunks, mut queued) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reading = {
        let mut modes = modes.clone();
        async move {
            let mut buf = vec![0; 64 * 1024];
            loop {
                let n = from.read(&mut buf).await?;
                if n == 0 {
                    return Ok::<_, io::Error>(());
                }
                let _ = chunks.send((Instant::now(), buf[..n].to_vec()));
                let _ = modes.wait_for(|mode| !mode.blackhole).await;
            }
        }
    };
    let writing = async {
        let mut modes = modes.clone();
        while let Some((read_at, chunk)) = queued.recv().await {
            let latency = modes.borrow().latency;
            tokio::time::sleep_until(read_at + latency).await;
            let _ = modes.wait_for(|mode| !mode.blackhole).await;
            if modes.borrow().bytewise {
                for byte in chunk {
                    to.write_all(&[byte]).await?;
                }
            } else {
                to.write_all(&chunk).await?;
            }
        }
        to.shutdown().await
    };
    let (read, written) = tokio::join!(reading, writing);
    read.and(written)
}
