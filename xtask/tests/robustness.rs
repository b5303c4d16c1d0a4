//! The pipeline never panics: arbitrary JSON documents (biased towards
//! OpenAPI keys so that the interesting code paths are reached) go through
//! repair, merge, overlay and validation, and each run ends in a spec or in
//! an error with a message.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xtask::spec::load::Document;
use xtask::spec::{drf, merge, names, overlay, repair, validate};

const KEYS: &[&str] = &[
    "openapi",
    "info",
    "paths",
    "components",
    "schemas",
    "properties",
    "required",
    "type",
    "format",
    "maximum",
    "minimum",
    "requestBody",
    "content",
    "application/json",
    "application/x-www-form-urlencoded",
    "get",
    "post",
    "operationId",
    "$ref",
    "security",
    "securitySchemes",
    "parameters",
    "responses",
    "200",
    "items",
    "allOf",
    "oneOf",
    "readOnly",
    "writeOnly",
    "enum",
    "tags",
    "name",
    "x",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => "[a-z/{}~]{0,6}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(Value::from),
        proptest::sample::select(
            &[
                "integer",
                "int32",
                "int64",
                "#/components/schemas/x",
                "3.0.3",
                "/a"
            ][..]
        )
        .prop_map(Value::from),
        "[a-z#/]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn overlay_action() -> impl Strategy<Value = Value> {
    let target = proptest::sample::select(
        &[
            "$",
            "$.paths",
            "$.components.schemas",
            "$..properties",
            "$..[?@.type == 'integer']",
            "$.nope",
            "$[",
            "$..*",
        ][..],
    );
    (target, json_value(), any::<bool>(), any::<bool>()).prop_map(
        |(target, update, remove, described)| {
            let mut action = json!({ "target": target });
            if described {
                action["description"] = json!("why");
            }
            if remove {
                action["remove"] = json!(true);
            } else {
                action["update"] = update;
            }
            action
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn stages_end_in_a_spec_or_an_error(
        values in proptest::collection::vec(json_value(), 1..4),
        actions in proptest::collection::vec(overlay_action(), 0..3),
    ) {
        let mut documents: Vec<Document> = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Document { file: format!("openapi/{i}.json"), value })
            .collect();
        if let Err(e) = repair::documents(&mut documents) {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
        let Ok(mut merged) = merge::documents(documents).map_err(|e| assert!(!e.to_string().is_empty())) else {
            return Ok(());
        };
        let overlay: overlay::Overlay = serde_json::from_value(json!({
            "overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions
        })).unwrap();
        if let Err(e) = overlay::apply(&overlay, "openapi/overlay.yaml", &mut merged.spec) {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
        if let Err(e) = drf::adapt(&mut merged) {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
        if let Err(e) = names::resolve(&mut merged) {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
        if let Err(e) = validate::spec(&merged, "merged") {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
