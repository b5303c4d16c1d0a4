//! The crates `generate` fills on authentik, laid out as kizen's are: the
//! client (`authentik-client`), its typed mocks (`-httpmock`) and its
//! command line (`-cli`) beside it. The bench generates all three, as bare
//! progenitor's three generators do, so that its ratio compares the same
//! artifacts; the authentik test builds them.

use std::path::Path;

use crate::base::error::{Error, Result};
use crate::base::layout;

/// The package name of [`AUTHENTIK_MANIFEST`].
pub const AUTHENTIK_PACKAGE: &str = "authentik-client";

/// The client crate generation targets on authentik (its dependencies are
/// what the generated code uses).
pub const AUTHENTIK_MANIFEST: &str = r#"[package]
name = "authentik-client"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
chrono.workspace = true
futures-util.workspace = true
progenitor-client.workspace = true
regress.workspace = true
reqwest = { workspace = true, features = ["json", "query", "form", "multipart", "stream"] }
serde.workspace = true
serde_json.workspace = true
# The `drift` events of undocumented values.
tracing.workspace = true
uuid.workspace = true
"#;

/// The hand-written lib of a client crate the pipeline generates for a test
/// or a benchmark: `about` its doc line; the crate names itself `krate` (a
/// PATCH body's fields are `::<krate>::Nullable`), holds the generated
/// module, the HTTP builder the generated `Client::new` calls, and
/// `crate::Context` as its `Credentials` (kizen-api's carries its retry
/// runtime too); `credentials` defines them and the hooks that send them.
pub fn client_lib(about: &str, krate: &str, credentials: &str) -> String {
    format!(
        r#"//! {about}
#![warn(missing_docs)]

extern crate self as {krate};

mod generated;
pub use generated::*;

/// What the generated `Client::new` builds its HTTP client from.
pub mod http {{
    /// reqwest's default builder.
    pub fn generated_client_builder() -> reqwest::ClientBuilder {{
        reqwest::ClientBuilder::new()
    }}
}}

/// What the generated client holds: the credentials alone.
pub type Context = Credentials;
{credentials}"#
    )
}

/// The manifest of a crate `name` beside authentik's client, depending on
/// it and on the workspace's `dependencies` (one `x.workspace = true` each).
pub fn manifest_beside_client(name: &str, dependencies: &[&str]) -> String {
    let mut manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{AUTHENTIK_PACKAGE} = {{ path = \"../{AUTHENTIK_PACKAGE}\" }}\n"
    );
    for dependency in dependencies {
        manifest.push_str(&format!("{dependency}.workspace = true\n"));
    }
    manifest
}

/// The typed mocks' dependencies (see [`manifest_beside_client`]).
pub const MOCKS_DEPENDENCIES: &[&str] = &[
    "chrono",
    "httpmock",
    "regex",
    "serde_json",
    "serde_urlencoded",
    "uuid",
];

/// The command line's manifest: what its generated commands and kizen-cli's
/// `call` module use.
pub fn cli_manifest() -> String {
    let mut manifest = manifest_beside_client(
        &format!("{AUTHENTIK_PACKAGE}-cli"),
        &[
            "chrono",
            "clap",
            "futures-util",
            "progenitor-client",
            "serde",
            "serde_json",
            "thiserror",
            "uuid",
        ],
    );
    manifest.push_str(
        "reqwest = { workspace = true, features = [\"multipart\", \"stream\"] }\n\
         tokio = { workspace = true, features = [\"macros\", \"rt-multi-thread\"] }\n",
    );
    manifest
}

/// Writes the manifests of the client at `krate` and of its mocks and
/// command line beside it (where `generate` looks for them).
pub fn write_manifests(krate: &Path) -> Result<()> {
    let mocks = layout::mock_crate(krate, AUTHENTIK_PACKAGE);
    let cli = layout::cli_crate(krate, AUTHENTIK_PACKAGE);
    let mocks_manifest =
        manifest_beside_client(&format!("{AUTHENTIK_PACKAGE}-httpmock"), MOCKS_DEPENDENCIES);
    for (dir, manifest) in [
        (krate.to_path_buf(), AUTHENTIK_MANIFEST.to_string()),
        (mocks, mocks_manifest),
        (cli, cli_manifest()),
    ] {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join("Cargo.toml");
        std::fs::write(&path, manifest).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
