//! The open-model loop: `connections` workers share one counter of
//! requests. Each takes the next request, sleeps until it is due, sends it
//! and records its latency from when it was due, then takes the next; while
//! every worker is busy the due requests wait, and that wait counts (it is
//! part of the timeout too). No task and no lock per request: each worker
//! records into its own figures, merged for progress and at the end.

use super::Outcome;
use super::record::Recorded;
use super::schedule::Schedule;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout_at};

/// One scenario's load.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rate: f64,
    /// Sent first, not counted.
    pub warm_up: Duration,
    pub duration: Duration,
    pub timeout: Duration,
    pub connections: u32,
}

/// What the run has counted so far, once a second.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Since the start, warm-up included.
    pub elapsed: Duration,
    pub total: Duration,
    pub requests: u64,
    pub errors: u64,
    pub rate: f64,
    pub p95: Duration,
}

/// What one worker has counted, and when it last sent and was answered.
struct Counted {
    recorded: Recorded,
    last_sent: Option<Instant>,
    last_answer: Option<Instant>,
}

/// The run's plan, shared by its workers.
struct Plan {
    schedule: Schedule,
    counted_from: u64,
    total: u64,
    counted_start: Instant,
    timeout: Duration,
    next: AtomicU64,
}

/// What sends one worker's requests, one at a time: an HTTP connection,
/// or in tests any closure.
pub trait Sender: Send + 'static {
    fn send(&mut self) -> impl Future<Output = Outcome> + Send;
}

impl<F, A> Sender for F
where
    F: FnMut() -> A + Send + 'static,
    A: Future<Output = Outcome> + Send,
{
    fn send(&mut self) -> impl Future<Output = Outcome> + Send {
        self()
    }
}

/// Sends `load` with a sender from `new_sender` per worker, calling
/// `progress` about once a second.
pub async fn drive<S: Sender>(
    load: Load,
    new_sender: impl Fn() -> S,
    mut progress: impl FnMut(Progress),
) -> Recorded {
    let start = Instant::now();
    let schedule = Schedule::new(start, load.rate);
    let counted_from = schedule.count(load.warm_up);
    let plan = Arc::new(Plan {
        schedule,
        counted_from,
        total: schedule.count(load.warm_up + load.duration),
        counted_start: schedule.at(counted_from),
        timeout: load.timeout,
        next: AtomicU64::new(0),
    });
    let workers: Vec<Arc<Mutex<Counted>>> = (0..load.connections.max(1))
        .map(|_| {
            Arc::new(Mutex::new(Counted {
                recorded: Recorded::new(load.duration, load.timeout),
                last_sent: None,
                last_answer: None,
            }))
        })
        .collect();
    let mut tasks = JoinSet::new();
    for counted in &workers {
        tasks.spawn(work(Arc::clone(&plan), new_sender(), Arc::clone(counted)));
    }
    let mut next_report = start + Duration::from_secs(1);
    loop {
        tokio::select! {
            joined = tasks.join_next() => if joined.is_none() { break },
            () = sleep_until(next_report) => {
                next_report += Duration::from_secs(1);
                let (recorded, ..) = merged(&workers, load);
                progress(snapshot(&recorded, start, plan.counted_start, load));
            }
        }
    }
    let (mut recorded, last_sent, last_answer) = merged(&workers, load);
    // Throughput is over the planned duration, longer if answers came late;
    // the sending rate over the time sending took, lower if the generator
    // fell behind its schedule.
    let counted_start = plan.counted_start;
    recorded.elapsed = load.duration.max(last_answer.map_or(Duration::ZERO, |at| {
        at.saturating_duration_since(counted_start)
    }));
    let last_due = plan.schedule.at(plan.total.saturating_sub(1));
    let sent = last_sent.map_or(last_due, |at| at.max(last_due));
    let interval = Duration::from_secs_f64(1.0 / load.rate);
    recorded.sending = sent.saturating_duration_since(counted_start) + interval;
    recorded
}

