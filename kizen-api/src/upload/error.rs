//! Why an upload failed: [`UploadError`], naming the step.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// One of the three steps, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    PresignedPost,
    S3Upload,
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
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is not a regular file")]
    NotAFile(PathBuf),
    #[error("the reader ended after {actual} bytes; {declared} were declared")]
    ShortRead { declared: u64, actual: u64 },
    #[error("the file is {size} bytes; Kizen accepts at most {max} bytes for this upload")]
    TooLarge { size: u64, max: u64 },
    #[error("Kizen refused the presigned POST (HTTP 400): {}", show_detail(.detail))]
    Rejected { detail: BTreeMap<String, String> },
    #[error("Kizen answered HTTP {status} in {step}: {body}")]
    Api {
        step: Step,
        status: u16,
        body: String,
    },
    #[error("request to Kizen failed in {step}: {message}")]
    Kizen { step: Step, message: String },
    #[error("the presigned POST has no `key` field")]
    NoKey,
    #[error("the presigned POST expires at {expires_at}, too soon to start the upload")]
    Expired { expires_at: DateTime<Utc> },
    #[error("S3 rejected the upload (HTTP {status}): {code}: {message}")]
    S3 {
        status: u16,
        code: String,
        message: String,
    },
    #[error("connection to S3 failed: {0}")]
    S3Transport(String),
    #[error("S3 accepted the upload but sent no ETag (neither a header nor a PostResponse body)")]
    MissingEtag,
    #[error(
        "integrity check failed: S3 reports ETag {etag}, but the MD5 of the {bytes} bytes \
         sent is {md5}; the upload was not confirmed"
    )]
    Integrity {
        etag: String,
        md5: String,
        bytes: u64,
    },
    #[error("gave up after {attempts} attempts; last error: {last}")]
    Exhausted {
        attempts: u32,
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

    /// Whether trying again (with a fresh presigned POST) may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            UploadError::Api { status, .. } => *status >= 500 || *status == 429,
            UploadError::Kizen { .. } | UploadError::S3Transport(_) => true,
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
