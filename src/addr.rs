//! Addresses as users write them (`:8000`, `host:port`, `[::1]:8000`), parsed once and then bound
//! (serve) or connected to (ask), so both sides accept exactly the same forms.

use std::{fmt, io, net::SocketAddr, str::FromStr};

use tokio::net::TcpListener;

/// A parsed `--addr`. The host is kept as written so that names are resolved at bind or connect
/// time, and so that errors can quote what the user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addr {
    /// Empty for the Go form `:PORT`, which means every interface when listening and this machine
    /// when connecting.
    host: String,
    port: u16,
}

impl Addr {
    /// The host name or IP literal, without IPv6 brackets; empty for `:PORT`.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Binds a listener. Names may resolve to several addresses: the first that binds wins, as
    /// Go's `net.Listen` does. `:PORT` prefers the dual-stack `[::]` and falls back to `0.0.0.0`
    /// on machines without IPv6.
    pub async fn bind(&self) -> Result<TcpListener, BindError> {
        let candidates: Vec<SocketAddr> = if self.host.is_empty() {
            vec![
                SocketAddr::from(([0u16; 8], self.port)),
                SocketAddr::from(([0u8; 4], self.port)),
            ]
        } else {
            tokio::net::lookup_host((self.host.as_str(), self.port))
                .await
                .map_err(|source| self.bind_error(source))?
                .collect()
        };
        let mut last = io::Error::new(io::ErrorKind::NotFound, "name resolved to no address");
        for candidate in candidates {
            match TcpListener::bind(candidate).await {
                Ok(listener) => return Ok(listener),
                Err(err) => last = err,
            }
        }
        Err(self.bind_error(last))
    }

    fn bind_error(&self, source: io::Error) -> BindError {
        BindError {
            addr: self.clone(),
            source,
        }
    }

    /// The `http://` URI a client connects to. `:PORT` dials this machine, as Go's `net.Dial` does.
    pub fn uri(&self) -> String {
        let host = match self.host.as_str() {
            "" => "localhost",
            host => host,
        };
        if host.contains(':') {
            format!("http://[{host}]:{}", self.port)
        } else {
            format!("http://{host}:{}", self.port)
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
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
        let expected = || {
            AddrParseError(format!(
                "'{s}' is not an address: expected HOST:PORT, :PORT or [IPV6]:PORT"
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
        Ok(Addr {
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

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!((parse(":8000").host(), parse(":8000").port()), ("", 8000));
        assert_eq!(parse("0.0.0.0:8000").host(), "0.0.0.0");
        assert_eq!(parse("localhost:1").host(), "localhost");
        assert_eq!(parse("[::1]:8000").host(), "::1");
        assert_eq!(parse("127.0.0.1:0").port(), 0);
    }

    #[test]
    fn display_round_trips() {
        for s in [":8000", "0.0.0.0:8000", "example.com:443", "[::1]:0"] {
            assert_eq!(parse(s).to_string(), s);
        }
    }

    #[test]
    fn uri_brackets_ipv6_and_dials_localhost_for_bare_port() {
        assert_eq!(parse("[::1]:9").uri(), "http://[::1]:9");
        assert_eq!(parse(":9").uri(), "http://localhost:9");
        assert_eq!(parse("10.0.0.1:9").uri(), "http://10.0.0.1:9");
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
        ] {
            let err = input.parse::<Addr>().unwrap_err().to_string();
            assert!(err.contains(fragment), "{input:?} gave {err:?}");
        }
    }

    #[tokio::test]
    async fn binds_port_zero_and_reports_the_real_port() {
        let listener = parse("127.0.0.1:0").bind().await.unwrap();
        assert_ne!(listener.local_addr().unwrap().port(), 0);
    }

    #[tokio::test]
    async fn bind_error_names_the_address() {
        let taken = parse("127.0.0.1:0").bind().await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = parse(&format!("127.0.0.1:{port}"))
            .bind()
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")),
            "{message}"
        );
    }
}
