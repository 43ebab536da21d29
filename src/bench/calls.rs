//! Slots of methods that are not bidirectional: calls one after another, each measured whole.
//! Unary: `-n` calls, latency to the answer. Server streaming: `-n` calls of one request, time
//! to the first response and to each. Client streaming: calls of `-n` questions, latency from
//! the first question to the answer. A failed call is counted by its status and the slot goes
//! on, as ghz does.

use std::sync::{Arc, atomic::Ordering};

use futures_util::{Stream, StreamExt, stream};
use tokio::time::Instant;
use tonic::Status;

use super::{Setup, plan::Plan, slot::Slot};
use crate::mapping::{Lines, Outgoing};
use crate::net::Channel;

pub(super) async fn unary(slot: &mut Slot<'_>, channel: Channel) {
    let mut i = 0;
    while let Some(due) = slot.plan.due(i).await {
        let request = slot.setup.config.call.request(slot.question(i));
        let answered = async {
            let mut grpc = slot.grpc(&channel).await?;
            let (path, codec) = (slot.setup.path.clone(), slot.setup.codec.clone());
            grpc.unary(crate::net::unary(request), path, codec).await
        };
        let ended = answered.await.map(|_| {
            slot.latency.sample(due.elapsed());
            slot.answered();
        });
        slot.called(ended);
        i += 1;
    }
}

pub(super) async fn server_streaming(slot: &mut Slot<'_>, channel: Channel) {
    let mut i = 0;
    while let Some(due) = slot.plan.due(i).await {
        let request = slot.setup.config.call.request(slot.question(i));
        let opened = async {
            let mut grpc = slot.grpc(&channel).await?;
            let (path, codec) = (slot.setup.path.clone(), slot.setup.codec.clone());
            grpc.server_streaming(request, path, codec).await
        };
        let ended = match opened.await {
            Ok(responses) => responses_of(slot, responses.into_inner(), due).await,
            Err(status) => Err(status),
        };
        slot.called(ended);
        i += 1;
    }
}

/// Takes one call's responses, timing the first and each from `due`.
async fn responses_of(
    slot: &mut Slot<'_>,
    mut responses: tonic::Streaming<Lines>,
    due: Instant,
) -> Result<(), Status> {
    let mut first = true;
    while responses.message().await?.is_some() {
        let took = due.elapsed();
        if std::mem::take(&mut first) {
            slot.latency.sample(took);
        }
        slot.each.sample(took);
        slot.answered();
    }
    Ok(())
}

pub(super) async fn client_streaming(slot: &mut Slot<'_>, channel: Channel) {
    let per_call = slot.setup.per_call;
    let mut first = 0;
    // A call starts while the run lasts, and once started sends all its questions.
    while slot.plan.more(first) {
        let due = slot.plan.wait(first).await;
        let questions = call_questions(slot, first..first + per_call);
        let request = slot.setup.config.call.request(questions);
        let answered = async {
            let mut grpc = slot.grpc(&channel).await?;
            let (path, codec) = (slot.setup.path.clone(), slot.setup.codec.clone());
            grpc.client_streaming(request, path, codec).await
        };
        let ended = answered.await.map(|_| {
            slot.latency.sample(due.elapsed());
            slot.answered();
        });
        slot.called(ended);
        first += per_call;
    }
}

/// The questions of one client-streaming call, each at its time on the schedule.
fn call_questions(
    slot: &Slot<'_>,
    tickets: std::ops::Range<u64>,
) -> impl Stream<Item = Outgoing> + Send + 'static {
    let (n, plan, sent): (usize, Plan, _) = (slot.n, slot.plan, slot.sent.clone());
    let setup: Arc<Setup> = slot.setup.clone();
    stream::iter(tickets).then(move |i| {
        let (setup, sent) = (setup.clone(), sent.clone());
        async move {
            plan.wait(i).await;
            sent.fetch_add(1, Ordering::Relaxed);
            setup.questions.get(n, i, setup.config.conversations)
        }
    })
}
