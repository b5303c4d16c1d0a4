//! One crafted OLD/NEW pair per rule of `cargo xtask diff`, each snapshot
//! showing how the change is classified. OLD is the committed merged spec.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use xtask::diff;

fn base() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kizen-api/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const PRESIGN: &str = "/paths/~1api~1s3~1presigned-post/get";
const SUCCESS: &str = "/paths/~1api~1s3~1success/post";
const BODY: &str =
    "/paths/~1api~1s3~1success/post/requestBody/content/application~1x-www-form-urlencoded/schema";
const OBJECT: &str = "/components/schemas/S3Object";

fn at<'v>(spec: &'v mut Value, pointer: &str) -> &'v mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn case(name: &str, edit: impl FnOnce(&mut Value)) {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    // `xtask/compare/run.py` feeds the same pairs to other diff tools.
    if let Some(dir) = std::env::var_os("XTASK_DIFF_PAIRS") {
        let dir = Path::new(&dir).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, spec) in [("old.json", &old), ("new.json", &new)] {
            std::fs::write(dir.join(file), serde_json::to_string_pretty(spec).unwrap()).unwrap();
        }
    }
    let changes = diff::compare(&old, &new);
    assert!(!changes.is_empty(), "{name}: no change found");
    insta::assert_snapshot!(name, diff::text(&changes));
}

#[test]
fn rules() {
    case("operation_removed", |s| {
        s["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/api/s3/success");
    });
    case("operation_added", |s| {
        s["paths"]["/api/s3/objects"] = json!({"get": {"operationId": "s3_objects_list", "responses": {"200": {"description": ""}}}});
    });
    case("required_parameter_added", |s| {
        at(s, SUCCESS)["parameters"].as_array_mut().unwrap().push(json!({"in": "query", "name": "force", "required": true, "schema": {"type": "boolean"}}));
    });
    case("optional_parameter_added", |s| {
        at(s, SUCCESS)["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"in": "query", "name": "dry_run", "schema": {"type": "boolean"}}));
    });
    case("parameter_removed", |s| {
        at(s, PRESIGN)["parameters"]
            .as_array_mut()
            .unwrap()
            .retain(|p| p["name"] != "filename");
    });
    case("parameter_type_changed", |s| {
        at(s, PRESIGN)["parameters"][0]["schema"] = json!({"type": "integer"});
    });
    case("parameter_location_changed", |s| {
        at(s, PRESIGN)["parameters"][1]["in"] = json!("header");
    });
    case("parameter_became_required", |s| {
        at(s, SUCCESS)["parameters"][0]["required"] = json!(true);
    });
    case("parameter_enum_value_removed", |s| {
        at(s, PRESIGN)["parameters"][2]["schema"]["enum"]
            .as_array_mut()
            .unwrap()
            .pop();
    });
    case("parameter_enum_value_added", |s| {
        at(s, PRESIGN)["parameters"][2]["schema"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("avatar"));
    });
    case("request_property_required_added", |s| {
        let body = at(s, BODY);
        body["properties"]["checksum"] = json!({"type": "string"});
        body["required"] = json!(["checksum"]);
    });
    case("request_property_optional_added", |s| {
        at(s, BODY)["properties"]["checksum"] = json!({"type": "string"});
    });
    case("response_property_removed", |s| {
        at(s, OBJECT)["properties"]
            .as_object_mut()
            .unwrap()
            .remove("thumbnail_url");
    });
    case("response_property_added", |s| {
        at(s, OBJECT)["properties"]["checksum"] = json!({"type": "string"});
    });
    case("response_property_type_changed", |s| {
        at(s, OBJECT)["properties"]["size_bytes"]["type"] = json!("string");
    });
    case("response_property_format_changed", |s| {
        at(s, OBJECT)["properties"]["size_bytes"]["format"] = json!("int32");
    });
    case("response_enum_introduced", |s| {
        at(s, OBJECT)["properties"]["content_type"]["enum"] = json!(["a"]);
    });
    case("response_status_removed", |s| {
        at(s, PRESIGN)["responses"]
            .as_object_mut()
            .unwrap()
            .remove("400");
    });
    case("security_scheme_added", |s| {
        s["components"]["securitySchemes"]["oauth2"] = json!({"type": "oauth2", "flows": {}});
    });
    case("security_scheme_removed", |s| {
        s["components"]["securitySchemes"]
            .as_object_mut()
            .unwrap()
            .remove("userId");
    });
    case("description_only", |s| {
        at(s, PRESIGN)["description"] = json!("Reworded.");
        at(s, PRESIGN)["parameters"][0]["description"] = json!("Reworded too.");
    });
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(diff::compare(&base(), &base()).is_empty());
}

#[test]
fn cli_formats_exit_codes_and_git_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut new = base();
    at(&mut new, OBJECT)["properties"]
        .as_object_mut()
        .unwrap()
        .remove("url");
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old_path, base().to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("diff")
            .arg(&old_path)
            .arg(&new_path)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--format", "json", "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    let changes: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(changes[0]["level"], "breaking");
    assert_eq!(changes[0]["rule"], "response-property-removed");
    assert!(run(&[]).status.success(), "no --fail-on: report only");
    let out = run(&["--format", "markdown"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("| level | rule | where | change |"));

    // A git revision of openapi/ against the working folder: nothing changed.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["diff", "HEAD", "openapi", "--fail-on", "warning"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("not a git repository") {
        return; // a source tarball, not a clone
    }
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 breaking, 0 warning, 0 compatible"));
}
