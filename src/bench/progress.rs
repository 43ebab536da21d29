//! A progress bar on stderr while the run goes on, when stderr is a terminal: answers of the
//! conversations, or calls made, against what the run will make; or time, for a `--duration`.

use std::{
    io::IsTerminal,
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use indicatif::{ProgressBar, ProgressStyle};

use super::{Length, Setup, Shared};
use crate::schema::CallKind;

pub(super) struct Progress {
    bar: Option<ProgressBar>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    pub(super) fn start(setup: &Setup, shared: Arc<Shared>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                ticker: None,
            };
        }
        let counted = match setup.kind {
            CallKind::Bidirectional => "answers",
            _ => "calls",
        };
        let slots = setup.config.conversations as u64;
        let (bar, template) = match setup.length {
            // A client-streaming slot makes one call of its count.
            Length::Count(_) if setup.kind == CallKind::ClientStreaming => (
                ProgressBar::new(slots),
                format!("{{bar:40}} {{pos}}/{{len}} {counted}, {{per_sec}}, eta {{eta}}"),
            ),
            Length::Count(count) => (
                ProgressBar::new(count * slots),
                format!("{{bar:40}} {{pos}}/{{len}} {counted}, {{per_sec}}, eta {{eta}}"),
            ),
            Length::Duration(duration) => (
                ProgressBar::new(duration.as_millis() as u64),
                "{bar:40} {msg}".to_owned(),
            ),
        };
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let by_time = matches!(setup.length, Length::Duration(_));
        let calls = setup.kind != CallKind::Bidirectional;
        let ticking = bar.clone();
        let ticker = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let done = match calls {
                    true => shared.calls.load(Ordering::Relaxed),
                    false => shared.answers.load(Ordering::Relaxed),
                };
                if by_time {
                    ticking.set_position(shared.started.elapsed().as_millis() as u64);
                    ticking.set_message(format!("{done} {counted}"));
                } else {
                    ticking.set_position(done);
                }
            }
        });
        Progress {
            bar: Some(bar),
            ticker: Some(ticker),
        }
    }

    pub(super) fn finish(self) {
        if let Some(ticker) = self.ticker {
            ticker.abort();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
