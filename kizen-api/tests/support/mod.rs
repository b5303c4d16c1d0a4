//! Real servers for the upload tests, all on 127.0.0.1: an S3 implementation
//! that enforces presigned POST policies (s3s-fs, in process), a Kizen server
//! that signs real SigV4 POST policies for it and checks S3 before it
//! confirms, and a proxy that drops the S3 connection mid-upload.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use chrono::{Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCESS_KEY: &str = "AKIDKIZENTEST";
pub const SECRET_KEY: &str = "kizen-test-secret-key";
pub const BUCKET: &str = "kizen-uploads";
pub const REGION: &str = "us-east-1";

/// One request as a server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub what: String,
    pub headers: HeaderMap,
    pub params: BTreeMap<String, String>,
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

fn record(log: &Log, what: &str, headers: &HeaderMap, params: BTreeMap<String, String>) {
    log.lock().unwrap().push(Seen {
        what: what.into(),
        headers: headers.clone(),
        params,
    });
}

/// s3s-fs, in process, with SigV4 authentication; records each request's headers.
pub struct S3 {
    pub addr: SocketAddr,
    pub root: tempfile::TempDir,
    pub log: Log,
}

impl S3 {
    pub async fn start() -> S3 {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join(BUCKET)).unwrap();
        let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Log::default();
        let seen = log.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let service = service.clone();
                let seen = seen.clone();
                let recording = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        record(
                            &seen,
                            &format!("{} {}", req.method(), req.uri().path()),
                            req.headers(),
                            BTreeMap::new(),
                        );
                        tower::Service::call(&mut service.clone(), req.map(Rechunked::new))
                    },
                );
                tokio::spawn(async move {
                    let builder = hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    );
                    let _ = builder
                        .serve_connection(hyper_util::rt::TokioIo::new(socket), recording)
                        .await;
                });
            }
        });
        S3 { addr, root, log }
    }

    pub fn bucket_url(&self) -> String {
        format!("http://{}/{BUCKET}", self.addr)
    }

    /// The stored bytes of `key`, if S3 has it.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.path().join(BUCKET).join(key)).ok()
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

/// Hands a request body to s3s in pieces of at most 32 KiB.
///
/// s3s 0.14.1's multipart parser refuses a body chunk that arrives while it
/// holds a possible boundary start if both together exceed 64 KiB
/// (`BoundaryBufferTooLarge`), and hyper hands it chunks as large as the
/// socket reads (270 KiB seen): large uploads then fail at random, from any
/// client, curl included. Small pieces keep that buffer under its limit.
pub struct Rechunked<B> {
    inner: B,
    pending: bytes::Bytes,
}

impl<B> Rechunked<B> {
    const PIECE: usize = 32 * 1024;

    pub fn new(inner: B) -> Self {
        Rechunked {
            inner,
            pending: bytes::Bytes::new(),
        }
    }
}

impl<B> http_body::Body for Rechunked<B>
where
    B: http_body::Body<Data = bytes::Bytes> + Unpin,
{
    type Data = bytes::Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        let this = &mut *self;
        if this.pending.is_empty() {
            match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => this.pending = data,
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                other => return other,
            }
        }
        let n = this.pending.len().min(Self::PIECE);
        Poll::Ready(Some(Ok(http_body::Frame::data(this.pending.split_to(n)))))
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.inner.is_end_stream()
    }
}

/// How the Kizen test server behaves.
#[derive(Debug)]
pub struct Behaviour {
    /// Where presigned POSTs point (S3, or a proxy in front of it).
    pub upload_url: String,
    pub max_file_size: u64,
    /// The policy's content-length-range maximum (default: max_file_size).
    pub policy_max: Option<u64>,
    /// Seconds until expiry for successive presigned POSTs (then 300).
    pub expiries: VecDeque<i64>,
    /// The secret the policy is signed with (a wrong one: S3 rejects it).
    pub secret: String,
    /// Answer step 1 with a 400 carrying this `detail`.
    pub reject: Option<BTreeMap<String, String>>,
}

impl Behaviour {
    pub fn new(s3: &S3) -> Self {
        Behaviour {
            upload_url: s3.bucket_url(),
            max_file_size: 64 * 1024 * 1024,
            policy_max: None,
            expiries: VecDeque::new(),
            secret: SECRET_KEY.into(),
            reject: None,
        }
    }
}

#[derive(Clone)]
struct KizenState {
    behaviour: Arc<Mutex<Behaviour>>,
    s3_root: PathBuf,
    issued: Arc<Mutex<BTreeMap<String, String>>>, // s3object_id -> key
    log: Log,
}

/// The Kizen endpoints of the S3 page, as the spec describes them.
pub struct Kizen {
    pub base: String,
    pub log: Log,
    pub behaviour: Arc<Mutex<Behaviour>>,
}

impl Kizen {
    pub async fn start(s3: &S3, behaviour: Behaviour) -> Kizen {
        let state = KizenState {
            behaviour: Arc::new(Mutex::new(behaviour)),
            s3_root: s3.root.path().join(BUCKET),
            issued: Arc::default(),
            log: Log::default(),
        };
        let app = Router::new()
            .route("/api/s3/presigned-post", get(presigned_post))
            .route("/api/s3/success", post(success))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Kizen {
            base,
            log: state.log,
            behaviour: state.behaviour,
        }
    }

