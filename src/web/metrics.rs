//! web's figures for `--metrics-listen`: sockets open, conversations, requests turned away by
//! reason, and the upstream's failed calls by code (grpc-go's names, as serve's metrics have
//! them).

use tonic::Code;

use crate::metrics::{CODES, Counter, Exposition, Gauge, Kind, Source};

/// Why web turned a request or a conversation away.
#[derive(Clone, Copy, Debug)]
pub(super) enum Refusal {
    /// `Origin` not the page's own nor `--allow-origin`.
    Origin,
    /// A missing or wrong `--web-token-file` token.
    Token,
    /// A `Host` not answered (`--allow-host`): DNS rebinding, or a misdirected request.
    Host,
    /// `--max-conversations` reached.
    Busy,
    /// `--max-connections` reached.
    Connections,
}

const REFUSALS: [(Refusal, &str); 5] = [
    (Refusal::Origin, "origin"),
    (Refusal::Token, "token"),
    (Refusal::Host, "host"),
    (Refusal::Busy, "busy"),
    (Refusal::Connections, "connections"),
];

#[derive(Debug, Default)]
pub struct WebMetrics {
    pub(super) sockets: Gauge,
    pub(super) conversations: Counter,
    refusals: [Counter; REFUSALS.len()],
    upstream_errors: [Counter; 17],
}

impl WebMetrics {
    pub(super) fn refused(&self, why: Refusal) {
        self.refusals[why as usize].inc();
    }

    /// A conversation the upstream ended with `code`, or could not begin.
    pub(super) fn upstream_failed(&self, code: Code) {
        if code != Code::Ok {
            self.upstream_errors[code as usize].inc();
        }
    }
}

/// A WebSocket counted among those open while it lasts.
pub(super) struct OpenSocket<'a>(pub(super) Option<&'a WebMetrics>);

impl OpenSocket<'_> {
    pub(super) fn counted(self) -> Self {
        if let Some(metrics) = self.0 {
            metrics.sockets.inc();
        }
        self
    }
}

impl Drop for OpenSocket<'_> {
    fn drop(&mut self) {
        if let Some(metrics) = self.0 {
            metrics.sockets.dec();
        }
    }
}

impl Source for WebMetrics {
    fn render(&self, out: &mut Exposition) {
        let name = "grpc_convo_web_sockets_open";
        out.family(name, Kind::Gauge, "WebSockets open, each a conversation.");
        out.sample(name, &[], self.sockets.get());
        let name = "grpc_convo_web_conversations_total";
        out.family(
            name,
            Kind::Counter,
            "Conversations begun (a method asked for on a socket).",
        );
        out.sample(name, &[], self.conversations.get());
        let name = "grpc_convo_web_refusals_total";
        out.family(
            name,
            Kind::Counter,
            "Requests and conversations turned away, by reason.",
        );
        for ((_, reason), count) in REFUSALS.iter().zip(&self.refusals) {
            out.sample(name, &[("reason", reason)], count.get());
        }
        let name = "grpc_convo_web_upstream_errors_total";
        out.family(
            name,
            Kind::Counter,
            "Conversations the upstream failed, by status code.",
        );
        for (code, count) in CODES.iter().zip(&self.upstream_errors).skip(1) {
            out.sample(name, &[("grpc_code", code)], count.get());
        }
    }
}
