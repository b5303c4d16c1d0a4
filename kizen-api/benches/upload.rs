//! Upload throughput and memory: the whole three-step upload of a large file
//! (default 1 GiB) to s3s-fs on loopback, and the same presigned form posted
//! by `curl`, side by side in one run.
//!
//! ```sh
//! cargo bench -p kizen-api --bench upload              # 1 GiB, 3 rounds
//! cargo bench -p kizen-api --bench upload -- 256MiB 5   # size, rounds
//! ```
//!
//! The servers run in a child process (this binary, re-executed): s3s holds
//! each POSTed file in memory before storing it, which must not be counted
//! as the upload's memory. Peak memory is this process's VmHWM, reset just
//! before the upload.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use kizen_api::{Client, Credentials, Source, UploadOptions};

const ROLE: &str = "KIZEN_BENCH_ROLE";

fn main() {
    if std::env::var(ROLE).as_deref() == Ok("servers") {
        serve();
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let size = args.first().map_or(1 << 30, |a| {
        parse_size(a).unwrap_or_else(|| panic!("bad size `{a}`; e.g. 1GiB, 256MiB, 1000000"))
    });
    let rounds: usize = args
        .get(1)
        .map_or(3, |r| r.parse().expect("rounds: a number"));

    let mut servers = Command::new(std::env::current_exe().unwrap())
        .env(ROLE, "servers")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(servers.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let kizen_base = line.trim().to_string();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.bin");
    write_file(&path, size);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client =
        Client::with_credentials(&kizen_base, Credentials::new("biz", "user", "key").unwrap())
            .unwrap();

    // Rounds alternate which runs first, so neither always gets the warmer cache.
    let (mut ours, mut theirs, mut peak) = (Vec::new(), Vec::new(), 0);
    let rss_before = status_kib("VmRSS");
    for round in 0..rounds {
        let mut run_ours = || {
            reset_peak_rss();
            let (seconds, phases) = upload(&runtime, &client, &path, size);
            peak = peak.max(status_kib("VmHWM"));
            ours.push(seconds);
            println!("  round {round}: kizen-api {seconds:.2} s ({phases})");
        };
        if round % 2 == 0 {
            run_ours();
            theirs.push(curl(&runtime, &client, &path));
        } else {
            theirs.push(curl(&runtime, &client, &path));
            run_ours();
        }
        println!("  round {round}: curl      {:.2} s", theirs[round]);
    }

    drop(servers.stdin.take()); // the servers exit (and clean up) on EOF
    servers.wait().unwrap();

    let mib = size as f64 / (1024.0 * 1024.0);
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!("upload of {mib:.0} MiB to s3s-fs on 127.0.0.1, median of {rounds} rounds");
    println!(
        "  kizen-api upload_file (3 steps): {ours:7.2} s  {:8.1} MiB/s",
        mib / ours
    );
    println!(
        "  curl -F (S3 POST only)         : {theirs:7.2} s  {:8.1} MiB/s",
        mib / theirs
    );
    println!("  throughput ratio (ours / curl) : {:7.2}x", theirs / ours);
    println!(
        "  peak RSS during upload         : {:7.1} MiB (process before: {:.1} MiB)",
        peak as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
}

/// One whole upload; its time and a split of it: step 1, streaming (first
/// to last byte handed to the HTTP client), S3's answer plus step 3.
fn upload(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    path: &Path,
    size: u64,
) -> (f64, String) {
    let start = Instant::now();
    let marks = Arc::new(Mutex::new((None::<f64>, 0.0f64)));
    let seen = marks.clone();
    let options = UploadOptions::new(Source::RecordImport).on_progress(move |sent, total| {
        let now = start.elapsed().as_secs_f64();
        let mut marks = seen.lock().unwrap();
        marks.0.get_or_insert(now);
        if sent == total {
            marks.1 = now;
        }
    });
    let object = runtime.block_on(client.upload_file(path, options)).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(object.size_bytes, Some(size as i64));
    let (first, last) = *marks.lock().unwrap();
    let first = first.unwrap_or(0.0);
    let phases = format!(
        "step 1 {first:.3} s, streaming {:.2} s, S3 answer + step 3 {:.2} s",
        last - first,
        seconds - last
    );
    (seconds, phases)
}

/// The same presigned form posted by curl: a fresh presigned POST (not
/// timed), then `curl -F` of its fields and the file.
fn curl(runtime: &tokio::runtime::Runtime, client: &Client, path: &Path) -> f64 {
    let post = runtime
        .block_on(
            client
                .s3_presigned_post_retrieve()
                .contenttype("application/octet-stream")
                .filename("large.bin")
                .source(Source::RecordImport)
                .send(),
        )
        .unwrap()
        .into_inner();
    let mut curl = Command::new("curl");
    curl.args(["-sS", "-o", "/dev/null", "-w", "%{http_code}"]);
    for (name, value) in &post.fields {
        curl.arg("--form-string").arg(format!("{name}={value}"));
    }
    curl.arg("-F").arg(format!(
        "file=@{};type=application/octet-stream",
        path.display()
    ));
    curl.arg(&post.url);
    let start = Instant::now();
    let output = curl
        .output()
        .expect("curl must be installed for the comparison");
    let seconds = start.elapsed().as_secs_f64();
    let code = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        code,
        "201",
        "curl's upload failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    seconds
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Child process: s3s-fs and the Kizen server, until stdin closes.
fn serve() {
    // RUST_LOG=s3s=debug shows why S3 refused a request.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let s3 = support::S3::start().await;
        let mut behaviour = support::Behaviour::new(&s3);
        behaviour.max_file_size = 5 << 30;
        let kizen = support::Kizen::start(&s3, behaviour).await;
        println!("{}", kizen.base);
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
        drop(s3);
    });
}

fn write_file(path: &Path, size: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let block: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    file.flush().unwrap();
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit = match text[digits..].to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => return None,
    };
    Some(number * unit)
}

fn reset_peak_rss() {
    // "5" resets VmHWM to the current RSS (Linux 4.0+).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim_start_matches(':')
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
