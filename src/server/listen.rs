//! The server's life: listen, serve until told to stop, drain, close. Health and reflection run
//! beside the conversation service, so that load balancers, probes and tools such as grpcurl
//! know what the server is.

use std::{
    convert::Infallible,
    future::Future,
    sync::{Arc, atomic::AtomicU64},
    time::Duration,
};

use futures_util::FutureExt as _;
use tokio::sync::Semaphore;
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};
use tonic::{
    Request, Status,
    body::Body,
    codegen::http,
    server::NamedService,
    service::AxumBody,
    service::{Routes, interceptor::InterceptedService},
};
use tonic_health::{
    ServingStatus,
    pb::health_server::{Health, HealthServer},
    server::HealthReporter,
};
use tonic_reflection::pb::{
    v1::server_reflection_server::ServerReflectionServer as ReflectionV1,
    v1alpha::server_reflection_server::ServerReflectionServer as ReflectionV1Alpha,
};
use tower::ServiceExt as _;

use super::{
    Config, accept,
    bridge::{Bridged, Bridges, Route},
    compress::compressed,
    conversation::{Service, check_token, peer, tutorial_shape},
    cores::Cores,
    cutoff::{CallRules, Conversations, Stop},
    direct::Direct,
    exchange::Routing,
    memory,
    meter::{Metered, Metrics},
    replay::{Replays, replay},
    respond::Responder,
    translate::{Origins, Schemas, Web},
};
use crate::{
    addr::Listener, proto, proto::stream_server::StreamServer, schema::CallKind, token::Token,
    tutorial,
};

/// How long connections may take to close once no conversation is left: long enough to flush
/// the last answers to a slow reader, short enough not to hold up a restart.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// The service name health checks ask about, besides "" for the whole server.
const SERVICE_NAME: &str = <StreamServer<Service> as NamedService>::NAME;

/// Serves conversations on `listener` until `shutdown` completes, then drains: health turns
/// NOT_SERVING, no new connection or conversation is accepted, conversations in progress may
/// finish within `config.grace`, and those still going then end with UNAVAILABLE. Once every
/// connection has closed (or `CLOSE_LIMIT` after the last conversation ended) it waits for the
/// responder to finish what it started. `abort` cuts all that short: the responder stops
/// whatever it runs, and this returns at once.
pub async fn run(
    listener: Listener,
    config: Config,
    responder: Arc<dyn Responder>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    abort: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    // Kept until the responder has finished: its processes' reapers run on the cores.
    let cores = Arc::new(Cores::start());
    let served = async {
        let served = serve(listener, config, responder.clone(), shutdown, cores.clone()).await;
        responder.finish().await;
        served
    };
    tokio::select! {
        served = served => served,
        () = abort => {
            tracing::warn!("stopping without waiting for conversations");
            responder.abort();
            Ok(())
        }
    }
}

async fn serve(
    listener: Listener,
    config: Config,
    responder: Arc<dyn Responder>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    cores: Arc<Cores>,
) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(config.max_conversations as usize));
    let (stop, idle) = (Stop::default(), memory::IdleNotice::default());
    let _trimmer = trimmer(&idle, &slots, &config);
    let (mut health, health_service) = tonic_health::server::health_reporter();
    let served_names = served_names(&config);
    set_health(&health, &served_names, ServingStatus::Serving).await;
    let draining = CancellationToken::new();
    let signal = {
        let (draining, health, names) = (draining.clone(), health.clone(), served_names.clone());
        let metrics = config.metrics.clone();
        shutdown.then(move |()| {
            if let Some(metrics) = metrics {
                metrics.draining.set(1);
            }
            begin_drain(draining, health, names)
        })
    };
    let service = Arc::new(Service {
        responder,
        stop: stop.clone(),
        next_id: AtomicU64::new(1),
        slots: slots.clone(),
        idle: idle.clone(),
        tutorial_shape: tutorial_shape(config.max_message_size),
        config: config.clone(),
    });
    let routes = routing(&config, health_service, service)?;
    let (limits, closed) = (
        limits(&config, call_rules(&config, &stop), idle, cores),
        CancellationToken::new(),
    );
    let accepting = accept::serve(routes, listener, limits, signal, closed.clone());
    tokio::pin!(accepting);
    let drain = async {
        draining.cancelled().await;
        drain(&slots, &stop, &config).await;
        // Health watchers hold their connections open; ending their streams lets them close.
        for name in &served_names {
            health.clear_service_status(name).await;
        }
        tokio::time::sleep(CLOSE_LIMIT).await;
    };
    tokio::select! {
        () = &mut accepting => {}
        () = drain => {
            tracing::warn!("connections still open {CLOSE_LIMIT:?} after the drain; closing them");
            closed.cancel();
            accepting.await;
        }
    }
    Ok(())
}

