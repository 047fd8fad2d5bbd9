//! Ctrl-C (SIGINT) and SIGTERM, listened to from the start of a command so
//! that none is lost between two waits. Tests send theirs through a channel.

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

pub struct Interrupts {
    source: Source,
}

enum Source {
    Signals {
        interrupt: Signal,
        terminate: Signal,
    },
    Channel(mpsc::UnboundedReceiver<()>),
}

impl Interrupts {
    pub fn listen() -> std::io::Result<Interrupts> {
        Ok(Interrupts {
            source: Source::Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            },
        })
    }

    /// Interrupts that come when the sender sends one (for tests).
    pub fn channel() -> (mpsc::UnboundedSender<()>, Interrupts) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let interrupts = Interrupts {
            source: Source::Channel(receiver),
        };
        (sender, interrupts)
    }

    /// Waits for the next Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        match &mut self.source {
            Source::Signals {
                interrupt,
                terminate,
            } => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            Source::Channel(receiver) => {
                if receiver.recv().await.is_none() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}
