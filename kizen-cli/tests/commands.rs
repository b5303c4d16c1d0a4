//! The `kizen` binary, run as a user runs it, against the client's typed
//! mocks (`kizen-api-httpmock`) on a local server: what it sends, what it
//! prints, and how it exits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use httpmock::MockServer;
use kizen_api::types::{
    PresignedPostErrorResponse, PresignedPostResponse, S3Object, S3PresignedPostRetrieveSource,
    S3SuccessCreateBody,
};
use kizen_api_httpmock::MockServerExt;

const KEY: &str = "sk-secret-0123456789";

/// `kizen args` with credentials for `server`, `stdin` on its standard input.
fn kizen(server: &MockServer, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kizen"))
        .args(args)
        .env("KIZEN_BASE_URL", server.base_url())
        .env("KIZEN_BUSINESS_ID", "business")
        .env("KIZEN_USER_ID", "user")
        .env("KIZEN_API_KEY", KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "the API key was printed:\n{stdout}\n{stderr}"
    );
    out
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn post(server: &MockServer) -> PresignedPostResponse {
    PresignedPostResponse::builder()
        .expires_at(chrono::Utc::now())
        .fields([("key".to_string(), "k".to_string())])
        .max_file_size(5)
        .s3object_id(uuid::Uuid::nil())
        .url(server.url("/bucket"))
        .try_into()
        .unwrap()
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

const PRESIGNED: &[&str] = &[
    "s3",
    "presigned-post-retrieve",
    "--filename",
    "cv.pdf",
    "--contenttype",
    "application/pdf",
    "--source",
    "field_value",
];

#[test]
fn presigned_post_retrieve_prints_the_answer_as_one_json_line() {
    let server = MockServer::start();
    let answer = post(&server);
    let mock = server.s3_presigned_post_retrieve(|when, then| {
        when.filename("cv.pdf")
            .contenttype("application/pdf")
            .source(S3PresignedPostRetrieveSource::FieldValue);
        then.ok(&answer);
    });
    let out = kizen(&server, PRESIGNED, None);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    mock.assert_calls(1);
    // Not a terminal: one compact line.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(&answer).unwrap());
}

#[test]
fn success_create_reads_its_body_from_stdin_and_sends_it_as_the_form() {
    let server = MockServer::start();
    let body: S3SuccessCreateBody = S3SuccessCreateBody::builder()
        .uuid("8a4f8d3e-0000-4000-8000-000000000001".to_string())
        .key("uploads/a/resume.pdf".to_string())
        .name("resume.pdf".to_string())
        .etag("d41d8cd98f00b204e9800998ecf8427e".to_string())
        .is_public(false)
        .try_into()
        .unwrap();
    let mock = server.s3_success_create(|when, then| {
        when.body(&body);
        then.ok(&object());
    });
    let json = serde_json::to_string(&body).unwrap();
    let out = kizen(
        &server,
        &["s3", "success-create", "--json-body", "-"],
        Some(&json),
    );
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    mock.assert_calls(1);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(object()).unwrap());
}

/// A flat body's fields are flags too, set over `--json-body`'s.
#[test]
fn a_flat_bodys_fields_are_flags_set_over_the_json_body() {
    let server = MockServer::start();
    let body: S3SuccessCreateBody = S3SuccessCreateBody::builder()
        .uuid("8a4f8d3e-0000-4000-8000-000000000001".to_string())
        .key("uploads/a/cv.pdf".to_string())
        .name("cv.pdf".to_string())
        .etag("d41d8cd98f00b204e9800998ecf8427e".to_string())
        .is_public(true)
        .try_into()
        .unwrap();
    let mock = server.s3_success_create(|when, then| {
        when.body(&body);
        then.ok(&object());
    });
    let flags = [
        "s3",
        "success-create",
        "--uuid",
        "8a4f8d3e-0000-4000-8000-000000000001",
        "--key",
        "uploads/a/cv.pdf",
        "--name",
        "cv.pdf",
        "--etag",
        "d41d8cd98f00b204e9800998ecf8427e",
        "--is-public",
        "true",
    ];
    let out = kizen(&server, &flags, None);
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    // The name from the flag, the rest from stdin.
    let stdin = serde_json::json!({
        "uuid": "8a4f8d3e-0000-4000-8000-000000000001", "key": "uploads/a/cv.pdf",
        "name": "old.pdf", "etag": "d41d8cd98f00b204e9800998ecf8427e", "is_public": true
    });
    let args = [
        "s3",
        "success-create",
        "--json-body",
        "-",
        "--name",
        "cv.pdf",
    ];
    let out = kizen(&server, &args, Some(&stdin.to_string()));
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    mock.assert_calls(2);
    // A flag that is not a boolean where the field is one: a usage error.
    let out = kizen(
        &server,
        &["s3", "success-create", "--is-public", "maybe"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    mock.assert_calls(2);
}

#[test]
fn a_body_from_a_file_that_is_not_the_operations_is_a_usage_error() {
    let server = MockServer::start();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), r#"{"uuid": 3}"#).unwrap();
    let out = kizen(
        &server,
        &[
            "s3",
            "success-create",
            "--json-body",
            file.path().to_str().unwrap(),
        ],
        None,
    );
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not the body this operation takes"),
        "{stderr}"
    );
}

#[test]
fn a_value_outside_an_enum_is_a_usage_error_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200);
    });
    let mut args = PRESIGNED.to_vec();
    *args.last_mut().unwrap() = "bogus";
    let out = kizen(&server, &args, None);
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("possible values: field_value"), "{stderr}");
    any.assert_calls(0);
}

