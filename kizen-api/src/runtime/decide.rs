//! What is retried. Kizen's API is Django REST framework: its throttling
//! runs before the view (`check_throttles` in `APIView.initial`), so a 429
//! means nothing was done, even for a POST, and a connect error means the
//! request never left. Anything else that fails after a POST or a PATCH
//! was sent (a timeout, a reset, a 502/503/504 from a proxy in front of a
//! view that may have run) may have acted: such a call is sent once. A 500
//! is a bug on a drf server and would answer the same again: never retried.

use reqwest::{Method, StatusCode};

/// How an attempt failed, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection was made: the request never left.
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// The connection was closed or reset before the answer.
    Reset,
    /// The server answered with this status.
    Status(StatusCode),
    /// Any other error (a redirect loop, a body that failed to stream).
    Other,
}

impl Failure {
    /// The failure an attempt's outcome is, if it is one the policy knows
    /// (a status it may retry, or a transport error).
    pub fn of(outcome: &reqwest::Result<reqwest::Response>) -> Option<Failure> {
        match outcome {
            Ok(response) if RETRIED.contains(&response.status()) => {
                Some(Failure::Status(response.status()))
            }
            Ok(_) => None,
            Err(e) if e.is_connect() => Some(Failure::Connect),
            Err(e) if e.is_timeout() => Some(Failure::Timeout),
            Err(e) if is_reset(e) => Some(Failure::Reset),
            Err(_) => Some(Failure::Other),
        }
    }

    /// A short name, for the trace and for messages.
    pub fn reason(self) -> &'static str {
        match self {
            Failure::Connect => "connect error",
            Failure::Timeout => "timeout",
            Failure::Reset => "connection closed before the answer",
            Failure::Status(status) => status.canonical_reason().unwrap_or("status"),
            Failure::Other => "error",
        }
    }

    /// Whether a retry after it costs the budget more: a timeout or a reset
    /// says the server is struggling.
    pub fn is_costly(self) -> bool {
        matches!(self, Failure::Timeout | Failure::Reset)
    }
}

/// The statuses retried on an idempotent method.
const RETRIED: [StatusCode; 5] = [
    StatusCode::REQUEST_TIMEOUT,
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send it again.
    Retry,
    /// Return the outcome as it is.
    Stop,
    /// Return it, and say that it was not retried because the server may
    /// have acted on it.
    MayHaveActed,
}

/// Whether `method` may be sent twice with the same effect as once
/// (RFC 9110, 9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
    ]
    .contains(method)
}

/// The verdict on `failure` of a `method` request.
pub fn verdict(method: &Method, failure: Failure) -> Verdict {
    let idempotent = is_idempotent(method);
    match failure {
        Failure::Connect => Verdict::Retry,
        Failure::Status(StatusCode::TOO_MANY_REQUESTS) => Verdict::Retry,
        Failure::Status(_) if idempotent => Verdict::Retry,
        Failure::Status(_) => Verdict::Stop,
        Failure::Timeout | Failure::Reset if idempotent => Verdict::Retry,
        Failure::Timeout | Failure::Reset => Verdict::MayHaveActed,
        Failure::Other => Verdict::Stop,
    }
}

/// Whether the connection was closed or reset under the request: hyper's
/// incomplete message or closed connection, or the OS's reset, abort,
/// broken pipe or early end of stream, anywhere in the error's chain.
fn is_reset(error: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(hyper) = e.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled())
        {
            return true;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotent_methods_are_retried_on_every_transient_failure() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            for failure in [
                Failure::Connect,
                Failure::Timeout,
                Failure::Reset,
                Failure::Status(StatusCode::REQUEST_TIMEOUT),
                Failure::Status(StatusCode::TOO_MANY_REQUESTS),
                Failure::Status(StatusCode::BAD_GATEWAY),
                Failure::Status(StatusCode::SERVICE_UNAVAILABLE),
                Failure::Status(StatusCode::GATEWAY_TIMEOUT),
            ] {
                assert_eq!(
                    verdict(&method, failure),
                    Verdict::Retry,
                    "{method} {failure:?}"
                );
            }
            assert_eq!(verdict(&method, Failure::Other), Verdict::Stop);
        }
    }

    #[test]
    fn post_and_patch_are_retried_only_where_nothing_happened() {
        for method in [Method::POST, Method::PATCH] {
            assert_eq!(verdict(&method, Failure::Connect), Verdict::Retry);
            let throttled = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(verdict(&method, throttled), Verdict::Retry);
            for failure in [Failure::Timeout, Failure::Reset] {
                assert_eq!(
                    verdict(&method, failure),
                    Verdict::MayHaveActed,
                    "{failure:?}"
                );
            }
            for status in [502, 503, 504, 408] {
                let failure = Failure::Status(StatusCode::from_u16(status).unwrap_or_default());
                assert_eq!(verdict(&method, failure), Verdict::Stop, "{status}");
            }
        }
    }

    #[test]
    fn a_500_is_not_a_failure_to_retry() {
        assert!(!RETRIED.contains(&StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!RETRIED.contains(&StatusCode::NOT_IMPLEMENTED));
    }
}
