//! Walking every page of a Django REST framework list. A list operation
//! whose 200 response is a DRF page (`next`, `previous`, `results`, and
//! usually `count`) gets a `*_stream` method, in the style of progenitor's
//! own: it yields every item of every page, following the server's `next`
//! link, which carries the caller's filters and page size whatever the
//! paging style (page number, limit/offset, cursor).
//!
//! The code is generated beside progenitor's, into the same file: a `pages`
//! module (once) and, per operation, the page's `Page` impl and the stream
//! method. Nothing is generated for an API without such lists.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::base::walk;
use crate::spec::names;

/// A paginated list operation.
struct Paginated {
    operation_id: String,
    /// The page type, its item type, and the operation's error type, as
    /// the generated `send` names them.
    page: syn::Type,
    item: syn::Type,
    error: syn::Type,
}

/// Whether `schema` (resolved) is a DRF page: an object with `next` (that
/// may be absent or null), `previous`, and required `results` of `$ref` items.
fn page_item(spec: &Value, schema: &Value) -> Option<String> {
    let schema = walk::resolve(spec, schema);
    let properties = schema.get("properties")?.as_object()?;
    let required = |name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    let next = walk::resolve(spec, properties.get("next")?);
    let next_optional = !required("next") || next.get("nullable") == Some(&Value::Bool(true));
    let results = walk::resolve(spec, properties.get("results")?);
    if !(properties.contains_key("previous") && next_optional && required("results")) {
        return None;
    }
    if results.get("type").and_then(Value::as_str) != Some("array") {
        return None;
    }
    walk::component_name(results.get("items")?.get("$ref")?.as_str()?)
}

/// The Ok and error types of `send` on the builder `builder`, read from
/// the generated file: `Result<ResponseValue<Ok>, Error<E>>`.
fn send_types(file: &syn::File, builder: &str) -> Option<(syn::Type, syn::Type)> {
    let module = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })?;
    for item in module {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        if self_ty.path.segments.last()?.ident != builder {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident != "send" {
                continue;
            }
            let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                continue;
            };
            let [ok, err] = generic_args(ret)?;
            let [page] = generic_args(&ok)?;
            let [error] = generic_args(&err)?;
            return Some((page, error));
        }
    }
    None
}

/// The type arguments of the last segment of a path type.
fn generic_args<const N: usize>(ty: &syn::Type) -> Option<[syn::Type; N]> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    let types: Vec<syn::Type> = args
        .args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    types.try_into().ok()
}

fn paginated(spec: &Value, file: &syn::File) -> Vec<Paginated> {
    let mut found = Vec::new();
    for (_, method, op, _) in walk::operations(spec) {
        if method != "get" {
            continue;
        }
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(schema) = op.pointer("/responses/200/content/application~1json/schema") else {
            continue;
        };
        let Some(item) = page_item(spec, schema) else {
            continue;
        };
        let Some((page, error)) = send_types(file, &names::type_name(id)) else {
            continue;
        };
        let item = names::type_name(&item);
        let Ok(item) = syn::parse_str::<syn::Type>(&format!("types::{item}")) else {
            continue;
        };
        found.push(Paginated {
            operation_id: id.to_string(),
            page,
            item,
            error,
        });
    }
    found
}

/// The items to add to the generated `file` for the paginated lists of
/// `spec` (none when it has none).
pub fn items(spec: &Value, file: &syn::File) -> Vec<syn::Item> {
    let lists = paginated(spec, file);
    if lists.is_empty() {
        return Vec::new();
    }
    let mut tokens = module();
    let mut seen_pages = std::collections::BTreeSet::new();
    for list in &lists {
        let Paginated {
            operation_id,
            page,
            item,
            error,
        } = list;
        let page_name = quote!(#page).to_string();
        if seen_pages.insert(page_name) {
            tokens.extend(quote! {
                impl pages::Page for #page {
                    type Item = #item;
                    fn next_page(&self) -> ::std::option::Option<&str> {
                        self.next.as_deref()
                    }
                    fn into_items(self) -> ::std::vec::Vec<#item> {
                        self.results
                    }
                }
            });
        }
        let method = format_ident!("{}", names::method_name(operation_id));
        let stream = format_ident!("{}_stream", names::method_name(operation_id));
        let builder = format_ident!("{}", names::type_name(operation_id));
        let doc = format!(
            "Every item of `{operation_id}`, page after page: `configure` sets the \
             parameters of the first request (filters, page size), and each next page is \
             the one the server's `next` link names. Ends after the last page; an error \
             ends the stream."
        );
        tokens.extend(quote! {
            impl Client {
                #[doc = #doc]
                pub fn #stream<'a>(
                    &'a self,
                    configure: impl ::std::ops::FnOnce(builder::#builder<'a>) -> builder::#builder<'a>,
                ) -> impl ::futures_util::Stream<
                    Item = ::std::result::Result<#item, progenitor_client::Error<#error>>,
                > + 'a {
                    pages::stream(self, #operation_id, configure(self.#method()).send())
                }
            }
        });
    }
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file.items,
        Err(_) => Vec::new(),
    }
}

