//! One crafted OLD/NEW pair per rule of `cargo xtask diff`, one `#[test]`
//! each: the change must be reported under its rule, and the whole report
//! is a snapshot. OLD is the merged spec of the test fixtures (hermetic:
//! not the live `openapi/`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};
use xtask::reports::diff::{self, RULES};

mod common;

fn base() -> Value {
    static BASE: OnceLock<Value> = OnceLock::new();
    BASE.get_or_init(common::fixture_spec).clone()
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

/// Applies `edit` to copies of the base (old, new); the report must hold
/// `rule`, and is snapshotted as `name`.
fn case(name: &str, rule: &str, edit: impl FnOnce(&mut Value, &mut Value)) {
    assert!(RULES.iter().any(|r| r.id == rule), "no rule {rule}");
    let (mut old, mut new) = (base(), base());
    edit(&mut old, &mut new);
    // `xtask/compare/run.py` feeds the same pairs to other diff tools.
    if let Some(dir) = std::env::var_os("XTASK_DIFF_PAIRS") {
        let dir = Path::new(&dir).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, spec) in [("old.json", &old), ("new.json", &new)] {
            std::fs::write(dir.join(file), serde_json::to_string_pretty(spec).unwrap()).unwrap();
        }
    }
    let changes = diff::compare(&old, &new);
    let report = diff::text(&changes);
    assert!(
        changes.iter().any(|c| c.rule.id == rule),
        "{name}: no `{rule}` in\n{report}"
    );
    insta::assert_snapshot!(name, report);
}

/// A `#[test]` per rule: `rule_case!(test_name, "rule-id", |old, new| ...)`.
macro_rules! rule_case {
    ($name:ident, $rule:literal, $edit:expr) => {
        #[test]
        fn $name() {
            case(stringify!($name), $rule, $edit);
        }
    };
}

/// The rule each case below covers, to check that every rule has one.
const COVERED: &[&str] = &[
    "operation-added",
    "operation-removed",
    "operation-description-changed",
    "operation-security-changed",
    "parameter-optional-added",
    "parameter-required-added",
    "parameter-removed",
    "parameter-location-changed",
    "parameter-became-required",
    "parameter-became-optional",
    "parameter-description-changed",
    "request-body-added",
    "request-body-removed",
    "request-media-type-removed",
    "request-property-optional-added",
    "request-property-required-added",
    "request-property-removed",
    "request-property-became-required",
    "request-enum-value-added",
    "response-status-added",
    "response-error-status-added",
    "response-status-removed",
    "response-media-type-removed",
    "response-property-added",
    "response-property-removed",
    "response-property-became-optional",
    "response-enum-value-added",
    "schema-type-changed",
    "schema-enum-added",
    "schema-enum-removed",
    "schema-enum-value-removed",
    "schema-description-changed",
    "unclassified-schema-change",
    "security-scheme-added",
    "security-scheme-removed",
    "security-requirements-changed",
];

#[test]
fn every_rule_has_a_case() {
    let mut rules: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut covered = COVERED.to_vec();
    rules.sort_unstable();
    covered.sort_unstable();
    assert_eq!(rules, covered);
}

