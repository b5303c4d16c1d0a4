//! The crates the generated code uses must be dependencies of the crate it
//! is written into: a schema with a `pattern`, say, makes progenitor's
//! output call `::regress`, and a crate without it would not compile. This
//! is checked before anything is written, against the crate's `Cargo.toml`.
//! So is a dependency's feature the generated code needs: a multipart body
//! names `reqwest::multipart`, which reqwest builds only with `multipart`.

use std::collections::BTreeSet;
use std::path::Path;

use syn::visit::Visit;

use crate::base::error::{Error, Result};
use crate::base::files;

/// Crates every Rust program has.
const BUILT_IN: &[&str] = &["std", "core", "alloc", "self", "super", "crate"];

/// A dependency feature that generated code may need, and the path that
/// shows it does: `(crate, path below the crate, feature)`.
pub const FEATURE_USES: &[(&str, &str, &str)] = &[("reqwest", "multipart", "multipart")];

/// The Cargo spelling of a dependency's feature (`reqwest/multipart`).
pub fn feature_name(krate: &str, feature: &str) -> String {
    format!("{krate}/{feature}")
}

/// What a piece of generated code names, read off its syntax tree (which
/// cannot leave the thread that parsed it): path roots, and the modules it
/// defines at its top level (which are not crates).
#[derive(Debug, Default, Clone)]
pub struct Used {
    roots: BTreeSet<String>,
    local: BTreeSet<String>,
    /// The dependency features of [`FEATURE_USES`] it needs, as Cargo
    /// spells them.
    features: BTreeSet<String>,
}

impl Used {
    /// Adds what another part of the same file names.
    pub fn extend(&mut self, other: Used) {
        self.roots.extend(other.roots);
        self.local.extend(other.local);
        self.features.extend(other.features);
    }

    /// The dependency features named (`reqwest/multipart`).
    pub fn features(&self) -> &BTreeSet<String> {
        &self.features
    }

    /// The external crates named.
    pub fn crates(&self) -> BTreeSet<String> {
        self.roots
            .iter()
            .filter(|c| !BUILT_IN.contains(&c.as_str()) && !self.local.contains(*c))
            .cloned()
            .collect()
    }

    /// What `file` names: the first segment of every `::absolute` path and
    /// of every `use` tree.
    pub fn of(file: &syn::File) -> Self {
        struct Crates(BTreeSet<String>, BTreeSet<String>);
        impl<'ast> Visit<'ast> for Crates {
            fn visit_path(&mut self, path: &'ast syn::Path) {
                if path.leading_colon.is_some()
                    && let Some(first) = path.segments.first()
                {
                    self.0.insert(first.ident.to_string());
                }
                let mut segments = path.segments.iter().map(|s| s.ident.to_string());
                if let (Some(krate), Some(below)) = (segments.next(), segments.next()) {
                    for (k, p, feature) in FEATURE_USES {
                        if krate == *k && below == *p {
                            self.1.insert(feature_name(k, feature));
                        }
                    }
                }
                syn::visit::visit_path(self, path);
            }
            // `<T>::f` and `<T as Trait>::f`: the path after the type names no crate.
            fn visit_expr_path(&mut self, node: &'ast syn::ExprPath) {
                match &node.qself {
                    Some(qself) => self.qualified(qself, &node.path),
                    None => syn::visit::visit_expr_path(self, node),
                }
            }
            fn visit_type_path(&mut self, node: &'ast syn::TypePath) {
                match &node.qself {
                    Some(qself) => self.qualified(qself, &node.path),
                    None => syn::visit::visit_type_path(self, node),
                }
            }
            fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
                let mut tree = &item.tree;
                loop {
                    match tree {
                        syn::UseTree::Path(p) => {
                            self.0.insert(p.ident.to_string());
                            break;
                        }
                        syn::UseTree::Name(n) => {
                            self.0.insert(n.ident.to_string());
                            break;
                        }
                        syn::UseTree::Rename(r) => {
                            self.0.insert(r.ident.to_string());
                            break;
                        }
                        syn::UseTree::Group(g) => match g.items.first() {
                            Some(first) if g.items.len() == 1 => tree = first,
                            _ => break,
                        },
                        syn::UseTree::Glob(_) => break,
                    }
                }
            }
        }
        impl Crates {
            fn qualified(&mut self, qself: &syn::QSelf, path: &syn::Path) {
                self.visit_type(&qself.ty);
                // The trait of `<T as Trait>` is a path of its own.
                if qself.position > 0 {
                    let mut segments = path.segments.iter().take(qself.position);
                    if path.leading_colon.is_some()
                        && let Some(first) = segments.next()
                    {
                        self.0.insert(first.ident.to_string());
                    }
                }
                for segment in &path.segments {
                    self.visit_path_arguments(&segment.arguments);
                }
            }
        }
        // Modules the file defines are not crates.
        let local: BTreeSet<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut crates = Crates(BTreeSet::new(), BTreeSet::new());
        crates.visit_file(file);
        Used {
            roots: crates.0,
            local,
            features: crates.1,
        }
    }
}

