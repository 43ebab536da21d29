//! The ceiling grpc-convo is measured against: the same conversation (the same answer text, one
//! line per question) over raw TCP, without HTTP/2 or protobuf. `scripts/bench.sh` runs it in the
//! same way and in the same run as grpc-convo.
//!
//! ```text
//! tcp_baseline serve ADDR                      # prints "listening on ADDRESS" on stderr
//! tcp_baseline ask ADDR < questions            # answers on stdout, like grpc-convo ask
//! tcp_baseline bench ADDR C M [lockstep]       # C connections x M questions
//! ```

use std::{io::Write, time::Instant};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter},
    net::{TcpSocket, TcpStream},
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["serve", addr] => serve(addr).await,
        ["ask", addr] => ask(addr).await,
        ["bench", addr, c, m, rest @ ..] => {
            bench(addr, c.parse()?, m.parse()?, rest == ["lockstep"]).await
        }
        _ => Err("usage: tcp_baseline serve ADDR | ask ADDR | bench ADDR C M [lockstep]".into()),
    }
}

async fn serve(addr: &str) -> Result<()> {
    let addr: std::net::SocketAddr = addr.parse()?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // A thousand connections arrive at once in the benchmark: a long accept queue.
    let listener = socket.listen(4096)?;
    eprintln!("listening on {}", listener.local_addr()?);
    loop {
        let (socket, _) = listener.accept().await?;
        socket.set_nodelay(true)?;
        tokio::spawn(async move {
            let (read, write) = socket.into_split();
            let mut lines = BufReader::new(read);
            let mut out = BufWriter::new(write);
            let mut line = String::new();
            let mut n = 0u64;
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    break;
                }
                n += 1;
                let question = line.trim_end_matches('\n');
                let answer = format!("from stream server answer: the {n} question is {question}\n");
                if out.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                // Flush when no further question is ready, as grpc-convo does.
                if lines.buffer().is_empty() && out.flush().await.is_err() {
                    return;
                }
            }
            let _ = out.flush().await;
        });
    }
}

async fn ask(addr: &str) -> Result<()> {
    let socket = TcpStream::connect(addr).await?;
    socket.set_nodelay(true)?;
    let (mut read, mut write) = socket.into_split();
    let sender = tokio::spawn(async move {
        let mut stdin = tokio::io::stdin();
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = stdin.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            write.write_all(&buf[..n]).await?;
        }
        write.shutdown().await
    });
    let mut stdout = std::io::stdout().lock();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = read.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        stdout.write_all(&buf[..n])?;
    }
    stdout.flush()?;
    sender.await??;
    Ok(())
}

async fn bench(addr: &str, connections: usize, questions: u64, lockstep: bool) -> Result<()> {
    let started = Instant::now();
    let tasks = (0..connections).map(|c| {
        let addr = addr.to_owned();
        tokio::spawn(async move { converse(&addr, c, questions, lockstep).await })
    });
    let mut latencies = Vec::new();
    for task in futures_util::future::join_all(tasks).await {
        latencies.extend(task??);
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let answers = connections as u64 * questions;
    let p50 = latencies.get(latencies.len() / 2).copied().unwrap_or(0);
    println!(
        "{{\"answers\":{answers},\"wall_s\":{wall},\"answers_per_s\":{},\"latency_us\":{{\"p50\":{}}}}}",
        answers as f64 / wall,
        p50 as f64 / 1000.0
    );
    Ok(())
}

/// One connection's questions; in lockstep, the round trip of each in nanoseconds.
async fn converse(addr: &str, c: usize, questions: u64, lockstep: bool) -> Result<Vec<u64>> {
    let socket = TcpStream::connect(addr).await?;
    socket.set_nodelay(true)?;
    let (read, write) = socket.into_split();
    let mut answers = BufReader::new(read);
    let mut out = BufWriter::new(write);
    let mut line = String::new();
    let mut latencies = Vec::new();
    if lockstep {
        for i in 0..questions {
            let sent = Instant::now();
            out.write_all(format!("{c}.{i}\n").as_bytes()).await?;
            out.flush().await?;
            line.clear();
            answers.read_line(&mut line).await?;
            latencies.push(sent.elapsed().as_nanos() as u64);
        }
        return Ok(latencies);
    }
    let sender = tokio::spawn(async move {
        for i in 0..questions {
            out.write_all(format!("{c}.{i}\n").as_bytes()).await?;
        }
        out.flush().await?;
        out.shutdown().await
    });
    for _ in 0..questions {
        line.clear();
        answers.read_line(&mut line).await?;
    }
    sender.await??;
    Ok(latencies)
}
