//! A command as code: its `clap::Command`, and its arm of `run`, which
//! reads each flag as the type the builder's setter takes, the body, and
//! prints the answer.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use super::command::{Body, Command, Flag, Kind};
use crate::codegen::multipart;
use crate::spec::names;

impl Command {
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
            let what = if body.parts.is_some() {
                "The form's parts, as a JSON object (a file part as its path)"
            } else {
                "The request body, as JSON"
            };
            let help = match (body.required, body.fields.is_empty()) {
                (true, true) => format!("{what}: a file, or `-` for stdin."),
                (false, true) => format!("{what}: a file, or `-` for stdin (optional)."),
                (_, false) => format!(
                    "{what}: a file, or `-` for stdin; the field flags set its fields over it."
                ),
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

    /// The command's two functions: its `clap::Command`
    /// (`command_<method>`), and its call (`run_<method>`), which reads each
    /// flag as the type its setter takes, the body, and prints the answer
    /// (`json` prints its error type). One small function each, where one
    /// `match` of every operation made a future rustc could not compile at
    /// authentik's scale (1192 operations: killed out of memory at 23 GB).
    pub(super) fn functions(&self, krate: &syn::Ident, json: &TokenStream) -> TokenStream {
        let command = self.command_fn();
        let run = self.run_fn();
        let clap = self.clap();
        let method = format_ident!("{}", self.method);
        let mut reads = Vec::new();
        let mut sets = Vec::new();
        for flag in &self.flags {
            let Some((setter, takes)) = &flag.setter else {
                continue;
            };
            let local = format_ident!("p_{}", setter.trim_start_matches("r#"));
            let setter = format_ident!("{}", setter);
            let ty = qualify(takes, krate);
            let id = &flag.name;
            let list = matches!(flag.kind, Kind::List(_));
            reads.push(quote! { let #local = call.param::<#ty>(matches, #id, #list)?; });
            sets.push(quote! {
                if let Some(value) = #local {
                    request = request.#setter(value);
                }
            });
        }
        let all = self.stream.then(|| {
            let stream = format_ident!("{}_stream", self.method);
            quote! {
                if matches.get_flag("all") {
                    let items = client.#stream(move |mut request| {
                        #(#sets)*
                        request
                    });
                    return call.each(items, #json).await;
                }
            }
        });
        let body = self.body.as_ref().map(|body| body.tokens(krate));
        let doc = format!("`{} {}`.", self.area, self.name);
        quote! {
            #[doc = #doc]
            fn #command() -> ::clap::Command {
                #clap
            }

            #[doc = #doc]
            async fn #run(
                client: &::#krate::Client,
                matches: &::clap::ArgMatches,
                call: &Call,
            ) -> Result<Outcome, CallError> {
                #(#reads)*
                #all
                let mut request = client.#method();
                #(#sets)*
                #body
                call.answer(request.send().await, #json).await
            }
        }
    }

    /// The name of the function that makes its `clap::Command`.
    pub(super) fn command_fn(&self) -> syn::Ident {
        format_ident!("command_{}", self.method)
    }

    /// The name of the function that runs it.
    pub(super) fn run_fn(&self) -> syn::Ident {
        format_ident!("run_{}", self.method)
    }
}

