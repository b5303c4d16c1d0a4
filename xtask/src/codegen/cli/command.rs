//! One operation's command, read off the spec and the client as generated:
//! its name, help, flags (each with the type its setter takes), body and
//! error type. An operation the command line cannot serve is refused here,
//! with the reason.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToSnakeCase};
use serde_json::Value;

use crate::base::walk;
use crate::codegen::builders::Builders;
use crate::codegen::multipart::{self, Upload};
use crate::spec::names;

/// The area an operation with no page goes under.
pub(super) const NO_AREA: &str = "api";

/// One operation's command.
#[derive(Debug)]
pub(super) struct Command {
    /// The area's feature, when the operation has one.
    pub(super) feature: Option<String>,
    pub(super) area: String,
    /// The operation's command name, kebab-case.
    pub(super) name: String,
    /// The client's method.
    pub(super) method: String,
    pub(super) about: Option<String>,
    pub(super) long_about: Option<String>,
    pub(super) flags: Vec<Flag>,
    pub(super) body: Option<Body>,
    /// Whether the client streams every page of it (`--all`).
    pub(super) stream: bool,
    /// `send`'s error type, as written (`()`, `types::X`, `errors::X`).
    pub(super) error: String,
}

/// An operation's request body.
#[derive(Debug)]
pub(super) struct Body {
    /// Its type, as written (`types::X`, or `forms::X` for a form).
    pub(super) ty: String,
    /// Whether the spec requires one.
    pub(super) required: bool,
    /// A flag per property, where the body is flat (its properties are
    /// scalars): `--<property>` sets it over `--json-body`'s.
    pub(super) fields: Vec<Flag>,
    /// A multipart body's parts (the form's `new` takes the required ones,
    /// in this order); `None` for a JSON or form-encoded body.
    pub(super) parts: Option<Vec<multipart::Field>>,
}

/// One parameter's `--flag`.
#[derive(Debug)]
pub(super) struct Flag {
    /// The spec's name, the clap id.
    pub(super) name: String,
    /// The builder's setter, and the type it takes, as written (a
    /// parameter's; `None` for a body field).
    pub(super) setter: Option<(String, String)>,
    pub(super) required: bool,
    pub(super) help: Option<String>,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Text,
    Choice(Vec<String>),
    Integer,
    Number,
    Boolean,
    /// An array of one of the others: the flag given once per item.
    List(Box<Kind>),
}

impl Command {
    /// The command of the operation `id` (`http` on `path`), in the area
    /// `feature`; the reason it cannot be one, otherwise.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn of(
        spec: &Value,
        path: &str,
        http: &str,
        operation: &Value,
        item: &Value,
        id: &str,
        feature: Option<String>,
        builders: &Builders,
        uploads: &[Upload],
    ) -> Result<Command, String> {
        let method = names::method_name(id);
        let builder = builders.builder_of.get(&method).ok_or_else(|| {
            format!("the generated client has no method `{method}` returning a builder")
        })?;
        let area = feature.clone().unwrap_or_else(|| NO_AREA.to_string());
        let prefix = format!("{}_", area.to_snake_case());
        let name = id.strip_prefix(&prefix).unwrap_or(id).to_kebab_case();
        let setters = builders.setters.get(builder).cloned().unwrap_or_default();

        let listed = item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        // An operation's parameter overrides the path item's of the same
        // name and place.
        let mut parameters: BTreeMap<(String, String), &Value> = BTreeMap::new();
        for parameter in listed {
            let parameter = walk::resolve(spec, parameter);
            let key = |k: &str| parameter.get(k).and_then(Value::as_str).unwrap_or_default();
            parameters.insert((key("in").to_string(), key("name").to_string()), parameter);
        }
        let mut flags = Vec::new();
        for ((place, name), parameter) in parameters {
            if place == "header" || place == "cookie" {
                continue;
            }
            // progenitor's name for it: a keyword gets a `_` (`type_`).
            let snake = names::method_name(&name);
            let setter = [snake.clone(), format!("{snake}_")]
                .into_iter()
                .find(|s| setters.contains_key(s))
                .unwrap_or(snake);
            let Some(takes) = setters.get(&setter).filter(|t| !t.is_empty()) else {
                return Err(format!(
                    "the {place} parameter `{name}` has no setter `{setter}` on the client's builder"
                ));
            };
            let schema = walk::resolve(spec, parameter.get("schema").unwrap_or(&Value::Null));
            let kind = kind(spec, schema).ok_or_else(|| {
                format!(
                    "the {place} parameter `{name}` is not a string, number, integer, boolean, \
                     string enum or array of one; the command line cannot read it from a flag"
                )
            })?;
            flags.push(Flag {
                required: place == "path"
                    || parameter.get("required").and_then(Value::as_bool) == Some(true),
                help: text(parameter.get("description")),
                name,
                setter: Some((setter, takes.clone())),
                kind,
            });
        }

        let body = match operation.get("requestBody") {
            None => None,
            Some(request) => {
                let request = walk::resolve(spec, request);
                let Some(ty) = builders.body.get(builder) else {
                    return Err("its body has no `body` setter on the client's builder".into());
                };
                let upload = uploads.iter().find(|u| u.operation_id == id);
                let (ty, parts) = match (ty.strip_prefix("types::builder::"), upload) {
                    (Some(ty), _) => (format!("types::{ty}"), None),
                    // A body typify writes no builder for (an enum).
                    (None, None) if ty.starts_with("types::") => (ty.clone(), None),
                    // The builder keeps the encoded form; its `body`
                    // setter takes the typed one.
                    (None, Some(upload)) => (
                        format!("forms::{}", upload.form),
                        Some(upload.fields.clone()),
                    ),
                    _ => {
                        return Err(format!(
                            "its body is sent as `{ty}` (not JSON, a form or multipart); the \
                             command line cannot build it from `--json-body`"
                        ));
                    }
                };
                let taken: Vec<String> = flags.iter().map(|f| f.name.to_kebab_case()).collect();
                Some(Body {
                    ty,
                    required: request.get("required").and_then(Value::as_bool) == Some(true),
                    fields: fields(spec, request, &taken),
                    parts,
                })
            }
        };

        let (answer, error) = builders.answer.get(builder).cloned().unwrap_or_default();
        for (what, ty) in [("answer", &answer), ("error answer", &error)] {
            if ty.is_empty() || ty.contains("ByteStream") || ty.contains("Upgraded") {
                return Err(format!(
                    "its {what} decodes to `{ty}`, which the command line cannot print as JSON"
                ));
            }
        }

        let summary = text(operation.get("summary"));
        let description = text(operation.get("description"));
        let line = format!("{} {path}", http.to_uppercase());
        let (about, long_about) = match (summary, description) {
            (Some(s), Some(d)) => (Some(s.clone()), Some(format!("{s}\n\n{d}\n\n{line}"))),
            (Some(s), None) => (Some(s.clone()), Some(format!("{s}\n\n{line}"))),
            (None, Some(d)) => (
                Some(d.lines().next().unwrap_or_default().to_string()),
                Some(format!("{d}\n\n{line}")),
            ),
            (None, None) => (Some(line.clone()), None),
        };
        Ok(Command {
            feature,
            area,
            name,
            stream: builders.streams.contains(&method),
            method,
            about,
            long_about,
            flags,
            body,
            error,
        })
    }
}

