//! A real HTTP server on 127.0.0.1 that answers each request as a script
//! says (a status, a reset, a stall) and keeps what it read, and the calls
//! the runtime's tests make through the generated client.

#![allow(dead_code)] // each test crate uses its own part of this module

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kizen_api::types::{S3PresignedPostRetrieveSource, S3SuccessCreateBody};
use kizen_api::{Client, Credentials, Error, RetryPolicy, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answers with a status, extra headers and a JSON body.
    Answer(u16, Vec<(&'static str, String)>, &'static str),
    /// Resets the connection (RST) once the request is read.
    Reset,
    /// Never answers.
    Stall,
}

pub const PRESIGNED: &str = r#"{"url":"http://127.0.0.1:9/bucket","fields":{"key":"k"},"s3object_id":"6f1c2a8e-6b9a-4c47-9a52-2d1c7e0b9f11","max_file_size":10,"expires_at":"2026-11-27T10:05:00Z"}"#;
pub const OBJECT: &str = r#"{"id":"6f1c2a8e-6b9a-4c47-9a52-2d1c7e0b9f11","created":"2026-11-27T10:01:00Z","key":"k","name":"a.pdf","url":"https://files.example/k","thumbnail_url":"","size_bytes":1,"size_formatted":"1 B","content_type":"application/pdf","is_public":false,"common_key":null,"is_common":false,"metadata":{},"employee":{"id":"e1"}}"#;

pub fn ok(body: &'static str) -> Step {
    Step::Answer(200, Vec::new(), body)
}

pub fn status(code: u16) -> Step {
    Step::Answer(code, Vec::new(), "{}")
}

/// A request as the server read it: method, path and body.
pub type Seen = (String, String, Vec<u8>);

pub struct Server {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Serves `script` in order, one request a connection; once the script
    /// is spent, `then` for every request.
    pub async fn start(script: Vec<Step>, then: Step) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (log, script, then) = (log.clone(), script.clone(), then.clone());
                tokio::spawn(async move {
                    serve(socket, log, script, then).await;
                });
            }
        });
        Server { base, seen }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    log: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<VecDeque<Step>>>,
    then: Step,
) {
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    log.lock().unwrap().push(request);
    let step = script.lock().unwrap().pop_front().unwrap_or(then);
    match step {
        Step::Answer(code, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
        Step::Reset => {
            // A zero linger makes the close a reset (RST); with zero, the
            // drop does not block, which is what the deprecation is about.
            #[allow(deprecated)]
            socket.set_linger(Some(Duration::ZERO)).unwrap();
            drop(socket);
        }
        Step::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    }
}

/// One HTTP/1.1 request: its head, then a body by length or chunked.
async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_lowercase();
    let mut first = head.lines().next()?.split(' ');
    let (method, path) = (first.next()?.to_uppercase(), first.next()?.to_string());
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &data[head_end..];
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done {
            return Some((method, path, body.to_vec()));
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return Some((method, path, body.to_vec()));
        }
        data.extend_from_slice(&buf[..n]);
    }
}

/// Quick retries (1 ms backoff base), the default budget and timeouts.
pub fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn client(server: &Server, policy: RetryPolicy, timeouts: Timeouts) -> Client {
    let credentials = Credentials::new("biz-secret-1", "user-secret-2", "key-secret-3").unwrap();
    Client::builder(&server.base, credentials)
        .retry(policy)
        .timeouts(timeouts)
        .build()
        .unwrap()
}

pub async fn get(
    client: &Client,
) -> Result<(), Error<kizen_api::errors::S3PresignedPostRetrieveError>> {
    client
        .s3_presigned_post_retrieve()
        .contenttype("application/pdf")
        .filename("a.pdf")
        .source(S3PresignedPostRetrieveSource::FieldValue)
        .send()
        .await
        .map(|_| ())
}

pub async fn post(client: &Client) -> Result<(), String> {
    let body = S3SuccessCreateBody::builder()
        .uuid("6f1c2a8e-6b9a-4c47-9a52-2d1c7e0b9f11".to_string())
        .key("k".to_string())
        .name("a.pdf".to_string())
        .etag("e".to_string());
    client
        .s3_success_create()
        .source("FIELD_VALUE")
        .body(body)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
