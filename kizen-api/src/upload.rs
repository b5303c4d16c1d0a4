//! The whole file upload in one call: Kizen's three steps, by hand.
//!
//! 1. `GET /api/s3/presigned-post` (generated) gives an S3 URL and form fields.
//! 2. A `multipart/form-data` POST of those fields, then the file (last), to S3.
//!    Not in Kizen's spec, so progenitor cannot generate it; it goes through
//!    a separate HTTP client so that Kizen's credentials never reach S3.
//! 3. `POST /api/s3/success` (generated) records the object, and is called
//!    only once S3 has accepted the bytes and their ETag checks out.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::Stream;
use futures_util::ready;
use md5::{Digest, Md5};
use reqwest::multipart::{Form, Part};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::sync::PollSender;

use crate::Client;
use crate::types::{
    PresignedPostResponse, S3Object, S3PresignedPostRetrieveSource, S3SuccessCreateBody,
};

/// What the upload is for; decides where Kizen stores it.
pub type Source = S3PresignedPostRetrieveSource;

/// Called with (bytes sent so far, total bytes) as the upload streams. On a
/// retry the count starts again from zero.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Read size when streaming a file: large enough for throughput, small
/// enough that memory stays flat whatever the file size.
const CHUNK: usize = 256 * 1024;

/// How to upload: the [`Source`] is required, the rest has defaults.
#[derive(Clone)]
pub struct UploadOptions {
    source: Source,
    content_type: Option<String>,
    name: Option<String>,
    public: bool,
    progress: Option<Progress>,
    attempts: u32,
    expiry_margin: Duration,
    backoff: Duration,
    s3_http: Option<reqwest::Client>,
}

impl UploadOptions {
    pub fn new(source: Source) -> Self {
        Self {
            source,
            content_type: None,
            name: None,
            public: false,
            progress: None,
            attempts: 3,
            expiry_margin: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
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
        self.attempts = attempts.max(1);
        self
    }

    /// First pause between attempts, doubled each time (default 500 ms).
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
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
            .field("attempts", &self.attempts)
            .field("expiry_margin", &self.expiry_margin)
            .finish_non_exhaustive()
    }
}

