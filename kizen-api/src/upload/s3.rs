//! Step 2: the presigned multipart POST to S3, and what S3 answers.

use std::sync::{Arc, Mutex, OnceLock};

use reqwest::multipart::{Form, Part};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::error::{Step, UploadError, chain};
use super::hash::{Tap, Tapped, md5_thread};
use super::options::UploadOptions;
use crate::types::PresignedPostResponse;

/// Read size when streaming a file: large enough for throughput, small
/// enough that memory stays flat whatever the file size.
const CHUNK: usize = 256 * 1024;

/// Step 2: the multipart POST to S3, fields first and the file last.
/// Returns the ETag, checked against the MD5 of the bytes actually sent.
pub(super) async fn post_to_s3(
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
fn etag(header: Option<&str>, body: &str) -> Option<String> {
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
fn s3_error(body: &str) -> (String, String) {
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

pub(super) fn default_s3_client() -> Result<reqwest::Client, UploadError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client.clone());
    }
    let client = crate::http::s3_client().map_err(|e| UploadError::S3Transport(chain(&e)))?;
    Ok(CLIENT.get_or_init(|| client).clone())
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
}
