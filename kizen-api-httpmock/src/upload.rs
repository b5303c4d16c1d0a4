//! A whole `Client::upload_file` (or `upload_bytes`) mocked in one call:
//! Kizen's presigned POST pointing at the mock server, the S3 form POST
//! answered with the content's ETag, and the confirmation. Any one step
//! can be made to fail, to test how the code under test handles it.
//!
//! ```no_run
//! use httpmock::MockServer;
//! use kizen_api::{Client, Credentials, Source, Step, UploadOptions};
//! use kizen_api_httpmock::UploadScenario;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let upload = UploadScenario::new("resume.pdf", b"%PDF-1.7 ...").mock(&server);
//! let client = Client::with_credentials(&server.base_url(), Credentials::new("b", "u", "k")?)?;
//! let object = client
//!     .upload_bytes("resume.pdf", &b"%PDF-1.7 ..."[..], UploadOptions::new(Source::FieldValue))
//!     .await?;
//! assert_eq!(object.id, upload.object.id);
//! upload.confirm.assert();
//!
//! // Step 2 answers 403: the upload fails there, and is never confirmed.
//! let failing = UploadScenario::new("a.txt", b"x").fail(Step::S3Upload, 403);
//! # Ok(())
//! # }
//! ```

use chrono::{Duration, Utc};
use httpmock::{Method, Mock, MockServer};
use kizen_api::Step;
use kizen_api::types::{PresignedPostErrorResponse, PresignedPostResponse, S3Object};
use serde_json::json;
use uuid::Uuid;

use crate::MockServerExt;

/// The path of the mock server that stands in for the S3 bucket.
pub const S3_PATH: &str = "/kizen-httpmock-bucket";

/// What the mocked upload expects and answers; see the [module](self).
#[derive(Debug, Clone)]
pub struct UploadScenario {
    file_name: String,
    md5: String,
    size: u64,
    object_id: Uuid,
    max_file_size: i64,
    fail: Option<(Step, u16)>,
}

/// The three mocks of an upload, to assert on (`hits()`, `assert()`), and
/// the object the confirmation answers with.
pub struct UploadMock<'a> {
    /// Step 1, `GET /api/s3/presigned-post`.
    pub presigned_post: Mock<'a>,
    /// Step 2, the form POST to [`S3_PATH`].
    pub s3_upload: Mock<'a>,
    /// Step 3, `POST /api/s3/success`, matched on the object id, key and
    /// ETag that the upload must confirm.
    pub confirm: Mock<'a>,
    /// What step 3 answers (what `upload_file` returns on success).
    pub object: S3Object,
}

impl UploadScenario {
    /// An upload of `content` as `file_name` that succeeds. S3 answers the
    /// MD5 of `content` as its ETag, as real S3 does, so the client's
    /// integrity check passes only if it sent exactly these bytes.
    pub fn new(file_name: impl Into<String>, content: impl AsRef<[u8]>) -> Self {
        let content = content.as_ref();
        let file_name = file_name.into();
        let digest = md5::compute(content);
        // Deterministic, so that a failing test shows the same ids each run.
        let id = md5::compute([file_name.as_bytes(), &digest.0].concat());
        Self {
            file_name,
            md5: format!("{digest:x}"),
            size: content.len() as u64,
            object_id: Uuid::from_bytes(id.0),
            max_file_size: 10 * 1024 * 1024,
            fail: None,
        }
    }

    /// The id Kizen gives the object (by default one derived from the file
    /// name and content).
    pub fn object_id(mut self, id: Uuid) -> Self {
        self.object_id = id;
        self
    }

    /// The largest file the presigned POST allows (10 MiB by default).
    pub fn max_file_size(mut self, bytes: i64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Makes `step` answer HTTP `status` (a 4xx or 5xx), with the body Kizen
    /// or S3 would send. The steps after it are still mocked, so that a test
    /// can assert that they were never called.
    ///
    /// # Panics
    /// On a status that is not an error, or a second failing step (the
    /// upload stops at the first, so the second could never be reached).
    #[track_caller]
    pub fn fail(mut self, step: Step, status: u16) -> Self {
        assert!(
            (400..=599).contains(&status),
            "UploadScenario::fail: HTTP {status} is not a failure; give a 4xx or 5xx status"
        );
        if let Some((first, _)) = self.fail {
            panic!(
                "UploadScenario::fail: {first} already fails, so the upload stops there and \
                 {step} could never fail too; give one failing step per scenario"
            );
        }
        self.fail = Some((step, status));
        self
    }

    /// Registers the three mocks on `server`.
    ///
    /// # Panics
    /// If `file_name` is empty (the client would send no file name), or if
    /// the spec has gained a required property this mock does not set.
    #[track_caller]
    pub fn mock<'a>(&self, server: &'a MockServer) -> UploadMock<'a> {
        assert!(
            !self.file_name.is_empty(),
            "UploadScenario: the file name is empty; the client always sends one"
        );
        let key = format!("uploads/{}/{}", self.object_id, self.file_name);
        let failing = |step: Step| match self.fail {
            Some((failed, status)) if failed == step => Some(status),
            _ => None,
        };

