//! The client's runtime (retries, Retry-After, the budget, timeouts, the
//! span) against a real HTTP server on 127.0.0.1 that answers each request
//! as a script says: a status, a reset, a stall. Every test counts the
//! requests the server saw.

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant, SystemTime};

use kizen_api::{Budget, Client, Credentials, Error, RetryPolicy, Timeouts};

mod script;

use script::{OBJECT, PRESIGNED, Server, Step, client, get, ok, post, quick, status};

#[tokio::test]
async fn a_get_answered_503_503_then_200_succeeds_in_three_requests() {
    let server = Server::start(vec![status(503), status(503)], ok(PRESIGNED)).await;
    let client = client(&server, quick(), Timeouts::default());
    get(&client).await.unwrap();
    assert_eq!(server.requests().len(), 3);
    // Two retries took 5 tokens each; the success gave the last 5 back.
    assert_eq!(client.context().budget_tokens(), 495);
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let wait = vec![("retry-after", "1".to_string())];
    let server = Server::start(vec![Step::Answer(429, wait, "{}")], ok(PRESIGNED)).await;
    let client = client(&server, quick(), Timeouts::default());
    let start = Instant::now();
    get(&client).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    // Three seconds from now, to the second: the date drops the fraction,
    // so the wait is two to three seconds. (Two seconds ahead made it one
    // to two, and a date formatted at x.999 s then read a few milliseconds
    // later was a wait under one second: the drill once failed so.)
    let at = SystemTime::now() + Duration::from_secs(3);
    let date = chrono::DateTime::<chrono::Utc>::from(at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let server = Server::start(
        vec![Step::Answer(429, vec![("retry-after", date)], "{}")],
        ok(PRESIGNED),
    )
    .await;
    let client = client(&server, quick(), Timeouts::default());
    let start = Instant::now();
    get(&client).await.unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_fails_at_once_with_the_answer() {
    let wait = vec![("retry-after", "3600".to_string())];
    let server = Server::start(Vec::new(), Step::Answer(429, wait, "{}")).await;
    let client = client(&server, quick(), Timeouts::default());
    let start = Instant::now();
    let err = get(&client).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 1);
    match err {
        Error::UnexpectedResponse(response) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "3600");
        }
        other => panic!("expected the 429 as it came: {other}"),
    }
}

#[tokio::test]
async fn a_500_is_sent_once() {
    let server = Server::start(Vec::new(), status(500)).await;
    let client = client(&server, quick(), Timeouts::default());
    let err = get(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_reset_before_the_answer_retries_a_get() {
    let server = Server::start(vec![Step::Reset], ok(PRESIGNED)).await;
    let client = client(&server, quick(), Timeouts::default());
    get(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_reset_before_the_answer_sends_a_post_once_and_says_so() {
    let server = Server::start(Vec::new(), Step::Reset).await;
    let client = client(&server, quick(), Timeouts::default());
    let err = post(&client).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(
        err.contains("POST /api/s3/success was sent once and not retried")
            && err.contains("the server may have acted on it"),
        "{err}"
    );
}

#[tokio::test]
async fn a_post_answered_429_is_sent_again_with_the_same_body() {
    let server = Server::start(vec![status(429)], ok(OBJECT)).await;
    let client = client(&server, quick(), Timeouts::default());
    post(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].0, "POST");
    assert!(!requests[0].2.is_empty());
    assert_eq!(requests[0].2, requests[1].2, "the body changed");
}

#[tokio::test]
async fn a_post_answered_503_is_sent_once() {
    let server = Server::start(Vec::new(), status(503)).await;
    let client = client(&server, quick(), Timeouts::default());
    assert!(post(&client).await.is_err());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_outage_stays_under_the_budget() {
    // 10 tokens, 5 a retry: two retries in all, however many calls fail.
    let policy = quick().budget(Budget::new(10, 5, 10));
    let server = Server::start(Vec::new(), status(503)).await;
    let client = client(&server, policy, Timeouts::default());
    for _ in 0..10 {
        assert!(get(&client).await.is_err());
    }
    // Without a budget: 30 requests (3 attempts each).
    assert_eq!(server.requests().len(), 12);
    assert_eq!(client.context().budget_tokens(), 0);
}

#[tokio::test]
async fn a_stalled_server_times_each_attempt_out() {
    let server = Server::start(Vec::new(), Step::Stall).await;
    let timeouts = Timeouts::default().attempt(Duration::from_millis(300));
    let client = client(&server, quick(), timeouts);
    let start = Instant::now();
    let err = get(&client).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(&err, Error::CommunicationError(e) if e.is_timeout()),
        "{err}"
    );
    assert_eq!(server.requests().len(), 3);
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "{took:?}"
    );

    // The whole call's limit ends the attempts, backoff included.
    let server = Server::start(Vec::new(), Step::Stall).await;
    let timeouts = Timeouts::default()
        .attempt(Duration::from_secs(5))
        .call(Duration::from_millis(400));
    let client = self::client(&server, quick(), timeouts);
    let start = Instant::now();
    assert!(get(&client).await.is_err());
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_cannot_be_cloned_is_sent_once() {
    use progenitor_client::{ClientHooks, OperationInfo};
    let server = Server::start(Vec::new(), status(503)).await;
    let client = client(&server, quick(), Timeouts::default());
    let info = OperationInfo {
        operation_id: "files_create",
    };
    // A multipart form streamed from a reader: no second copy to send.
    let stream =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"%PDF"))]);
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream)).file_name("a.pdf");
    let form = reqwest::multipart::Form::new().part("file", part);
    let url = format!("{}/api/files", server.base);
    let http = kizen_api::http::client_builder().unwrap().build().unwrap();
    let request = http.put(&url).multipart(form).build().unwrap();
    let response = client.exec(request, &info).await.unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(server.requests().len(), 1);
    // The same PUT with bytes is retried.
    let request = http.put(&url).body("bytes").build().unwrap();
    let response = client.exec(request, &info).await.unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn no_retries_sends_each_call_once() {
    let server = Server::start(Vec::new(), status(503)).await;
    let client = client(&server, RetryPolicy::none(), Timeouts::default());
    assert!(get(&client).await.is_err());
    assert_eq!(server.requests().len(), 1);
    // `Client::new` with credentials alone still builds, with the defaults.
    let plain = Client::new(&server.base, Credentials::new("b", "u", "k").unwrap());
    assert_eq!(plain.context().retry_policy(), &RetryPolicy::default());
}

