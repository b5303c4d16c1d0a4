//! `cargo xtask build-time`: what depending on `kizen-api` costs a
//! downstream crate, as a cold debug build, side by side in one run with a
//! "floor" crate that holds only what a progenitor client needs (TLS on
//! rustls with `ring`). A benchmark that prints figures, not a test.
//!
//! The crates are written under `target/build-time/`, each a workspace of
//! its own with this workspace's `Cargo.lock` (so that the versions are the
//! ones kizen-api is tested with), and built with a target folder of its
//! own that is deleted before each build. Sources are fetched first, so
//! the times are compilation only.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::base::error::{Error, Result};

/// One crate to build.
struct Subject {
    name: &'static str,
    what: &'static str,
    dependencies: String,
    main: &'static str,
}

const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;

const DOWNSTREAM_MAIN: &str = r#"use kizen_api::{Client, Source, UploadOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let path = std::env::args().nth(1).unwrap_or_else(|| "resume.pdf".into());
    let object = client
        .upload_file(path, UploadOptions::new(Source::FieldValue))
        .await?;
    println!("{}", object.url);
    Ok(())
}
"#;

const PLAIN_MAIN: &str = r#"use kizen_api::Client;
use kizen_api::types::S3PresignedPostRetrieveSource;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let post = client
        .s3_presigned_post_retrieve()
        .contenttype("application/pdf")
        .filename("resume.pdf")
        .source(S3PresignedPostRetrieveSource::FieldValue)
        .send()
        .await?;
    println!("{}", post.url);
    Ok(())
}
"#;

/// Uses each dependency, so that each is compiled and linked.
const FLOOR_MAIN: &str = r#"use std::sync::Arc;

#[derive(serde::Serialize, serde::Deserialize)]
struct Object {
    id: uuid::Uuid,
    created: chrono::DateTime<chrono::Utc>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder().tls_backend_preconfigured(tls).build()?;
    let url = std::env::args().nth(1).unwrap_or_else(|| "https://example.invalid".into());
    let response = http.get(&url).query(&[("a", "b")]).form(&[("c", "d")]).send().await?;
    let value: serde_json::Value = response.json().await?;
    let object: Object = serde_json::from_value(value)?;
    let _ = progenitor_client::encode_path(&object.id.to_string());
    println!("{}", object.created);
    Ok(())
}
"#;

fn subjects(krate: &Path) -> Vec<Subject> {
    let path = krate.display().to_string().replace('\\', "/");
    vec![
        Subject {
            name: "downstream",
            what: "downstream crate, kizen-api (default features)",
            dependencies: format!("kizen-api = {{ path = {path:?} }}\n{TOKIO}\n"),
            main: DOWNSTREAM_MAIN,
        },
        Subject {
            name: "downstream-no-upload",
            what: "downstream crate, kizen-api without `upload` (its `s3` area, rustls)",
            dependencies: format!(
                "kizen-api = {{ path = {path:?}, default-features = false, features = [\"rustls\", \"s3\"] }}\n{TOKIO}\n"
            ),
            main: PLAIN_MAIN,
        },
        Subject {
            name: "floor-ring",
            what: "floor: progenitor-client, reqwest + rustls on ring",
            dependencies: format!(
                "progenitor-client = \"0.15\"\n\
                 reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"form\", \"rustls-no-provider\"] }}\n\
                 rustls = {{ version = \"0.23\", default-features = false, features = [\"std\", \"tls12\", \"ring\"] }}\n\
                 serde = {{ version = \"1\", features = [\"derive\"] }}\n\
                 serde_json = \"1\"\n\
                 chrono = {{ version = \"0.4\", default-features = false, features = [\"clock\", \"serde\", \"std\"] }}\n\
                 uuid = {{ version = \"1\", features = [\"serde\"] }}\n\
                 {TOKIO}\n"
            ),
            main: FLOOR_MAIN,
        },
    ]
}

/// What one subject measured.
#[derive(Default)]
struct Measured {
    times: Vec<Duration>,
    crates: usize,
}

/// Builds each subject `rounds` times (order rotating) and returns the
/// report: median wall time, crates compiled, ratio to the floor.
pub fn run(root: &Path, rounds: usize) -> Result<String> {
    let base = root.join("target/build-time");
    let subjects = subjects(&root.join("kizen-api"));
    let lock = root.join("Cargo.lock");
    let mut dirs = Vec::new();
    for subject in &subjects {
        let dir = base.join(subject.name);
        write_crate(&dir, subject, &lock)?;
        cargo(&dir, &["fetch"], &dir.join("target"))?;
        dirs.push(dir);
    }
    let rounds = rounds.max(1);
    let mut measured: Vec<Measured> = subjects.iter().map(|_| Measured::default()).collect();
    for round in 0..rounds {
        for turn in 0..subjects.len() {
            let i = (turn + round) % subjects.len();
            let target = dirs[i].join("target");
            if target.exists() {
                std::fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
            }
            let started = Instant::now();
            let log = cargo(&dirs[i], &["build"], &target)?;
            measured[i].times.push(started.elapsed());
            measured[i].crates = log
                .lines()
                .filter(|l| l.trim_start().starts_with("Compiling "))
                .count();
            eprintln!(
                "round {}/{rounds}: {} {:.1} s",
                round + 1,
                subjects[i].name,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(report(&subjects, &measured, rounds))
}

/// Medians of the times, and of each round's ratio to the floor built in
/// the same round (this shared machine drifts more between rounds than
/// within one).
fn report(subjects: &[Subject], measured: &[Measured], rounds: usize) -> String {
    let medians: Vec<Duration> = measured.iter().map(|m| median(&m.times)).collect();
    let floor = subjects.iter().position(|s| s.name == "floor-ring");
    let mut out = format!(
        "cold debug builds, median of {rounds} round(s), side by side in one run\n\n\
         | build | wall | crates | / floor (median of per-round ratios) |\n|---|---|---|---|\n"
    );
    for ((subject, m), wall) in subjects.iter().zip(measured).zip(&medians) {
        let mut ratios: Vec<f64> = match floor {
            Some(f) => m
                .times
                .iter()
                .zip(&measured[f].times)
                .map(|(t, f)| t.as_secs_f64() / f.as_secs_f64())
                .collect(),
            None => Vec::new(),
        };
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN);
        let _ = writeln!(
            out,
            "| {} | {:.1} s | {} | {ratio:.2}x |",
            subject.what,
            wall.as_secs_f64(),
            m.crates
        );
    }
    out
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn write_crate(dir: &Path, subject: &Subject, lock: &Path) -> Result<()> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| Error::io(&src, e))?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # A workspace of its own, not a member of the SDK's.\n[workspace]\n\n\
         [dependencies]\n{}",
        subject.name, subject.dependencies
    );
    let write =
        |path: PathBuf, text: &str| std::fs::write(&path, text).map_err(|e| Error::io(&path, e));
    write(dir.join("Cargo.toml"), &manifest)?;
    write(src.join("main.rs"), subject.main)?;
    std::fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| Error::io(lock, e))?;
    Ok(())
}

/// `cargo <args>` in `dir`, with its own target folder; stderr on success
/// (cargo's progress lines), the command and its output on failure.
fn cargo(dir: &Path, args: &[&str], target: &Path) -> Result<String> {
    let cargo = crate::cmd::cargo();
    let output = Command::new(cargo)
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTC_WRAPPER")
        .output()
        .map_err(|e| Error::io(dir, e))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(Error::Command {
            command: format!("cargo {} in {}", args.join(" "), dir.display()),
            message: stderr,
        });
    }
    Ok(stderr)
}
