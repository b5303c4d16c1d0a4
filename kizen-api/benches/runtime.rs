//! What the runtime costs a call: the same GET on loopback sent through the
//! client's hooks (`exec`: the retry loop, the span, the attempt timeout,
//! with no tracing subscriber) and sent by the same `reqwest::Client`
//! directly, alternating, in one run. Prints figures; not a timed test.
//!
//! ```sh
//! cargo bench -p kizen-api --bench runtime              # 7 rounds of 2000 calls each way
//! cargo bench -p kizen-api --bench runtime -- 11 5000   # rounds, calls a round
//! ```
//!
//! The server answers in another process (this binary, re-executed), so
//! that its work does not share the measured runtime's threads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Instant;

use axum::Router;
use axum::routing::get;
use kizen_api::{Client, Credentials};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

const ROLE: &str = "KIZEN_BENCH_ROLE";
const BODY: &str = r#"{"url":"http://127.0.0.1:9/bucket","fields":{"key":"k"},"s3object_id":"6f1c2a8e-6b9a-4c47-9a52-2d1c7e0b9f11","max_file_size":10,"expires_at":"2026-11-27T10:05:00Z"}"#;

fn main() {
    if std::env::var(ROLE).as_deref() == Ok("server") {
        serve();
        return;
    }
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rounds = args.first().copied().unwrap_or(7);
    let calls = args.get(1).copied().unwrap_or(2000);

    let mut server = Command::new(std::env::current_exe().unwrap())
        .env(ROLE, "server")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().to_string();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::with_credentials(&base, Credentials::new("b", "u", "k").unwrap()).unwrap();
    let url = format!("{base}/api/s3/presigned-post?filename=a.pdf&source=field_value");
    let info = OperationInfo {
        operation_id: "s3_presigned_post_retrieve",
    };
    // Calls interleaved one by one (layered, direct, direct, layered, ...),
    // so that the machine's drift (a shared, noisy host) hits both alike;
    // each round's figure is the median of its calls.
    let (mut layered, mut direct, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    runtime.block_on(async {
        // Warm the connection pool and both paths.
        for i in 0..200 {
            call(&client, &url, &info, i % 2 == 0).await;
        }
        for _ in 0..rounds {
            let (mut a, mut b) = (Vec::with_capacity(calls), Vec::with_capacity(calls));
            for i in 0..calls {
                let layered_first = i % 2 == 0;
                let first = call(&client, &url, &info, layered_first).await;
                let second = call(&client, &url, &info, !layered_first).await;
                let (x, y) = if layered_first {
                    (first, second)
                } else {
                    (second, first)
                };
                a.push(x);
                b.push(y);
            }
            let (a, b) = (median(a), median(b));
            layered.push(a);
            direct.push(b);
            ratios.push(a / b);
        }
    });
    let _ = server.kill();
    let _ = server.wait();

    let show = |v: &[f64]| {
        format!(
            "{:.1} us/call (median of the rounds; min {:.1}, max {:.1})",
            median(v.to_vec()),
            v.iter().copied().fold(f64::MAX, f64::min),
            v.iter().copied().fold(0.0, f64::max)
        )
    };
    println!(
        "{rounds} rounds of {calls} GETs each way on loopback, interleaved, one connection kept alive"
    );
    println!("through the runtime (no subscriber): {}", show(&layered));
    println!("the same reqwest::Client directly:   {}", show(&direct));
    let ratio = median(ratios.clone());
    println!(
        "overhead: {:+.2} % (median of the rounds' ratios of medians; each round: {})",
        (ratio - 1.0) * 100.0,
        ratios
            .iter()
            .map(|r| format!("{:+.1} %", (r - 1.0) * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One GET, read to its last byte, through the hooks' `exec` or by the
/// client's `reqwest::Client` itself; its time in microseconds.
async fn call(client: &Client, url: &str, info: &OperationInfo, layered: bool) -> f64 {
    let http = ClientInfo::client(client);
    let start = Instant::now();
    let request = http.get(url).build().unwrap();
    let response = if layered {
        client.exec(request, info).await
    } else {
        http.execute(request).await
    };
    let body = response.unwrap().bytes().await.unwrap();
    assert_eq!(body.len(), BODY.len());
    start.elapsed().as_secs_f64() * 1e6
}

/// The server: one answer for every request, its address on stdout.
fn serve() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().route(
            "/api/s3/presigned-post",
            get(|| async { ([("content-type", "application/json")], BODY) }),
        );
        axum::serve(listener, app).await.unwrap();
    });
}