rule_case!(operation_added, "operation-added", |_, s| {
    s["paths"]["/api/s3/objects"] = json!({"get": {"operationId": "s3_objects_list", "responses": {"200": {"description": ""}}}});
});
rule_case!(operation_removed, "operation-removed", |_, s| {
    s["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/api/s3/success");
});
rule_case!(description_only, "operation-description-changed", |_, s| {
    at(s, PRESIGN)["description"] = json!("Reworded.");
    at(s, PRESIGN)["parameters"][0]["description"] = json!("Reworded too.");
});
rule_case!(
    operation_security_changed,
    "operation-security-changed",
    |_, s| {
        at(s, SUCCESS)["security"] = json!([{"apiKey": []}]);
    }
);
rule_case!(
    optional_parameter_added,
    "parameter-optional-added",
    |_, s| {
        at(s, SUCCESS)["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"in": "query", "name": "dry_run", "schema": {"type": "boolean"}}));
    }
);
rule_case!(
    required_parameter_added,
    "parameter-required-added",
    |_, s| {
        at(s, SUCCESS)["parameters"].as_array_mut().unwrap().push(
        json!({"in": "query", "name": "force", "required": true, "schema": {"type": "boolean"}}),
    );
    }
);
rule_case!(parameter_removed, "parameter-removed", |_, s| {
    at(s, PRESIGN)["parameters"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "filename");
});
rule_case!(
    parameter_location_changed,
    "parameter-location-changed",
    |_, s| {
        at(s, PRESIGN)["parameters"][1]["in"] = json!("header");
    }
);
rule_case!(
    parameter_became_required,
    "parameter-became-required",
    |_, s| {
        at(s, SUCCESS)["parameters"][0]["required"] = json!(true);
    }
);
rule_case!(
    parameter_became_optional,
    "parameter-became-optional",
    |_, s| {
        at(s, PRESIGN)["parameters"][1]["required"] = json!(false);
    }
);
rule_case!(
    parameter_description_changed,
    "parameter-description-changed",
    |_, s| {
        at(s, PRESIGN)["parameters"][1]["description"] = json!("The file's name.");
    }
);
rule_case!(request_body_added, "request-body-added", |_, s| {
    at(s, PRESIGN)["requestBody"] =
        json!({"content": {"application/json": {"schema": {"type": "object"}}}});
});
rule_case!(request_body_removed, "request-body-removed", |_, s| {
    at(s, SUCCESS)
        .as_object_mut()
        .unwrap()
        .remove("requestBody");
});
rule_case!(
    request_media_type_removed,
    "request-media-type-removed",
    |_, s| {
        let content = at(s, SUCCESS)["requestBody"]["content"]
            .as_object_mut()
            .unwrap();
        let form = content.remove("application/x-www-form-urlencoded").unwrap();
        content.insert("multipart/form-data".into(), form);
    }
);
rule_case!(
    request_property_optional_added,
    "request-property-optional-added",
    |_, s| {
        at(s, BODY)["properties"]["checksum"] = json!({"type": "string"});
    }
);
rule_case!(
    request_property_required_added,
    "request-property-required-added",
    |_, s| {
        let body = at(s, BODY);
        body["properties"]["checksum"] = json!({"type": "string"});
        body["required"] = json!(["checksum"]);
    }
);
rule_case!(
    request_property_removed,
    "request-property-removed",
    |_, s| {
        at(s, BODY)["properties"]
            .as_object_mut()
            .unwrap()
            .remove("business_id");
    }
);
rule_case!(
    request_property_became_required,
    "request-property-became-required",
    |_, s| {
        at(s, BODY)["required"] = json!(["etag"]);
    }
);
rule_case!(
    parameter_enum_value_added,
    "request-enum-value-added",
    |_, s| {
        at(s, PRESIGN)["parameters"][2]["schema"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("avatar"));
    }
);
rule_case!(response_status_added, "response-status-added", |_, s| {
    at(s, SUCCESS)["responses"]["201"] = json!({"description": "stored anew"});
});
rule_case!(
    response_error_status_added,
    "response-error-status-added",
    |_, s| {
        at(s, SUCCESS)["responses"]["404"] = json!({"description": "no such upload"});
    }
);
rule_case!(
    response_status_removed,
    "response-status-removed",
    |_, s| {
        at(s, PRESIGN)["responses"]
            .as_object_mut()
            .unwrap()
            .remove("400");
    }
);
rule_case!(
    response_media_type_removed,
    "response-media-type-removed",
    |_, s| {
        let content = at(s, SUCCESS)["responses"]["200"]["content"]
            .as_object_mut()
            .unwrap();
        let json = content.remove("application/json").unwrap();
        content.insert("application/xml".into(), json);
    }
);
rule_case!(
    response_property_added,
    "response-property-added",
    |_, s| {
        at(s, OBJECT)["properties"]["checksum"] = json!({"type": "string"});
    }
);
rule_case!(
    response_property_removed,
    "response-property-removed",
    |_, s| {
        at(s, OBJECT)["properties"]
            .as_object_mut()
            .unwrap()
            .remove("thumbnail_url");
    }
);
rule_case!(
    response_property_became_optional,
    "response-property-became-optional",
    |_, s| {
        at(s, OBJECT)["required"]
            .as_array_mut()
            .unwrap()
            .retain(|n| n != "url");
    }
);
rule_case!(
    response_enum_value_added,
    "response-enum-value-added",
    |old, new| {
        at(old, OBJECT)["properties"]["content_type"]["enum"] = json!(["a"]);
        at(new, OBJECT)["properties"]["content_type"]["enum"] = json!(["a", "b"]);
    }
);
rule_case!(parameter_type_changed, "schema-type-changed", |_, s| {
    at(s, PRESIGN)["parameters"][0]["schema"] = json!({"type": "integer"});
});
rule_case!(
    response_property_type_changed,
    "schema-type-changed",
    |_, s| {
        at(s, OBJECT)["properties"]["size_bytes"]["type"] = json!("string");
    }
);
rule_case!(
    response_property_format_changed,
    "schema-type-changed",
    |_, s| {
        at(s, OBJECT)["properties"]["size_bytes"]["format"] = json!("int32");
    }
);
rule_case!(response_enum_introduced, "schema-enum-added", |_, s| {
    at(s, OBJECT)["properties"]["content_type"]["enum"] = json!(["a"]);
});
rule_case!(parameter_enum_dropped, "schema-enum-removed", |_, s| {
    at(s, PRESIGN)["parameters"][2]["schema"]
        .as_object_mut()
        .unwrap()
        .remove("enum");
});
rule_case!(
    parameter_enum_value_removed,
    "schema-enum-value-removed",
    |_, s| {
        at(s, PRESIGN)["parameters"][2]["schema"]["enum"]
            .as_array_mut()
            .unwrap()
            .pop();
    }
);
rule_case!(
    schema_description_changed,
    "schema-description-changed",
    |_, s| {
        at(s, OBJECT)["properties"]["key"]["description"] = json!("The S3 key.");
        at(s, OBJECT)["title"] = json!("A stored object");
    }
);
rule_case!(
    unclassified_nullable_and_bounds,
    "unclassified-schema-change",
    |_, s| {
        at(s, OBJECT)["properties"]["key"]["nullable"] = json!(true);
        at(s, OBJECT)["properties"]["size_bytes"]["maximum"] = json!(1024);
    }
);
rule_case!(
    unclassified_composition,
    "unclassified-schema-change",
    |_, s| {
        at(s, BODY)["properties"]["etag"] =
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        at(s, OBJECT)["properties"]["metadata"]["additionalProperties"] = json!({"type": "string"});
    }
);
rule_case!(security_scheme_added, "security-scheme-added", |_, s| {
    s["components"]["securitySchemes"]["oauth2"] = json!({"type": "oauth2", "flows": {}});
});
rule_case!(
    security_scheme_removed,
    "security-scheme-removed",
    |_, s| {
        s["components"]["securitySchemes"]
            .as_object_mut()
            .unwrap()
            .remove("userId");
    }
);
rule_case!(
    security_requirements_changed,
    "security-requirements-changed",
    |_, s| {
        s["security"] = json!([{"apiKey": [], "businessId": [], "userId": []}]);
    }
);

/// The rules page lists the rules as the table has them.
#[test]
fn the_docs_list_every_rule() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff-rules.md"),
    )
    .unwrap();
    let listed = readme
        .split_once("<!-- rules:start -->\n")
        .and_then(|(_, rest)| rest.split_once("<!-- rules:end -->"))
        .map(|(table, _)| table)
        .unwrap_or_default();
    assert_eq!(
        listed,
        diff::rules_table(),
        "update the table of docs/diff-rules.md from xtask/src/reports/diff/rules.rs"
    );
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(diff::compare(&base(), &base()).is_empty());
}

