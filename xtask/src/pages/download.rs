//! Downloads the vendor's reference pages listed in `openapi/sources.toml`
//! and plans their import, as `import` does for a page file (for
//! `cargo xtask fetch`).

use std::time::Duration;

use serde::Deserialize;

use crate::base::error::{Error, Result};
use crate::base::files;
use crate::base::layout::SOURCES;
use crate::pages::folder::Folder;
use crate::pages::import::{self, Plan};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sources {
    #[serde(default)]
    page: Vec<Page>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    url: String,
}

/// A fetched page's import plan, by URL.
#[derive(Debug)]
pub struct Fetched {
    pub url: String,
    pub plan: Plan,
    /// Whether the manifest records a document of this page: a page listed
    /// but never imported is new to us, not drift.
    pub imported: bool,
}

/// Downloads every page of `openapi/sources.toml` and plans its import.
/// `base_url` replaces each URL's scheme and host (tests serve the pages
/// from 127.0.0.1). Any failure fails the whole fetch: nothing is written
/// unless every page arrived and parsed.
pub fn plan(
    folder: &Folder,
    base_url: Option<&str>,
    timeout: Option<Duration>,
) -> Result<Vec<Fetched>> {
    let sources_path = folder.path.join(SOURCES);
    let text = files::read(&sources_path)?;
    let sources: Sources = toml::from_str(&text).map_err(|e| {
        Error::invalid(
            sources_path.display().to_string(),
            "",
            format!("not a sources file: {e}"),
        )
    })?;
    let client = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls().map_err(|e| Error::Command {
            command: "fetch".into(),
            message: format!("cannot set up TLS: {e}"),
        })?)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout.unwrap_or(TIMEOUT))
        .user_agent(concat!("kizen-sdk-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Command {
            command: "fetch".into(),
            message: format!("cannot build the HTTP client: {}", chain(&e)),
        })?;
    let mut texts = Vec::new();
    for page in &sources.page {
        let url = match base_url {
            Some(base) => rebase(&page.url, base),
            None => page.url.clone(),
        };
        let fail = |message: String| Error::Fetch {
            url: url.clone(),
            message,
        };
        let response = client.get(&url).send().map_err(|e| fail(chain(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("HTTP {status}")));
        }
        let body = response.text().map_err(|e| fail(chain(&e)))?;
        let name = page_name(&page.url).ok_or_else(|| fail("the URL names no page".into()))?;
        texts.push(import::PageText {
            source: url,
            name,
            text: body,
        });
    }
    // Planned together: one manifest for every page (see `plan_pages`).
    let imported: std::collections::BTreeSet<&str> = folder
        .manifest
        .documents
        .values()
        .map(|e| e.page.as_str())
        .collect();
    let plans = import::plan_pages_in(&texts, folder)?;
    Ok(texts
        .into_iter()
        .zip(plans)
        .map(|(page, plan)| Fetched {
            imported: imported.contains(page.name.as_str()),
            url: page.source,
            plan,
        })
        .collect())
}

/// `https://developer.kizen.com/api/s3.md` -> `s3.md`, the name `import`
/// records for a page file of the same name.
fn page_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// The URL with its scheme and host replaced by `base`.
fn rebase(url: &str, base: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    format!("{}{path}", base.trim_end_matches('/'))
}

/// An error with its causes ("error sending request" alone hides a timeout).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// rustls on `ring` with the OS trust store, as kizen-api's default: no
/// aws-lc C build in the workspace, and no process-wide provider.
pub fn tls() -> std::result::Result<rustls::ClientConfig, rustls::Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            page_name("https://developer.kizen.com/api/s3.md").as_deref(),
            Some("s3.md")
        );
        assert_eq!(page_name("https://x/a/b.md?ask=1").as_deref(), Some("b.md"));
        assert_eq!(page_name("https://x/"), None);
        assert_eq!(
            rebase(
                "https://developer.kizen.com/api/s3.md",
                "http://127.0.0.1:8080/"
            ),
            "http://127.0.0.1:8080/api/s3.md"
        );
    }
}
