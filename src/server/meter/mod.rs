//! serve's figures for `--metrics-listen` (and proxy's, on the same connections): the counters
//! go-grpc-middleware names, which Grafana's stock gRPC dashboards read, per method; and serve's
//! own, counted where the event is (a seat refused, a process exited).
//!
//! Labels stay bounded whatever clients send: a server's methods are known when it starts, and
//! any other path is counted as `unknown`; a proxy, whose methods are its clients' to name,
//! learns at most `LEARNT` paths.

mod envelopes;
mod io;
mod layer;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use tonic::Code;

pub(super) use io::CountedIo;
pub(super) use layer::{Metered, answered, metered};

use crate::{
    error::lock,
    metrics::{CODES, Counter, Exposition, Gauge, Histogram, Kind, Source, Tally},
    schema::CallKind,
};

/// Paths a proxy gives labels of their own; later ones are counted as `unknown`.
const LEARNT: usize = 256;

/// One method's figures.
#[derive(Debug)]
pub(super) struct MethodStats {
    kind: &'static str,
    service: String,
    method: String,
    /// Its messages are counted by the conversation service as they pass; any other call's
    /// by their envelopes (`layer`).
    pub(super) by_service: bool,
    pub(super) started: Counter,
    handled: [Counter; 17],
    pub(super) received: Tally,
    pub(super) sent: Tally,
    seconds: Histogram,
}

impl MethodStats {
    fn new(path: &str, kind: Option<CallKind>, by_service: bool) -> MethodStats {
        let (service, method) = path.trim_start_matches('/').rsplit_once('/').unzip();
        MethodStats {
            kind: match kind {
                Some(CallKind::Unary) => "unary",
                Some(CallKind::ClientStreaming) => "client_stream",
                Some(CallKind::ServerStreaming) => "server_stream",
                Some(CallKind::Bidirectional) => "bidi_stream",
                None => "unknown",
            },
            service: service.unwrap_or("unknown").to_owned(),
            method: method.unwrap_or("unknown").to_owned(),
            by_service,
            started: Counter::default(),
            handled: Default::default(),
            received: Tally::default(),
            sent: Tally::default(),
            seconds: Histogram::default(),
        }
    }

    pub(super) fn handled(&self, code: Code, took: std::time::Duration) {
        self.handled[code as usize].inc();
        self.seconds.observe(took);
    }

    fn labels(&self) -> [(&str, &str); 3] {
        [
            ("grpc_type", self.kind),
            ("grpc_service", &self.service),
            ("grpc_method", &self.method),
        ]
    }
}

/// Why serve turned a connection or a call away.
#[derive(Clone, Copy, Debug)]
pub(super) enum Refusal {
    /// `--max-conversations` reached.
    Conversations,
    /// `--max-side-calls` reached.
    SideCalls,
    /// `--max-connections` reached.
    Connections,
    /// No TLS or HTTP/2 handshake within `--handshake-timeout`.
    HandshakeTimeout,
    /// A failed TLS handshake, or a first frame that is not HTTP/2's SETTINGS.
    HandshakeFailed,
    /// A message over `--max-message-size`, either way.
    MessageSize,
    /// A missing or wrong bearer token.
    Token,
}

const REFUSALS: [(Refusal, &str); 7] = [
    (Refusal::Conversations, "conversations"),
    (Refusal::SideCalls, "side_calls"),
    (Refusal::Connections, "connections"),
    (Refusal::HandshakeTimeout, "handshake_timeout"),
    (Refusal::HandshakeFailed, "handshake_failed"),
    (Refusal::MessageSize, "message_size"),
    (Refusal::Token, "token"),
];