/// A flag per property of a flat request body (every property a scalar a
/// flag can carry, none read-only; a multipart file is its path), but
/// those whose flag name a parameter has `taken`; none for any other body.
fn fields(spec: &Value, request: &Value, taken: &[String]) -> Vec<Flag> {
    let Some(content) = request.get("content").and_then(Value::as_object) else {
        return Vec::new();
    };
    let Some(media) = [
        "application/json",
        "application/x-www-form-urlencoded",
        multipart::MULTIPART,
    ]
    .iter()
    .find_map(|m| content.get(*m)) else {
        return Vec::new();
    };
    let schema = walk::resolve(spec, media.get("schema").unwrap_or(&Value::Null));
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for (name, property) in properties {
        let property = walk::resolve(spec, property);
        if property.get("readOnly").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(kind) = kind(spec, property).filter(|k| !matches!(k, Kind::List(_))) else {
            return Vec::new();
        };
        if taken.contains(&name.to_kebab_case())
            || ["json-body", "all"].contains(&name.to_kebab_case().as_str())
        {
            continue;
        }
        let described = text(property.get("description"));
        let help = if property.get("format").and_then(Value::as_str) == Some("binary") {
            let about = described.map(|d| format!(": {d}")).unwrap_or_default();
            Some(format!("A file's path, sent as this part{about}"))
        } else {
            described
        };
        fields.push(Flag {
            name: name.clone(),
            setter: None,
            required: false,
            help,
            kind,
        });
    }
    fields
}

/// How a parameter of schema `schema` is read from a flag.
fn kind(spec: &Value, schema: &Value) -> Option<Kind> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let texts: Option<Vec<String>> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map(str::to_string))
            .collect();
        return texts.filter(|t| !t.is_empty()).map(Kind::Choice);
    }
    // A single `allOf`/`oneOf` member, as drf wraps an enum.
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some([one]) = schema.get(key).and_then(Value::as_array).map(Vec::as_slice) {
            return kind(spec, walk::resolve(spec, one));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Some(Kind::Text),
        Some("integer") => Some(Kind::Integer),
        Some("number") => Some(Kind::Number),
        Some("boolean") => Some(Kind::Boolean),
        Some("array") => {
            let items = walk::resolve(spec, schema.get("items").unwrap_or(&Value::Null));
            match kind(spec, items)? {
                Kind::List(_) => None,
                item => Some(Kind::List(Box::new(item))),
            }
        }
        _ => None,
    }
}

/// A non-empty text field.
fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
