//! What a client does when a call fails, and how long it waits: the values
//! a user sets ([`RetryPolicy`], [`Timeouts`]), with their defaults.

use std::time::Duration;

/// How failed calls are retried: which failures is fixed (see the crate
/// docs' "Retries, timeouts and tracing"); how many times, how long apart
/// and how often across calls is set here.
///
/// The default: 3 attempts, full-jitter backoff from 1 s capped at 20 s,
/// and a budget of 500 tokens (AWS SDKs' standard mode).
///
/// ```
/// use std::time::Duration;
/// use kizen_api::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .attempts(5)
///     .backoff(Duration::from_millis(200), Duration::from_secs(5));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) attempts: u32,
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
    pub(crate) budget: Budget,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(20),
            budget: Budget::default(),
        }
    }
}

impl RetryPolicy {
    /// Every call is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The backoff before retry `n` (from 0) is a random duration between
    /// zero and `min(cap, base * 2^n)` ("full jitter"), unless the server
    /// says how long to wait (`Retry-After`).
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base = base;
        self.cap = cap.max(base);
        self
    }

    /// The retry budget shared by every call of the client (and its clones).
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.attempts
    }
}

/// A token bucket that bounds retries across a client's calls, so that an
/// outage does not multiply the load a client puts on Kizen: a retry takes
/// tokens, a call that succeeds at once gives one back, a call that
/// succeeds after retries returns its last retry's tokens. Once the bucket
/// is empty, each call makes one request until successes refill it.
///
/// The default is AWS SDKs' standard mode: 500 tokens, 5 a retry, 10 a
/// retry after a timeout or a reset (a sign of an overloaded server), so
/// at most 100 retries in a row while nothing succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub(crate) capacity: u32,
    pub(crate) retry_cost: u32,
    pub(crate) timeout_cost: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
        }
    }
}

impl Budget {
    /// A bucket of `capacity` tokens; a retry costs `retry_cost`, a retry
    /// after a timeout or a reset `timeout_cost`.
    pub fn new(capacity: u32, retry_cost: u32, timeout_cost: u32) -> Self {
        Budget {
            capacity,
            retry_cost,
            timeout_cost,
        }
    }

    /// No bound across calls: each call makes its attempts.
    pub fn unlimited() -> Self {
        Budget::new(u32::MAX, 0, 0)
    }
}

/// The three time limits of a call.
///
/// The defaults: 10 s to connect, 30 s for each attempt (sending, waiting,
/// and reading the answer), 60 s for the whole call, backoff included.
/// A server's `Retry-After` that would end past the whole call's limit is
/// not waited for: the call fails at once with the server's answer.
///
/// ```
/// use std::time::Duration;
/// use kizen_api::Timeouts;
///
/// let timeouts = Timeouts::default().call(Duration::from_secs(120));
/// assert_eq!(timeouts.attempt_limit(), Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) attempt: Duration,
    pub(crate) call: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            call: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// Time to open a connection (TCP and TLS). Applies to clients this
    /// crate builds ([`Client::builder`](crate::Client::builder)); a
    /// `reqwest::Client` given to `Client::new_with_client` keeps its own.
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// Time for each attempt, from sending to the answer's last byte.
    pub fn attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// Time for the whole call: every attempt and every pause between.
    pub fn call(mut self, limit: Duration) -> Self {
        self.call = limit;
        self
    }

    /// The connect limit.
    pub fn connect_limit(&self) -> Duration {
        self.connect
    }

    /// The limit of each attempt.
    pub fn attempt_limit(&self) -> Duration {
        self.attempt
    }

    /// The limit of the whole call.
    pub fn call_limit(&self) -> Duration {
        self.call
    }
}