/// The `pages` module: the `Page` trait and the stream that follows `next`.
fn module() -> TokenStream {
    quote! {
        /// Walking every page of a Django REST framework list (see the
        /// `*_stream` methods of [`Client`]).
        pub mod pages {
            use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};

            /// One page of a list: its items and the link to the next page.
            pub trait Page: ::serde::de::DeserializeOwned {
                /// What the page lists.
                type Item;
                /// The server's link to the next page; `None` on the last.
                fn next_page(&self) -> ::std::option::Option<&str>;
                /// The page's items, in the server's order.
                fn into_items(self) -> ::std::vec::Vec<Self::Item>;
            }

            enum Next<F, E> {
                First(F),
                Path(::std::string::String),
                /// The page was read, but its `next` link cannot be followed.
                Fail(Error<E>),
                Done,
            }

            /// Every item of the pages from `first` on. A `next` link is
            /// followed on this client's own server (its path and query
            /// only: credentials never go to another host); a link to a
            /// page already read is an error, not a loop.
            pub fn stream<'a, P, E, F>(
                client: &'a super::Client,
                operation_id: &'static str,
                first: F,
            ) -> impl ::futures_util::Stream<Item = ::std::result::Result<P::Item, Error<E>>> + 'a
            where
                P: Page + 'a,
                P::Item: 'a,
                E: 'a,
                F: ::std::future::Future<
                        Output = ::std::result::Result<ResponseValue<P>, Error<E>>,
                    > + 'a,
            {
                use ::futures_util::{StreamExt, TryStreamExt};
                let start = (Next::First(::std::boxed::Box::pin(first)), ::std::collections::BTreeSet::new());
                let pages = ::futures_util::stream::try_unfold(start, move |(next, mut seen)| async move {
                    let page: P = match next {
                        Next::Done => return Ok(None),
                        Next::Fail(error) => return Err(error),
                        Next::First(first) => first.await?.into_inner(),
                        Next::Path(path) => fetch(client, operation_id, &path).await?,
                    };
                    let next = match page.next_page() {
                        None => Next::Done,
                        // The items of this page come first; the error after them.
                        Some(link) => match path_of(link) {
                            None => Next::Fail(Error::InvalidRequest(format!(
                                "the server's next-page link `{link}` is not a URL"
                            ))),
                            Some(path) if !seen.insert(path.clone()) => {
                                Next::Fail(Error::InvalidRequest(format!(
                                    "the server's next-page link `{link}` names a page already read"
                                )))
                            }
                            Some(path) => Next::Path(path),
                        },
                    };
                    Ok(Some((page.into_items(), (next, seen))))
                });
                pages
                    .map_ok(|items| ::futures_util::stream::iter(items.into_iter().map(Ok)))
                    .try_flatten()
                    .boxed_local()
            }

            /// The path and query of a link (absolute or not).
            fn path_of(link: &str) -> ::std::option::Option<::std::string::String> {
                let rest = match link.split_once("://") {
                    Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
                    None => link,
                };
                match rest {
                    "" => Some("/".into()),
                    r if r.starts_with('/') => Some(r.to_string()),
                    _ => None,
                }
            }

            /// The scheme, host and port of the client's base URL.
            fn origin(base: &str) -> &str {
                match base.split_once("://") {
                    Some((scheme, rest)) => {
                        let end = scheme.len() + 3 + rest.find('/').unwrap_or(rest.len());
                        &base[..end]
                    }
                    None => base,
                }
            }

            async fn fetch<P: Page, E>(
                client: &super::Client,
                operation_id: &'static str,
                path: &str,
            ) -> ::std::result::Result<P, Error<E>> {
                let url = format!("{}{}", origin(client.baseurl()), path);
                let mut request = client
                    .client()
                    .get(url)
                    .header(::reqwest::header::ACCEPT, "application/json")
                    .build()
                    .map_err(Error::CommunicationError)?;
                let info = OperationInfo { operation_id };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result.map_err(Error::CommunicationError)?;
                if !response.status().is_success() {
                    return Err(Error::UnexpectedResponse(response));
                }
                let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
                ::serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponsePayload(bytes, e))
            }
        }
    }
}
