//! Addresses as users write them (`:8000`, `host:port`, `[::1]:8000`, `unix:/path`), parsed once
//! and then bound (serve) or connected to (ask), so both sides accept exactly the same forms.

use std::{
    fmt, io,
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
};

use tokio::net::{TcpListener, UnixListener, UnixStream};

/// A parsed `--addr`. A TCP host is kept as written so that names are resolved at bind or
/// connect time, and so that errors can quote what the user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addr {
    Tcp {
        /// Empty for the Go form `:PORT`: every interface when listening, this machine when
        /// connecting.
        host: String,
        port: u16,
    },
    Unix(PathBuf),
}

/// A bound listener of either kind.
#[derive(Debug)]
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, SocketFile),
}

impl Listener {
    /// What the listener is bound to, in `--addr` form with the real port.
    pub fn local_addr(&self) -> io::Result<String> {
        match self {
            Listener::Tcp(listener) => listener.local_addr().map(|addr| addr.to_string()),
            Listener::Unix(_, file) => Ok(format!("unix:{}", file.0.display())),
        }
    }
}

/// Whether a failed accept is the process or the system running out (file descriptors, memory),
/// which lasts a while, so that the next accept should wait a moment; any other failure (a
/// connection reset before it was taken, say) concerns that connection only.
pub(crate) fn out_of_resources(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// The socket file a Unix listener created; it is removed when the listener is gone.
#[derive(Debug)]
pub struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Addr {
    /// Binds a listener. Names may resolve to several addresses: the first that binds wins, as
    /// Go's `net.Listen` does. `:PORT` prefers the dual-stack `[::]` and falls back to `0.0.0.0`
    /// on machines without IPv6. A Unix socket file left behind by a server that is gone is
    /// replaced; one that a live server listens on is not.
    pub async fn bind(&self) -> Result<Listener, BindError> {
        let error = |source| BindError {
            addr: self.clone(),
            source,
        };
        match self {
            Addr::Tcp { host, port } => bind_tcp(host, *port)
                .await
                .map(Listener::Tcp)
                .map_err(error),
            Addr::Unix(path) => bind_unix(path).await.map_err(error),
        }
    }

    /// The URI a client connects to, `https://` with TLS. `:PORT` dials this machine, as Go's
    /// `net.Dial` does; a Unix socket needs an authority only for `:authority` (and, with TLS,
    /// as the name to verify unless one is given).
    pub fn uri(&self, tls: bool) -> String {
        let scheme = if tls { "https" } else { "http" };
        match self {
            Addr::Tcp { host, port } => {
                let host = if host.is_empty() { "localhost" } else { host };
                if host.contains(':') {
                    format!("{scheme}://[{host}]:{port}")
                } else {
                    format!("{scheme}://{host}:{port}")
                }
            }
            Addr::Unix(_) => format!("{scheme}://localhost"),
        }
    }

    /// The host to dial, and to verify in a TLS certificate unless told otherwise: this machine
    /// for `:PORT` and for a Unix socket.
    pub fn host(&self) -> &str {
        match self {
            Addr::Tcp { host, .. } if !host.is_empty() => host,
            _ => "localhost",
        }
    }

    /// Whether everything sent to this address stays on this machine: a Unix socket, or a host
    /// that is (or resolves only to) a loopback address. `Some` with the addresses a name
    /// resolved to, so that a connection goes to those and not to what the name says next;
    /// empty where nothing was resolved (a Unix socket, `:PORT`). `None` when it is not local.
    pub async fn loopback_addresses(&self) -> Option<Vec<SocketAddr>> {
        match self {
            Addr::Unix(_) => Some(Vec::new()),
            Addr::Tcp { host, .. } if host.is_empty() => Some(Vec::new()),
            Addr::Tcp { host, port } => {
                let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), *port))
                    .await
                    .ok()?
                    .collect();
                let local = !addrs.is_empty() && addrs.iter().all(|addr| addr.ip().is_loopback());
                local.then_some(addrs)
            }
        }
    }
}

/// tokio tries each address in turn and keeps the first that binds.
async fn bind_tcp(host: &str, port: u16) -> io::Result<TcpListener> {
    if host.is_empty() {
        let every = [
            SocketAddr::from(([0u16; 8], port)),
            SocketAddr::from(([0u8; 4], port)),
        ];
        return TcpListener::bind(&every[..]).await;
    }
    TcpListener::bind((host, port)).await
}

async fn bind_unix(path: &Path) -> io::Result<Listener> {
    use std::os::unix::fs::FileTypeExt;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the path exists and is not a socket",
            ));
        }
        if UnixStream::connect(path).await.is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                "another server is listening on this socket",
            ));
        }
        // Nothing answers: a socket file left behind by a server that did not clean up.
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    Ok(Listener::Unix(listener, SocketFile(path.to_owned())))
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Addr::Tcp { host, port } => write!(f, "{host}:{port}"),
            Addr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// Why an `--addr` value was refused; the message is shown to users as is.
#[derive(Debug, PartialEq, Eq)]
pub struct AddrParseError(String);

impl fmt::Display for AddrParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AddrParseError {}

