//! A runtime of its own per core, each with one worker thread, and each connection with
//! all of its calls on one of them. h2 keeps a connection's streams behind one lock that the
//! connection's task and every call's task take for each frame; on a runtime that moves tasks
//! between cores they take it from both, and one connection of a grpc-go client lost 3 to 13% of
//! its answers to that (BENCHMARKS.md). Connections are handed round-robin, so that many keep
//! every core busy; one connection's calls share one core.

use std::{
    io,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};

use tokio::runtime::{Handle, Runtime};

/// The cores' runtimes, kept until dropped: then each ends, and with it whatever task is left
/// on it.
#[derive(Debug)]
pub(super) struct Cores {
    handles: Vec<Handle>,
    runtimes: Vec<Runtime>,
    next: AtomicUsize,
}

impl Cores {
    /// As many runtimes as `TOKIO_WORKER_THREADS` says, or as there are cores. Should they not
    /// start, connections are served on the runtime this is called on, as they were before.
    pub(super) fn start() -> Cores {
        let count = std::env::var("TOKIO_WORKER_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|&n: &usize| n > 0)
            .or_else(|| thread::available_parallelism().ok().map(usize::from))
            .unwrap_or(1);
        Cores::of(count).unwrap_or_else(|err| {
            tracing::warn!("serving every connection on one runtime: cannot start another: {err}");
            Cores {
                handles: vec![Handle::current()],
                runtimes: Vec::new(),
                next: AtomicUsize::new(0),
            }
        })
    }

    fn of(count: usize) -> io::Result<Cores> {
        let runtimes = (0..count).map(core).collect::<io::Result<Vec<_>>>()?;
        Ok(Cores {
            handles: runtimes
                .iter()
                .map(|runtime| runtime.handle().clone())
                .collect(),
            runtimes,
            next: AtomicUsize::new(0),
        })
    }

    /// The runtime the next connection goes to.
    pub(super) fn next(&self) -> &Handle {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        &self.handles[turn % self.handles.len()]
    }
}

impl Drop for Cores {
    fn drop(&mut self) {
        // Dropped inside serve's own runtime, where waiting for another is not allowed.
        for runtime in self.runtimes.drain(..) {
            runtime.shutdown_background();
        }
    }
}

/// One core's runtime: a single worker of the multi-threaded kind rather than a current-thread
/// runtime, for its LIFO slot (a call woken by the connection runs next, while its data is
/// still in cache): measured, 13% more answers under a grpc-go client's 10,000 x 20 and 4% under
/// its 1000 x 200.
fn core(number: usize) -> io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(format!("serve-{number}"))
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_go_round_every_core_and_their_tasks_run_there() {
        let cores = Cores::of(3).unwrap();
        let names: Vec<String> = (0..6)
            .map(|_| {
                let (tx, rx) = std::sync::mpsc::channel();
                cores.next().spawn(async move {
                    // A task spawned from a connection's task stays on its thread.
                    let inner = tokio::spawn(async { thread::current().name().map(String::from) });
                    let outer = thread::current().name().map(String::from);
                    tx.send((outer, inner.await.unwrap())).unwrap();
                });
                let (outer, inner) = rx.recv().unwrap();
                assert_eq!(outer, inner);
                outer.unwrap()
            })
            .collect();
        assert_eq!(
            names,
            [
                "serve-0", "serve-1", "serve-2", "serve-0", "serve-1", "serve-2"
            ]
        );
    }
}
