//! Why an upload failed: [`UploadError`], naming the step.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// One of the three steps, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Step 1: `GET /api/s3/presigned-post`.
    PresignedPost,
    /// Step 2: the form POST of the file to S3.
    S3Upload,
    /// Step 3: `POST /api/s3/success`.
    Confirm,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::PresignedPost => "step 1 (presigned POST)",
            Step::S3Upload => "step 2 (upload to S3)",
            Step::Confirm => "step 3 (upload confirmation)",
        })
    }
}

/// Why an upload failed. Whatever the variant, step 3 was not called unless
/// S3 had accepted the file: Kizen never records an object that is not in S3.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The path is a folder or another non-file.
    #[error("{0} is not a regular file")]
    NotAFile(PathBuf),
    /// The content ended before its declared length.
    #[error("the reader ended after {actual} bytes; {declared} were declared")]
    ShortRead {
        /// The length given.
        declared: u64,
        /// The bytes there were.
        actual: u64,
    },
    /// The file is larger than the presigned POST allows.
    #[error("the file is {size} bytes; Kizen accepts at most {max} bytes for this upload")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// Kizen's limit (`max_file_size`).
        max: u64,
    },
    /// Kizen refused to presign the upload (e.g. a file type it does not
    /// accept for this source).
    #[error("Kizen refused the presigned POST (HTTP 400): {}", show_detail(.detail))]
    Rejected {
        /// Kizen's reasons, by field.
        detail: BTreeMap<String, String>,
    },
    /// Kizen answered an error status.
    #[error("Kizen answered HTTP {status} in {step}: {body}")]
    Api {
        /// The step.
        step: Step,
        /// The HTTP status.
        status: u16,
        /// The body, as sent.
        body: String,
    },
    /// The request to Kizen failed (connection, timeout, unreadable answer).
    #[error("request to Kizen failed in {step}: {message}")]
    Kizen {
        /// The step.
        step: Step,
        /// What failed.
        message: String,
    },
    /// The presigned POST's fields have no `key`.
    #[error("the presigned POST has no `key` field")]
    NoKey,
    /// The presigned POST expires before the upload could finish.
    #[error("the presigned POST expires at {expires_at}, too soon to start the upload")]
    Expired {
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
    /// S3 refused the upload.
    #[error("S3 rejected the upload (HTTP {status}): {code}: {message}")]
    S3 {
        /// The HTTP status.
        status: u16,
        /// S3's error code (`AccessDenied`, `EntityTooLarge`, ...).
        code: String,
        /// S3's message.
        message: String,
    },
    /// The connection to S3 failed.
    #[error("connection to S3 failed: {0}")]
    S3Transport(String),
    /// S3 accepted the upload without an ETag to check it by.
    #[error("S3 accepted the upload but sent no ETag (neither a header nor a PostResponse body)")]
    MissingEtag,
    /// S3 stored other bytes than those sent; the upload was not confirmed.
    #[error(
        "integrity check failed: S3 reports ETag {etag}, but the MD5 of the {bytes} bytes \
         sent is {md5}; the upload was not confirmed"
    )]
    Integrity {
        /// S3's ETag.
        etag: String,
        /// The MD5 of what was sent.
        md5: String,
        /// How many bytes were sent.
        bytes: u64,
    },
    /// Every attempt failed; `last` says how.
    #[error("gave up after {attempts} attempts; last error: {last}")]
    Exhausted {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        #[source]
        last: Box<UploadError>,
    },
}

impl UploadError {
    /// The step that failed; `None` when the file could not be read before
    /// any request was made.
    pub fn step(&self) -> Option<Step> {
        match self {
            UploadError::Read { .. } | UploadError::NotAFile(_) => None,
            UploadError::TooLarge { .. }
            | UploadError::Rejected { .. }
            | UploadError::NoKey
            | UploadError::Expired { .. } => Some(Step::PresignedPost),
            UploadError::Api { step, .. } | UploadError::Kizen { step, .. } => Some(*step),
            UploadError::ShortRead { .. }
            | UploadError::S3 { .. }
            | UploadError::S3Transport(_)
            | UploadError::MissingEtag
            | UploadError::Integrity { .. } => Some(Step::S3Upload),
            UploadError::Exhausted { last, .. } => last.step(),
        }
    }

    /// Whether trying again (with a fresh presigned POST) may succeed. A
    /// failed call to Kizen is not: the client's runtime has already
    /// retried it as far as its policy allows (a POST that may have acted,
    /// never), and the upload must not multiply its attempts.
    pub fn is_transient(&self) -> bool {
        match self {
            UploadError::S3Transport(_) => true,
            UploadError::S3 { status, code, .. } => {
                *status >= 500
                    || matches!(
                        code.as_str(),
                        "SlowDown" | "InternalError" | "ServiceUnavailable" | "RequestTimeout"
                    )
            }
            _ => false,
        }
    }
}

fn show_detail(detail: &BTreeMap<String, String>) -> String {
    detail
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A reqwest error with its causes: "error sending request" alone does not
/// say the connection was reset.
pub(super) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A failed call of a generated operation in `step`.
pub(super) async fn api_error<E: fmt::Debug>(
    step: Step,
    e: progenitor_client::Error<E>,
) -> UploadError {
    match e {
        progenitor_client::Error::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            UploadError::Api {
                step,
                status,
                body: body.chars().take(500).collect(),
            }
        }
        progenitor_client::Error::ErrorResponse(response) => UploadError::Api {
            step,
            status: response.status().as_u16(),
            body: String::new(),
        },
        progenitor_client::Error::CommunicationError(e) => UploadError::Kizen {
            step,
            message: chain(&e),
        },
        other => UploadError::Kizen {
            step,
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors() {
        let s3 = |status, code: &str| UploadError::S3 {
            status,
            code: code.into(),
            message: String::new(),
        };
        assert!(s3(503, "SlowDown").is_transient());
        assert!(s3(500, "InternalError").is_transient());
        assert!(!s3(403, "AccessDenied").is_transient());
        assert!(!s3(400, "EntityTooLarge").is_transient());
        assert!(UploadError::S3Transport("reset".into()).is_transient());
        assert!(!UploadError::TooLarge { size: 2, max: 1 }.is_transient());
    }
}