impl Body {
    /// Reads the body (`--json-body` and the field flags) and sets it.
    fn tokens(&self, krate: &syn::Ident) -> TokenStream {
        let required = self.required;
        let fields = self.fields.iter().map(|field| {
            let key = &field.name;
            field.read(
                &format!("body.{key}"),
                quote!(fields.insert(#key.to_string(), ::serde_json::json!(value));),
            )
        });
        let ty = qualify(&self.ty, krate);
        let set = match &self.parts {
            None => quote! {
                if let Some(body) = call.body::<#ty>(matches, fields, #required)? {
                    request = request.body(body);
                }
            },
            Some(parts) => form(&ty, parts, required, krate),
        };
        quote! {
            let mut fields = ::serde_json::Map::new();
            #(#fields)*
            #set
        }
    }
}

/// A multipart form of type `ty` from the JSON object of `--json-body`
/// and the field flags: a file part's value is its path, read as it is
/// sent; a key that is no part is a usage error, before any file opens.
fn form(
    ty: &TokenStream,
    parts: &[multipart::Field],
    required: bool,
    krate: &syn::Ident,
) -> TokenStream {
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    let value = |part: &multipart::Field| -> TokenStream {
        let key = &part.name;
        let (ty, files) = match &part.kind {
            multipart::Kind::File => (quote!(::std::string::String), Some(quote!(file_part))),
            multipart::Kind::Files => (
                quote!(::std::vec::Vec<::std::string::String>),
                Some(quote!(file_parts)),
            ),
            multipart::Kind::Text(ty) => (qualify(ty, krate), None),
            multipart::Kind::Texts(ty) => {
                let ty = qualify(ty, krate);
                (quote!(::std::vec::Vec<#ty>), None)
            }
            multipart::Kind::Json => (quote!(::serde_json::Value), None),
        };
        match (part.required, files) {
            (true, None) => quote!(call.take::<#ty>(&mut form, #key)?),
            (true, Some(read)) => quote!(#read(call.take::<#ty>(&mut form, #key)?).await?),
            (false, None) => quote!(call.take_optional::<#ty>(&mut form, #key)?),
            (false, Some(read)) => quote! {
                match call.take_optional::<#ty>(&mut form, #key)? {
                    Some(paths) => Some(#read(paths).await?),
                    None => None,
                }
            },
        }
    };
    let new = parts.iter().filter(|p| p.required).map(value);
    let optional = parts.iter().filter(|p| !p.required).map(|part| {
        let setter = multipart::field_ident(&names::method_name(&part.name));
        let value = value(part);
        quote! {
            if let Some(value) = #value {
                body = body.#setter(value);
            }
        }
    });
    quote! {
        if let Some(mut form) = call.body::<::serde_json::Map<::std::string::String, ::serde_json::Value>>(matches, fields, #required)? {
            call.only(&form, &[#(#names),*])?;
            let mut body = #ty::new(#(#new),*);
            #(#optional)*
            request = request.body(body);
        }
    }
}

impl Flag {
    /// Its `clap::Arg`, of id `id`.
    fn arg(&self, id: &str, required: bool) -> TokenStream {
        let long = self.name.to_kebab_case();
        let value_name = &self.name;
        let help = self.help.iter();
        let (parser, action) = match &self.kind {
            Kind::List(item) => (parser(item), quote!(.action(::clap::ArgAction::Append))),
            kind => (parser(kind), quote!()),
        };
        quote! {
            .arg(
                ::clap::Arg::new(#id)
                    .long(#long)
                    .value_name(#value_name)
                    .required(#required)
                    #(.help(#help))*
                    #parser
                    #action
            )
        }
    }

    /// `then`, with `value` the flag's value (of id `id`), when it is given.
    fn read(&self, id: &str, then: TokenStream) -> TokenStream {
        let (ty, value) = match self.kind {
            Kind::Text | Kind::Choice(_) | Kind::List(_) => {
                (quote!(String), quote!(value.as_str()))
            }
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

/// How clap checks a value of `kind` (a usage error, exit 2, otherwise).
fn parser(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Text | Kind::List(_) => quote! {},
        Kind::Choice(values) => quote! { .value_parser([#(#values),*]) },
        Kind::Integer => quote! { .value_parser(::clap::value_parser!(i64)) },
        Kind::Number => quote! { .value_parser(::clap::value_parser!(f64)) },
        Kind::Boolean => quote! { .value_parser(::clap::value_parser!(bool)) },
    }
}

/// The gate of an item the commands of the areas `features` use (`None`:
/// a command of no area, which is always compiled).
pub(super) fn gate_any(features: &BTreeSet<Option<String>>) -> TokenStream {
    if features.contains(&None) {
        return quote!();
    }
    let features: Vec<&String> = features.iter().flatten().collect();
    match features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// A type as the client's file writes it (`types::X`, `errors::X`,
/// `forms::X`), named from the command line's crate (`::kizen_api::types::X`);
/// `chrono::...` and `uuid::...` stay as they are (the command line depends
/// on them, as `Used` checks).
pub(super) fn qualify(ty: &str, krate: &syn::Ident) -> TokenStream {
    struct Qualify<'a>(&'a syn::Ident);
    impl VisitMut for Qualify<'_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let first = path.segments.first().map(|s| s.ident.to_string());
            if path.leading_colon.is_none()
                && first.is_some_and(|f| ["types", "errors", "forms"].contains(&f.as_str()))
            {
                let krate = self.0;
                let mut rooted: syn::Path = syn::parse_quote!(::#krate);
                rooted.segments.extend(path.segments.iter().cloned());
                *path = rooted;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    match syn::parse_str::<syn::Type>(ty) {
        Ok(mut parsed) => {
            Qualify(krate).visit_type_mut(&mut parsed);
            quote!(#parsed)
        }
        Err(_) => quote!(::serde_json::Value),
    }
}
