//! Failing a given number of times, then answering: to test how code that
//! uses the client copes with its retries and with calls that fail.
//!
//! httpmock tries mocks in the order they were defined and answers with the
//! first that matches. [`first`] makes a mock match only the first `n`
//! requests it is offered; defined before a mock that answers, it fails
//! those and lets the later ones through.
//!
//! ```
//! use std::time::Duration;
//! use httpmock::MockServer;
//! use kizen_api::types::{PresignedPostResponse, S3PresignedPostRetrieveSource};
//! use kizen_api::{Client, Credentials, RetryPolicy};
//! use kizen_api_httpmock::{MockServerExt, first};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! // Two 503s (a deploy, say), then the answer.
//! let failing = server.s3_presigned_post_retrieve(|when, then| {
//!     when.into_inner().is_true(first(2));
//!     then.into_inner().status(503);
//! });
//! let post: PresignedPostResponse = PresignedPostResponse::builder()
//!     .expires_at(chrono::Utc::now() + chrono::Duration::hours(1))
//!     .fields([("key".to_string(), "uploads/resume.pdf".to_string())])
//!     .max_file_size(1_000_000)
//!     .s3object_id(uuid::Uuid::nil())
//!     .url(server.url("/bucket"))
//!     .try_into()?;
//! let answer = server.s3_presigned_post_retrieve(|_, then| {
//!     then.ok(&post);
//! });
//!
//! // The client's default policy makes 3 attempts (quicker pauses here).
//! let client = Client::builder(&server.base_url(), Credentials::new("b", "u", "k")?)
//!     .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(10)))
//!     .build()?;
//! let got = client
//!     .s3_presigned_post_retrieve()
//!     .contenttype("application/pdf")
//!     .filename("resume.pdf")
//!     .source(S3PresignedPostRetrieveSource::FieldValue)
//!     .send()
//!     .await?;
//! assert_eq!(got.max_file_size, 1_000_000);
//! assert_eq!((failing.hits(), answer.hits()), (2, 1));
//! # Ok(())
//! # }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use httpmock::prelude::HttpMockRequest;

/// A matcher (for httpmock's `When::is_true`) that is true for the first
/// `n` requests it is asked about, then false for every later one. Each
/// request that reaches the mock is asked about once, in order.
pub fn first(n: usize) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let seen = AtomicUsize::new(0);
    move |_| seen.fetch_add(1, Ordering::SeqCst) < n
}
