//! How to upload: [`UploadOptions`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::types::S3PresignedPostRetrieveSource;

/// What the upload is for; decides where Kizen stores it.
pub type Source = S3PresignedPostRetrieveSource;

/// Called with (bytes sent so far, total bytes) as the upload streams. On a
/// retry the count starts again from zero.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How to upload: the [`Source`] is required, the rest has defaults.
#[derive(Clone)]
pub struct UploadOptions {
    pub(super) source: Source,
    pub(super) content_type: Option<String>,
    pub(super) name: Option<String>,
    pub(super) public: bool,
    pub(super) progress: Option<Progress>,
    pub(super) retry: Retry,
    pub(super) expiry_margin: Duration,
    pub(super) s3_http: Option<reqwest::Client>,
}

/// How transient failures are retried.
#[derive(Debug, Clone, Copy)]
pub(super) struct Retry {
    /// Attempts in all, at least 1.
    pub attempts: u32,
    /// The base of the full-jitter backoff between attempts: the pause
    /// before retry `n` is random, up to `backoff * 2^n` (at most 20 s).
    pub backoff: Duration,
}

impl UploadOptions {
    /// Options for a file of kind `source` (what Kizen stores it for), with
    /// the defaults: content type guessed from the file name, the file name
    /// as the object's name, private, 3 attempts from a 500 ms backoff.
    pub fn new(source: Source) -> Self {
        Self {
            source,
            content_type: None,
            name: None,
            public: false,
            progress: None,
            retry: Retry {
                attempts: 3,
                backoff: Duration::from_millis(500),
            },
            expiry_margin: Duration::from_secs(30),
            s3_http: None,
        }
    }

    /// The MIME type; guessed from the file name when not given.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The name Kizen shows; the file's name when not given.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether the stored object is public (default: false).
    pub fn public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }

    /// Reports (sent, total) bytes while streaming to S3.
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Attempts at a transient failure (connection reset, 5xx, S3
    /// `SlowDown`) before giving up; at least 1, default 3.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.retry.attempts = attempts.max(1);
        self
    }

    /// The base of the pause between attempts (default 500 ms): the pause
    /// before retry `n` is random, up to `backoff * 2^n` and 20 s (full
    /// jitter, as the API calls' [`RetryPolicy`](crate::RetryPolicy)).
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.retry.backoff = backoff;
        self
    }

    /// A presigned POST expiring sooner than this is requested again
    /// (default 30 s): the upload must be able to start before it expires.
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.expiry_margin = margin;
        self
    }

    /// The HTTP client for step 2 (S3). It must carry no Kizen credentials.
    pub fn s3_client(mut self, client: reqwest::Client) -> Self {
        self.s3_http = Some(client);
        self
    }
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("source", &self.source)
            .field("content_type", &self.content_type)
            .field("name", &self.name)
            .field("public", &self.public)
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .field("attempts", &self.retry.attempts)
            .field("backoff", &self.retry.backoff)
            .field("expiry_margin", &self.expiry_margin)
            .finish_non_exhaustive()
    }
}