/// A generated crate's `Cargo.toml`, read once: what generation needs from
/// it, and the whole table (for `version`).
#[derive(Debug, Default, Clone)]
pub struct CrateManifest {
    /// Where it is, for messages.
    pub path: String,
    /// The package name: the crate names itself by it.
    pub name: Option<String>,
    /// The crates it may use, as Rust spells them: its dependencies of any
    /// kind (a renamed package under its new name), and itself.
    pub crates: BTreeSet<String>,
    /// The manifest as read.
    pub table: toml::Table,
    /// Its text, which generation rewrites (the area features) without
    /// reading the file again.
    pub text: String,
    /// `package.rust-version`, read through `rust-version.workspace = true`
    /// from the workspace's manifest: the oldest Rust the crate promises.
    pub rust_version: Option<String>,
}

impl CrateManifest {
    /// The manifest of the crate at `krate`; `None` for a folder without a
    /// `Cargo.toml` (not a crate yet, so nothing to check against).
    pub fn read(krate: &Path) -> Result<Option<Self>> {
        let manifest = krate.join("Cargo.toml");
        if !manifest.is_file() {
            return Ok(None);
        }
        let path = manifest.display().to_string();
        let text = files::read(&manifest)?;
        let value: toml::Table = toml::from_str(&text)
            .map_err(|e| Error::invalid(&path, "", format!("not a Cargo manifest: {e}")))?;
        let name = value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .map(str::to_string);
        let tables = ["dependencies", "dev-dependencies", "build-dependencies"];
        let crates = tables
            .iter()
            .filter_map(|t| value.get(*t).and_then(toml::Value::as_table))
            .flat_map(|deps| deps.keys().map(String::as_str))
            .chain(name.as_deref())
            .map(|name| name.replace('-', "_"))
            .collect();
        let rust_version = rust_version(&value, krate)?;
        Ok(Some(CrateManifest {
            path,
            name,
            crates,
            table: value,
            text,
            rust_version,
        }))
    }

