//! Kizen's next reference pages, as fixtures that reproduce each quirk the
//! vendor's Records, Custom Objects and Activities pages show (see the
//! comment atop each fixture for what is quoted and what is ours), imported
//! beside the S3 page: they generate, and the generated crate compiles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::base::layout::{CLIENT_FILE, SPEC_FILE};
use xtask::pages::import;
use xtask::pipeline::{self, Input, Run};

#[path = "next_pages/calls.rs"]
mod calls;
mod common;
#[path = "next_pages/server.rs"]
mod server;

use calls::PRISM_CALLS;
use server::{FIELD, LOOPING, pages_server};

/// `openapi/` with the S3, Records, Custom Objects, Automations and
/// Object Types fixtures imported.
fn project(dir: &Path) -> PathBuf {
    let openapi = dir.join("openapi");
    common::fixture_openapi(&openapi);
    for page in [
        "records.md",
        "custom-objects.md",
        "automations.md",
        "object-types.md",
    ] {
        import::plan_file(&common::fixtures().join(page), &openapi)
            .and_then(|plan| plan.apply())
            .unwrap();
    }
    openapi
}

/// A copy of `kizen-api` at `dest` (a workspace around it is
/// [`common::workspace`]'s to make, where one is built).
fn crate_copy(dest: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let krate = dest.join("kizen-api");
    copy_dir(&root.join("kizen-api"), &krate);
    // kizen-api's dev-dependency; the pipeline generates its mocks too.
    copy_dir(
        &root.join("kizen-api-httpmock"),
        &dest.join("kizen-api-httpmock"),
    );
    // The fixture pages have `pattern`s, which the generated code checks
    // with regress; S3 has none, so kizen-api does not depend on it yet.
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        !text.contains("\nregress"),
        "kizen-api depends on regress now: drop this"
    );
    let text = text.replacen(
        "[dependencies]\n",
        "[dependencies]\nregress.workspace = true\n",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    krate
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn generate(openapi: &Path, krate: &Path) -> Run {
    pipeline::run(Input::folder(openapi), Some(krate), None)
        .unwrap_or_else(|e| panic!("generation failed: {e}"))
}

#[test]
fn the_next_pages_generate_beside_s3() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let krate = crate_copy(dir.path());
    let run = generate(&openapi, &krate);

    // Both heading styles, under quotes with entities and continuations.
    let manifest = xtask::pages::manifest::Manifest::load(&openapi).unwrap();
    let section = |name: &str| manifest.documents[name].section.as_str();
    assert_eq!(
        section("records_field_values_list.json"),
        "List values for record field"
    );
    assert_eq!(section("records_retrieve.json"), "Get a record");
    assert_eq!(
        section("custom_objects_list.json"),
        "GET /api/custom-objects"
    );

    let warnings: Vec<String> = run.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("next_pages_warnings", warnings.join("\n"));

    // Each operation keeps its own document's security: S3's accept
    // anonymous calls, the others require the credentials.
    let security: Vec<String> = xtask::base::walk::operations(&run.value)
        .map(|(path, method, op, _)| {
            format!(
                "{} {path}: {}",
                method.to_uppercase(),
                op.get("security")
                    .map_or("(default)".into(), Value::to_string)
            )
        })
        .collect();
    insta::assert_snapshot!("next_pages_security", security.join("\n"));
    assert!(run.value.get("security").is_none(), "no top-level default");

    let client = &run.output(CLIENT_FILE).unwrap().contents;
    assert!(
        client
            .contains("pub errors: ::std::option::Option<::std::vec::Vec<::std::string::String>>,"),
        "`errors` is not Option<Vec<String>>"
    );
    assert!(client.contains("pub struct ActivityObject2 {"));
    assert!(client.contains("A decimal number, as a string (format `decimal`)."));
    let spec: Value = serde_json::from_str(&run.output(SPEC_FILE).unwrap().contents).unwrap();
    assert_eq!(
        spec.pointer("/components/schemas/ActivityObject/properties/object/$ref"),
        Some(&Value::from("#/components/schemas/ActivityObject2"))
    );

    // drf-spectacular's indented help texts read as prose, their lists as
    // lists, and their samples as fenced text, in the spec and the client.
    assert_eq!(
        spec.pointer("/components/schemas/Automation/properties/steps/description"),
        Some(&Value::from(
            "The steps the automation runs, in order.\n\nEach step is one of:\n\
             - `wait`: pauses the automation.\n  - `delay`: seconds to wait.\n\
             - `email`: sends an email.\n\nExample:\n\n```text\n\
             [{\"type\": \"wait\", \"delay\": 60},\n {\"type\": \"email\", \"template\": \"welcome\"}]\n```"
        ))
    );
    let notes: Vec<String> = run.adapted.iter().map(ToString::to_string).collect();
    let dedented = notes.iter().filter(|n| n.contains("dedented")).count();
    assert_eq!(dedented, 7, "{notes:#?}");
    assert!(
        client.contains("/// - `delay`: seconds to wait.")
            || client.contains("  - `delay`: seconds to wait."),
        "the nested list lost its indentation"
    );
    assert!(
        !client.contains("        - `wait`"),
        "indentation left in the client"
    );
}

