//! The signals that end grpc-convo: Ctrl-C (SIGINT) and SIGTERM.

use std::{fmt, io};

use nix::sys::signal::SigHandler;
use tokio::signal::unix::{self, SignalKind};

/// A signal that asked us to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    /// The shell's convention for a process ended by a signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        128 + self.number() as u8
    }

    /// SIGINT or SIGTERM.
    pub fn name(self) -> &'static str {
        self.number().as_str()
    }

    fn number(self) -> nix::sys::signal::Signal {
        match self {
            Signal::Interrupt => nix::sys::signal::Signal::SIGINT,
            Signal::Terminate => nix::sys::signal::Signal::SIGTERM,
        }
    }

    /// Ends the process by this signal, with its default action, once everything worth keeping
    /// is written. A parent must see a child killed by SIGINT, not one that exited 130: bash
    /// takes an exit as "the child handled Ctrl-C" and carries on with a loop around it. Falls
    /// back to exiting with the shell's code should the signal somehow not end the process.
    pub fn die(self) -> ! {
        let number = self.number();
        // SAFETY: restoring the default action installs no handler, so no handler code can
        // run at the wrong moment; nothing else in the process changes this disposition now.
        let restored = unsafe { nix::sys::signal::signal(number, SigHandler::SigDfl) };
        if restored.is_ok() {
            let _ = nix::sys::signal::raise(number);
        }
        std::process::exit(self.exit_code().into())
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

/// SIGINT and SIGTERM, caught from the moment this is made.
#[derive(Debug)]
pub struct Signals {
    interrupt: unix::Signal,
    terminate: unix::Signal,
}

impl Signals {
    pub fn install() -> io::Result<Signals> {
        Ok(Signals {
            interrupt: unix::signal(SignalKind::interrupt())?,
            terminate: unix::signal(SignalKind::terminate())?,
        })
    }

    /// The next SIGINT or SIGTERM.
    pub async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.interrupt.recv() => Signal::Interrupt,
            _ = self.terminate.recv() => Signal::Terminate,
        }
    }
}