    /// Fails, naming each crate, when the generated code uses a crate this
    /// one does not depend on.
    pub fn check(&self, used: &Used) -> Result<()> {
        let missing: Vec<String> = used
            .crates()
            .into_iter()
            .filter(|c| !self.crates.contains(c))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::MissingDependencies {
            manifest: self.path.clone(),
            crates: missing.join(", "),
        })
    }

    /// Fails, naming each operation and feature, when the generated code
    /// needs a dependency feature that nothing turns on: not the dependency
    /// itself, nor (for an operation in an area) the area's feature, which
    /// generation writes with what the area needs. `needs` is each
    /// operation's `(operationId, feature, whether its area turns it on)`.
    pub fn check_features(&self, used: &Used, needs: &[(String, String, bool)]) -> Result<()> {
        let mut missing = Vec::new();
        for feature in used.features() {
            if self.enables(feature) {
                continue;
            }
            let by: Vec<&(String, String, bool)> =
                needs.iter().filter(|(_, f, _)| f == feature).collect();
            if by.is_empty() {
                missing.push(format!("`{feature}` (by code no operation accounts for)"));
            }
            for (operation, _, in_area) in by {
                if !in_area {
                    missing.push(format!("`{feature}` (by the operation `{operation}`)"));
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::MissingFeatures {
            manifest: self.path.clone(),
            features: missing.join(", "),
        })
    }

    /// Whether a dependency's entry enables `feature` (`crate/feature`)
    /// whatever features are on.
    fn enables(&self, feature: &str) -> bool {
        let Some((krate, name)) = feature.split_once('/') else {
            return false;
        };
        self.table
            .get("dependencies")
            .and_then(|d| d.get(krate))
            .and_then(|d| d.get("features"))
            .and_then(toml::Value::as_array)
            .is_some_and(|list| list.iter().any(|f| f.as_str() == Some(name)))
    }
}

/// The crate's `rust-version`: its own, or (`rust-version.workspace =
/// true`) the one of the nearest workspace manifest above `krate`.
fn rust_version(manifest: &toml::Table, krate: &Path) -> Result<Option<String>> {
    let Some(value) = manifest.get("package").and_then(|p| p.get("rust-version")) else {
        return Ok(None);
    };
    if let Some(version) = value.as_str() {
        return Ok(Some(version.to_string()));
    }
    let root = std::path::absolute(krate).map_err(|source| Error::Io {
        path: krate.to_path_buf(),
        source,
    })?;
    for dir in root.ancestors().skip(1) {
        let path = dir.join("Cargo.toml");
        if !path.is_file() {
            continue;
        }
        let text = files::read(&path)?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            Error::invalid(
                path.display().to_string(),
                "",
                format!("not a Cargo manifest: {e}"),
            )
        })?;
        if let Some(workspace) = table.get("workspace") {
            let version = workspace
                .get("package")
                .and_then(|p| p.get("rust-version"))
                .and_then(toml::Value::as_str);
            return Ok(version.map(str::to_string));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> syn::File {
        syn::parse_file(source).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn crates_named_by_absolute_paths_and_uses() {
        let source = "
            use progenitor_client::{encode_path, RequestBuilderExt};
            pub mod types {
                use serde::{Deserialize, Serialize};
                pub struct A(::std::string::String);
                fn f() { let _ = ::regress::Regex::new(\"x\"); super::builder::x(); }
                fn g() { <i64>::deserialize(d); <T as ::serde::Serialize>::serialize(t); }
            }
            pub mod builder { pub fn x() {} }
        ";
        let used = Used::of(&parse(source)).crates();
        assert_eq!(
            used,
            ["progenitor_client", "regress", "serde"]
                .map(String::from)
                .into()
        );
    }

    #[test]
    fn a_dependency_feature_the_code_needs_is_checked() {
        let source = "pub mod forms { pub struct F(::reqwest::multipart::Form); }";
        let used = Used::of(&parse(source));
        assert_eq!(used.features(), &["reqwest/multipart".to_string()].into());
        assert!(
            Used::of(&parse("fn f() { ::reqwest::Body::from(1); }"))
                .features()
                .is_empty()
        );
        let manifest = |reqwest: &str| CrateManifest {
            path: "c/Cargo.toml".into(),
            table: toml::from_str(&format!("[dependencies]\nreqwest = {reqwest}\n"))
                .unwrap_or_else(|e| panic!("{e}")),
            ..CrateManifest::default()
        };
        let needs = [(
            "files_create".to_string(),
            "reqwest/multipart".to_string(),
            false,
        )];
        let err = manifest("{ version = \"0.13\", features = [\"json\"] }")
            .check_features(&used, &needs)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`reqwest/multipart` (by the operation `files_create`)")
                && err.contains("c/Cargo.toml"),
            "{err}"
        );
        // Enabled by the dependency, or by the operation's area.
        let enabled = manifest("{ version = \"0.13\", features = [\"json\", \"multipart\"] }");
        assert!(enabled.check_features(&used, &needs).is_ok());
        let in_area = [(
            "files_create".to_string(),
            "reqwest/multipart".to_string(),
            true,
        )];
        assert!(manifest("\"0.13\"").check_features(&used, &in_area).is_ok());
        // Code that needs it with no operation to account for it.
        let err = manifest("\"0.13\"")
            .check_features(&used, &[])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("by code no operation accounts for"), "{err}");
    }

    #[test]
    fn a_missing_dependency_is_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\nprogenitor-client = \"0.15\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let source =
            "use progenitor_client::X; fn f() { ::regress::Regex::new(\"a\"); ::serde::de(); }";
        let manifest = CrateManifest::read(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        assert_eq!(manifest.name.as_deref(), Some("x"));
        let err = manifest
            .check(&Used::of(&parse(source)))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("uses the crate(s) regress"), "{err}");
        assert!(
            manifest
                .check(&Used::of(&parse("fn f() { ::x::Own; ::serde::de(); }")))
                .is_ok()
        );
    }
}