/// One worker: the next request until none is left.
async fn work(plan: Arc<Plan>, mut sender: impl Sender, counted: Arc<Mutex<Counted>>) {
    let mut without_sleep = 0u32;
    loop {
        let index = plan.next.fetch_add(1, Ordering::Relaxed);
        if index >= plan.total {
            return;
        }
        let due = plan.schedule.at(index);
        if due > Instant::now() {
            sleep_until(due).await;
        } else {
            // Behind schedule, sends follow each other without a timer; a
            // yield now and then lets the runtime run the other workers.
            without_sleep = without_sleep.wrapping_add(1);
            if without_sleep.is_multiple_of(64) {
                tokio::task::yield_now().await;
            }
        }
        let sent = Instant::now();
        let outcome = timeout_at(due + plan.timeout, sender.send())
            .await
            .unwrap_or(Outcome::TimedOut);
        if index >= plan.counted_from {
            let now = Instant::now();
            let mut counted = counted.lock().unwrap_or_else(PoisonError::into_inner);
            counted
                .recorded
                .record(due - plan.counted_start, now - due, outcome);
            counted.last_sent = Some(sent);
            counted.last_answer = Some(now);
        }
    }
}

/// All workers' figures together, with the last send and answer.
fn merged(
    workers: &[Arc<Mutex<Counted>>],
    load: Load,
) -> (Recorded, Option<Instant>, Option<Instant>) {
    let mut all = Recorded::new(load.duration, load.timeout);
    let (mut last_sent, mut last_answer) = (None, None);
    for worker in workers {
        let counted = worker.lock().unwrap_or_else(PoisonError::into_inner);
        all.add(&counted.recorded);
        last_sent = last_sent.max(counted.last_sent);
        last_answer = last_answer.max(counted.last_answer);
    }
    (all, last_sent, last_answer)
}

fn snapshot(recorded: &Recorded, start: Instant, counted_start: Instant, load: Load) -> Progress {
    let now = Instant::now();
    let counted = now.saturating_duration_since(counted_start);
    let rate = if counted.is_zero() {
        0.0
    } else {
        recorded.requests() as f64 / counted.as_secs_f64()
    };
    Progress {
        elapsed: now - start,
        total: load.warm_up + load.duration,
        requests: recorded.requests(),
        errors: recorded.errors,
        rate,
        p95: recorded.quantile(0.95),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::sleep;

    fn load(rate: f64, connections: u32) -> Load {
        Load {
            rate,
            warm_up: Duration::ZERO,
            duration: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            connections,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_server_sees_the_planned_rate() {
        let recorded = drive(
            load(200.0, 8),
            || {
                || async {
                    sleep(Duration::from_millis(10)).await;
                    Outcome::Answered
                }
            },
            |_| {},
        )
        .await;
        assert_eq!(recorded.requests(), 2000);
        assert_eq!(recorded.errors, 0);
        assert_eq!(recorded.quantile(0.99).as_millis(), 10);
        assert_eq!(recorded.rate(), 200.0);
    }

    /// One connection and a server that stalls 1s once: the requests due
    /// behind it wait, and that wait counts (coordinated omission avoided).
    #[tokio::test(start_paused = true)]
    async fn a_stall_shows_in_the_percentiles_of_the_requests_behind_it() {
        let calls = Arc::new(Mutex::new(0u32));
        let sender = move || {
            let calls = Arc::clone(&calls);
            async move {
                let call = {
                    let mut calls = calls.lock().unwrap();
                    *calls += 1;
                    *calls
                };
                let took = if call == 100 { 1000 } else { 1 };
                sleep(Duration::from_millis(took)).await;
                Outcome::Answered
            }
        };
        let recorded = drive(load(100.0, 1), || sender.clone(), |_| {}).await;
        assert_eq!(recorded.requests(), 1000);
        assert!(
            recorded.max() >= Duration::from_millis(1000),
            "{:?}",
            recorded.max()
        );
        // About 100 requests were due during the stall: more than 1%.
        assert!(recorded.quantile(0.99) >= Duration::from_millis(500));
        assert!(recorded.quantile(0.5) < Duration::from_millis(5));
    }

    #[tokio::test(start_paused = true)]
    async fn warm_up_is_sent_but_not_counted_and_late_answers_time_out() {
        let mut seen = Vec::new();
        let mut plan = load(10.0, 4);
        plan.warm_up = Duration::from_secs(2);
        plan.timeout = Duration::from_millis(50);
        let recorded = drive(
            plan,
            || {
                || async {
                    sleep(Duration::from_millis(100)).await;
                    Outcome::Answered
                }
            },
            |p| seen.push(p.elapsed.as_secs()),
        )
        .await;
        assert_eq!(recorded.requests(), 100);
        assert_eq!(recorded.timeouts, 100);
        assert_eq!(recorded.error_rate(), 1.0);
        assert!(seen.len() >= 10, "{seen:?}");
    }
}
