//! The signals that end grpc-convo: Ctrl-C (SIGINT) and SIGTERM, as one future.

use std::{fmt, future::Future, io};

use tokio::signal::unix::{SignalKind, signal};

/// A signal that asked us to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    /// The shell's convention for a process ended by a signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Interrupt => "interrupted",
            Signal::Terminate => "terminated",
        })
    }
}

impl std::error::Error for Signal {}

/// Installs the handlers now, so that a signal arriving at any later moment is caught, and
/// returns a future that completes with the first SIGINT or SIGTERM.
pub fn stop() -> io::Result<impl Future<Output = Signal>> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => Signal::Interrupt,
            _ = terminate.recv() => Signal::Terminate,
        }
    })
}