/// Health turns NOT_SERVING, then the drain begins.
async fn begin_drain(draining: CancellationToken, health: HealthReporter, names: Vec<String>) {
    tracing::info!("shutting down: draining conversations in progress");
    set_health(&health, &names, ServingStatus::NotServing).await;
    draining.cancel();
}

/// Gives memory back once no conversation is left.
fn trimmer(
    idle: &memory::IdleNotice,
    slots: &Arc<Semaphore>,
    config: &Config,
) -> AbortOnDropHandle<()> {
    let (slots, max) = (slots.clone(), config.max_conversations as usize);
    let busy = move || slots.available_permits() < max;
    AbortOnDropHandle::new(tokio::spawn(idle.clone().trim_when_idle(busy)))
}

fn call_rules(config: &Config, stop: &Stop) -> Arc<CallRules> {
    Arc::new(CallRules {
        stop: stop.clone(),
        idle_timeout: config.idle_timeout,
        side_idle: config.side_call_idle,
        side_seats: Arc::new(Semaphore::new(config.max_side_calls as usize)),
        max_side_calls: config.max_side_calls,
        conversations: Conversations::Paths(conversation_paths(config)),
        refused: Default::default(),
        metrics: config.metrics.clone(),
    })
}

/// The paths of the conversation routes; every other call is a side call (`cutoff.rs`).
fn conversation_paths(config: &Config) -> Vec<String> {
    if let Some(replays) = &config.replay {
        return (replays.methods().iter())
            .map(|method| format!("/{method}"))
            .collect();
    }
    match &config.bridges {
        Some(bridges) => (bridges.methods.iter())
            .map(|method| format!("/{}", method.name))
            .collect(),
        None => vec![format!("/{}", tutorial::METHOD)],
    }
}

/// The figures of a server with `config`'s methods: conversations, health and reflection
/// (`--metrics-listen`).
pub fn metrics(config: &Config) -> Arc<Metrics> {
    use crate::schema::CallKind::{Bidirectional, ServerStreaming, Unary};
    let mut methods: Vec<(String, Option<CallKind>, bool)> = vec![
        ("/grpc.health.v1.Health/Check".into(), Some(Unary), false),
        (
            "/grpc.health.v1.Health/Watch".into(),
            Some(ServerStreaming),
            false,
        ),
    ];
    if config.reflection {
        for version in ["v1", "v1alpha"] {
            let path = format!("/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo");
            methods.push((path, Some(Bidirectional), false));
        }
    }
    match (&config.replay, &config.bridges) {
        // Replayed calls' messages are counted by their envelopes.
        (Some(replays), _) => methods.extend(
            (replays.methods().into_iter())
                .map(|method| (format!("/{method}"), replays.kind(&method), false)),
        ),
        (None, Some(bridges)) => methods.extend(
            (bridges.methods.iter())
                .map(|method| (format!("/{}", method.name), Some(method.kind), true)),
        ),
        (None, None) => methods.push((format!("/{}", tutorial::METHOD), Some(Bidirectional), true)),
    }
    let methods = methods
        .iter()
        .map(|(path, kind, by_service)| (path.as_str(), *kind, *by_service));
    Arc::new(Metrics::new(methods))
}

