//! The generated client against a real HTTP server on 127.0.0.1 that
//! implements both S3 endpoints as Kizen's spec describes them.

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use kizen_api::types::{S3PresignedPostRetrieveSource, S3SuccessCreateBody};
use kizen_api::{Client, Credentials, Error};
use serde_json::{Value, json};

type Request = (String, HeaderMap, BTreeMap<String, String>);

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Request>>>);

impl Seen {
    fn record(&self, what: &str, headers: HeaderMap, params: BTreeMap<String, String>) {
        self.0
            .lock()
            .unwrap()
            .push((what.to_string(), headers, params));
    }
    fn take(&self) -> Vec<Request> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

async fn presigned(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    seen.record("presigned-post", headers, query.clone());
    if query.get("contenttype").map(String::as_str) == Some("bad/type") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"detail": {"contenttype": "unsupported content type"}})),
        );
    }
    (
        StatusCode::OK,
        Json(json!({
            "url": "http://127.0.0.1:9/bucket",
            "fields": {"key": "uploads/abc/resume.pdf", "policy": "e30="},
            "s3object_id": "6f1c2a8e-6b9a-4c47-9a52-2d1c7e0b9f11",
            "max_file_size": 10485760,
            "expires_at": "2026-11-27T10:05:00Z",
        })),
    )
}

async fn success(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Json<Value> {
    seen.record("success", headers, form.clone());
    Json(json!({
        "id": form["uuid"],
        "created": "2026-11-27T10:01:00Z",
        "key": form["key"],
        "name": form["name"],
        "url": "https://files.example/uploads/abc/resume.pdf",
        "thumbnail_url": "",
        "size_bytes": 1234,
        "size_formatted": "1.2 KB",
        "content_type": "application/pdf",
        "is_public": false,
        "common_key": null,
        "is_common": false,
        "metadata": {},
        "employee": {"id": "e1"},
    }))
}

async fn server() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/api/s3/presigned-post", get(presigned))
        .route("/api/s3/success", post(success))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

fn client(base: &str) -> Client {
    Client::new(
        base,
        Credentials::new("biz-1", "user-2", "secret-3").unwrap(),
    )
}

fn assert_credentials(headers: &HeaderMap) {
    assert_eq!(headers["x-business-id"], "biz-1");
    assert_eq!(headers["x-user-id"], "user-2");
    assert_eq!(headers["x-api-key"], "secret-3");
}

#[tokio::test]
async fn both_operations_send_credentials_and_parse_responses() {
    let (base, seen) = server().await;
    let client = client(&base);

    let post = client
        .s3_presigned_post_retrieve()
        .contenttype("application/pdf")
        .filename("my resume.pdf")
        .source(S3PresignedPostRetrieveSource::SmartConnectorImport)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(post.max_file_size, 10_485_760);
    assert_eq!(post.fields["key"], "uploads/abc/resume.pdf");

    let object = client
        .s3_success_create()
        .body(
            S3SuccessCreateBody::builder()
                .uuid(post.s3object_id.to_string())
                .key(post.fields.get("key").cloned())
                .name("my resume.pdf".to_string())
                .etag("d41d8cd98f00b204e9800998ecf8427e".to_string())
                .is_public(false),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(object.id, post.s3object_id);
    assert_eq!(object.name.as_deref(), Some("my resume.pdf"));
    assert_eq!(object.size_bytes, Some(1234));

    let requests = seen.take();
    assert_eq!(requests.len(), 2);
    let (what, headers, query) = &requests[0];
    assert_eq!(what, "presigned-post");
    assert_credentials(headers);
    assert_eq!(query["source"], "smart_connector_import");
    assert_eq!(query["filename"], "my resume.pdf");
    let (what, headers, form) = &requests[1];
    assert_eq!(what, "success");
    assert_credentials(headers);
    assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(form["etag"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(form["is_public"], "false");
}

#[tokio::test]
async fn a_400_carries_its_detail_map() {
    let (base, _) = server().await;
    let err = client(&base)
        .s3_presigned_post_retrieve()
        .contenttype("bad/type")
        .filename("x")
        .source(S3PresignedPostRetrieveSource::FieldValue)
        .send()
        .await
        .unwrap_err();
    match err {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status(), 400);
            // Every operation's errors are an enum by status: a status the
            // vendor documents later is a variant, hence the `_` arm.
            match response.into_inner() {
                kizen_api::errors::S3PresignedPostRetrieveError::Status400(body) => {
                    assert_eq!(body.detail["contenttype"], "unsupported content type")
                }
                other => panic!("expected the 400's body, got {other:?}"),
            }
        }
        other => panic!("expected the typed 400, got {other:?}"),
    }
}

/// The TLS provider goes to each client's configuration: building clients,
/// the generated `Client::new` included, installs none process-wide, so a
/// user's own `install_default()` still succeeds afterwards.
#[cfg(feature = "rustls")]
#[tokio::test]
async fn tls_is_set_up_per_client_not_process_wide() {
    let (base, seen) = server().await;
    let credentials = Credentials::new("biz-1", "user-2", "secret-3").unwrap();
    let built = Client::with_credentials("https://app.go.kizen.com", credentials.clone());
    assert!(built.is_ok(), "{:?}", built.err());
    let client = Client::new(&base, credentials);
    client
        .s3_presigned_post_retrieve()
        .contenttype("text/plain")
        .filename("a.txt")
        .source(S3PresignedPostRetrieveSource::FieldValue)
        .send()
        .await
        .unwrap();
    assert_eq!(seen.take().len(), 1);
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    assert!(
        rustls::crypto::ring::default_provider()
            .install_default()
            .is_ok()
    );
}

/// An enum value the spec does not list: kept as written and written back,
/// while `FromStr` (what a request's value is parsed with) stays strict; a
/// documented value still parses as its own variant.
#[test]
fn an_undocumented_enum_value_round_trips_and_requests_stay_strict() {
    let known: S3PresignedPostRetrieveSource = serde_json::from_str("\"field_value\"").unwrap();
    assert_eq!(known, S3PresignedPostRetrieveSource::FieldValue);
    let newer: S3PresignedPostRetrieveSource = serde_json::from_str("\"calendar_import\"").unwrap();
    match &newer {
        S3PresignedPostRetrieveSource::Undocumented(value) => {
            assert_eq!(value.as_str(), "calendar_import")
        }
        other => panic!("parsed as {other:?}"),
    }
    assert_eq!(
        serde_json::to_string(&newer).unwrap(),
        "\"calendar_import\""
    );
    assert_eq!(newer.to_string(), "calendar_import");
    assert!(
        "calendar_import"
            .parse::<S3PresignedPostRetrieveSource>()
            .is_err()
    );
    // Not a string at all is still an error, not a catch-all.
    assert!(serde_json::from_str::<S3PresignedPostRetrieveSource>("3").is_err());
    // Sent only when built explicitly.
    let explicit = S3PresignedPostRetrieveSource::Undocumented(
        kizen_api::drift::Undocumented::new("calendar_import"),
    );
    assert_eq!(explicit, newer);
}