/// A workspace at `dir` with the client and its mocks generated from the
/// five pages, and a binary crate beside it that calls it (`calls`); and
/// where to build it.
fn generated_workspace(dir: &Path) -> (Run, PathBuf) {
    let openapi = project(dir);
    let krate = crate_copy(dir);
    let run = generate(&openapi, &krate);
    xtask::base::files::write(&run.outputs).unwrap();
    let ws = common::workspace(
        dir,
        &["kizen-api", "kizen-api-httpmock", "kizen-calls"],
        "kizen-calls",
        "kizen-api = { path = \"../kizen-api\" }\nfutures-util.workspace = true\n\
         serde_json.workspace = true\n\
         tracing-subscriber = { workspace = true, features = [\"fmt\"] }\n",
        PRISM_CALLS,
    );
    (run, ws)
}

/// The generated crate compiles, and against a server no one here wrote
/// (Prism, dynamic mode, on the merged spec) every operation's response
/// parses and every request is accepted, 15 calls each; a request that
/// breaks the spec gets a 4xx and Prism's validation report.
#[test]
fn the_generated_crate_compiles_and_works_against_prism() {
    let dir = tempfile::tempdir().unwrap();
    let (run, ws) = generated_workspace(dir.path());
    // The mocks generated for the five pages compile too.
    let out = common::cargo(
        &ws,
        &[
            "build",
            "--quiet",
            "-p",
            "kizen-calls",
            "-p",
            "kizen-api-httpmock",
        ],
    );
    assert!(
        out.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every generated item documented, on the pages with list pages and
    // PATCH bodies (`pages::Page`, `Nullable`), as CI checks Kizen's; the
    // Automations page's indented prose fails rustdoc unless it is tidied.
    common::doc_without_warnings(&ws, &["kizen-api", "kizen-api-httpmock"]);
    // One feature per page; each compiles alone, the mocks with it.
    let areas = common::areas(dir.path(), "kizen-api");
    assert_eq!(
        areas,
        [
            "automations",
            "custom-objects",
            "object-types",
            "records",
            "s3"
        ]
    );
    // The Automations area sends a multipart form: its feature turns on
    // reqwest's `multipart` (off without `upload`), so it builds alone.
    let manifest = std::fs::read_to_string(dir.path().join("kizen-api/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\nautomations = [\"reqwest/multipart\"]\n"),
        "{manifest}"
    );
    assert_eq!(common::areas(dir.path(), "kizen-api-httpmock"), areas);
    common::check_each_area(
        &ws,
        &areas,
        &[("kizen-api", "rustls"), ("kizen-api-httpmock", "")],
    );
    let spec = dir.path().join("kizen-api").join(SPEC_FILE);
    assert_eq!(
        std::fs::read_to_string(&spec).unwrap(),
        run.output(SPEC_FILE).unwrap().contents
    );
    let prism = common::Prism::start(&spec);
    let calls = common::built("kizen-calls");
    let out = Command::new(&calls).arg(&prism.base).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "120 passed, 0 failed");

    // A request that breaks the spec: not a uuid where the path wants one.
    // reqwest without a process-wide crypto provider: the TLS set-up is
    // given to the client, as `fetch` does.
    let http = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(xtask::pages::download::tls().unwrap())
        .build()
        .unwrap();
    let bad = http
        .get(format!(
            "{}/api/records/fields/not-a-uuid/values",
            prism.base
        ))
        .header("X-API-KEY", "key")
        .header("X-USER-ID", "user")
        .header("X-BUSINESS-ID", "business")
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    let report: Value = serde_json::from_str(&bad.text().unwrap()).unwrap();
    assert_eq!(
        report["validation"][0]["location"],
        serde_json::json!(["path", "field_id"])
    );
    drop(prism);

    // Page-number pagination, streamed from a server that keeps state.
    let (base, seen, _) = pages_server();
    let run = |field: &str| {
        let out = Command::new(&calls).args([&base, field]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(run(FIELD), "v1,v2,v3,v4,v5");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (url, credentials) in &requests {
        assert!(url.contains("page_size=2"), "the page size was lost: {url}");
        assert!(
            credentials,
            "a page was requested without the credentials: {url}"
        );
    }
    // A `next` link back to a page already read ends in an error, not a loop.
    let looped = run(LOOPING);
    assert!(
        looped.starts_with("v1,v2,v3,v4 then error: ")
            && looped.contains("names a page already read"),
        "{looped}"
    );

    // An answer from a newer server: a value the spec does not list and a
    // field it does not describe. The call succeeds, the value is kept and
    // serialized back as written, and a drift event names the operation,
    // the type and the value.
    let out = Command::new(&calls)
        .args([&base, "drift"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("undocumented workflow"), "{stdout}");
    let json: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(json["object_type"], "workflow", "{json}");
    assert_eq!(json["name"], "Deals", "{json}");
    let event = stderr
        .lines()
        .find(|l| l.contains("kizen_api::drift"))
        .unwrap_or_else(|| panic!("no drift event: {stderr}"));
    for part in [
        "WARN",
        "operation=\"custom_objects_type_retrieve\"",
        "type=\"ObjectTypeEnum\"",
        "value=\"workflow\"",
    ] {
        assert!(event.contains(part), "{part} not in {event}");
    }
}

/// The command line, generated beside a client of the S3, Records and
/// Automations pages, walks a drf list's pages with `--all` (one JSON line
/// per item, as they come), and sends a multipart body with its file part
/// read from a path.
#[test]
fn the_command_line_follows_every_page_with_all_and_sends_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    common::fixture_openapi(&openapi);
    for page in ["records.md", "automations.md", "object-types.md"] {
        import::plan_file(&common::fixtures().join(page), &openapi)
            .and_then(|plan| plan.apply())
            .unwrap();
    }
    let krate = crate_copy(dir.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&root.join("kizen-cli"), &dir.path().join("kizen-cli"));
    let run = generate(&openapi, &krate);
    xtask::base::files::write(&run.outputs).unwrap();
    let ws = common::workspace(
        dir.path(),
        // Its own name: the other test's `kizen-calls` binary shares the
        // target folder.
        &["kizen-api", "kizen-api-httpmock", "kizen-cli", "cli-calls"],
        "cli-calls",
        "kizen-api = { path = \"../kizen-api\" }\n",
        "fn main() {}\n",
    );
    let out = common::cargo(&ws, &["build", "--quiet", "-p", "kizen-cli"]);
    assert!(
        out.status.success(),
        "the generated command line does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (base, seen, forms) = pages_server();
    let kizen = |args: &[&str]| {
        let out = Command::new(common::built("kizen"))
            .args(args)
            .env("KIZEN_BASE_URL", &base)
            .env("KIZEN_BUSINESS_ID", "business")
            .env("KIZEN_USER_ID", "user")
            .env("KIZEN_API_KEY", "key")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let list = [
        "records",
        "field-values-list",
        "--field-id",
        FIELD,
        "--page-size",
        "2",
    ];
    let mut all = list.to_vec();
    all.push("--all");
    let lines: Vec<Value> = kizen(&all)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let values: Vec<&str> = lines.iter().map(|v| v["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["v1", "v2", "v3", "v4", "v5"]);
    assert_eq!(seen.lock().unwrap().len(), 3);
    // Without `--all`: the first page, as the API answers it.
    let page: Value = serde_json::from_str(&kizen(&list)).unwrap();
    assert_eq!(page["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(seen.lock().unwrap().len(), 4);

    // A multipart body: the file part from its path (`--file`), the text
    // part from its flag; the answer printed.
    let file = dir.path().join("minutes.txt");
    let content = b"the minutes, \x00 and a byte that is not UTF-8: \xff".to_vec();
    std::fs::write(&file, &content).unwrap();
    let path = file.display().to_string();
    let create = [
        "automations",
        "attachments-create",
        "--id",
        FIELD,
        "--file",
        &path,
        "--name",
        "Minutes",
    ];
    let answer: Value = serde_json::from_str(&kizen(&create)).unwrap();
    assert_eq!(answer["name"], "Minutes");
    let forms = forms.lock().unwrap().clone();
    let [(url, parts)] = forms.as_slice() else {
        panic!("one form, not {forms:?}");
    };
    assert_eq!(url, &format!("/api/automations/{FIELD}/attachments"));
    assert!(parts["file"].content == content, "the file's bytes");
    assert_eq!(parts["file"].file_name.as_deref(), Some("minutes.txt"));
    assert_eq!(parts["name"].content, b"Minutes");
    assert_eq!(parts.len(), 2, "{parts:?}");

    // An answer with a value the spec does not list: printed as written.
    let answer: Value = serde_json::from_str(&kizen(&[
        "object-types",
        "custom-objects-type-retrieve",
        "--id",
        FIELD,
    ]))
    .unwrap();
    assert_eq!(answer["object_type"], "workflow", "{answer}");
}

/// A crate without a dependency the generated code needs (`regress`, for
/// the `pattern`) is refused before anything is written.
#[test]
fn a_missing_dependency_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let krate = crate_copy(dir.path());
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("regress"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text, without, "the copy has no regress line");
    std::fs::write(&manifest, without).unwrap();
    let before = std::fs::read(krate.join(CLIENT_FILE)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--openapi")
        .arg(&openapi)
        .arg("--crate")
        .arg(&krate)
        .arg("generate")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("the generated code uses the crate(s) regress, which")
            && err.contains("kizen-api/Cargo.toml does not depend on"),
        "{err}"
    );
    assert_eq!(
        before,
        std::fs::read(krate.join(CLIENT_FILE)).unwrap(),
        "the client was written"
    );
}

/// A page whose operations the overlay removes keeps its documents, but
/// gets no feature: nothing would be behind it.
#[test]
fn an_area_the_overlay_empties_gets_no_feature() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let overlay = openapi.join("overlay.yaml");
    let mut text = std::fs::read_to_string(&overlay).unwrap();
    text.push_str(
        "  - target: \"$.paths['/api/records/fields/{field_id}/values']\"\n    \
         description: The test removes the records area.\n    remove: true\n\
         \x20 - target: \"$.paths['/api/records/{id}']\"\n    \
         description: The test removes the records area.\n    remove: true\n",
    );
    std::fs::write(&overlay, text).unwrap();
    let krate = crate_copy(dir.path());
    let run = generate(&openapi, &krate);
    let manifest = &run
        .outputs
        .iter()
        .find(|o| o.path == krate.join("Cargo.toml"))
        .expect("the crate's manifest is an output")
        .contents;
    let manifest: toml::Table = toml::from_str(manifest).unwrap();
    assert_eq!(
        manifest["features"]["areas"],
        toml::Value::Array(vec![
            "automations".into(),
            "custom-objects".into(),
            "object-types".into(),
            "s3".into()
        ])
    );
    assert!(manifest["features"].get("records").is_none());
}