/// Health's names: "" for the whole server, and each service served.
fn served_names(config: &Config) -> Vec<String> {
    let services = match (&config.replay, &config.bridges) {
        (Some(replays), _) => replays.services(),
        (None, Some(bridges)) => bridges.services(),
        (None, None) => vec![SERVICE_NAME.to_owned()],
    };
    [String::new()].into_iter().chain(services).collect()
}

/// Where calls go: the tutorial's conversations on the call's own loop, unless bridged; health,
/// reflection, bridges and compressed conversations through tonic.
fn routing<H: Health>(
    config: &Config,
    health: HealthServer<H>,
    service: Arc<Service>,
) -> anyhow::Result<Routing> {
    let health = compressed(
        health,
        config,
        HealthServer::accept_compressed,
        HealthServer::send_compressed,
    );
    let direct = match (&config.replay, &config.bridges) {
        (Some(_), _) => Direct::bridged(service.clone(), &[]),
        (None, None) => Direct::tutorial(service.clone()),
        (None, Some(bridges)) => {
            Direct::bridged(service.clone(), &bridge_routes(bridges, &service))
        }
    };
    let web = Web {
        schemas: Arc::new(Schemas::of(config)),
        origins: Arc::new(Origins(config.allow_origins.clone())),
        limit: config.max_message_size,
    };
    let routes = routes(config, Routes::new(health), service)?;
    Ok(Routing {
        routes: Metered::new(routes, config.metrics.clone()),
        direct: Some(direct),
        web: Some(web),
    })
}

/// A route for each bridged method.
fn bridge_routes(bridges: &Bridges, service: &Arc<Service>) -> Vec<Route> {
    let route = |method: &Bridged| Route {
        method: Arc::new(method.clone()),
        service: service.clone(),
    };
    bridges.methods.iter().map(route).collect()
}

/// Health, reflection, and the conversations: the tutorial's service, or a route for each
/// bridged method (a path known only at run time), each behind the token check.
fn routes(config: &Config, mut routes: Routes, service: Arc<Service>) -> anyhow::Result<Routes> {
    if config.reflection {
        routes = routes
            .add_service(compressed(
                reflection(config).build_v1()?,
                config,
                ReflectionV1::accept_compressed,
                ReflectionV1::send_compressed,
            ))
            .add_service(compressed(
                reflection(config).build_v1alpha()?,
                config,
                ReflectionV1Alpha::accept_compressed,
                ReflectionV1Alpha::send_compressed,
            ));
    }
    let authorize = || authorize(config.token.clone(), config.metrics.clone());
    if let Some(replays) = &config.replay {
        return Ok(replay_routes(routes, replays, service, authorize()));
    }
    let Some(bridges) = &config.bridges else {
        let server = StreamServer::from_arc(service);
        let server = compressed(
            server,
            config,
            StreamServer::accept_compressed,
            StreamServer::send_compressed,
        )
        .max_decoding_message_size(config.max_message_size)
        // Answers are checked against the limit before they are encoded, with a clearer
        // status than tonic's own; this only keeps tonic from refusing what we allowed.
        .max_encoding_message_size(usize::MAX);
        let routes = routes.add_service(InterceptedService::new(server, authorize()));
        return Ok(not_served(routes, &[tutorial::METHOD.to_owned()]));
    };
    let mut router = routes.into_axum_router();
    for route in bridge_routes(bridges, &service) {
        let path = route.path();
        let route = InterceptedService::new(route, authorize())
            .map_request(|request: http::Request<AxumBody>| request.map(Body::new));
        router = router.route_service(&path, route);
    }
    let served: Vec<String> = bridges.methods.iter().map(|m| m.name.to_string()).collect();
    Ok(not_served(Routes::from(router), &served))
}

