//! `cargo xtask fetch` against a real HTTP server on 127.0.0.1 serving the
//! vendor page (the real one, or pages derived from it): every outcome is
//! clear, and nothing is written unless every page arrived and parsed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::{fixture_openapi, fixture_page, fixtures};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

/// What the server answers for the page: status, body, delay.
type Answer = Arc<Mutex<(u16, String, Duration)>>;

fn serve(answer: Answer) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                let (status, body, delay) = match request.url() {
                    "/api/s3.md" => answer.lock().unwrap().clone(),
                    // Another page of the vendor's, as published.
                    "/api/records.md" => (200, fixture("records.md"), Duration::ZERO),
                    other => panic!("unexpected request for {other}"),
                };
                std::thread::sleep(delay);
                let response = tiny_http::Response::from_string(body).with_status_code(status);
                let _ = request.respond(response);
            });
        }
    });
    base
}

struct Project {
    _dir: tempfile::TempDir,
    openapi: PathBuf,
    answer: Answer,
    base: String,
}

impl Project {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let openapi = dir.path().join("openapi");
        fixture_openapi(&openapi);
        let answer: Answer = Arc::new(Mutex::new((200, fixture_page(), Duration::ZERO)));
        let base = serve(answer.clone());
        Project {
            _dir: dir,
            openapi,
            answer,
            base,
        }
    }

    fn answer(&self, status: u16, body: String, delay: Duration) {
        *self.answer.lock().unwrap() = (status, body, delay);
    }

    fn fetch(&self, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("fetch")
            .args(["--base-url", &self.base, "--openapi"])
            .arg(&self.openapi)
            .args(extra)
            .output()
            .unwrap()
    }

    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(&self.openapi)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&path).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// Runs a fetch expected to fail, and checks nothing was written.
    fn fails(&self, extra: &[&str]) -> String {
        let before = self.snapshot();
        let out = self.fetch(extra);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // 2, an error: not 1, which says "upstream moved".
        assert_eq!(out.status.code(), Some(2), "fetch should fail:\n{stderr}");
        assert!(before == self.snapshot(), "files changed on a failed fetch");
        stderr
    }
}

#[test]
fn unchanged_upstream_checks_clean() {
    let project = Project::new();
    let out = project.fetch(&["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("0 added, 0 changed, 0 removed, 2 unchanged"),
        "{stdout}"
    );
}

#[test]
fn changed_upstream_fails_the_check_then_fetch_stores_it() {
    let project = Project::new();
    let changed = fixture_page().replace("Name of the file to upload", "Name of the file to store");
    project.answer(200, changed, Duration::ZERO);
    let before = project.snapshot();
    let out = project.fetch(&["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("  changed s3_presigned_post_retrieve.json"),
        "{stdout}"
    );
    // What the change means for the API, classified.
    assert!(
        stdout.contains(
            "compatible parameter-description-changed      GET /api/s3/presigned-post: \
             description of query parameter `filename` changed"
        ),
        "{stdout}"
    );
    assert!(before == project.snapshot(), "--check wrote files");

    let out = project.fetch(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored =
        std::fs::read_to_string(project.openapi.join("s3_presigned_post_retrieve.json")).unwrap();
    assert!(stored.contains("Name of the file to store"));
    assert!(project.fetch(&["--check"]).status.success());
}

/// A page listed in sources.toml but never imported is new, not drift: the
/// scheduled check stays green and says so; `fetch` then imports it.
#[test]
fn a_listed_page_never_imported_is_reported_apart() {
    let project = Project::new();
    let sources = project.openapi.join("sources.toml");
    let mut text = std::fs::read_to_string(&sources).unwrap();
    text.push_str("\n[[page]]\nurl = \"https://developer.kizen.com/api/records.md\"\n");
    std::fs::write(&sources, text).unwrap();
    let before = project.snapshot();

    let out = project.fetch(&["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "{}/api/records.md: not imported yet (2 documents), so not checked",
            project.base
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 added, 0 changed, 0 removed, 2 unchanged"),
        "{stdout}"
    );
    assert!(before == project.snapshot(), "--check wrote files");

    // Upstream S3 moving is still drift, beside the new page.
    project.answer(
        200,
        fixture_page().replace("Name of the file to upload", "Name"),
        Duration::ZERO,
    );
    assert_eq!(project.fetch(&["--check"]).status.code(), Some(1));

    let out = project.fetch(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = std::fs::read_to_string(project.openapi.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"records.md\""), "{manifest}");
    assert!(project.fetch(&["--check"]).status.success());
}

#[test]
fn a_page_that_404s() {
    let project = Project::new();
    project.answer(404, "not here".into(), Duration::ZERO);
    let stderr = project.fails(&[]);
    assert!(
        stderr.contains(&format!(
            "fetching {}/api/s3.md: HTTP 404 Not Found",
            project.base
        )),
        "{stderr}"
    );
}

#[test]
fn a_page_with_no_json_block() {
    let project = Project::new();
    project.answer(
        200,
        "# S3\n\nMoved to another page.\n".into(),
        Duration::ZERO,
    );
    let stderr = project.fails(&[]);
    assert!(stderr.contains("no ```json block found"), "{stderr}");
}

#[test]
fn a_page_with_malformed_json() {
    let project = Project::new();
    project.answer(
        200,
        fixture_page().replacen("{\"openapi\":\"3.0.3\"", "{\"openapi\" \"3.0.3\"", 1),
        Duration::ZERO,
    );
    let stderr = project.fails(&[]);
    assert!(stderr.contains("/api/s3.md:"), "{stderr}");
    assert!(stderr.contains("malformed JSON: expected `:`"), "{stderr}");
}

#[test]
fn a_server_that_hangs_times_out() {
    let project = Project::new();
    project.answer(200, fixture_page(), Duration::from_secs(5));
    let stderr = project.fails(&["--timeout", "1"]);
    assert!(
        stderr.contains(&format!("fetching {}/api/s3.md:", project.base)),
        "{stderr}"
    );
    assert!(stderr.contains("timed out"), "{stderr}");
}

#[test]
fn a_breaking_upstream_change_is_reported_as_breaking() {
    let project = Project::new();
    project.answer(
        200,
        fixture_page().replace("/api/s3/success", "/api/s3/confirm"),
        Duration::ZERO,
    );
    let before = project.snapshot();
    let out = project.fetch(&["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("breaking operation-removed                  POST /api/s3/success"),
        "{stdout}"
    );
    assert!(
        stdout.contains("compatible operation-added                    POST /api/s3/confirm"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 breaking, 0 warning, 3 compatible"),
        "{stdout}"
    );
    assert!(before == project.snapshot(), "--check wrote files");
}

#[test]
fn fetch_generate_stores_the_page_and_regenerates_in_one_pass() {
    let project = Project::new();
    let krate = project.openapi.with_file_name("crate");
    project.answer(
        200,
        fixture_page().replace("/api/s3/success", "/api/s3/confirm"),
        Duration::ZERO,
    );
    let out = project.fetch(&["--generate", "--crate", krate.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        project
            .snapshot()
            .iter()
            .any(|(name, _)| name == "s3_success_create.json")
    );
    let client = std::fs::read_to_string(krate.join("src/generated.rs")).unwrap();
    assert!(client.contains("/api/s3/confirm"), "not regenerated");
    assert!(!client.contains("/api/s3/success"), "not regenerated");
    // The stored documents and the crate agree: `generate --check` passes.
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--check", "--openapi"])
        .arg(&project.openapi)
        .arg("--crate")
        .arg(&krate)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
