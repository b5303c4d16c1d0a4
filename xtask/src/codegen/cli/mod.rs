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
//! - the spec's summary and description as the help text;
//! - a multipart body's parts from the same JSON object, a file part as
//!   its path (streamed from disk as it is sent);
//! - an error answer printed as its body, typed or not.
//!
//! The commands call the client's own builders, read off the generated
//! client: a new operation upstream is a new command with no hand edit.
//! An operation the command line cannot serve (a parameter type it cannot
//! parse, an answer it cannot print) is refused here, every one named with
//! its reason, where progenitor's own CLI generator leaves a `todo!()` that
//! panics at run time.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

mod command;
mod errors;
mod render;

use command::Command;
use errors::Printers;

use crate::base::error::{Error, Result};
use crate::base::walk;
use crate::codegen::builders::Builders;
use crate::codegen::deps::Used;
use crate::codegen::features::Areas;
use crate::codegen::generate::BANNER;
use crate::codegen::multipart;
use crate::spec::names;

/// The command line's generated file, formatted, and what it uses.
#[derive(Debug)]
pub struct Cli {
    pub source: String,
    pub used: Used,
    /// Each command, `area operation`, in order: for the docs and tests.
    pub commands: Vec<String>,
}

/// The command line for the client crate `krate_name`, whose generated
/// client offers `builders`, for the operations of `spec` in `areas`.
pub fn file(spec: &Value, builders: &Builders, krate_name: &str, areas: &Areas) -> Result<Cli> {
    let uploads = multipart::plan(spec, &|_| String::new())?;
    let krate = format_ident!("{}", krate_name.replace('-', "_"));
    let mut printers = Printers::default();
    let mut by_area: BTreeMap<String, Vec<(Command, TokenStream)>> = BTreeMap::new();
    let mut refused = Vec::new();
    for (path, method, operation, item) in walk::operations(spec) {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let area = areas.by_method.get(&names::method_name(id)).cloned();
        let command = Command::of(
            spec, path, method, operation, item, id, area, builders, &uploads,
        )
        .and_then(|command| {
            let json = printers.of(&command.error, command.feature.as_ref(), builders)?;
            Ok((command, json))
        });
        match command {
            Ok((command, json)) => by_area
                .entry(command.area.clone())
                .or_default()
                .push((command, json)),
            Err(reason) => refused.push(format!("{id}: {reason}")),
        }
    }
    if !refused.is_empty() {
        return Err(Error::CommandLine { refused });
    }
    let mut commands = Vec::new();
    let mut pushes = Vec::new();
    let mut arms = Vec::new();
    let mut modules = Vec::new();
    let mut forms: BTreeSet<Option<String>> = BTreeSet::new();
    for (area, mut list) in by_area {
        list.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        let gate = render::gate_any(&BTreeSet::from([list[0].0.feature.clone()]));
        let module = format_ident!("area_{}", area.to_snake_case());
        let about = match areas.features.get(&area) {
            Some(found) => format!("The operations of the vendor's page `{}`.", found.page),
            None => "Operations of no vendor page.".to_string(),
        };
        pushes.push(quote! { #gate commands.push(#module::command()); });
        arms.push(quote! { #gate #area => #module::run(client, operation, matches, call).await, });
        let names = list.iter().map(|(command, _)| &command.name);
        let command_fns: Vec<syn::Ident> = list.iter().map(|(c, _)| c.command_fn()).collect();
        let run_fns = list.iter().map(|(command, _)| command.run_fn());
        let functions = list
            .iter()
            .map(|(command, json)| command.functions(&krate, json));
        let doc = format!("The area `{area}`: its command, and a function pair per operation.");
        modules.push(quote! {
            #gate
            #[doc = #doc]
            mod #module {
                use super::*;

                pub(super) fn command() -> ::clap::Command {
                    ::clap::Command::new(#area)
                        .about(#about)
                        .subcommand_required(true)
                        #(.subcommand(#command_fns()))*
                }

                pub(super) async fn run(
                    client: &::#krate::Client,
                    operation: &str,
                    matches: &::clap::ArgMatches,
                    call: &Call,
                ) -> Result<Outcome, CallError> {
                    match operation {
                        #(#names => #run_fns(client, matches, call).await,)*
                        _ => Err(CallError::Unknown(format!("{} {operation}", #area))),
                    }
                }

                #(#functions)*
            }
        });
        for (command, _) in &list {
            commands.push(format!("{area} {}", command.name));
            if command.body.as_ref().is_some_and(|b| b.parts.is_some()) {
                forms.insert(command.feature.clone());
            }
        }
    }
    let printers = printers.items(builders, &krate);
    let files = (!forms.is_empty()).then(|| file_parts(&forms));
    let tokens = quote! {
        //! The commands of the API, one per operation, grouped by area.
        #![allow(unused_imports, unused_mut, unused_variables, clippy::all)]

        use crate::call::{json, Call, CallError, Outcome};

        /// The area subcommands, each with its operations.
        pub fn commands() -> Vec<::clap::Command> {
            let mut commands = Vec::new();
            #(#pushes)*
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
            match area {
                #(#arms)*
                _ => Err(CallError::Unknown(format!("{area} {operation}"))),
            }
        }

        #(#modules)*

        #(#printers)*
        #files
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Unparsable(e.to_string()))?;
    Ok(Cli {
        source: format!("{BANNER}\n{}", prettyplease::unparse(&file)),
        used: Used::of(&file),
        commands,
    })
}

/// The file parts of multipart bodies, read from their paths as they are
/// sent; compiled with the areas (`features`) whose commands send one.
fn file_parts(features: &BTreeSet<Option<String>>) -> TokenStream {
    let gate = render::gate_any(features);
    quote! {
        /// A file part from the file at `path`, streamed as it is sent.
        #gate
        async fn file_part(path: ::std::string::String) -> Result<::reqwest::multipart::Part, CallError> {
            ::reqwest::multipart::Part::file(&path)
                .await
                .map_err(|e| CallError::Usage(format!("the file part {path}: {e}")))
        }

        /// A file part per path.
        #gate
        #[allow(dead_code)] // when no form has an array of files
        async fn file_parts(paths: ::std::vec::Vec<::std::string::String>) -> Result<::std::vec::Vec<::reqwest::multipart::Part>, CallError> {
            let mut parts = ::std::vec::Vec::new();
            for path in paths {
                parts.push(file_part(path).await?);
            }
            Ok(parts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::features::Area;

    /// A client as progenitor writes it, for the operation `things_list`,
    /// its query parameter `ids` of type `param` and an answer `answer`.
    fn client(param: &str, answer: &str) -> String {
        client_with(param, answer, "()", "")
    }

    /// As `client`, with an error type `error` and the items `more`.
    fn client_with(param: &str, answer: &str, error: &str, more: &str) -> String {
        format!(
            "impl Client {{ pub fn things_list(&self) -> builder::ThingsList<'_> {{ builder::ThingsList::new(self) }} }}
             pub mod builder {{
                 pub struct ThingsList<'a> {{ client: &'a super::Client, ids: Result<{param}, String> }}
                 impl<'a> ThingsList<'a> {{
                     pub fn ids<V>(mut self, value: V) -> Self where V: std::convert::TryInto<{param}> {{ self }}
                     pub async fn send(self) -> Result<ResponseValue<{answer}>, Error<{error}>> {{ loop {{}} }}
                 }}
             }}
             {more}"
        )
    }

    fn parse(client: &str) -> Builders {
        Builders::parse(client).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Why generating the command line of `spec` and `client` failed.
    fn refusal(spec: &Value, client: &str) -> String {
        file(spec, &parse(client), "x-api", &areas())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
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
        let cli = file(
            &spec,
            &parse(&client("i64", "types::Thing")),
            "x-api",
            &areas(),
        )
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
    fn an_array_parameter_is_a_flag_given_once_per_item() {
        let spec = spec(serde_json::json!({"type": "array", "items": {"type": "string"}}));
        let cli = file(
            &spec,
            &parse(&client("::std::vec::Vec<types::Id>", "types::Thing")),
            "x-api",
            &areas(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let source = cli.source.replace(char::is_whitespace, "");
        assert!(source.contains("ArgAction::Append"), "{}", cli.source);
        assert!(
            source.contains(
                "call.param::<::std::vec::Vec<::x_api::types::Id>>(matches,\"ids\",true)?"
            ),
            "{}",
            cli.source
        );
    }

    #[test]
    fn a_parameter_no_flag_can_carry_is_refused_naming_the_operation() {
        let spec = spec(serde_json::json!({"type": "object"}));
        let err = refusal(&spec, &client("types::Filter", "types::Thing"));
        assert!(err.contains("cannot serve 1 operation(s)"), "{err}");
        assert!(
            err.contains("things_list: the query parameter `ids`"),
            "{err}"
        );
    }

    #[test]
    fn an_answer_that_is_not_json_is_refused_naming_the_operation() {
        let spec = spec(serde_json::json!({"type": "string"}));
        let err = refusal(&spec, &client("String", "ByteStream"));
        assert!(err.contains("things_list"), "{err}");
        assert!(err.contains("`ByteStream`"), "{err}");
    }

    #[test]
    fn an_error_enum_is_printed_by_a_match_on_its_variants() {
        let spec = spec(serde_json::json!({"type": "integer"}));
        let errors = "pub mod errors {
            pub type ThingsListError = shared::Status403GenericError;
            pub mod shared {
                pub enum Status403GenericError { Status403(types::GenericError), Status404 }
            }
        }";
        // As progenitor writes it in its `builder` module.
        let client = client_with(
            "i64",
            "types::Thing",
            "super::errors::ThingsListError",
            errors,
        );
        let cli = file(&spec, &parse(&client), "x-api", &areas()).unwrap_or_else(|e| panic!("{e}"));
        let source = cli.source.replace(char::is_whitespace, "");
        assert!(
            source.contains(
                "fnerror_json_status403_generic_error(error:::x_api::errors::shared::Status403GenericError"
            ) && source.contains("Status403GenericError::Status403(body)=>json(body)")
                && source.contains("Status403GenericError::Status404=>{::serde_json::Value::Null}"),
            "{}",
            cli.source
        );
        assert!(
            source.contains("call.answer(request.send().await,error_json_status403_generic_error)"),
            "{}",
            cli.source
        );
    }

    #[test]
    fn an_error_type_the_client_does_not_define_is_refused() {
        let spec = spec(serde_json::json!({"type": "integer"}));
        let client = client_with("i64", "types::Thing", "errors::ThingsListError", "");
        let err = refusal(&spec, &client);
        assert!(
            err.contains("things_list: its error type `errors::ThingsListError` is not an enum"),
            "{err}"
        );
    }
}
