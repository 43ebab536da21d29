//! Who may use the gateway: with `--web-token-file`, `/api/*` and `/ws` need the token (as
//! `authorization: Bearer TOKEN`, or `?token=` where a browser's WebSocket cannot set headers),
//! compared in constant time; and only pages of the gateway's own origin, or of an
//! `--allow-origin`, may open `/ws` (cross-site WebSocket hijacking). The page itself is public:
//! it asks for the token.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::Shared;

pub(super) async fn check(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == "/" {
        return next.run(request).await;
    }
    if let Some(token) = &shared.config.token {
        let offered = bearer(request.headers()).or_else(|| query_token(request.uri().query()));
        if !token.admits(offered.as_deref()) {
            return (
                StatusCode::UNAUTHORIZED,
                "a token is needed (--web-token-file)\n",
            )
                .into_response();
        }
    }
    if path == "/ws" && !origin_allowed(&shared, request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open conversations (--allow-origin)\n",
        )
            .into_response();
    }
    next.run(request).await
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
