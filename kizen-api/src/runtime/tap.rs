//! A tap on the wire: what each attempt sends and what it gets back, seen
//! by the caller without a tracing subscriber. The `kizen` command line's
//! `--verbose` prints them, and its `--dry-run` holds the request: nothing
//! is sent, and the call fails with [`NOT_SENT`] in its message.

/// Sees each attempt of every call of a client set up with
/// [`ClientBuilder::tap`](crate::ClientBuilder::tap).
pub trait Tap: Send + Sync + 'static {
    /// Before attempt `attempt` (1 for the first) is sent. The request
    /// carries the credential headers: a tap that shows it must redact
    /// `X-API-KEY` ([`crate::credentials::API_KEY_HEADER`]).
    fn request(&self, request: &reqwest::Request, attempt: u32) -> Sending;

    /// After an attempt got an answer (its head; the body is the caller's).
    fn response(&self, response: &reqwest::Response) {
        let _ = response;
    }
}

/// Whether an attempt is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    /// Sent as usual.
    Send,
    /// Not sent: the call ends at once with an error that says so.
    Hold,
}

/// The start of the error message of a call a tap held.
pub const NOT_SENT: &str = "not sent: the client's tap held the request";

/// Marks the stand-in answer of a held request, for the `post` hook.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held;

/// The stand-in answer of a held request: never seen by a caller, whose
/// call fails with [`NOT_SENT`].
pub(crate) fn held() -> reqwest::Response {
    let mut response = http::Response::new(Vec::<u8>::new());
    *response.status_mut() = http::StatusCode::NO_CONTENT;
    response.extensions_mut().insert(Held);
    reqwest::Response::from(response)
}
