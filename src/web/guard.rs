//! Who may use the gateway. Every route first checks `Host` against the names the gateway
//! answers to: a page whose name was re-pointed at this machine (DNS rebinding) sends its own
//! name as Host, and its Origin matches it, so the origin check alone would let it in. Then, with
//! `--web-token-file`, `/api/*` and `/ws` need the token (as `authorization: Bearer TOKEN`, or
//! `?token=` where a browser's WebSocket cannot set headers), compared in constant time; and only
//! pages of the gateway's own origin, or of an `--allow-origin`, may open `/ws` (cross-site
//! WebSocket hijacking). The page itself is public: it asks for the token.

use std::{net::IpAddr, sync::Arc};

use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{Shared, WebConfig, metrics::Refusal};
use crate::{addr::Listener, error::lock};

pub(super) async fn check(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let refused = |why| {
        if let Some(metrics) = &shared.metrics {
            metrics.refused(why);
        }
    };
    if let Err(host) = host_allowed(&shared.hosts, request.headers()) {
        refused(Refusal::Host);
        lock(&shared.refused).note(&format!(
            "refused a request for Host {host}: not a name this gateway answers to (--allow-host)"
        ));
        let why = format!("this gateway does not answer to Host {host} (--allow-host)\n");
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    let path = request.uri().path();
    if path == "/" {
        return next.run(request).await;
    }
    if let Some(token) = &shared.config.token {
        let offered = bearer(request.headers()).or_else(|| query_token(request.uri().query()));
        if !token.admits(offered.as_deref()) {
            refused(Refusal::Token);
            return (
                StatusCode::UNAUTHORIZED,
                "a token is needed (--web-token-file)\n",
            )
                .into_response();
        }
    }
    if path == "/ws" && !origin_allowed(&shared, request.headers()) {
        refused(Refusal::Origin);
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open conversations (--allow-origin)\n",
        )
            .into_response();
    }
    next.run(request).await
}

/// The host names answered: the loopback names, the address listened on, and `--allow-host`.
pub(super) fn hosts(config: &WebConfig, listener: &Listener) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).into();
    if let Listener::Tcp(tcp) = listener
        && let Ok(addr) = tcp.local_addr()
    {
        let ip = match addr.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        hosts.push(ip);
    }
    hosts.extend(config.allow_hosts.iter().cloned());
    hosts
}

/// `Ok` when the request's Host names one of `hosts`; else the Host, for the refusal.
fn host_allowed(hosts: &[String], headers: &HeaderMap) -> Result<(), String> {
    let host = headers
        .get(header::HOST)
        .map(|host| String::from_utf8_lossy(host.as_bytes()).into_owned());
    match &host {
        Some(host) if hosts.iter().any(|name| *name == host_name(host)) => Ok(()),
        Some(host) => Err(host.clone()),
        None => Err("(none)".into()),
    }
}

/// The name in a Host header or an `--allow-host`, lower case, without its port and final dot:
/// `Example.COM.:8080` is `example.com`, `[::1]:80` is `[::1]`.
pub fn host_name(host: &str) -> String {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest
            .split_once(']')
            .map_or(host, |(ip, _)| &host[..ip.len() + 2]),
        None => host.split_once(':').map_or(host, |(name, _)| name),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn bearer(headers: &HeaderMap) -> Option<Vec<u8>> {
    headers
        .get(header::AUTHORIZATION)
        .map(|value| value.as_bytes().to_vec())
}

/// `token=...` in the query, as the `authorization` value it stands for.
fn query_token(query: Option<&str>) -> Option<Vec<u8>> {
    let token = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))?;
    Some(format!("Bearer {}", percent_decoded(token)).into_bytes())
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok());
        match (
            bytes[at],
            hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request without `Origin` comes from no web page (a script, websocat); one with it must
/// come from the gateway's own origin, as its `Host` names it, or from an allowed one.
fn origin_allowed(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    let scheme = if shared.config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let own = (headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok()))
    .map(|host| format!("{scheme}://{}", host.to_ascii_lowercase()));
    own.as_deref() == Some(origin.as_str()) || shared.config.allow_origins.contains(&origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_its_name_without_port_case_or_final_dot() {
        assert_eq!(host_name("Example.COM.:8080"), "example.com");
        assert_eq!(host_name("localhost"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "[::1]");
        assert_eq!(host_name("[::1"), "[::1");
        assert_eq!(host_name("127.0.0.1:1"), "127.0.0.1");
    }

    #[test]
    fn only_the_names_answered_pass() {
        let hosts = ["localhost".to_owned(), "[::1]".to_owned()];
        let with = |host: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, host.parse().unwrap());
            host_allowed(&hosts, &headers)
        };
        assert!(with("LOCALHOST:8080").is_ok());
        assert!(with("[::1]:9").is_ok());
        assert_eq!(with("evil.example:8080"), Err("evil.example:8080".into()));
        assert_eq!(
            with("localhost.evil.example"),
            Err("localhost.evil.example".into())
        );
        assert!(host_allowed(&hosts, &HeaderMap::new()).is_err());
    }

    #[test]
    fn a_query_token_is_percent_decoded() {
        assert_eq!(
            query_token(Some("a=1&token=s%2F3cret")).unwrap(),
            b"Bearer s/3cret"
        );
        assert_eq!(query_token(Some("token=%zz")).unwrap(), b"Bearer %zz");
        assert!(query_token(Some("tokens=x")).is_none());
        assert!(query_token(None).is_none());
    }
}