        // Builders, not struct literals: a property the vendor adds keeps
        // this compiling (a required one fails here, by name, at run time).
        let post: PresignedPostResponse = built(
            PresignedPostResponse::builder()
                .expires_at(Utc::now() + Duration::hours(1))
                .fields([
                    ("key".to_string(), key.clone()),
                    ("policy".to_string(), "bW9jaw==".to_string()),
                ])
                .max_file_size(self.max_file_size)
                .s3object_id(self.object_id)
                .url(server.url(S3_PATH))
                .try_into(),
        );
        let presigned_post = server.s3_presigned_post_retrieve(|when, then| {
            let _ = when;
            match failing(Step::PresignedPost) {
                None => {
                    then.ok(&post);
                }
                Some(400) => {
                    let detail = [(
                        "filename".to_string(),
                        "This file type is not allowed.".to_string(),
                    )];
                    let body: PresignedPostErrorResponse = built(
                        PresignedPostErrorResponse::builder()
                            .detail(detail)
                            .try_into(),
                    );
                    then.bad_request(&body);
                }
                Some(status) => {
                    then.into_inner()
                        .status(status)
                        .header("content-type", "application/json")
                        .json_body(json!({ "detail": "mocked failure" }));
                }
            }
        });

        let md5 = self.md5.clone();
        let s3_upload = server.mock(|when, then| {
            when.method(Method::POST)
                .path(S3_PATH)
                .header_includes("content-type", "multipart/form-data")
                .body_includes(key.as_str());
            match failing(Step::S3Upload) {
                None => {
                    then.status(204).header("ETag", format!("\"{md5}\""));
                }
                Some(status) => {
                    then.status(status)
                        .header("content-type", "application/xml")
                        .body(format!(
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>\
                             <Message>mocked failure</Message></Error>",
                            s3_code(status)
                        ));
                }
            }
        });

        let object: S3Object = built(
            S3Object::builder()
                .common_key(None)
                .content_type(None)
                .created(Utc::now())
                .employee(serde_json::Map::new())
                .id(self.object_id)
                .is_common(false)
                .is_public(Some(false))
                .key(key.clone())
                .metadata(serde_json::Map::new())
                .name(Some(self.file_name.clone()))
                .size_bytes(i64::try_from(self.size).ok())
                .size_formatted(format!("{} B", self.size))
                .thumbnail_url(String::new())
                .url(server.url(format!("{S3_PATH}/{key}")))
                .try_into(),
        );
        let confirm = server.s3_success_create(|when, then| {
            when.into_inner()
                .form_urlencoded_tuple("uuid", self.object_id.to_string())
                .form_urlencoded_tuple("key", key.as_str())
                .form_urlencoded_tuple("etag", self.md5.as_str());
            match failing(Step::Confirm) {
                None => {
                    then.ok(&object);
                }
                Some(status) => {
                    then.into_inner()
                        .status(status)
                        .header("content-type", "application/json")
                        .json_body(json!({ "detail": "mocked failure" }));
                }
            }
        });
        UploadMock {
            presigned_post,
            s3_upload,
            confirm,
            object,
        }
    }
}

/// A generated type from its builder. A required property the vendor adds
/// is not set here; the panic names it, the mock's documented failure.
#[track_caller]
fn built<T>(result: Result<T, kizen_api::types::error::ConversionError>) -> T {
    result.unwrap_or_else(|error| {
        panic!("UploadScenario: the vendor's spec now requires more than this mock sets: {error}")
    })
}

/// The S3 error code that goes with `status`, as S3 names it.
fn s3_code(status: u16) -> &'static str {
    match status {
        400 => "InvalidArgument",
        403 => "AccessDenied",
        404 => "NoSuchBucket",
        503 => "SlowDown",
        _ if status >= 500 => "InternalError",
        _ => "InvalidRequest",
    }
}
