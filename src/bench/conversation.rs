//! A bidirectional slot: one conversation of pipelined (or lockstep) questions, answer k matched
//! to question k for its latency.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use futures_util::{FutureExt, Stream, stream};
use tokio::{sync::mpsc, time::Instant};
use tonic::{Status, Streaming};

use super::{Setup, plan::Plan, slot::Slot};
use crate::{
    lockstep::Lockstep,
    mapping::{Lines, Outgoing},
    net::Channel,
    tutorial,
};

/// Holds the slot's conversation from its first question to its status.
pub(super) async fn hold(slot: &mut Slot<'_>, channel: Channel) {
    let lockstep = Arc::new(Lockstep::new(slot.setup.config.lockstep));
    // When each question went out (or was due), for the answer that comes back in its place.
    let (stamps, mut sent_at) = mpsc::unbounded_channel::<Instant>();
    let questions = Asking {
        n: slot.n,
        plan: slot.plan,
        setup: slot.setup.clone(),
        lockstep: lockstep.clone(),
        sent: slot.sent.clone(),
        stamps,
    };
    let opened = async {
        let mut grpc = slot.grpc(&channel).await?;
        let request = slot.setup.config.call.request(questions.stream());
        let path = slot.setup.path.clone();
        let answers = grpc
            .streaming(request, path, slot.setup.codec.clone())
            .await?;
        Ok::<_, Status>(answers.into_inner())
    };
    let ended = match opened.await {
        Ok(answers) => listen(slot, answers, &lockstep, &mut sent_at).await,
        Err(status) => Err(status),
    };
    match ended {
        Ok(()) => check_pairing(slot),
        Err(status) => slot.failed(&status),
    }
}

/// A conversation that ended well must have had `--answers-per-question` answers to each
/// question; otherwise answer k was not the answer to question k and its latency means nothing.
fn check_pairing(slot: &mut Slot<'_>) {
    let sent = slot.sent.load(Ordering::Relaxed);
    let answers = slot.outcome.answers;
    if answers != sent * slot.setup.config.answers_per_question {
        slot.outcome.unpaired = Some((sent, answers));
        if let Some(live) = &slot.shared.live {
            live.unpaired.inc();
        }
    }
}

/// Takes the answers as they come: their latency, their count and, with `--check`, their text.
async fn listen(
    slot: &mut Slot<'_>,
    mut answers: Streaming<Lines>,
    lockstep: &Lockstep,
    sent_at: &mut mpsc::UnboundedReceiver<Instant>,
) -> Result<(), Status> {
    let per_question = slot.setup.config.answers_per_question;
    // The question the answers coming now belong to: the next one's stamp is taken at the
    // first of its answers.
    let mut asked = None;
    loop {
        let next = match answers.message().now_or_never() {
            Some(next) => next?,
            None => {
                // Idle: an interval that ends now must have this conversation's samples.
                if slot.shared.window.is_some() {
                    slot.latency.hand_over();
                }
                answers.message().await?
            }
        };
        let Some(answer) = next else {
            return Ok(());
        };
        let k = slot.outcome.answers;
        if k.is_multiple_of(per_question) {
            asked = sent_at.try_recv().ok();
        }
        if let Some(stamp) = asked {
            slot.latency
                .sample(Instant::now().saturating_duration_since(stamp));
        }
        if slot.setup.config.check {
            check(slot, &answer);
        }
        slot.answered();
        if (k + 1).is_multiple_of(per_question) {
            lockstep.answered();
        }
    }
}

/// Counts a mismatch if `answer` is not the echo server's answer to its question.
fn check(slot: &mut Slot<'_>, answer: &Lines) {
    let k = slot.outcome.answers;
    let setup = slot.setup;
    let asked = setup.questions.text(slot.n, k, setup.config.conversations);
    if answer.first() != Some(tutorial::answer(k + 1, &asked).as_bytes()) {
        slot.outcome.mismatches += 1;
        if let Some(live) = &slot.shared.live {
            live.mismatches.inc();
        }
    }
}

/// What the conversation's request stream needs, owned, for tonic to poll.
struct Asking {
    n: usize,
    plan: Plan,
    setup: Arc<Setup>,
    lockstep: Arc<Lockstep>,
    sent: Arc<AtomicU64>,
    stamps: mpsc::UnboundedSender<Instant>,
}

impl Asking {
    /// Each question sent on its turn and time, its stamp to `stamps`.
    fn stream(self) -> impl Stream<Item = Outgoing> + Send + 'static {
        let questions = Arc::new(self);
        stream::unfold(0u64, move |i| {
            let questions = questions.clone();
            async move {
                questions.lockstep.take_turn().await;
                let stamp = questions.plan.due(i).await?;
                let _ = questions.stamps.send(stamp);
                questions.sent.fetch_add(1, Ordering::Relaxed);
                let setup = &questions.setup;
                let question = setup
                    .questions
                    .get(questions.n, i, setup.config.conversations);
                Some((question, i + 1))
            }
        })
    }
}
