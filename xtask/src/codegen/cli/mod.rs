//! The command line (`<vendor>-cli`: `kizen-cli`, its binary `kizen`),
//! generated beside the client and its mocks from the same spec, the third
//! artifact of one spec as oxide.rs ships `oxide`:
//!
//! - one subcommand per area (the vendor page, named as its cargo feature)
//!   and, under it, one per operation: its operationId without the area's
//!   prefix, in kebab-case (`s3_presigned_post_retrieve` is
//!   `kizen s3 presigned-post-retrieve`);
//! - each parameter a `--flag` named after it in kebab-case, an enum's
//!   values listed and checked by clap (a usage error, exit 2, sends
//!   nothing); a body from `--json-body FILE` (`-`: stdin);
//! - the spec's summary and description as the help text.
//!
//! The commands call the client's own builders, read off the generated
//! client: a new operation upstream is a new command with no hand edit.
//! An operation the command line cannot serve (a parameter type it cannot
//! parse, a body or an answer that is not JSON or a form) is refused here,
//! naming it, where progenitor's own CLI generator leaves a `todo!()` that
//! panics at run time.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

mod client;

use client::Builders;

use crate::base::error::{Error, Result};
use crate::base::walk;
use crate::codegen::deps::Used;
use crate::codegen::features::Areas;
use crate::codegen::generate::BANNER;
use crate::spec::names;

/// The command line's generated file, formatted, and what it uses.
#[derive(Debug)]
pub struct Cli {
    pub source: String,
    pub used: Used,
    /// Each command, `area operation`, in order: for the docs and tests.
    pub commands: Vec<String>,
}

/// The area an operation with no page goes under.
const NO_AREA: &str = "api";

