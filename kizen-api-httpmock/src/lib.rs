//! Typed [`httpmock`] extensions for testing code that uses [`kizen_api`],
//! offline, in the style of oxide.rs's `oxide-httpmock`.
//!
//! [`MockServerExt`] adds one method per Kizen operation to
//! [`httpmock::MockServer`], named as the client's, with typed `when`
//! matchers (query parameters, bodies) and typed `then` responses (one per
//! documented status). It is generated from the same spec as the client by
//! `cargo xtask generate` (`src/generated.rs`, never edited by hand), so a
//! mock cannot drift from the client it stands in for.
//!
//! ```no_run
//! use httpmock::MockServer;
//! use kizen_api::types::{PresignedPostResponse, S3PresignedPostRetrieveSource};
//! use kizen_api_httpmock::MockServerExt;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! // A builder, not a struct literal: it keeps compiling when the vendor
//! // adds an optional property.
//! let post: PresignedPostResponse = PresignedPostResponse::builder()
//!     .expires_at(chrono::Utc::now() + chrono::Duration::hours(1))
//!     .fields([("key".to_string(), "uploads/resume.pdf".to_string())])
//!     .max_file_size(1_000_000)
//!     .s3object_id(uuid::Uuid::nil())
//!     .url(server.url("/bucket"))
//!     .try_into()?;
//! let mock = server.s3_presigned_post_retrieve(|when, then| {
//!     when.filename("resume.pdf")
//!         .source(S3PresignedPostRetrieveSource::FieldValue);
//!     then.ok(&post);
//! });
//! // ... run the code under test against `server.base_url()` ...
//! mock.assert();
//! # Ok(())
//! # }
//! ```
//!
//! A whole upload (`Client::upload_file`: presigned POST, S3, confirmation)
//! is one call: see [`UploadScenario`]. An operation that fails a given
//! number of times and then answers, to test code that copes with the
//! client's retries: see [`flaky`].

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, a nightly toolchain): each item behind a cargo
// feature says so on its page ("Available on crate feature `s3` only").
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip] // prettyplease formats it; rustfmt would only churn the diff
#[allow(clippy::all, clippy::unwrap_used, clippy::expect_used)]
mod generated;

pub mod flaky;
#[cfg(feature = "upload")]
pub mod upload;

pub use flaky::first;
pub use generated::*;
#[cfg(feature = "upload")]
pub use upload::{UploadMock, UploadScenario};