impl FromStr for Addr {
    type Err = AddrParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(AddrParseError(format!("'{s}': a Unix socket needs a path")));
            }
            return Ok(Addr::Unix(PathBuf::from(path)));
        }
        let expected = || {
            AddrParseError(format!(
                "'{s}' is not an address: expected HOST:PORT, :PORT, [IPV6]:PORT or unix:PATH"
            ))
        };
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (host, port) = rest.split_once("]:").ok_or_else(expected)?;
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(AddrParseError(format!(
                    "'{s}': '{host}' inside brackets is not an IPv6 address"
                )));
            }
            (host, port)
        } else {
            let (host, port) = s.rsplit_once(':').ok_or_else(expected)?;
            if host.contains(':') {
                return Err(AddrParseError(format!(
                    "'{s}': write an IPv6 address in brackets, as [{host}]:{port}"
                )));
            }
            (host, port)
        };
        if host.chars().any(char::is_whitespace) {
            return Err(expected());
        }
        let port = port.parse::<u16>().map_err(|_| {
            AddrParseError(format!(
                "'{s}': port '{port}' is not a number from 0 to 65535"
            ))
        })?;
        Ok(Addr::Tcp {
            host: host.to_owned(),
            port,
        })
    }
}

/// A listener that could not be opened, naming the address as the user wrote it.
#[derive(Debug)]
pub struct BindError {
    addr: Addr,
    source: io::Error,
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot listen on {}: {}", self.addr, self.source)
    }
}

impl std::error::Error for BindError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Addr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn tcp(host: &str, port: u16) -> Addr {
        Addr::Tcp {
            host: host.to_owned(),
            port,
        }
    }

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(parse(":8000"), tcp("", 8000));
        assert_eq!(parse("0.0.0.0:8000"), tcp("0.0.0.0", 8000));
        assert_eq!(parse("localhost:1"), tcp("localhost", 1));
        assert_eq!(parse("[::1]:8000"), tcp("::1", 8000));
        assert_eq!(parse("127.0.0.1:0"), tcp("127.0.0.1", 0));
        assert_eq!(
            parse("unix:/run/convo.sock"),
            Addr::Unix("/run/convo.sock".into())
        );
        assert_eq!(
            parse("unix:relative.sock"),
            Addr::Unix("relative.sock".into())
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            ":8000",
            "0.0.0.0:8000",
            "example.com:443",
            "[::1]:0",
            "unix:/tmp/x.sock",
        ] {
            assert_eq!(parse(s).to_string(), s);
        }
    }

    #[test]
    fn uri_brackets_ipv6_and_dials_localhost_for_bare_port() {
        assert_eq!(parse("[::1]:9").uri(false), "http://[::1]:9");
        assert_eq!(parse(":9").uri(false), "http://localhost:9");
        assert_eq!(parse("10.0.0.1:9").uri(true), "https://10.0.0.1:9");
        assert_eq!(parse("unix:/x").uri(true), "https://localhost");
    }

    #[tokio::test]
    async fn only_loopback_and_unix_addresses_are_local() {
        for local in [":9", "127.0.0.1:9", "[::1]:9", "localhost:9", "unix:/x"] {
            assert!(parse(local).loopback_addresses().await.is_some(), "{local}");
        }
        for remote in [
            "10.0.0.1:9",
            "192.0.2.7:9",
            "[2001:db8::1]:9",
            "no-such-host.invalid:9",
        ] {
            assert!(
                parse(remote).loopback_addresses().await.is_none(),
                "{remote}"
            );
        }
    }

    #[test]
    fn rejects_malformed_input_with_a_reason() {
        for (input, fragment) in [
            ("8000", "expected HOST:PORT"),
            ("localhost", "expected HOST:PORT"),
            ("host:http", "port 'http'"),
            ("host:65536", "port '65536'"),
            ("::1:80", "in brackets"),
            ("[::1]80", "expected HOST:PORT"),
            ("[nope]:80", "not an IPv6 address"),
            ("my host:80", "expected HOST:PORT"),
            ("", "expected HOST:PORT"),
            ("unix:", "needs a path"),
        ] {
            let err = input.parse::<Addr>().unwrap_err().to_string();
            assert!(err.contains(fragment), "{input:?} gave {err:?}");
        }
    }

    #[tokio::test]
    async fn binds_port_zero_and_reports_the_real_port() {
        let listener = parse("127.0.0.1:0").bind().await.unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(
            addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
            "{addr}"
        );
    }

    #[tokio::test]
    async fn bind_error_names_the_address() {
        let taken = parse("127.0.0.1:0").bind().await.unwrap();
        let addr = taken.local_addr().unwrap();
        let message = parse(&addr).bind().await.unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("cannot listen on {addr}: ")),
            "{message}"
        );
    }

    fn temp_socket(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("grpc-convo-{}-{name}.sock", std::process::id()))
    }

    #[tokio::test]
    async fn unix_socket_replaces_a_stale_file_refuses_a_live_one_and_cleans_up() {
        let path = temp_socket("lifecycle");
        // A socket file that nothing listens on any more.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        let addr = Addr::Unix(path.clone());
        let listener = addr.bind().await.expect("stale socket replaced");
        assert_eq!(
            listener.local_addr().unwrap(),
            format!("unix:{}", path.display())
        );

        let refused = addr.bind().await.unwrap_err().to_string();
        assert!(refused.contains("another server is listening"), "{refused}");
        assert!(path.exists(), "a live socket is never removed");

        drop(listener);
        assert!(!path.exists(), "the socket file goes with its listener");
    }

    #[tokio::test]
    async fn unix_socket_never_replaces_a_regular_file() {
        let path = temp_socket("regular");
        std::fs::write(&path, b"not a socket").unwrap();
        let refused = Addr::Unix(path.clone())
            .bind()
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("not a socket"), "{refused}");
        assert_eq!(std::fs::read(&path).unwrap(), b"not a socket");
        std::fs::remove_file(path).unwrap();
    }
}
