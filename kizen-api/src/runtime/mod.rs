//! How every generated call is sent: the client's hooks hand each request
//! here (progenitor's `ClientHooks::exec`), which sends it with retries
//! where they are safe, honours `Retry-After` within the call's deadline,
//! bounds retries across calls with a budget, limits each attempt and the
//! whole call in time, and traces the call in one span.
//!
//! - `decide`: which failures are retried, for which methods.
//! - `backoff`: how long to wait (also the upload's S3 retries).
//! - `budget`: the token bucket.
//! - `policy`: the values a user sets ([`RetryPolicy`], [`Budget`],
//!   [`Timeouts`]).
//! - [`tap`]: each attempt's request and answer, for a caller that shows
//!   them, or holds the request (a dry run).

pub(crate) mod backoff;
mod budget;
mod decide;
mod policy;
pub mod tap;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use reqwest::header::HeaderName;
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use crate::Credentials;
use budget::Bucket;
use decide::{Failure, Verdict};
pub use policy::{Budget, RetryPolicy, Timeouts};
pub use tap::{Sending, Tap};

/// The trace target of the client's spans and events.
pub const TRACE_TARGET: &str = "kizen_api";

/// The response header whose value the span records, when the server
/// sends one: the one header recorded, never a request header.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// What a [`Client`](crate::Client) sends with and how: its credentials, its
/// retry policy and timeouts, and its retry budget's state (shared by the
/// client's clones). `Client::new(url, credentials)` builds one with the
/// defaults; [`Client::builder`](crate::Client::builder) sets the rest.
#[derive(Clone)]
pub struct Context {
    credentials: Credentials,
    runtime: Arc<Runtime>,
}

struct Runtime {
    policy: RetryPolicy,
    timeouts: Timeouts,
    /// Whether the `reqwest::Client` limits each request to the attempt's
    /// limit itself.
    attempt_on_client: bool,
    bucket: Bucket,
    tap: Option<Arc<dyn Tap>>,
    /// Calls that were not retried because the server may have acted on
    /// them, for the `post` hook to say so: (operationId, URL, message).
    notes: Mutex<VecDeque<(&'static str, String, String)>>,
}

/// Notes kept at most: one is taken right after it is left, so only calls
/// dropped in between (cancelled) can leave any behind.
const NOTES: usize = 64;

impl Context {
    /// `credentials` with the default retry policy and timeouts.
    pub fn new(credentials: Credentials) -> Self {
        Context::with(credentials, RetryPolicy::default(), Timeouts::default())
    }

    /// `credentials` with `policy` and `timeouts`, and a full budget.
    pub fn with(credentials: Credentials, policy: RetryPolicy, timeouts: Timeouts) -> Self {
        Context::for_client(credentials, policy, timeouts, false, None)
    }

