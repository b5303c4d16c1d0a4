//! The generated mocks against the real client, on a local mock server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use httpmock::{Method, MockServer};
use kizen_api::types::{
    PresignedPostResponse, S3Object, S3PresignedPostRetrieveSource, S3SuccessCreateBody,
};
use kizen_api::{Client, Credentials, Step};
use kizen_api_httpmock::{MockServerExt, UploadScenario};

fn client(server: &MockServer) -> Client {
    let credentials = Credentials::new("business", "user", "key").unwrap();
    Client::with_credentials(&server.base_url(), credentials).unwrap()
}

fn body(etag: &str) -> S3SuccessCreateBody {
    S3SuccessCreateBody::builder()
        .uuid("8a4f8d3e-0000-4000-8000-000000000001".to_string())
        .key("uploads/a/resume.pdf".to_string())
        .name("resume.pdf".to_string())
        .etag(etag.to_string())
        .is_public(false)
        .try_into()
        .unwrap()
}

fn json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

fn object() -> S3Object {
    serde_json::from_value(serde_json::json!({
        "common_key": null, "content_type": "application/pdf",
        "created": "2026-11-29T10:00:00Z", "employee": {},
        "id": "8a4f8d3e-0000-4000-8000-000000000001", "is_common": false,
        "is_public": false, "key": "uploads/a/resume.pdf", "metadata": {},
        "name": "resume.pdf", "size_bytes": 3, "size_formatted": "3 B",
        "thumbnail_url": "", "url": "https://files.invalid/uploads/a/resume.pdf"
    }))
    .unwrap()
}

/// `s3_success_create`'s body is form-urlencoded. progenitor's own matcher
/// (`json_body_obj`) never matches what the client sends; the generated one
/// matches the form, and only that form.
#[tokio::test]
async fn a_form_body_is_matched_as_the_form_the_client_sends() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let sent = body("d41d8cd98f00b204e9800998ecf8427e");

    // What progenitor 0.15 generates: a JSON match.
    let as_json = server.mock(|when, then| {
        when.method(Method::POST)
            .path("/api/s3/success")
            .json_body_obj(&sent);
        then.status(200).json_body_obj(&object());
    });
    let other = server.s3_success_create(|when, then| {
        when.body(&body("ffffffffffffffffffffffffffffffff"));
        then.ok(&object());
    });
    let typed = server.s3_success_create(|when, then| {
        when.body(&sent);
        then.ok(&object());
    });

    let stored = client
        .s3_success_create()
        .body(sent.clone())
        .send()
        .await
        .unwrap()
        .into_inner();

    assert_eq!(json(&stored), json(&object()));
    typed.assert_calls(1);
    as_json.assert_calls(0);
    other.assert_calls(0);
}

/// The typed `when` matchers read the query as the client writes it.
#[tokio::test]
async fn query_parameters_are_matched_by_type() {
    let server = MockServer::start_async().await;
    let post: PresignedPostResponse = PresignedPostResponse::builder()
        .expires_at(chrono::Utc::now())
        .fields([("key".to_string(), "k".to_string())])
        .max_file_size(5)
        .s3object_id(uuid::Uuid::nil())
        .url(server.url("/bucket"))
        .try_into()
        .unwrap();
    let pdf = server.s3_presigned_post_retrieve(|when, then| {
        when.filename("cv.pdf")
            .contenttype("application/pdf")
            .source(S3PresignedPostRetrieveSource::SmartConnectorImport);
        then.ok(&post);
    });
    let answered = client(&server)
        .s3_presigned_post_retrieve()
        .filename("cv.pdf")
        .contenttype("application/pdf")
        .source(S3PresignedPostRetrieveSource::SmartConnectorImport)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json(&answered), json(&post));
    pdf.assert_calls(1);

    // Another source does not match: httpmock answers 404.
    let err = client(&server)
        .s3_presigned_post_retrieve()
        .filename("cv.pdf")
        .contenttype("application/pdf")
        .source(S3PresignedPostRetrieveSource::FieldValue)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    pdf.assert_calls(1);
}

#[test]
#[should_panic(expected = "so the upload stops there")]
fn two_failing_steps_are_refused() {
    let _ = UploadScenario::new("a.txt", b"a")
        .fail(Step::PresignedPost, 500)
        .fail(Step::Confirm, 500);
}

#[test]
#[should_panic(expected = "HTTP 200 is not a failure")]
fn a_success_status_is_not_a_failure() {
    let _ = UploadScenario::new("a.txt", b"a").fail(Step::S3Upload, 200);
}

#[test]
#[should_panic(expected = "the file name is empty")]
fn an_empty_file_name_is_refused() {
    let server = MockServer::start();
    let _ = UploadScenario::new("", b"a").mock(&server);
}
