//! An example downstream crate: a recruiting app attaches a candidate's
//! résumé to Kizen. It depends on `kizen-api` as any user would, and its
//! tests run offline against `kizen-api-httpmock` (see `tests/`).

use std::path::Path;
use std::time::Duration;

use kizen_api::{Client, Source, Step, UploadError, UploadOptions};

/// A résumé stored in Kizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: uuid::Uuid,
    pub url: String,
}

/// What the app tells its user, by the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("Kizen would not accept this file: {0}")]
    Refused(#[source] UploadError),
    #[error("the file could not be stored: {0}")]
    Storage(#[source] UploadError),
    #[error("the file was stored but Kizen did not record it: {0}")]
    NotRecorded(#[source] UploadError),
    #[error("cannot read the résumé: {0}")]
    Unreadable(#[source] UploadError),
}

/// Uploads the résumé at `path` as a field value, retrying transient
/// failures twice with a short pause.
pub async fn attach_resume(client: &Client, path: &Path) -> Result<Attachment, AttachError> {
    let options = UploadOptions::new(Source::FieldValue)
        .attempts(2)
        .backoff(Duration::from_millis(10));
    match client.upload_file(path, options).await {
        Ok(object) => Ok(Attachment {
            id: object.id,
            url: object.url,
        }),
        Err(e) => Err(match e.step() {
            Some(Step::PresignedPost) => AttachError::Refused(e),
            Some(Step::S3Upload) => AttachError::Storage(e),
            Some(Step::Confirm) => AttachError::NotRecorded(e),
            _ => AttachError::Unreadable(e),
        }),
    }
}