/// Records what a [`kizen_api::Tap`] sees: each attempt number and status.
#[derive(Default, Clone)]
struct Seen {
    attempts: std::sync::Arc<std::sync::Mutex<Vec<u32>>>,
    statuses: std::sync::Arc<std::sync::Mutex<Vec<u16>>>,
    hold: bool,
}

impl kizen_api::Tap for Seen {
    fn request(&self, request: &reqwest::Request, attempt: u32) -> kizen_api::Sending {
        // The credentials are on the request a tap sees.
        assert_eq!(request.headers()["x-api-key"], "key-secret-3");
        self.attempts.lock().unwrap().push(attempt);
        if self.hold {
            kizen_api::Sending::Hold
        } else {
            kizen_api::Sending::Send
        }
    }

    fn response(&self, response: &reqwest::Response) {
        self.statuses
            .lock()
            .unwrap()
            .push(response.status().as_u16());
    }
}

fn tapped(server: &script::Server, seen: &Seen) -> Client {
    let credentials = Credentials::new("biz-secret-1", "user-secret-2", "key-secret-3").unwrap();
    Client::builder(&server.base, credentials)
        .retry(quick())
        .tap(seen.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_tap_sees_every_attempt_and_answer_retries_included() {
    let server = Server::start(vec![status(503), status(503)], ok(PRESIGNED)).await;
    let seen = Seen::default();
    get(&tapped(&server, &seen)).await.unwrap();
    assert_eq!(*seen.attempts.lock().unwrap(), [1, 2, 3]);
    assert_eq!(*seen.statuses.lock().unwrap(), [503, 503, 200]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_request_the_tap_holds_is_not_sent_and_the_call_says_so() {
    let server = Server::start(Vec::new(), ok(PRESIGNED)).await;
    let seen = Seen {
        hold: true,
        ..Seen::default()
    };
    let err = get(&tapped(&server, &seen)).await.unwrap_err();
    match err {
        Error::Custom(message) => {
            assert!(
                message.starts_with(kizen_api::runtime::tap::NOT_SENT),
                "{message}"
            );
            assert!(message.contains("s3_presigned_post_retrieve"), "{message}");
        }
        other => panic!("expected the held call's error, got {other:?}"),
    }
    assert_eq!(*seen.attempts.lock().unwrap(), [1]);
    assert!(seen.statuses.lock().unwrap().is_empty());
    assert_eq!(server.requests().len(), 0);
}