/// The figures of one server.
#[derive(Debug)]
pub struct Metrics {
    methods: HashMap<String, Arc<MethodStats>>,
    /// A proxy's paths, learnt as calls come; `None` for a server that knows its methods.
    learnt: Option<Mutex<HashMap<String, Arc<MethodStats>>>>,
    unknown: Arc<MethodStats>,
    pub(super) connections: Gauge,
    pub(super) conversations: Gauge,
    refusals: [Counter; REFUSALS.len()],
    pub(super) received_bytes: Tally,
    pub(super) sent_bytes: Tally,
    pub(super) draining: Gauge,
    pub(super) processes: Gauge,
    /// Exit statuses ("0", "1", "SIGKILL"): 256 codes and the signals at most.
    exits: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    /// A server's figures, for the methods it serves: `(path, kind, counted by the service)`.
    pub(super) fn new<'a>(
        methods: impl IntoIterator<Item = (&'a str, Option<CallKind>, bool)>,
    ) -> Metrics {
        let methods = (methods.into_iter())
            .map(|(path, kind, by_service)| {
                let stats = MethodStats::new(path, kind, by_service);
                (path.to_owned(), Arc::new(stats))
            })
            .collect();
        Metrics {
            methods,
            learnt: None,
            unknown: Arc::new(MethodStats::new("/unknown/unknown", None, false)),
            connections: Gauge::default(),
            conversations: Gauge::default(),
            refusals: Default::default(),
            received_bytes: Tally::default(),
            sent_bytes: Tally::default(),
            draining: Gauge::default(),
            processes: Gauge::default(),
            exits: Mutex::default(),
        }
    }

    /// A proxy's figures: every path its clients call, up to `LEARNT` of them.
    pub fn for_proxy() -> Arc<Metrics> {
        let mut metrics = Metrics::new([]);
        metrics.learnt = Some(Mutex::default());
        Arc::new(metrics)
    }

    /// The figures a call of `path` is counted in.
    pub(super) fn method(&self, path: &str) -> Arc<MethodStats> {
        if let Some(stats) = self.methods.get(path) {
            return stats.clone();
        }
        let Some(learnt) = &self.learnt else {
            return self.unknown.clone();
        };
        let mut learnt = lock(learnt);
        if let Some(stats) = learnt.get(path) {
            return stats.clone();
        }
        if learnt.len() >= LEARNT || !is_method_path(path) {
            return self.unknown.clone();
        }
        let stats = Arc::new(MethodStats::new(path, None, false));
        learnt.insert(path.to_owned(), stats.clone());
        stats
    }

    pub(in crate::server) fn refused(&self, why: Refusal) {
        self.refusals[why as usize].inc();
    }

    /// A bridged process ended: `status` is its exit code or the signal that ended it.
    pub(super) fn exited(&self, status: String) {
        self.processes.dec();
        *lock(&self.exits).entry(status).or_default() += 1;
    }
}