#[test]
fn a_4xx_answer_prints_its_status_and_body_on_stderr_and_exits_4() {
    let server = MockServer::start();
    let error: PresignedPostErrorResponse =
        serde_json::from_value(serde_json::json!({"detail": {"filename": "filename is required"}}))
            .unwrap();
    let mock = server.s3_presigned_post_retrieve(|_, then| {
        then.bad_request(&error);
    });
    let out = kizen(&server, PRESIGNED, None);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    mock.assert_calls(1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("400 Bad Request"), "{stderr}");
    assert!(stderr.contains("filename is required"), "{stderr}");
}

#[test]
fn a_5xx_answer_exits_5() {
    let server = MockServer::start();
    // A POST answered 500 is neither retried nor documented.
    let mock = server.mock(|when, then| {
        when.path("/api/s3/success");
        then.status(500).body("upstream down");
    });
    let out = kizen(
        &server,
        &["s3", "success-create", "--json-body", "-"],
        Some(r#"{"uuid": "u", "key": "k", "name": "n", "etag": "e"}"#),
    );
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    mock.assert_calls(1);
    assert!(stderr.contains("500 Internal Server Error"), "{stderr}");
    assert!(stderr.contains("upstream down"), "{stderr}");
}

#[test]
fn dry_run_prints_curl_with_the_key_redacted_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200);
    });
    let mut args = vec!["--dry-run"];
    args.extend(PRESIGNED);
    let out = kizen(&server, &args, None);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    any.assert_calls(0);
    assert!(stdout.starts_with("curl -X GET '"), "{stdout}");
    assert!(
        stdout.contains("/api/s3/presigned-post?contenttype=application%2Fpdf&filename=cv.pdf&source=field_value'"),
        "{stdout}"
    );
    assert!(stdout.contains("\"x-api-key: $KIZEN_API_KEY\""), "{stdout}");
    assert!(stdout.contains("'x-business-id: business'"), "{stdout}");
}

#[test]
fn verbose_shows_the_request_and_answer_heads_redacted() {
    let server = MockServer::start();
    let answer = post(&server);
    server.s3_presigned_post_retrieve(|_, then| {
        then.ok(&answer);
    });
    let mut args = vec!["--verbose"];
    args.extend(PRESIGNED);
    let out = kizen(&server, &args, None);
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("> GET http://127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("> x-api-key: [redacted]"), "{stderr}");
    assert!(stderr.contains("< HTTP/1.1 200 OK"), "{stderr}");
}

#[test]
fn missing_credentials_are_named_and_nothing_is_sent() {
    let server = MockServer::start();
    let any = server.mock(|_, then| {
        then.status(200);
    });
    let out = Command::new(env!("CARGO_BIN_EXE_kizen"))
        .args(PRESIGNED)
        .env("KIZEN_BASE_URL", server.base_url())
        .env("KIZEN_BUSINESS_ID", "business")
        .env_remove("KIZEN_USER_ID")
        .env_remove("KIZEN_API_KEY")
        .output()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("missing credentials: set KIZEN_USER_ID, KIZEN_API_KEY"),
        "{stderr}"
    );
    any.assert_calls(0);
}