    /// As [`Context::with`], for a `reqwest::Client` whose own timeout is
    /// `timeouts`' attempt limit (`attempt_on_client`).
    pub(crate) fn for_client(
        credentials: Credentials,
        policy: RetryPolicy,
        timeouts: Timeouts,
        attempt_on_client: bool,
        tap: Option<Arc<dyn Tap>>,
    ) -> Self {
        Context {
            credentials,
            runtime: Arc::new(Runtime {
                policy,
                timeouts,
                attempt_on_client,
                bucket: Bucket::new(policy.budget),
                tap,
                notes: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.runtime.policy
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &Timeouts {
        &self.runtime.timeouts
    }

    /// Whether a [`Tap`] sees the client's attempts.
    pub fn tapped(&self) -> bool {
        self.runtime.tap.is_some()
    }

    /// The tokens left in the retry budget.
    pub fn budget_tokens(&self) -> u32 {
        self.runtime.bucket.tokens()
    }

    /// Sends `request` for the operation `operation`, retrying as the
    /// policy allows, in a span named after nothing but the call.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let url = request.url();
        let span = tracing::info_span!(
            target: TRACE_TARGET,
            "kizen_api.call",
            otel.name = operation,
            otel.kind = "client",
            operation = operation,
            http.request.method = %request.method(),
            server.address = url.host_str().unwrap_or_default(),
            server.port = url.port_or_known_default(),
            url.template = crate::operations::path_template(operation),
            url.path = url.path(),
            http.response.status_code = Empty,
            http.request.resend_count = Empty,
            request_id = Empty,
            error.r#type = Empty,
        );
        // With no subscriber listening, the call runs bare: nothing to
        // enter or leave at each poll.
        if span.is_disabled() {
            return self.attempts(http, request, operation).await;
        }
        self.attempts(http, request, operation)
            .instrument(span)
            .await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let Runtime {
            policy,
            timeouts,
            bucket,
            ..
        } = &*self.runtime;
        let span = tracing::Span::current();
        let method = request.method().clone();
        let deadline = Instant::now() + timeouts.call;
        let mut spare = request;
        let mut resends = 0u32;
        // The tokens of the last retry, returned if the call succeeds.
        let mut held = None;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            // A copy to send, keeping the original for the next attempt;
            // the original itself on the last one, or when its body is a
            // stream that cannot be sent twice.
            let (mut this, next) = if resends + 1 >= policy.attempts {
                (spare, None)
            } else {
                match spare.try_clone() {
                    Some(copy) => (copy, Some(spare)),
                    None => (spare, None),
                }
            };
            // Not when the client's own limit is the attempt's (a client
            // this crate builds) and the deadline is further: reqwest
            // would arm the same timer twice.
            if remaining < timeouts.attempt || !self.runtime.attempt_on_client {
                *this.timeout_mut() = Some(timeouts.attempt.min(remaining));
            }
            if let Some(tap) = &self.runtime.tap
                && tap.request(&this, resends + 1) == Sending::Hold
            {
                return Ok(tap::held());
            }
            let outcome = http.execute(this).await;
            if let (Some(tap), Ok(response)) = (&self.runtime.tap, &outcome) {
                tap.response(response);
            }
            if resends > 0 {
                span.record("http.request.resend_count", resends);
            }
            record_outcome(&span, &outcome);

            let Some(failure) = Failure::of(&outcome) else {
                if matches!(&outcome, Ok(r) if r.status().as_u16() < 500) {
                    bucket.succeeded(held);
                }
                return outcome;
            };
            span.record("error.type", failure.reason());
            match decide::verdict(&method, failure) {
                Verdict::Retry => {}
                Verdict::Stop => return outcome,
                Verdict::MayHaveActed => {
                    if let Err(e) = &outcome {
                        self.note(operation, e, &method, failure);
                    }
                    return outcome;
                }
            }
            let Some(next) = next else {
                if resends + 1 < policy.attempts {
                    tracing::warn!(
                        target: TRACE_TARGET,
                        reason = failure.reason(),
                        "not retried: the body is a stream that cannot be sent twice"
                    );
                }
                return outcome;
            };
            let told = match &outcome {
                Ok(response) => backoff::retry_after(response.headers(), SystemTime::now()),
                Err(_) => None,
            };
            let wait =
                told.unwrap_or_else(|| backoff::full_jitter(policy.base, policy.cap, resends));
            if Instant::now() + wait >= deadline {
                tracing::warn!(
                    target: TRACE_TARGET,
                    reason = failure.reason(),
                    wait_ms = wait.as_millis() as u64,
                    "not retried: the wait would end past the call's deadline"
                );
                return outcome;
            }
            let Some(cost) = bucket.acquire(failure.is_costly()) else {
                tracing::warn!(
                    target: TRACE_TARGET,
                    reason = failure.reason(),
                    "not retried: the client's retry budget is spent"
                );
                return outcome;
            };
            held = Some(cost);
            tracing::info!(
                target: TRACE_TARGET,
                reason = failure.reason(),
                delay_ms = wait.as_millis() as u64,
                retry_after = told.is_some(),
                attempt = resends + 2,
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(wait).await;
            resends += 1;
            spare = next;
        }
    }

    /// Leaves a note that the call that failed with `error` was sent once
    /// because the server may have acted on it.
    fn note(
        &self,
        operation: &'static str,
        error: &reqwest::Error,
        method: &reqwest::Method,
        failure: Failure,
    ) {
        let Some(url) = error.url() else {
            return;
        };
        let path = url.path();
        let message = format!(
            "{method} {path} was sent once and not retried: {} after the request was sent, \
             so the server may have acted on it; check before sending it again",
            failure.reason()
        );
        tracing::warn!(target: TRACE_TARGET, "{message}");
        let Ok(mut notes) = self.runtime.notes.lock() else {
            return;
        };
        if notes.len() == NOTES {
            notes.pop_front();
        }
        notes.push_back((operation, url.to_string(), message));
    }

    /// The note left for a failed call of `operation`, with the error, if
    /// it was not retried because the server may have acted on it.
    pub(crate) fn take_note(&self, operation: &str, error: &reqwest::Error) -> Option<String> {
        let url = error.url()?.as_str();
        let mut notes = self.runtime.notes.lock().ok()?;
        let at = notes
            .iter()
            .position(|(op, u, _)| *op == operation && u == url)?;
        let (_, _, message) = notes.remove(at)?;
        let mut text = format!("{message}: {error}");
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            text.push_str(&format!(": {e}"));
            source = e.source();
        }
        Some(text)
    }
}

/// Records an attempt's status or error, and the response's request id.
fn record_outcome(span: &tracing::Span, outcome: &reqwest::Result<reqwest::Response>) {
    match outcome {
        Ok(response) => {
            span.record("http.response.status_code", response.status().as_u16());
            if let Some(id) = response
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
        }
        Err(e) => {
            if let Some(status) = e.status() {
                span.record("http.response.status_code", status.as_u16());
            }
        }
    }
}

impl From<Credentials> for Context {
    fn from(credentials: Credentials) -> Self {
        Context::new(credentials)
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("credentials", &self.credentials)
            .field("retry_policy", &self.runtime.policy)
            .field("timeouts", &self.runtime.timeouts)
            .field("budget_tokens", &self.runtime.bucket.tokens())
            .field("tapped", &self.tapped())
            .finish()
    }
}
