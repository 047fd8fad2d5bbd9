//! exo's load generator: an open model (constant arrival rate), as wrk2
//! and k6's `constant-arrival-rate` executor have it. Request `i` is due at
//! `start + i / rate` whatever the server does, and its latency counts from
//! then, so time spent waiting for a connection or behind a stalled request
//! shows in the percentiles (no coordinated omission). Memory is bounded:
//! latencies go into an HdrHistogram, latency over time into one bucket per
//! second, and at most `connections` requests are in flight.

mod generator;
mod http;
mod record;
mod schedule;

pub use generator::{Load, Progress, Sender, drive};
pub use http::{Connection, HttpError, HttpTarget};
pub use record::{Recorded, Second};
pub use schedule::Schedule;

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx or 3xx answer.
    Answered,
    /// Any other status.
    Status(u16),
    /// No connection, or it broke.
    Failed,
    /// No answer within the timeout.
    TimedOut,
}

impl Outcome {
    pub fn is_error(self) -> bool {
        self != Outcome::Answered
    }
}
