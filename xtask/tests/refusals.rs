//! What the pipeline refuses, as a maintainer meets it: the real `xtask`
//! binary on a copy of the project with one fault. Every refusal names the
//! file and what is wrong, and writes nothing.

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

mod common;
mod project;

use project::{Project, rename_path};

#[test]
fn malformed_json_names_file_line_and_column() {
    let project = Project::new();
    std::fs::write(
        project.path("openapi/broken.json"),
        "{\n  \"openapi\": \"3.0.3\",\n  \"info\": }\n",
    )
    .unwrap();
    let stderr = project.generate_fails();
    assert!(
        stderr.contains("error: openapi/broken.json:3:11: malformed JSON: expected value"),
        "{stderr}"
    );
}

#[test]
fn conflicting_component_names_both_files() {
    let project = Project::new();
    project.add_variant("zz_other.json", |doc| {
        rename_path(doc, "/api/s3/other", "s3_other_create");
        doc["components"]["schemas"]["S3Object"]["properties"]["key"] = json!({"type": "integer"});
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "component `schemas/S3Object` is defined differently in openapi/s3_success_create.json and openapi/zz_other.json"
        ),
        "{stderr}"
    );
}

#[test]
fn identical_components_are_merged_once() {
    let project = Project::new();
    project.add_variant("zz_other.json", |doc| {
        rename_path(doc, "/api/s3/other", "s3_other_create")
    });
    let out = project.xtask(&["merge"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(spec["paths"].as_object().unwrap().len(), 3);
    assert!(spec["paths"]["/api/s3/other"]["post"].is_object());
    assert_eq!(spec["components"]["schemas"].as_object().unwrap().len(), 3);
}

#[test]
fn duplicate_operation_names_both_files() {
    let project = Project::new();
    project.add_variant("zz_copy.json", |doc| {
        doc["paths"]["/api/s3/success"]["post"]["operationId"] = json!("s3_success_again");
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "operation POST /api/s3/success is defined twice: in openapi/s3_success_create.json and in openapi/zz_copy.json"
        ),
        "{stderr}"
    );
}

#[test]
fn duplicate_operation_id_names_both_files() {
    let project = Project::new();
    project.add_variant("zz_copy.json", |doc| {
        rename_path(doc, "/api/s3/other", "s3_success_create")
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "operationId `s3_success_create` is used twice: in openapi/s3_success_create.json and in openapi/zz_copy.json"
        ),
        "{stderr}"
    );
}

#[test]
fn disagreeing_info_is_named() {
    let project = Project::new();
    project.add_variant("zz_other.json", |doc| {
        rename_path(doc, "/api/s3/other", "s3_other_create");
        doc["info"]["version"] = json!("2.0.0");
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "documents disagree on top-level `info`: openapi/s3_presigned_post_retrieve.json has"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("openapi/zz_other.json has {\"title\":\"Kizen API\",\"version\":\"2.0.0\"}"),
        "{stderr}"
    );
}

#[test]
fn overlay_target_matching_nothing_is_an_error() {
    let project = Project::new();
    let overlay = std::fs::read_to_string(project.path("openapi/overlay.yaml")).unwrap();
    let overlay = overlay.replace(
        "$.paths['/api/s3/presigned-post']",
        "$.paths['/api/s3/presigned-post-v2']",
    );
    std::fs::write(project.path("openapi/overlay.yaml"), overlay).unwrap();
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "openapi/overlay.yaml#/actions/2: target `$.paths['/api/s3/presigned-post-v2'].get.parameters[?@.name == 'source' && @.in == 'query'].schema` matches nothing"
        ),
        "{stderr}"
    );
}

#[test]
fn undefined_security_scheme_is_an_error() {
    let project = Project::new();
    // Without the overlay nothing defines userId and apiKey.
    std::fs::remove_file(project.path("openapi/overlay.yaml")).unwrap();
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "openapi/*.json (merged)#/security/0: security requirement names scheme `apiKey`, which `components.securitySchemes` does not define"
        ),
        "{stderr}"
    );
}