/// `/package.Service/Method`, as a proxy may learn it.
fn is_method_path(path: &str) -> bool {
    // Protobuf's names: identifiers (a letter or _ first) joined by dots.
    let identifier = |word: &str| {
        word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && (word.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let name = |part: &str| part.split('.').all(identifier);
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts[..], ["", service, method] if name(service) && name(method))
}

impl Source for Metrics {
    fn render(&self, out: &mut Exposition) {
        let mut methods: Vec<Arc<MethodStats>> = self.methods.values().cloned().collect();
        if let Some(learnt) = &self.learnt {
            methods.extend(lock(learnt).values().cloned());
        }
        methods.sort_by(|a, b| (&a.service, &a.method).cmp(&(&b.service, &b.method)));
        methods.push(self.unknown.clone());
        render_methods(&methods, out);
        self.render_own(out);
    }
}

fn render_methods(methods: &[Arc<MethodStats>], out: &mut Exposition) {
    type Figure = fn(&MethodStats) -> u64;
    let counters: [(&str, &str, Figure); 3] = [
        (
            "grpc_server_started_total",
            "Calls started on the server.",
            |m| m.started.get(),
        ),
        (
            "grpc_server_msg_received_total",
            "Messages received from clients, as they pass.",
            |m| m.received.get(),
        ),
        (
            "grpc_server_msg_sent_total",
            "Messages sent to clients, as they pass.",
            |m| m.sent.get(),
        ),
    ];
    for (name, help, figure) in counters {
        out.family(name, Kind::Counter, help);
        for stats in methods {
            out.sample(name, &stats.labels(), figure(stats));
        }
    }
    let name = "grpc_server_handled_total";
    out.family(
        name,
        Kind::Counter,
        "Calls completed on the server, by status code.",
    );
    for stats in methods {
        for (code, count) in CODES.iter().zip(&stats.handled) {
            let [kind, service, method] = stats.labels();
            let labels = [kind, service, method, ("grpc_code", code)];
            out.sample(name, &labels, count.get());
        }
    }
    let name = "grpc_server_handling_seconds";
    out.family(
        name,
        Kind::Histogram,
        "How long calls took, from their headers to their status.",
    );
    for stats in methods {
        out.histogram(name, &stats.labels(), &stats.seconds);
    }
}

impl Metrics {
    fn render_own(&self, out: &mut Exposition) {
        let gauges: [(&str, &str, &Gauge); 4] = [
            (
                "grpc_convo_connections_open",
                "Client connections open.",
                &self.connections,
            ),
            (
                "grpc_convo_conversations_open",
                "Conversations holding a seat among --max-conversations.",
                &self.conversations,
            ),
            (
                "grpc_convo_processes_running",
                "Bridged processes running (serve -- COMMAND).",
                &self.processes,
            ),
            (
                "grpc_convo_draining",
                "1 once the server has begun to drain (SIGINT or SIGTERM).",
                &self.draining,
            ),
        ];
        for (name, help, gauge) in gauges {
            out.family(name, Kind::Gauge, help);
            out.sample(name, &[], gauge.get());
        }
        let bytes: [(&str, &str, &Tally); 2] = [
            (
                "grpc_convo_received_bytes_total",
                "Bytes read from client connections.",
                &self.received_bytes,
            ),
            (
                "grpc_convo_sent_bytes_total",
                "Bytes written to client connections.",
                &self.sent_bytes,
            ),
        ];
        for (name, help, tally) in bytes {
            out.family(name, Kind::Counter, help);
            out.sample(name, &[], tally.get());
        }
        self.render_labelled(out);
    }

    /// The counters with a label of their own: refusals by reason, exits by status.
    fn render_labelled(&self, out: &mut Exposition) {
        let name = "grpc_convo_refusals_total";
        out.family(
            name,
            Kind::Counter,
            "Connections and calls turned away, by reason.",
        );
        for ((_, reason), count) in REFUSALS.iter().zip(&self.refusals) {
            out.sample(name, &[("reason", reason)], count.get());
        }
        let name = "grpc_convo_process_exits_total";
        out.family(
            name,
            Kind::Counter,
            "Bridged processes ended, by exit status or signal.",
        );
        for (status, count) in lock(&self.exits).iter() {
            out.sample(name, &[("status", status)], count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_learns_method_paths_only_and_only_so_many() {
        let metrics = Metrics::for_proxy();
        assert_eq!(metrics.method("/a.B/C").service, "a.B");
        assert_eq!(metrics.method("/../etc").service, "unknown");
        assert_eq!(metrics.method("/a.B/C/D").service, "unknown");
        for n in 0..LEARNT {
            metrics.method(&format!("/s.S/M{n}"));
        }
        assert_eq!(metrics.method("/s.S/M0").method, "M0", "known paths stay");
        assert_eq!(metrics.method("/late.S/M").method, "unknown");
    }

    #[test]
    fn a_server_counts_any_path_it_does_not_serve_as_unknown() {
        let metrics = Metrics::new([(
            "/proto.Stream/Conversations",
            Some(CallKind::Bidirectional),
            true,
        )]);
        metrics.method("/x.Y/Z").started.inc();
        metrics.method("/proto.Stream/Conversations").started.inc();
        let mut out = Exposition::default();
        metrics.render(&mut out);
        let text = out.into_text();
        let expected = "grpc_server_started_total{grpc_type=\"unknown\",grpc_service=\"unknown\",grpc_method=\"unknown\"} 1";
        assert!(text.contains(expected), "{text}");
        let expected = "grpc_server_started_total{grpc_type=\"bidi_stream\",grpc_service=\"proto.Stream\",grpc_method=\"Conversations\"} 1";
        assert!(text.contains(expected), "{text}");
    }
}