fn xtask(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_formats_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut new = base();
    at(&mut new, OBJECT)["properties"]
        .as_object_mut()
        .unwrap()
        .remove("url");
    std::fs::write(dir.path().join("old.json"), base().to_string()).unwrap();
    std::fs::write(dir.path().join("new.json"), new.to_string()).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["diff", "old.json", "new.json"];
        all.extend(args);
        xtask(dir.path(), &all)
    };
    let out = run(&["--format", "json", "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    let changes: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(changes[0]["level"], "breaking");
    assert_eq!(changes[0]["rule"], "response-property-removed");
    assert!(run(&[]).status.success(), "no --fail-on: report only");
    let out = run(&["--format", "markdown"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("| level | rule | where | change |"));
}

/// A git revision of `openapi/` as a side, in a repository made here.
#[test]
fn git_revisions_of_openapi() {
    let dir = tempfile::tempdir().unwrap();
    common::fixture_openapi(&dir.path().join("openapi"));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(dir.path())
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "openapi"]);
    git(&["commit", "-qm", "fixture"]);
    let diff = |old: &str| {
        xtask(
            dir.path(),
            &[
                "diff",
                old,
                "openapi",
                "--openapi",
                "openapi",
                "--fail-on",
                "warning",
            ],
        )
    };

    let out = diff("HEAD");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 breaking, 0 warning, 0 compatible"));

    // The working folder moves on: the revision still shows the old state.
    let page = common::fixture_page().replace("/api/s3/success", "/api/s3/confirm");
    std::fs::write(dir.path().join("s3.md"), page).unwrap();
    let out = xtask(dir.path(), &["import", "s3.md", "--openapi", "openapi"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = diff("HEAD");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("operation-removed"));

    let out = diff("no-such-revision");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: no-such-revision: neither a file, a folder, nor a git revision"),
        "{stderr}"
    );
}
