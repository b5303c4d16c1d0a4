//! The whole upload, end to end, against a real S3 implementation that
//! enforces presigned POST policies (s3s-fs) and a Kizen server that signs
//! them; each case checks the outcome and what reached each server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kizen_api::{Client, Credentials, Source, UploadError, UploadOptions};
use support::{Behaviour, Kizen, S3};

const CREDENTIAL_HEADERS: [&str; 3] = ["x-business-id", "x-user-id", "x-api-key"];

fn client(kizen: &Kizen) -> Client {
    let credentials = Credentials::new("biz-42", "user-7", "sk-secret-key").unwrap();
    Client::with_credentials(&kizen.base, credentials).unwrap()
}

fn options() -> UploadOptions {
    UploadOptions::new(Source::FieldValue).backoff(Duration::from_millis(10))
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn md5_hex(bytes: &[u8]) -> String {
    format!("{:x}", md5::compute(bytes))
}

fn assert_no_s3_posts(s3: &S3) {
    let posts: Vec<_> = s3
        .requests()
        .into_iter()
        .filter(|r| r.what.starts_with("POST"))
        .collect();
    assert!(posts.is_empty(), "S3 was called: {posts:?}");
}

#[tokio::test]
async fn happy_path_stores_the_bytes_and_returns_the_object() {
    let s3 = S3::start().await;
    let kizen = Kizen::start(&s3, Behaviour::new(&s3)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    let bytes = data(3 * 1024 * 1024 + 17);
    std::fs::write(&path, &bytes).unwrap();

    let progress = Arc::new(AtomicU64::new(0));
    let seen = progress.clone();
    let object = client(&kizen)
        .upload_file(
            &path,
            options().public(true).on_progress(move |sent, total| {
                assert!(sent <= total);
                seen.store(sent, Ordering::SeqCst);
            }),
        )
        .await
        .unwrap();

    assert_eq!(s3.object(&object.key).unwrap(), bytes);
    assert_eq!(object.name.as_deref(), Some("report.pdf"));
    assert_eq!(object.size_bytes, Some(bytes.len() as i64));
    assert_eq!(object.is_public, Some(true));
    assert_eq!(progress.load(Ordering::SeqCst), bytes.len() as u64);

    let presign = kizen.requests("presigned-post");
    assert_eq!(presign.len(), 1);
    assert_eq!(presign[0].params["contenttype"], "application/pdf");
    assert_eq!(presign[0].params["filename"], "report.pdf");
    assert_eq!(presign[0].params["source"], "field_value");
    let success = kizen.requests("success");
    assert_eq!(success.len(), 1);
    assert_eq!(success[0].params["etag"], md5_hex(&bytes));
    assert_eq!(success[0].params["uuid"], object.id.to_string());
    assert_eq!(success[0].params["business_id"], "biz-42");
    assert_eq!(success[0].params["is_public"], "true");
    let s3_posts: Vec<_> = s3
        .requests()
        .into_iter()
        .filter(|r| r.what.starts_with("POST"))
        .collect();
    assert_eq!(s3_posts.len(), 1);
    let length: u64 = s3_posts[0].headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        length > bytes.len() as u64,
        "a known Content-Length, file plus fields"
    );
    assert!(
        s3_posts[0].headers.get("transfer-encoding").is_none(),
        "S3 POST must not be chunked"
    );
}

#[tokio::test]
async fn credentials_reach_kizen_and_never_s3() {
    let s3 = S3::start().await;
    let kizen = Kizen::start(&s3, Behaviour::new(&s3)).await;
    client(&kizen)
        .upload_bytes("a.txt", &b"hello"[..], options())
        .await
        .unwrap();
    for seen in kizen.log.lock().unwrap().iter() {
        assert_eq!(seen.headers["x-business-id"], "biz-42", "{}", seen.what);
        assert_eq!(seen.headers["x-user-id"], "user-7", "{}", seen.what);
        assert_eq!(seen.headers["x-api-key"], "sk-secret-key", "{}", seen.what);
        assert!(
            seen.headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("kizen-api/")
        );
    }
    let s3_requests = s3.requests();
    assert!(!s3_requests.is_empty());
    for seen in s3_requests {
        for header in CREDENTIAL_HEADERS {
            assert!(seen.headers.get(header).is_none(), "{header} sent to S3");
        }
        let all = format!("{:?}", seen.headers);
        assert!(
            !all.contains("sk-secret-key"),
            "the API key reached S3: {all}"
        );
    }
}

#[tokio::test]
async fn empty_file() {
    let s3 = S3::start().await;
    let kizen = Kizen::start(&s3, Behaviour::new(&s3)).await;
    let object = client(&kizen)
        .upload_bytes("empty.txt", Vec::new(), options())
        .await
        .unwrap();
    assert_eq!(s3.object(&object.key).unwrap(), Vec::<u8>::new());
    assert_eq!(
        kizen.requests("success")[0].params["etag"],
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(
        kizen.requests("presigned-post")[0].params["contenttype"],
        "text/plain"
    );
}

#[tokio::test]
async fn name_with_spaces_and_non_ascii() {
    let s3 = S3::start().await;
    let kizen = Kizen::start(&s3, Behaviour::new(&s3)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mon résumé 2026 – final.pdf");
    std::fs::write(&path, b"%PDF-1.7 bonjour").unwrap();
    let object = client(&kizen).upload_file(&path, options()).await.unwrap();
    assert_eq!(object.name.as_deref(), Some("mon résumé 2026 – final.pdf"));
    assert!(
        object.key.ends_with("/mon résumé 2026 – final.pdf"),
        "{}",
        object.key
    );
    assert_eq!(s3.object(&object.key).unwrap(), b"%PDF-1.7 bonjour");
    assert_eq!(
        kizen.requests("presigned-post")[0].params["filename"],
        "mon résumé 2026 – final.pdf"
    );
}

#[tokio::test]
async fn too_large_fails_before_any_byte_is_sent() {
    let s3 = S3::start().await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.max_file_size = 10;
    let kizen = Kizen::start(&s3, behaviour).await;
    let err = client(&kizen)
        .upload_bytes("big.bin", vec![0u8; 11], options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::TooLarge { size: 11, max: 10 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the file is 11 bytes; Kizen accepts at most 10 bytes for this upload"
    );
    assert!(s3.requests().is_empty());
    assert!(kizen.requests("success").is_empty());
}

#[tokio::test]
async fn an_expired_presigned_post_is_requested_again() {
    let s3 = S3::start().await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.expiries = [-60, 5].into(); // expired, then too soon for the margin
    let kizen = Kizen::start(&s3, behaviour).await;
    let object = client(&kizen)
        .upload_bytes("a.txt", &b"fresh"[..], options())
        .await
        .unwrap();
    assert_eq!(s3.object(&object.key).unwrap(), b"fresh");
    assert_eq!(kizen.requests("presigned-post").len(), 3);
    assert_eq!(kizen.requests("success").len(), 1);
}

#[tokio::test]
async fn s3_rejecting_the_upload_is_a_typed_error_and_nothing_is_confirmed() {
    let s3 = S3::start().await;
    // Kizen advertises 1 MiB, but the signed policy allows only 100 bytes.
    let mut behaviour = Behaviour::new(&s3);
    behaviour.policy_max = Some(100);
    let kizen = Kizen::start(&s3, behaviour).await;
    let err = client(&kizen)
        .upload_bytes("a.bin", vec![7u8; 1000], options())
        .await
        .unwrap_err();
    match &err {
        UploadError::S3 { status, code, .. } => {
            assert_eq!(*status, 400, "{err}");
            assert_eq!(code, "EntityTooLarge", "{err}");
        }
        other => panic!("expected S3's error, got {other:?}"),
    }
    assert!(kizen.requests("success").is_empty());

    // A policy signed with the wrong secret: S3 refuses it, not retried.
    kizen.behaviour.lock().unwrap().policy_max = None;
    kizen.behaviour.lock().unwrap().secret = "not-the-secret".into();
    let err = client(&kizen)
        .upload_bytes("a.bin", vec![7u8; 10], options())
        .await
        .unwrap_err();
    match &err {
        UploadError::S3 {
            status: 403, code, ..
        } => assert_eq!(code, "SignatureDoesNotMatch", "{err}"),
        other => panic!("expected S3's 403, got {other:?}"),
    }
    assert!(kizen.requests("success").is_empty());
    assert_eq!(
        kizen.requests("presigned-post").len(),
        2,
        "a client error is not retried"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_upload_is_retried_then_reported_and_never_confirmed() {
    let s3 = S3::start().await;
    let (proxy, connections) = support::dropping_proxy(s3.addr, 64 * 1024).await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.upload_url = format!("http://{proxy}/{}", support::BUCKET);
    let kizen = Kizen::start(&s3, behaviour).await;
    let err = client(&kizen)
        .upload_bytes("a.bin", data(1024 * 1024), options().attempts(3))
        .await
        .unwrap_err();
    let UploadError::Exhausted { attempts: 3, last } = &err else {
        panic!("expected 3 attempts, got {err:?}");
    };
    assert!(matches!(**last, UploadError::S3Transport(_)), "{last:?}");
    assert_eq!(*connections.lock().unwrap(), 3);
    assert_eq!(
        kizen.requests("presigned-post").len(),
        3,
        "each retry asks for a fresh presigned POST"
    );
    assert!(kizen.requests("success").is_empty());
}

#[tokio::test]
async fn a_400_from_step_one_carries_its_detail() {
    let s3 = S3::start().await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.reject = Some(
        [(
            "contenttype".to_string(),
            "Unsupported content type".to_string(),
        )]
        .into(),
    );
    let kizen = Kizen::start(&s3, behaviour).await;
    let err = client(&kizen)
        .upload_bytes("a.exe", &b"MZ"[..], options())
        .await
        .unwrap_err();
    let UploadError::Rejected { detail } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(detail["contenttype"], "Unsupported content type");
    assert_eq!(
        err.to_string(),
        "Kizen refused the presigned POST (HTTP 400): contenttype: Unsupported content type"
    );
    assert_eq!(kizen.requests("presigned-post").len(), 1);
    assert_no_s3_posts(&s3);
    assert!(kizen.requests("success").is_empty());
}

#[tokio::test]
async fn a_reader_with_a_known_length() {
    let s3 = S3::start().await;
    let kizen = Kizen::start(&s3, Behaviour::new(&s3)).await;
    let bytes = data(200_000);
    let reader = std::io::Cursor::new(bytes.clone());
    let object = client(&kizen)
        .upload_reader(
            "stream.bin",
            reader,
            bytes.len() as u64,
            options().content_type("application/x-custom"),
        )
        .await
        .unwrap();
    assert_eq!(s3.object(&object.key).unwrap(), bytes);
    assert_eq!(
        kizen.requests("presigned-post")[0].params["contenttype"],
        "application/x-custom"
    );

    // A reader shorter than declared is an error, and nothing is confirmed.
    let short = std::io::Cursor::new(vec![1u8; 10]);
    let err = client(&kizen)
        .upload_reader("short.bin", short, 20, options())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            UploadError::ShortRead {
                declared: 20,
                actual: 10
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the reader ended after 10 bytes; 20 were declared"
    );
    assert_eq!(kizen.requests("success").len(), 1);
}

#[tokio::test]
async fn an_etag_header_that_is_not_the_md5_sent_is_an_integrity_error() {
    let s3 = S3::start().await;
    let wrong = "0123456789abcdef0123456789abcdef";
    let (url, posts) = support::scripted_s3(204, vec![("etag", format!("\"{wrong}\""))], "").await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.upload_url = url;
    let kizen = Kizen::start(&s3, behaviour).await;
    let bytes = b"the real bytes".to_vec();
    let err = client(&kizen)
        .upload_bytes("a.txt", bytes.clone(), options())
        .await
        .unwrap_err();
    let UploadError::Integrity {
        etag,
        md5,
        bytes: sent,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(etag, wrong);
    assert_eq!(*md5, md5_hex(&bytes));
    assert_eq!(*sent, bytes.len() as u64);
    assert_eq!(
        *posts.lock().unwrap(),
        1,
        "an integrity error is not retried"
    );
    assert!(kizen.requests("success").is_empty());
}

#[tokio::test]
async fn a_multipart_etag_from_the_header_is_accepted_unchecked() {
    let s3 = S3::start().await;
    let (url, _) = support::scripted_s3(
        204,
        vec![("etag", "\"9b2cf535f27731c974343645a3985328-2\"".into())],
        "",
    )
    .await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.upload_url = url;
    let kizen = Kizen::start(&s3, behaviour).await;
    // The scripted S3 stores nothing, so Kizen's check refuses step 3: the
    // ETag from the header is what reached it.
    let err = client(&kizen)
        .upload_bytes("a.txt", &b"x"[..], options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::Api { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(
        kizen.requests("success")[0].params["etag"],
        "9b2cf535f27731c974343645a3985328-2"
    );
}

#[tokio::test]
async fn slow_down_is_retried_with_a_fresh_presigned_post() {
    let s3 = S3::start().await;
    let slow_down = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
    let (url, posts) = support::scripted_s3(
        503,
        vec![("content-type", "application/xml".into())],
        slow_down,
    )
    .await;
    let mut behaviour = Behaviour::new(&s3);
    behaviour.upload_url = url;
    let kizen = Kizen::start(&s3, behaviour).await;
    let err = client(&kizen)
        .upload_bytes("a.txt", &b"x"[..], options().attempts(2))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "gave up after 2 attempts; last error: S3 rejected the upload (HTTP 503): SlowDown: Please reduce your request rate."
    );
    assert_eq!(*posts.lock().unwrap(), 2);
    assert_eq!(kizen.requests("presigned-post").len(), 2);
    assert!(kizen.requests("success").is_empty());
}
