//! The retry budget's state: one token bucket per client, shared by its
//! clones (see [`Budget`](super::Budget) for the rules).

use std::sync::atomic::{AtomicU32, Ordering};

use super::policy::Budget;

/// The tokens left.
#[derive(Debug)]
pub struct Bucket {
    rules: Budget,
    tokens: AtomicU32,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rules: Budget) -> Self {
        Bucket {
            rules,
            tokens: AtomicU32::new(rules.capacity),
        }
    }

    /// Takes the cost of a retry (the higher one after a timeout or a
    /// reset); `None`, taking nothing, when too few tokens are left.
    pub fn acquire(&self, costly: bool) -> Option<u32> {
        let cost = if costly {
            self.rules.timeout_cost
        } else {
            self.rules.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded: it returns its last retry's tokens (`refund`), or
    /// one token when it succeeded at once; never above the capacity.
    pub fn succeeded(&self, refund: Option<u32>) {
        let add = refund.unwrap_or(1);
        let capacity = self.rules.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(add).min(capacity))
            });
    }

    /// The tokens left.
    pub fn tokens(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_drain_it_and_successes_refill_it() {
        let bucket = Bucket::new(Budget::new(12, 5, 10));
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.tokens(), 7);
        assert_eq!(bucket.acquire(true), None, "10 > 7: refused, nothing taken");
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.acquire(false), None);
        assert_eq!(bucket.tokens(), 2);
        bucket.succeeded(Some(5));
        assert_eq!(bucket.tokens(), 7);
        for _ in 0..10 {
            bucket.succeeded(None);
        }
        assert_eq!(bucket.tokens(), 12, "never above the capacity");
        let unlimited = Bucket::new(Budget::unlimited());
        for _ in 0..1000 {
            assert!(unlimited.acquire(true).is_some());
        }
    }
}
