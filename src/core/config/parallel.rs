//! Work spread over every core, for the many independent files of a large
//! application.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Items a worker takes at a time: small enough that the cores finish
/// together, large enough that taking them costs nothing.
const BATCH: usize = 16;

/// `work` applied to each item, on as many threads as there are cores
/// (one for fewer than `per_thread` items each), results in the items'
/// order. Workers take the next batch when done with theirs, so a slow
/// core or a slow file does not leave the others waiting.
pub fn map_in_order<T, R>(items: &[T], per_thread: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len().div_ceil(per_thread.max(1)))
        .max(1);
    if threads == 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let take = || -> Vec<(usize, R)> {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let end = (start + BATCH).min(items.len());
            done.extend((start..end).map(|index| (index, work(&items[index]))));
        }
    };
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(take)).collect();
        let mut parts = vec![take()];
        parts.extend(helpers.into_iter().map(|helper| {
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        parts
    });
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (index, result) in parts.into_iter().flatten() {
        slots[index] = Some(result);
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..1000).collect();
        let squares = map_in_order(&items, 10, |n| n * n);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn few_items_are_done_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let threads = map_in_order(&[1, 2, 3], 200, |_| std::thread::current().id());
        assert!(threads.iter().all(|id| *id == caller));
    }

    #[test]
    fn no_items_give_no_results() {
        assert!(map_in_order(&[] as &[u8], 1, |n| *n).is_empty());
    }
}