/// One of the three steps, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            None => default_s3_client()?,
        };

        // Steps 1 and 2, retried together: a retried upload asks for a fresh
        // presigned POST (the old one may have expired meanwhile).
        let mut pause = options.backoff;
        let mut attempt = 1;
        let (post, etag) = loop {
            let result = async {
                let post = self.fresh_post(&content_type, &name, len, &options).await?;
                let stream = content.open().await?.ok_or(UploadError::ShortRead {
                    declared: len,
                    actual: 0,
                })?;
                let etag =
                    post_to_s3(&s3, &post, stream, len, &name, &content_type, &options).await?;
                Ok::<_, UploadError>((post, etag))
            }
            .await;
            match result {
                Ok(done) => break done,
                Err(e)
                    if e.is_transient()
                        && attempt < options.attempts
                        && !matches!(content, Content::Reader(_)) =>
                {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
                Err(e) if attempt > 1 => {
                    return Err(UploadError::Exhausted {
                        attempts: attempt,
                        last: Box::new(e),
                    });
                }
                Err(e) => return Err(e),
            }
        };

        // Step 3, only now that S3 holds the bytes. Retried on its own: the
        // object is in S3 and need not be sent again.
        let key = post
            .fields
            .get("key")
            .ok_or(UploadError::NoKey)?
            .replace("${filename}", &name);
        let mut pause = options.backoff;
        let mut attempt = 1;
        loop {
            let body = S3SuccessCreateBody::builder()
                .uuid(post.s3object_id.to_string())
                .key(key.clone())
                .name(name.clone())
                .etag(etag.clone())
                .is_public(options.public)
                .business_id(self.inner.business_id().to_string());
            let result = self
                .s3_success_create()
                .source(options.source.to_string().to_uppercase())
                .body(body)
                .send()
                .await;
            match result {
                Ok(object) => return Ok(object.into_inner()),
                Err(e) => {
                    let e = api_error(Step::Confirm, e).await;
                    if !(e.is_transient() && attempt < options.attempts) {
                        return Err(e);
                    }
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
            }
        }
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
                .source(options.source)
                .send()
                .await;
            let post = match post {
                Ok(post) => post.into_inner(),
                Err(progenitor_client::Error::ErrorResponse(response)) => {
                    return Err(UploadError::Rejected {
                        detail: response.into_inner().detail,
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

/// Step 2: the multipart POST to S3, fields first and the file last.
/// Returns the ETag, checked against the MD5 of the bytes actually sent.
async fn post_to_s3(
    s3: &reqwest::Client,
    post: &PresignedPostResponse,
    content: Box<dyn AsyncRead + Send + Unpin>,
    len: u64,
    name: &str,
    content_type: &str,
    options: &UploadOptions,
) -> Result<String, UploadError> {
    let tap = Arc::new(Mutex::new(Tap::default()));
    let (hasher, digest) = md5_thread();
    let stream = Tapped {
        inner: tokio_util::io::ReaderStream::with_capacity(content.take(len), CHUNK),
        tap: tap.clone(),
        hasher: Some(hasher),
        total: len,
        progress: options.progress.clone(),
    };
    let file = Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
        .file_name(name.to_string())
        .mime_str(content_type)
        .map_err(|e| UploadError::Kizen {
            step: Step::S3Upload,
            message: format!("invalid content type `{content_type}`: {e}"),
        })?;
    let mut form = Form::new();
    for (field, value) in &post.fields {
        form = form.text(field.clone(), value.clone());
    }
    let form = form.part("file", file);

    let response = s3
        .post(&post.url)
        .multipart(form)
        .send()
        .await
        .map_err(|e| {
            // A reader that ran dry before `len` aborts the body: say so plainly.
            match tap.lock().map(|t| (t.finished, t.sent)) {
                Ok((true, sent)) if sent < len => UploadError::ShortRead {
                    declared: len,
                    actual: sent,
                },
                _ => UploadError::S3Transport(chain(&e)),
            }
        })?;
    let status = response.status();
    let header_etag = response
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .text()
        .await
        .map_err(|e| UploadError::S3Transport(chain(&e)))?;
    if !status.is_success() {
        let (code, message) = s3_error(&body);
        return Err(UploadError::S3 {
            status: status.as_u16(),
            code,
            message,
        });
    }
    let sent = tap.lock().map(|t| t.sent).unwrap_or_default();
    // The body has been sent and dropped, which closed the hasher's queue.
    let md5 = digest.await.unwrap_or_default();
    if sent != len {
        return Err(UploadError::ShortRead {
            declared: len,
            actual: sent,
        });
    }
    let etag = etag(header_etag.as_deref(), &body).ok_or(UploadError::MissingEtag)?;
    if is_plain_md5(&etag) && !etag.eq_ignore_ascii_case(&md5) {
        return Err(UploadError::Integrity {
            etag,
            md5,
            bytes: sent,
        });
    }
    Ok(etag)
}

/// The ETag of a successful S3 POST: the `ETag` header (S3 always sends it;
/// some servers only on 204), else the `<ETag>` of a `PostResponse` body
/// (`success_action_status=201`); surrounding quotes stripped.
pub fn etag(header: Option<&str>, body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct PostResponse {
        #[serde(rename = "ETag")]
        etag: Option<String>,
    }
    let raw = header.map(str::to_string).or_else(|| {
        quick_xml::de::from_str::<PostResponse>(body)
            .ok()
            .and_then(|r| r.etag)
    })?;
    let trimmed = raw
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .to_string();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// `Code` and `Message` of an S3 XML error body (the raw body otherwise).
pub fn s3_error(body: &str) -> (String, String) {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct S3Error {
        code: String,
        #[serde(default)]
        message: String,
    }
    match quick_xml::de::from_str::<S3Error>(body) {
        Ok(e) => (e.code, e.message),
        Err(_) => ("Unknown".into(), body.chars().take(200).collect()),
    }
}

/// A single-part ETag is the hex MD5 of the object; a multipart one ends
/// in `-N` and is not comparable.
fn is_plain_md5(etag: &str) -> bool {
    etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A reqwest error with its causes: "error sending request" alone does not
/// say the connection was reset.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn api_error<E: fmt::Debug>(step: Step, e: progenitor_client::Error<E>) -> UploadError {
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

fn default_s3_client() -> Result<reqwest::Client, UploadError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client.clone());
    }
    let client = crate::http::s3_client().map_err(|e| UploadError::S3Transport(chain(&e)))?;
    Ok(CLIENT.get_or_init(|| client).clone())
}

/// Chunks the hasher may lag behind the upload before the upload waits.
const HASH_QUEUE: usize = 16;

/// What the stream has sent.
#[derive(Default)]
struct Tap {
    sent: u64,
    /// The source reached its end.
    finished: bool,
}

/// Passes chunks through to the request body, counting them, reporting
/// progress, and handing each to a hasher thread: MD5 runs beside the
/// upload instead of between its writes. The queue is bounded, so memory
/// stays bounded if hashing is the slower of the two.
struct Tapped<S> {
    inner: S,
    tap: Arc<Mutex<Tap>>,
    hasher: Option<PollSender<Bytes>>,
    total: u64,
    progress: Option<Progress>,
}

/// Starts the hasher thread: the MD5 of every chunk it is sent, in order.
fn md5_thread() -> (PollSender<Bytes>, tokio::task::JoinHandle<String>) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(HASH_QUEUE);
    let handle = tokio::task::spawn_blocking(move || {
        let mut md5 = Md5::new();
        while let Some(chunk) = rx.blocking_recv() {
            md5.update(&chunk);
        }
        hex(&md5.finalize())
    });
    (PollSender::new(tx), handle)
}

impl<S> Stream for Tapped<S>
where
    S: Stream<Item = std::io::Result<Bytes>> + Unpin,
{
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Room in the hasher's queue first, so no chunk is read unhashed.
        if let Some(hasher) = &mut self.hasher
            && ready!(hasher.poll_reserve(cx)).is_err()
        {
            let gone = std::io::Error::other("the MD5 hasher stopped");
            return Poll::Ready(Some(Err(gone)));
        }
        let poll = Pin::new(&mut self.inner).poll_next(cx);
        match &poll {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(hasher) = &mut self.hasher {
                    // Reserved above; a send only fails if the hasher is gone,
                    // and then the digest is missing and the upload fails.
                    let _ = hasher.send_item(chunk.clone());
                }
                let sent = match self.tap.lock() {
                    Ok(mut tap) => {
                        tap.sent += chunk.len() as u64;
                        tap.sent
                    }
                    Err(_) => 0,
                };
                if let Some(progress) = &self.progress {
                    progress(sent, self.total);
                }
                if sent >= self.total {
                    // All declared bytes are out: the HTTP client need not
                    // poll for the end, so finish the digest now.
                    self.hasher = None;
                }
            }
            Poll::Ready(None) => {
                if let Ok(mut tap) = self.tap.lock() {
                    tap.finished = true;
                }
                // Closing the queue lets the hasher finish its digest.
                self.hasher = None;
            }
            _ => {
                if let Some(hasher) = &mut self.hasher {
                    hasher.abort_send();
                }
            }
        }
        poll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_from_header_or_post_response_body() {
        assert_eq!(etag(Some("\"abc123\""), "").as_deref(), Some("abc123"));
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<PostResponse><Location>http://127.0.0.1/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag></PostResponse>"#;
        assert_eq!(
            etag(None, body).as_deref(),
            Some("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(etag(Some("\"hdr\""), body).as_deref(), Some("hdr"));
        assert_eq!(etag(None, ""), None);
        assert_eq!(
            etag(None, "<PostResponse><Key>k</Key></PostResponse>"),
            None
        );
    }

    #[test]
    fn s3_error_code_and_message() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message><RequestId>1</RequestId></Error>"#;
        assert_eq!(
            s3_error(body),
            (
                "EntityTooLarge".into(),
                "Your proposed upload exceeds the maximum allowed size".into()
            )
        );
        assert_eq!(s3_error("gateway timeout").0, "Unknown");
    }

    #[test]
    fn only_plain_md5_etags_are_compared() {
        assert!(is_plain_md5("d41d8cd98f00b204e9800998ecf8427e"));
        assert!(!is_plain_md5("d41d8cd98f00b204e9800998ecf8427e-3"));
        assert!(!is_plain_md5("abc"));
    }

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