/// A route for each recorded method, behind the token check as conversations are.
fn replay_routes(
    routes: Routes,
    replays: &Arc<Replays>,
    service: Arc<Service>,
    authorize: impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone + Send + Sync + 'static,
) -> Routes {
    let mut router = routes.into_axum_router();
    for method in replays.methods() {
        let (replays, service) = (replays.clone(), service.clone());
        let route = tower::service_fn(move |request: http::Request<Body>| {
            let played = replay(replays.clone(), service.clone(), request);
            played.map(Ok::<_, Infallible>)
        });
        let route = InterceptedService::new(route, authorize.clone())
            .map_request(|request: http::Request<AxumBody>| request.map(Body::new));
        router = router.route_service(&format!("/{method}"), route);
    }
    not_served(Routes::from(router), &replays.methods())
}

/// A call to any other path is UNIMPLEMENTED, as tonic answers it, but saying what is served
/// instead of nothing: a method of a bridged service left out of --method is an easy slip.
fn not_served(routes: Routes, served: &[String]) -> Routes {
    let served: Arc<str> = served.join(", ").into();
    let answer = tower::service_fn(move |request: http::Request<AxumBody>| {
        let path = request.uri().path().trim_start_matches('/').to_owned();
        let message = format!("{path} is not served here; served: {served}");
        async move { Ok::<_, Infallible>(Status::unimplemented(message).into_http::<Body>()) }
    });
    Routes::from(routes.into_axum_router().fallback_service(answer))
}

/// Admits a conversation that carries `authorization: Bearer <token>`. Health and reflection are
/// not behind it: probes and tools must see the server without a secret.
fn authorize(
    token: Option<Token>,
    metrics: Option<Arc<Metrics>>,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |request: Request<()>| {
        let metrics = metrics.as_deref();
        check_token(token.as_ref(), request.metadata(), peer(&request), metrics)?;
        Ok(request)
    }
}

/// Lets conversations in progress finish within the grace, then ends the rest.
async fn drain(slots: &Semaphore, stop: &Stop, config: &Config) {
    let max = config.max_conversations;
    if tokio::time::timeout(config.grace, slots.acquire_many(max))
        .await
        .is_err()
    {
        let left = max as usize - slots.available_permits();
        tracing::warn!(
            "grace of {} over: ending {left} conversations with UNAVAILABLE",
            humantime::format_duration(config.grace)
        );
        stop.set();
    }
}

fn limits(
    config: &Config,
    calls: Arc<CallRules>,
    idle: memory::IdleNotice,
    cores: Arc<Cores>,
) -> accept::Limits {
    accept::Limits {
        cores,
        trim: Some(idle),
        max_connections: config.max_connections,
        handshake_timeout: config.handshake_timeout,
        max_streams: config.max_conversations_per_connection,
        keepalive: (!config.keepalive.is_zero()).then_some(config.keepalive),
        tls: config.tls.clone(),
        calls,
    }
}

async fn set_health(health: &HealthReporter, names: &[String], status: ServingStatus) {
    for name in names {
        health.set_service_status(name, status).await;
    }
}

/// The services reflection lists besides the user's.
const LISTED: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// Reflection knows the services served and the health service: the tutorial's, or the user's
/// files, listing only the services with a bridged method.
fn reflection(config: &Config) -> tonic_reflection::server::Builder<'static> {
    let builder = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
    if let Some(replays) = &config.replay {
        let listed = replays
            .services()
            .into_iter()
            .chain(LISTED.map(str::to_owned));
        return listed.fold(
            builder.register_file_descriptor_set(replays.files()),
            |builder, name| builder.with_service_name(name),
        );
    }
    let Some(bridges) = &config.bridges else {
        return builder.register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET);
    };
    let names = bridges
        .services()
        .into_iter()
        .chain(LISTED.map(str::to_owned));
    names.fold(
        builder.register_file_descriptor_set(bridges.files.clone()),
        |builder, name| builder.with_service_name(name),
    )
}