#[test]
fn unresolved_ref_is_an_error_naming_its_document() {
    let project = Project::new();
    let mut doc = project.read_json("openapi/s3_success_create.json");
    doc["paths"]["/api/s3/success"]["post"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/S3Objekt"});
    project.write_json("openapi/s3_success_create.json", &doc);
    let stderr = project.generate_fails();
    assert!(
        stderr.contains("openapi/s3_success_create.json#/paths/~1api~1s3~1success/post/responses/200/content/application~1json/schema/$ref: `$ref: #/components/schemas/S3Objekt` does not resolve"),
        "{stderr}"
    );
}

#[test]
fn a_progenitor_panic_is_an_error_naming_the_operation() {
    let project = Project::new();
    project.add_variant("zz_encoded.json", |doc| {
        rename_path(doc, "/api/s3/encoded", "s3_encoded_create");
        let body = &mut doc["paths"]["/api/s3/encoded"]["post"]["requestBody"]["content"];
        let form = body["application/x-www-form-urlencoded"].take();
        body.as_object_mut().unwrap().clear();
        body["application/json"] = form;
        body["application/json"]["encoding"] = json!({"name": {"contentType": "text/plain"}});
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "code generation failed for operation `s3_encoded_create`: progenitor panicked:"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "the panic itself leaked to stderr:\n{stderr}"
    );
}

#[test]
fn a_one_of_with_only_a_null_branch_names_file_and_pointer() {
    let project = Project::new();
    project.add_variant("zz_null.json", |doc| {
        rename_path(doc, "/api/s3/null", "s3_null_create");
        doc["components"]["schemas"]["S3Object"]["properties"]["key"] =
            json!({"oneOf": [{"type": "null"}]});
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "error: openapi/zz_null.json#/components/schemas/S3Object/properties/key/oneOf: \
             `oneOf` has no branch but `{\"type\": \"null\"}`"
        ),
        "{stderr}"
    );
}

#[test]
fn an_operation_naming_an_undefined_scheme_names_file_and_pointer() {
    let project = Project::new();
    project.add_variant("zz_oauth.json", |doc| {
        rename_path(doc, "/api/s3/oauth", "s3_oauth_create");
        doc["security"] = json!([{"oauth2": []}]);
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "error: openapi/zz_oauth.json#/paths/~1api~1s3~1oauth/post/security/0: security \
             requirement names scheme `oauth2`, which `components.securitySchemes` does not define"
        ),
        "{stderr}"
    );
}

#[test]
fn operations_of_one_method_name_are_refused_naming_both() {
    let project = Project::new();
    project.add_variant("zz_camel.json", |doc| {
        rename_path(doc, "/api/s3/camel", "s3SuccessCreate");
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "error: operations `s3SuccessCreate` (openapi/zz_camel.json) and `s3_success_create` \
             (openapi/s3_success_create.json) would both be the method `Client::s3_success_create`"
        ),
        "{stderr}"
    );
}

#[test]
fn an_error_body_that_is_not_json_beside_others_names_file_operation_and_response() {
    let project = Project::new();
    project.add_variant("zz_errors.json", |doc| {
        rename_path(doc, "/api/s3/errors", "s3_errors_create");
        let responses = &mut doc["paths"]["/api/s3/errors"]["post"]["responses"];
        responses["400"] = json!({"description": "bad", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/S3Object"}}}});
        responses["503"] = json!({"description": "down", "content": {"text/html": {
            "schema": {"type": "string"}}}});
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "error: openapi/zz_errors.json#/paths/~1api~1s3~1errors/post/responses/503: \
             operation `s3_errors_create`: error response `503` is `text/html`, not JSON"
        ),
        "{stderr}"
    );
}

#[test]
fn a_multipart_body_without_properties_names_file_operation_and_schema() {
    let project = Project::new();
    project.add_variant("zz_upload.json", |doc| {
        rename_path(doc, "/api/s3/upload", "s3_upload_create");
        doc["paths"]["/api/s3/upload"]["post"]["requestBody"]["content"] =
            json!({"multipart/form-data": {"schema": {"type": "string", "format": "binary"}}});
    });
    let stderr = project.generate_fails();
    assert!(
        stderr.contains(
            "error: openapi/zz_upload.json#/paths/~1api~1s3~1upload/post/requestBody/content/\
             multipart~1form-data/schema: operation `s3_upload_create`: a multipart/form-data \
             body must be an object schema with `properties`"
        ),
        "{stderr}"
    );
}