#[test]
fn completions_and_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_kizen"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    assert!(out.status.success());
    assert!(stdout.contains("presigned-post-retrieve"), "{stdout}");

    let out = Command::new(env!("CARGO_BIN_EXE_kizen"))
        .arg("--version")
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    let api = env!("CARGO_PKG_VERSION").split_once('+').unwrap().1;
    assert_eq!(
        stdout.trim(),
        format!(
            "kizen {} (kizen-cli; Kizen API {api})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// Every command's `--help`, in one snapshot: a changed operation upstream
/// shows up here, in review.
#[test]
fn the_command_tree() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_kizen"))
            .args(args)
            .arg("--help")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let mut tree = format!("$ kizen --help\n{}", help(&[]));
    let root = help(&[]);
    let areas: Vec<String> = commands_of(&root);
    for area in &areas {
        let text = help(&[area]);
        tree.push_str(&format!("\n$ kizen {area} --help\n{text}"));
        for operation in commands_of(&text) {
            let text = help(&[area, &operation]);
            tree.push_str(&format!("\n$ kizen {area} {operation} --help\n{text}"));
        }
    }
    insta::assert_snapshot!(tree);
}

/// The subcommands a `--help` lists (but `help` and `completions`).
fn commands_of(help: &str) -> Vec<String> {
    help.split("Commands:\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help" && *c != "completions")
        .map(str::to_string)
        .collect()
}

/// `kizen upload` of a file `name` holding `content`, against `server`.
fn upload(server: &MockServer, name: &str, content: &[u8]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, content).unwrap();
    let args = ["upload", file.to_str().unwrap(), "--source", "field_value"];
    kizen(server, &args, None)
}

#[test]
fn upload_runs_the_whole_flow_and_prints_the_stored_object() {
    let server = MockServer::start();
    let content = b"%PDF-1.7\nJane Doe\n%%EOF\n";
    let scenario = kizen_api_httpmock::UploadScenario::new("cv.pdf", content).mock(&server);
    let out = upload(&server, "cv.pdf", content);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(&scenario.object).unwrap());
}

#[test]
fn an_upload_kizen_refuses_exits_4() {
    let server = MockServer::start();
    let content = b"#!/bin/sh\n";
    let _scenario = kizen_api_httpmock::UploadScenario::new("run.sh", content)
        .fail(kizen_api::Step::PresignedPost, 400)
        .mock(&server);
    let out = upload(&server, "run.sh", content);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("This file type is not allowed."),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_profile_is_saved_for_its_owner_only_and_refused_once_others_can_read_it() {
    use std::os::unix::fs::PermissionsExt;
    let config = tempfile::tempdir().unwrap();
    let save = Command::new(env!("CARGO_BIN_EXE_kizen"))
        .args(["profile", "save", "work"])
        .env("KIZEN_CONFIG_DIR", config.path())
        .env("KIZEN_BUSINESS_ID", "business-p")
        .env("KIZEN_USER_ID", "user-p")
        .env("KIZEN_API_KEY", KEY)
        .env("KIZEN_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let (_, stderr) = texts(&save);
    assert!(save.status.success(), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
    let file = config.path().join("profiles.toml");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // No KIZEN_* variable: the profile's credentials and server.
    let with_profile = || {
        let mut args = vec!["--profile", "work", "--dry-run"];
        args.extend(PRESIGNED);
        Command::new(env!("CARGO_BIN_EXE_kizen"))
            .args(&args)
            .env("KIZEN_CONFIG_DIR", config.path())
            .env_remove("KIZEN_BUSINESS_ID")
            .env_remove("KIZEN_USER_ID")
            .env_remove("KIZEN_API_KEY")
            .env_remove("KIZEN_BASE_URL")
            .output()
            .unwrap()
    };
    let out = with_profile();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("'http://127.0.0.1:9/api/s3/presigned-post?"),
        "{stdout}"
    );
    assert!(stdout.contains("'x-business-id: business-p'"), "{stdout}");
    assert!(!stdout.contains(KEY), "{stdout}");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = with_profile();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("is readable by others (mode 644)"),
        "{stderr}"
    );
}