    pub fn requests(&self, what: &str) -> Vec<Seen> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.what == what)
            .cloned()
            .collect()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn presigned_post(
    State(state): State<KizenState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    record(&state.log, "presigned-post", &headers, query.clone());
    let mut behaviour = state.behaviour.lock().unwrap();
    if let Some(detail) = &behaviour.reject {
        return (StatusCode::BAD_REQUEST, Json(json!({ "detail": detail })));
    }
    let id = uuid::Uuid::new_v4();
    let key = format!(
        "uploads/{id}/{}",
        query.get("filename").cloned().unwrap_or_default()
    );
    let now = Utc::now();
    let expires = now + Duration::seconds(behaviour.expiries.pop_front().unwrap_or(300));
    let day = now.format("%Y%m%d").to_string();
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let credential = format!("{ACCESS_KEY}/{day}/{REGION}/s3/aws4_request");
    let max = behaviour.policy_max.unwrap_or(behaviour.max_file_size);
    let policy = json!({
        "expiration": expires.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "conditions": [
            {"bucket": BUCKET},
            {"key": key},
            ["content-length-range", 0, max],
            {"success_action_status": "201"},
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"x-amz-credential": credential},
            {"x-amz-date": amz_date},
        ]
    });
    let policy = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    // The SigV4 signing key chain: date, region, service, terminator.
    let key_date = hmac(format!("AWS4{}", behaviour.secret).as_bytes(), &day);
    let key_region = hmac(&key_date, REGION);
    let key_service = hmac(&key_region, "s3");
    let signing_key = hmac(&key_service, "aws4_request");
    let signature = hex(&hmac(&signing_key, &policy));
    state
        .issued
        .lock()
        .unwrap()
        .insert(id.to_string(), key.clone());
    let fields = json!({
        "key": key,
        "success_action_status": "201",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": credential,
        "x-amz-date": amz_date,
        "policy": policy,
        "x-amz-signature": signature,
    });
    (
        StatusCode::OK,
        Json(json!({
            "url": behaviour.upload_url,
            "fields": fields,
            "s3object_id": id,
            "max_file_size": behaviour.max_file_size,
            "expires_at": expires.to_rfc3339(),
        })),
    )
}

/// Confirms only an object that S3 really holds, with the ETag claimed.
async fn success(
    State(state): State<KizenState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
    Form(form): Form<BTreeMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let mut params = form.clone();
    if let Some(source) = query.get("source") {
        params.insert("?source".into(), source.clone());
    }
    record(&state.log, "success", &headers, params);
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let issued = state.issued.lock().unwrap().get(&field("uuid")).cloned();
    if issued.as_deref() != Some(field("key").as_str()) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"detail": {"key": "unknown upload"}})),
        );
    }
    let Some((size, etag)) = stored_object(&state.s3_root, &field("key")) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"detail": {"key": "not in S3"}})),
        );
    };
    if etag != field("etag") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"detail": {"etag": "does not match S3"}})),
        );
    }
    (
        StatusCode::OK,
        Json(json!({
            "id": field("uuid"),
            "created": Utc::now().to_rfc3339(),
            "key": field("key"),
            "name": field("name"),
            "url": format!("https://files.example/{}", field("key")),
            "thumbnail_url": "",
            "size_bytes": size,
            "size_formatted": format!("{size} B"),
            "content_type": null,
            "is_public": field("is_public") == "true",
            "common_key": null,
            "is_common": false,
            "metadata": {},
            "employee": {},
        })),
    )
}

/// Size and ETag of an object as s3s-fs stored it: the ETag it recorded
/// (from the bytes it received) in its metadata file beside the bucket,
/// else the MD5 of the stored bytes. Reading the recorded ETag keeps a 1 GiB
/// confirmation from re-hashing the whole object.
fn stored_object(bucket_dir: &std::path::Path, key: &str) -> Option<(u64, String)> {
    let size = std::fs::metadata(bucket_dir.join(key)).ok()?.len();
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let info = bucket_dir.parent()?.join(format!(
        ".bucket-{}.object-{}.internal.json",
        b64(BUCKET),
        b64(key)
    ));
    let recorded = std::fs::read(info)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|info| {
            info["e_tag"]
                .as_str()
                .map(|e| e.trim_matches('"').to_string())
        });
    let etag = match recorded {
        Some(etag) => etag,
        None => format!(
            "{:x}",
            md5::compute(std::fs::read(bucket_dir.join(key)).ok()?)
        ),
    };
    Some((size, etag))
}

/// A TCP proxy to `upstream` that forwards the first `limit` bytes of each
/// request, then drops both connections: a connection lost mid-upload.
pub async fn dropping_proxy(upstream: SocketAddr, limit: usize) -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(Mutex::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            *count.lock().unwrap() += 1;
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let mut forwarded = 0;
                let mut buf = vec![0u8; 16 * 1024];
                while forwarded < limit {
                    let Ok(n) = client.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    let n = n.min(limit - forwarded);
                    if server.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                    forwarded += n;
                }
                // Dropping both streams resets the upload mid-body.
            });
        }
    });
    (addr, connections)
}

/// A stand-in for S3 that reads the whole POST and always answers with
/// `status`, `headers` and `body`: for answers s3s-fs never gives (a wrong
/// ETag header, `SlowDown`). Returns its bucket URL and a request counter.
pub async fn scripted_s3(
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: &'static str,
) -> (String, Arc<Mutex<usize>>) {
    let count = Arc::new(Mutex::new(0));
    let seen = count.clone();
    let app = Router::new().route(
        &format!("/{BUCKET}"),
        post(move |request: axum::body::Bytes| {
            let headers = headers.clone();
            let seen = seen.clone();
            async move {
                assert!(!request.is_empty());
                *seen.lock().unwrap() += 1;
                let mut response = axum::http::Response::builder().status(status);
                for (name, value) in headers {
                    response = response.header(name, value);
                }
                response.body(axum::body::Body::from(body)).unwrap()
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/{BUCKET}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, count)
}