/// The command line for the client crate `krate_name`, whose generated
/// source is `client`, for the operations of `spec` in `areas`.
pub fn file(spec: &Value, client: &str, krate_name: &str, areas: &Areas) -> Result<Cli> {
    let client: syn::File =
        syn::parse_file(client).map_err(|e| Error::Unparsable(e.to_string()))?;
    let builders = Builders::of(&client);
    let krate = format_ident!("{}", krate_name.replace('-', "_"));
    let mut by_area: BTreeMap<String, Vec<Command>> = BTreeMap::new();
    for (path, method, operation, item) in walk::operations(spec) {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let rust = names::method_name(id);
        let area = areas.by_method.get(&rust).cloned();
        let command = Command::of(spec, path, method, operation, item, id, area, &builders)?;
        by_area
            .entry(command.area.clone())
            .or_default()
            .push(command);
    }
    let mut commands = Vec::new();
    let mut trees = Vec::new();
    let mut arms = Vec::new();
    for (area, mut list) in by_area {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let gate = list[0].gate();
        let about = match areas.features.get(&area) {
            Some(found) => format!("The operations of the vendor's page `{}`.", found.page),
            None => "Operations of no vendor page.".to_string(),
        };
        let subcommands = list.iter().map(Command::clap);
        trees.push(quote! {
            #gate
            commands.push(
                ::clap::Command::new(#area)
                    .about(#about)
                    .subcommand_required(true)
                    #(.subcommand(#subcommands))*
            );
        });
        for command in &list {
            arms.push(command.arm(&krate));
            commands.push(format!("{area} {}", command.name));
        }
    }
    let tokens = quote! {
        //! The commands of the API, one per operation, grouped by area.
        #![allow(unused_imports, unused_mut, unused_variables, clippy::all)]

        use crate::call::{Call, CallError, Outcome};

        /// The area subcommands, each with its operations.
        pub fn commands() -> Vec<::clap::Command> {
            let mut commands = Vec::new();
            #(#trees)*
            commands
        }

        /// Runs the operation `operation` of `area` on `client`, with the
        /// arguments `matches`.
        pub async fn run(
            client: &::#krate::Client,
            area: &str,
            operation: &str,
            matches: &::clap::ArgMatches,
            call: &Call,
        ) -> Result<Outcome, CallError> {
            match (area, operation) {
                #(#arms)*
                _ => Err(CallError::Unknown(format!("{area} {operation}"))),
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Unparsable(e.to_string()))?;
    Ok(Cli {
        source: format!("{BANNER}\n{}", prettyplease::unparse(&file)),
        used: Used::of(&file),
        commands,
    })
}

/// One operation's command.
#[derive(Debug)]
struct Command {
    /// The area's feature, when the operation has one.
    feature: Option<String>,
    area: String,
    /// The operation's command name, kebab-case.
    name: String,
    /// The client's method.
    method: String,
    about: Option<String>,
    long_about: Option<String>,
    flags: Vec<Flag>,
    body: Option<Body>,
    /// Whether the client streams every page of it (`--all`).
    stream: bool,
}

/// An operation's request body.
#[derive(Debug)]
struct Body {
    /// Its type (`types::X`).
    ty: String,
    /// Whether the spec requires one.
    required: bool,
    /// A flag per property, where the body is flat (its properties are
    /// scalars): `--<property>` sets it over `--json-body`'s.
    fields: Vec<Flag>,
}

/// One parameter's `--flag`.
#[derive(Debug)]
struct Flag {
    /// The spec's name, the clap id.
    name: String,
    setter: String,
    required: bool,
    help: Option<String>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Text,
    Choice(Vec<String>),
    Integer,
    Number,
    Boolean,
}

impl Command {
    #[allow(clippy::too_many_arguments)]
    fn of(
        spec: &Value,
        path: &str,
        http: &str,
        operation: &Value,
        item: &Value,
        id: &str,
        feature: Option<String>,
        builders: &Builders,
    ) -> Result<Command> {
        let refuse = |message: String| Error::Generate {
            operation: format!("{id} (the command line)"),
            message,
        };
        let method = names::method_name(id);
        let builder = builders.builder_of.get(&method).ok_or_else(|| {
            refuse(format!(
                "the generated client has no method `{method}` returning a builder"
            ))
        })?;
        let area = feature.clone().unwrap_or_else(|| NO_AREA.to_string());
        let prefix = format!("{}_", area.to_snake_case());
        let name = id.strip_prefix(&prefix).unwrap_or(id).to_kebab_case();
        let setters = builders.setters.get(builder).cloned().unwrap_or_default();

        let mut flags = Vec::new();
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
            let parameter = resolve(spec, parameter);
            let key = |k: &str| parameter.get(k).and_then(Value::as_str).unwrap_or_default();
            parameters.insert((key("in").to_string(), key("name").to_string()), parameter);
        }
        for ((place, name), parameter) in parameters {
            if place == "header" || place == "cookie" {
                continue;
            }
            let setter = names::method_name(&name);
            if !setters.contains(&setter) {
                return Err(refuse(format!(
                    "the {place} parameter `{name}` has no setter `{setter}` on the client's builder"
                )));
            }
            let schema = resolve(spec, parameter.get("schema").unwrap_or(&Value::Null));
            let kind = kind(spec, schema).ok_or_else(|| {
                refuse(format!(
                    "the {place} parameter `{name}` is not a string, number, integer, boolean \
                     or string enum; the command line cannot read it from a flag"
                ))
            })?;
            flags.push(Flag {
                required: place == "path"
                    || parameter.get("required").and_then(Value::as_bool) == Some(true),
                help: text(parameter.get("description")),
                name,
                setter,
                kind,
            });
        }

        let body = match operation.get("requestBody") {
            None => None,
            Some(request) => {
                let request = resolve(spec, request);
                let Some(ty) = builders.body.get(builder) else {
                    return Err(refuse(
                        "its body has no `body` setter on the client's builder".into(),
                    ));
                };
                let Some(ty) = ty.strip_prefix("types::builder::") else {
                    return Err(refuse(format!(
                        "its body is sent as `{ty}` (not JSON nor a form); the command line \
                         cannot build it from `--json-body` yet"
                    )));
                };
                let required = request.get("required").and_then(Value::as_bool) == Some(true);
                let taken: Vec<String> = flags.iter().map(|f| f.name.to_kebab_case()).collect();
                Some(Body {
                    ty: format!("types::{ty}"),
                    required,
                    fields: fields(spec, request, &taken),
                })
            }
        };

        let (answer, error) = builders.answer.get(builder).cloned().unwrap_or_default();
        for (what, ty) in [("answer", &answer), ("error answer", &error)] {
            if !(ty == "()" || ty.starts_with("types::")) {
                return Err(refuse(format!(
                    "its {what} decodes to `{ty}`, which the command line cannot print as JSON"
                )));
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
        })
    }

    fn gate(&self) -> TokenStream {
        match &self.feature {
            Some(feature) => quote! { #[cfg(feature = #feature)] },
            None => quote! {},
        }
    }

    /// The command's `clap::Command`.
    fn clap(&self) -> TokenStream {
        let name = &self.name;
        let about = self.about.iter();
        let long_about = self.long_about.iter();
        let flags = self
            .flags
            .iter()
            .map(|flag| flag.arg(&flag.name, flag.required));
        let body = self.body.as_ref().map(|body| {
            let help = match (body.required, body.fields.is_empty()) {
                (true, true) => "The request body, as JSON: a file, or `-` for stdin.",
                (false, true) => "The request body, as JSON: a file, or `-` for stdin (optional).",
                (_, false) => {
                    "The request body, as JSON: a file, or `-` for stdin; the field flags \
                     set its fields over it."
                }
            };
            // With field flags, the body may come from them alone.
            let required = body.required && body.fields.is_empty();
            let fields = body
                .fields
                .iter()
                .map(|field| field.arg(&format!("body.{}", field.name), false));
            quote! {
                .arg(
                    ::clap::Arg::new("json-body")
                        .long("json-body")
                        .value_name("FILE")
                        .required(#required)
                        .help(#help)
                )
                #(#fields)*
            }
        });
        let all = self.stream.then(|| {
            quote! {
                .arg(
                    ::clap::Arg::new("all")
                        .long("all")
                        .action(::clap::ArgAction::SetTrue)
                        .help("Follow every page (the list's `next` links); print each item as one JSON line (NDJSON)")
                )
            }
        });
        quote! {
            ::clap::Command::new(#name)
                #(.about(#about))*
                #(.long_about(#long_about))*
                #(#flags)*
                #body
                #all
        }
    }

    /// The command's arm of `run`.
    fn arm(&self, krate: &syn::Ident) -> TokenStream {
        let gate = self.gate();
        let area = &self.area;
        let name = &self.name;
        let method = format_ident!("{}", self.method);
        let sets: Vec<TokenStream> = self
            .flags
            .iter()
            .map(|flag| {
                let setter = format_ident!("{}", flag.setter);
                flag.read(&flag.name, quote!(request = request.#setter(value);))
            })
            .collect();
        let all = self.stream.then(|| {
            let stream = format_ident!("{}_stream", self.method);
            quote! {
                if matches.get_flag("all") {
                    let items = client.#stream(|mut request| {
                        #(#sets)*
                        request
                    });
                    return call.each(items).await;
                }
            }
        });
        let body = self.body.as_ref().map(|body| {
            let ty: syn::Path =
                syn::parse_str(&body.ty).unwrap_or_else(|_| syn::parse_quote!(types));
            let required = body.required;
            let fields = body.fields.iter().map(|field| {
                let key = &field.name;
                field.read(
                    &format!("body.{key}"),
                    quote!(fields.insert(#key.to_string(), ::serde_json::json!(value));),
                )
            });
            quote! {
                let mut fields = ::serde_json::Map::new();
                #(#fields)*
                if let Some(body) = call.body::<::#krate::#ty>(matches, fields, #required)? {
                    request = request.body(body);
                }
            }
        });
        quote! {
            #gate
            (#area, #name) => {
                #all
                let mut request = client.#method();
                #(#sets)*
                #body
                call.answer(request.send().await).await
            }
        }
    }
}

impl Flag {
    /// Its `clap::Arg`, of id `id`.
    fn arg(&self, id: &str, required: bool) -> TokenStream {
        let long = self.name.to_kebab_case();
        let value_name = &self.name;
        let help = self.help.iter();
        let parser = match &self.kind {
            Kind::Text => quote! {},
            Kind::Choice(values) => quote! { .value_parser([#(#values),*]) },
            Kind::Integer => quote! { .value_parser(::clap::value_parser!(i64)) },
            Kind::Number => quote! { .value_parser(::clap::value_parser!(f64)) },
            Kind::Boolean => quote! { .value_parser(::clap::value_parser!(bool)) },
        };
        quote! {
            .arg(
                ::clap::Arg::new(#id)
                    .long(#long)
                    .value_name(#value_name)
                    .required(#required)
                    #(.help(#help))*
                    #parser
            )
        }
    }

    /// `then`, with `value` the flag's value (of id `id`), when it is given.
    fn read(&self, id: &str, then: TokenStream) -> TokenStream {
        let (ty, value) = match self.kind {
            Kind::Text | Kind::Choice(_) => (quote!(String), quote!(value.as_str())),
            Kind::Integer => (quote!(i64), quote!(*value)),
            Kind::Number => (quote!(f64), quote!(*value)),
            Kind::Boolean => (quote!(bool), quote!(*value)),
        };
        quote! {
            if let Some(value) = matches.get_one::<#ty>(#id) {
                let value = #value;
                #then
            }
        }
    }
}

/// A flag per property of a flat request body (every property a scalar a
/// flag can carry, none read-only), but those whose flag name a parameter
/// has `taken`; none for any other body.
fn fields(spec: &Value, request: &Value, taken: &[String]) -> Vec<Flag> {
    let Some(content) = request.get("content").and_then(Value::as_object) else {
        return Vec::new();
    };
    let Some(media) = ["application/json", "application/x-www-form-urlencoded"]
        .iter()
        .find_map(|m| content.get(*m))
    else {
        return Vec::new();
    };
    let schema = resolve(spec, media.get("schema").unwrap_or(&Value::Null));
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for (name, property) in properties {
        let property = resolve(spec, property);
        if property.get("readOnly").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(kind) = kind(spec, property) else {
            return Vec::new();
        };
        if taken.contains(&name.to_kebab_case())
            || ["json-body", "all"].contains(&name.to_kebab_case().as_str())
        {
            continue;
        }
        fields.push(Flag {
            name: name.clone(),
            setter: String::new(),
            required: false,
            help: text(property.get("description")),
            kind,
        });
    }
    fields
}

/// The value a `$ref` names (followed a few times), or `value`.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..8 {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(walk::ref_pointer)
        else {
            break;
        };
        match spec.pointer(&pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
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
            return kind(spec, resolve(spec, one));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Some(Kind::Text),
        Some("integer") => Some(Kind::Integer),
        Some("number") => Some(Kind::Number),
        Some("boolean") => Some(Kind::Boolean),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::features::Area;

    /// A client as progenitor writes it, for the operation `things_list`,
    /// its query parameter `ids` of type `param` and an answer `answer`.
    fn client(param: &str, answer: &str) -> String {
        format!(
            "impl Client {{ pub fn things_list(&self) -> builder::ThingsList<'_> {{ builder::ThingsList::new(self) }} }}
             pub mod builder {{
                 pub struct ThingsList<'a> {{ client: &'a super::Client, ids: Result<{param}, String> }}
                 impl<'a> ThingsList<'a> {{
                     pub fn ids<V>(mut self, value: V) -> Self {{ self }}
                     pub async fn send(self) -> Result<ResponseValue<{answer}>, Error<()>> {{ loop {{}} }}
                 }}
             }}"
        )
    }

    fn spec(schema: Value) -> Value {
        serde_json::json!({"paths": {"/things/": {"get": {
            "operationId": "things_list",
            "summary": "List the things",
            "parameters": [{"name": "ids", "in": "query", "schema": schema}],
            "responses": {"200": {"description": "ok"}}
        }}}})
    }

    fn areas() -> Areas {
        let mut areas = Areas::default();
        areas.features.insert(
            "things".into(),
            Area {
                page: "things.md".into(),
                ..Area::default()
            },
        );
        areas
            .by_method
            .insert("things_list".into(), "things".into());
        areas
    }

    #[test]
    fn an_operation_is_its_area_and_its_id_without_the_areas_prefix() {
        let spec = spec(serde_json::json!({"type": "integer"}));
        let cli = file(&spec, &client("i64", "types::Thing"), "x-api", &areas())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cli.commands, ["things list"]);
        assert!(
            cli.source.contains("::clap::value_parser!(i64)"),
            "{}",
            cli.source
        );
        assert!(
            cli.source.contains("#[cfg(feature = \"things\")]"),
            "{}",
            cli.source
        );
    }

    #[test]
    fn a_parameter_no_flag_can_carry_is_refused_naming_the_operation() {
        let spec = spec(serde_json::json!({"type": "array", "items": {"type": "string"}}));
        let err = file(
            &spec,
            &client("Vec<String>", "types::Thing"),
            "x-api",
            &areas(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("things_list"), "{err}");
        assert!(err.contains("the query parameter `ids`"), "{err}");
    }

    #[test]
    fn an_answer_that_is_not_json_is_refused_naming_the_operation() {
        let spec = spec(serde_json::json!({"type": "string"}));
        let err = file(&spec, &client("String", "ByteStream"), "x-api", &areas())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("things_list"), "{err}");
        assert!(err.contains("`ByteStream`"), "{err}");
    }
}
