//! The runtime's span, captured by a subscriber: its name and fields, and
//! no secret. In a test binary of its own: tracing caches each callsite's
//! interest process-wide, and a test without a subscriber running beside
//! could leave it cached as "never".

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use kizen_api::Timeouts;

mod script;

use script::{PRESIGNED, Server, Step, client, get, quick, status};

/// A `MakeWriter` that keeps what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_call_is_one_span_with_its_fields_and_no_secret() {
    let request_id = vec![("x-request-id", "req-7f3a".to_string())];
    let server = Server::start(vec![status(503)], Step::Answer(200, request_id, PRESIGNED)).await;
    let client = client(&server, quick(), Timeouts::default());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    get(&client).await.unwrap();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "kizen_api.call{",
        "operation=\"s3_presigned_post_retrieve\"",
        "http.request.method=GET",
        "server.address=\"127.0.0.1\"",
        "url.template=\"/api/s3/presigned-post\"",
        "url.path=\"/api/s3/presigned-post\"",
        "http.response.status_code=200",
        "http.request.resend_count=1",
        "request_id=\"req-7f3a\"",
        "retrying",
        "reason=\"Service Unavailable\"",
        "kizen_api: close",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    for secret in ["biz-secret-1", "user-secret-2", "key-secret-3", "x-api-key"] {
        assert!(
            !text.to_lowercase().contains(secret),
            "{secret} in:\n{text}"
        );
    }
}
