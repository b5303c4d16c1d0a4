//! The example crate's tests: offline, against `kizen-api-httpmock`'s
//! upload scenario on a local mock server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use attach_resume::{AttachError, Attachment, attach_resume};
use httpmock::MockServer;
use kizen_api::{Client, Credentials, Step};
use kizen_api_httpmock::UploadScenario;

const RESUME: &[u8] = b"%PDF-1.7\nJane Doe, Rust engineer\n%%EOF\n";

fn resume(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("jane-doe.pdf");
    std::fs::write(&path, RESUME).unwrap();
    path
}

fn client(server: &MockServer) -> Client {
    let credentials = Credentials::new("business", "user", "key").unwrap();
    Client::with_credentials(&server.base_url(), credentials).unwrap()
}

#[tokio::test]
async fn a_resume_is_attached() {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir().unwrap();
    let upload = UploadScenario::new("jane-doe.pdf", RESUME).mock(&server);

    let attachment = attach_resume(&client(&server), &resume(&dir))
        .await
        .unwrap();

    assert_eq!(
        attachment,
        Attachment {
            id: upload.object.id,
            url: upload.object.url.clone(),
        }
    );
    upload.presigned_post.assert_calls(1);
    upload.s3_upload.assert_calls(1);
    upload.confirm.assert_calls(1);
}

#[tokio::test]
async fn a_refused_file_type_is_reported_as_refused() {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir().unwrap();
    let upload = UploadScenario::new("jane-doe.pdf", RESUME)
        .fail(Step::PresignedPost, 400)
        .mock(&server);

    let err = attach_resume(&client(&server), &resume(&dir))
        .await
        .unwrap_err();

    assert!(matches!(err, AttachError::Refused(_)), "{err}");
    assert!(
        err.to_string().contains("file type is not allowed"),
        "{err}"
    );
    upload.s3_upload.assert_calls(0);
    upload.confirm.assert_calls(0);
}

#[tokio::test]
async fn an_s3_failure_is_retried_then_reported_as_storage() {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir().unwrap();
    let upload = UploadScenario::new("jane-doe.pdf", RESUME)
        .fail(Step::S3Upload, 503)
        .mock(&server);

    let err = attach_resume(&client(&server), &resume(&dir))
        .await
        .unwrap_err();

    assert!(matches!(err, AttachError::Storage(_)), "{err}");
    assert!(err.to_string().contains("SlowDown"), "{err}");
    // A transient S3 failure asks for a fresh presigned POST each time.
    upload.presigned_post.assert_calls(2);
    upload.s3_upload.assert_calls(2);
    upload.confirm.assert_calls(0);
}

#[tokio::test]
async fn an_unconfirmed_upload_is_reported_as_not_recorded() {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir().unwrap();
    let upload = UploadScenario::new("jane-doe.pdf", RESUME)
        .fail(Step::Confirm, 400)
        .mock(&server);

    let err = attach_resume(&client(&server), &resume(&dir))
        .await
        .unwrap_err();

    assert!(matches!(err, AttachError::NotRecorded(_)), "{err}");
    upload.s3_upload.assert_calls(1);
    upload.confirm.assert_calls(1);
}

#[tokio::test]
async fn other_bytes_than_the_mocked_ones_fail_the_integrity_check() {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir().unwrap();
    let upload = UploadScenario::new("jane-doe.pdf", b"another file").mock(&server);

    let err = attach_resume(&client(&server), &resume(&dir))
        .await
        .unwrap_err();

    assert!(matches!(err, AttachError::Storage(_)), "{err}");
    assert!(err.to_string().contains("integrity check failed"), "{err}");
    upload.confirm.assert_calls(0);
}
