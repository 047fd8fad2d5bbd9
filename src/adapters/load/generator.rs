//! The open-model loop: it sleeps until each request is due, starts it in
//! its own task and never waits for answers. A task waits for one of
//! `connections` slots, sends, and records its latency from when it was
//! due; the wait for the slot is part of the timeout.

use super::Outcome;
use super::record::Recorded;
use super::schedule::Schedule;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Semaphore;
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

/// Sends `load` with `send`, calling `progress` about once a second.
pub async fn drive<S, F>(load: Load, send: S, mut progress: impl FnMut(Progress)) -> Recorded
where
    S: Fn() -> F + Send + Sync + 'static,
    F: Future<Output = Outcome> + Send + 'static,
{
    let start = Instant::now();
    let schedule = Schedule::new(start, load.rate);
    let counted_from = schedule.count(load.warm_up);
    let total = schedule.count(load.warm_up + load.duration);
    let counted_start = schedule.at(counted_from);
    // The figures and the time of the last answer, under one lock.
    let counted = Recorded::new(load.duration, load.timeout);
    let recorded = Arc::new(Mutex::new((counted, counted_start)));
    let slots = Arc::new(Semaphore::new(load.connections as usize));
    let send = Arc::new(send);
    let mut tasks = JoinSet::new();
    let mut next_report = start + Duration::from_secs(1);
    for index in 0..total {
        let due = schedule.at(index);
        // A request already due is sent at once, without a timer; a yield
        // now and then lets the runtime run the tasks meanwhile.
        if due > Instant::now() {
            sleep_until(due).await;
        } else if index % 64 == 0 {
            tokio::task::yield_now().await;
        }
        let (send, slots, into) = (Arc::clone(&send), Arc::clone(&slots), Arc::clone(&recorded));
        let counted = index >= counted_from;
        tasks.spawn(async move {
            let attempt = async {
                let _slot = slots.acquire_owned().await;
                send().await
            };
            let outcome = timeout_at(due + load.timeout, attempt)
                .await
                .unwrap_or(Outcome::TimedOut);
            if counted {
                let now = Instant::now();
                let mut shared = into.lock().unwrap_or_else(PoisonError::into_inner);
                shared.0.record(due - counted_start, now - due, outcome);
                shared.1 = shared.1.max(now);
            }
        });
        while tasks.try_join_next().is_some() {}
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(1);
            let shared = recorded.lock().unwrap_or_else(PoisonError::into_inner);
            progress(snapshot(&shared.0, start, counted_start, load));
        }
    }
    let sent = Instant::now().max(schedule.at(total.saturating_sub(1)));
    while tasks.join_next().await.is_some() {}
    let (mut recorded, ended) = recorded
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    // Throughput is over the planned duration, longer if answers came late;
    // the sending rate over the time sending took, lower if the generator
    // fell behind its schedule.
    recorded.elapsed = load
        .duration
        .max(ended.saturating_duration_since(counted_start));
    let interval = Duration::from_secs_f64(1.0 / load.rate);
    recorded.sending = sent.saturating_duration_since(counted_start) + interval;
    recorded
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
            || async {
                sleep(Duration::from_millis(10)).await;
                Outcome::Answered
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
        let recorded = drive(
            load(100.0, 1),
            move || {
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
            },
            |_| {},
        )
        .await;
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
            || async {
                sleep(Duration::from_millis(100)).await;
                Outcome::Answered
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
