//! The whole file upload in one call: Kizen's three steps, by hand.
//!
//! 1. `GET /api/s3/presigned-post` (generated) gives an S3 URL and form fields.
//! 2. A `multipart/form-data` POST of those fields, then the file (last), to S3.
//!    Not in Kizen's spec, so progenitor cannot generate it; it goes through
//!    a separate HTTP client so that Kizen's credentials never reach S3.
//! 3. `POST /api/s3/success` (generated) records the object, and is called
//!    only once S3 has accepted the bytes and their ETag checks out.

mod error;
mod hash;
mod options;
mod retry;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;
use chrono::Utc;
use tokio::io::AsyncRead;

pub use error::{Step, UploadError};
pub use options::{Progress, Source, UploadOptions};

use crate::Client;
use crate::types::{PresignedPostResponse, S3Object, S3SuccessCreateBody};
use error::api_error;
use retry::retrying;

/// The bytes to upload; re-openable for a retry unless it is a reader.
enum Content {
    File(PathBuf),
    Bytes(Bytes),
    Reader(Mutex<Option<Box<dyn AsyncRead + Send + Unpin>>>),
}

impl Content {
    /// A fresh stream of the content, or `None` if it was consumed already.
    async fn open(&self) -> Result<Option<Box<dyn AsyncRead + Send + Unpin>>, UploadError> {
        Ok(match self {
            Content::File(path) => {
                let file =
                    tokio::fs::File::open(path)
                        .await
                        .map_err(|source| UploadError::Read {
                            path: path.clone(),
                            source,
                        })?;
                Some(Box::new(file))
            }
            Content::Bytes(bytes) => Some(Box::new(std::io::Cursor::new(bytes.clone()))),
            Content::Reader(reader) => reader.lock().map(|mut r| r.take()).unwrap_or(None),
        })
    }
}

impl Client {
    /// Uploads the file at `path` through the three steps and returns the
    /// stored object. The file is streamed with a known length (S3 POST
    /// refuses chunked bodies), so memory stays bounded whatever its size.
    pub async fn upload_file(
        &self,
        path: impl AsRef<Path>,
        options: UploadOptions,
    ) -> Result<S3Object, UploadError> {
        let path = path.as_ref().to_path_buf();
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|source| UploadError::Read {
                path: path.clone(),
                source,
            })?;
        if !meta.is_file() {
            return Err(UploadError::NotAFile(path));
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        self.upload(Content::File(path), meta.len(), file_name, options)
            .await
    }

    /// Uploads in-memory bytes as a file called `file_name`.
    pub async fn upload_bytes(
        &self,
        file_name: impl Into<String>,
        bytes: impl Into<Bytes>,
        options: UploadOptions,
    ) -> Result<S3Object, UploadError> {
        let bytes = bytes.into();
        let len = bytes.len() as u64;
        self.upload(Content::Bytes(bytes), len, file_name.into(), options)
            .await
    }

    /// Uploads exactly `len` bytes read from `reader`. A reader cannot be
    /// rewound: once its bytes have been sent, a failure is not retried.
    pub async fn upload_reader(
        &self,
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
        len: u64,
        options: UploadOptions,
    ) -> Result<S3Object, UploadError> {
        let content = Content::Reader(Mutex::new(Some(Box::new(reader))));
        self.upload(content, len, file_name.into(), options).await
    }

    async fn upload(
        &self,
        content: Content,
        len: u64,
        file_name: String,
        options: UploadOptions,
    ) -> Result<S3Object, UploadError> {
        let name = options.name.clone().unwrap_or_else(|| file_name.clone());
        let content_type = options.content_type.clone().unwrap_or_else(|| {
            mime_guess::from_path(&file_name)
                .first_or_octet_stream()
                .essence_str()
                .to_string()
        });
        let s3 = match &options.s3_http {
            Some(client) => client.clone(),
            None => s3::default_s3_client()?,
        };

        // Steps 1 and 2, retried together: a retried upload asks for a fresh
        // presigned POST (the old one may have expired meanwhile). A reader
        // cannot be rewound, so its upload is not retried.
        let rewindable = !matches!(content, Content::Reader(_));
        let (post, etag) = retrying(options.retry, rewindable, || async {
            let post = self.fresh_post(&content_type, &name, len, &options).await?;
            let stream = content.open().await?.ok_or(UploadError::ShortRead {
                declared: len,
                actual: 0,
            })?;
            let etag =
                s3::post_to_s3(&s3, &post, stream, len, &name, &content_type, &options).await?;
            Ok((post, etag))
        })
        .await?;

        // Step 3, only now that S3 holds the bytes. Retried on its own: the
        // object is in S3 and need not be sent again.
        let key = post
            .fields
            .get("key")
            .ok_or(UploadError::NoKey)?
            .replace("${filename}", &name);
        retrying(options.retry, true, || async {
            let body = S3SuccessCreateBody::builder()
                .uuid(post.s3object_id.to_string())
                .key(key.clone())
                .name(name.clone())
                .etag(etag.clone())
                .is_public(options.public)
                .business_id(self.inner.credentials().business_id().to_string());
            match self
                .s3_success_create()
                .source(options.source.to_string().to_uppercase())
                .body(body)
                .send()
                .await
            {
                Ok(object) => Ok(object.into_inner()),
                Err(e) => Err(api_error(Step::Confirm, e).await),
            }
        })
        .await
    }

    /// Step 1: a presigned POST that will not expire before the upload can
    /// start (asked again, a bounded number of times, if it would), and
    /// that allows `len` bytes.
    async fn fresh_post(
        &self,
        content_type: &str,
        name: &str,
        len: u64,
        options: &UploadOptions,
    ) -> Result<PresignedPostResponse, UploadError> {
        let margin =
            chrono::Duration::from_std(options.expiry_margin).unwrap_or(chrono::Duration::zero());
        let mut requests = 0;
        loop {
            requests += 1;
            let post = self
                .s3_presigned_post_retrieve()
                .contenttype(content_type)
                .filename(name)
                .source(options.source.clone())
                .send()
                .await;
            let post = match post {
                Ok(post) => post.into_inner(),
                Err(progenitor_client::Error::ErrorResponse(response)) => {
                    let crate::errors::S3PresignedPostRetrieveError::Status400(body) =
                        response.into_inner();
                    return Err(UploadError::Rejected {
                        detail: body.detail,
                    });
                }
                Err(e) => return Err(api_error(Step::PresignedPost, e).await),
            };
            let max = u64::try_from(post.max_file_size).unwrap_or(0);
            if len > max {
                return Err(UploadError::TooLarge { size: len, max });
            }
            if post.expires_at > Utc::now() + margin {
                return Ok(post);
            }
            if requests >= 3 {
                return Err(UploadError::Expired {
                    expires_at: post.expires_at,
                });
            }
        }
    }
}
