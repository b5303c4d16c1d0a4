//! What a release is made of, and whether the tree may be released: the
//! crates in publishing order, the `kizen` archives to build (one per
//! target, with its runner) and the changelog entry that is the release's
//! notes. Pure: `dist::plan` reads the inputs; tests give their own.

use semver::Version;
use serde::Serialize;

use super::packages::Package;

/// The package holding the `kizen` binary, and the binary.
pub const CLI_PACKAGE: &str = "kizen-cli";
pub const BINARY: &str = "kizen";

/// The targets `kizen` is built for, each on a GitHub runner that builds it
/// natively (no cross linker to install): cargo-dist's default set, on
/// the runners oxide.rs uses for macOS. The x86_64 macOS build is a
/// cross-compilation on Apple silicon, which Apple's toolchain does.
pub const TARGETS: &[(&str, &str)] = &[
    ("aarch64-apple-darwin", "macos-14"),
    ("aarch64-unknown-linux-gnu", "ubuntu-22.04-arm"),
    ("x86_64-apple-darwin", "macos-14"),
    ("x86_64-pc-windows-msvc", "windows-2022"),
    ("x86_64-unknown-linux-gnu", "ubuntu-22.04"),
];

/// The release, as the workflow reads it (`fromJSON`).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Plan {
    /// `v<version>`: the tag that releases this tree.
    pub tag: String,
    pub version: String,
    /// A pre-release version (`1.0.0-rc.1`): the GitHub release says so.
    pub prerelease: bool,
    /// Whether `cargo xtask release` recorded this version: between
    /// releases it is not, and the tree is not releasable yet.
    pub recorded: bool,
    /// The crates, in the order `cargo publish` must upload them.
    pub publish: Vec<String>,
    pub rust_version: Option<String>,
    /// One archive per target: the build matrix.
    pub targets: Vec<Target>,
    /// Why this tree cannot be released as `tag`; empty when it can.
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Target {
    pub target: String,
    pub runner: String,
    pub archive: String,
}

/// What the plan is made from.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// The workspace's publishable packages.
    pub packages: &'a [Package],
    /// Their publishing order (`packages::publish_order`).
    pub order: Vec<String>,
    /// The client's name; its manifest records the release.
    pub client: &'a str,
    /// `[package.metadata.release] version` and `rust-version`.
    pub released: Option<Version>,
    pub released_rust_version: Option<String>,
    /// The committed spec and the released one (`released.json`).
    pub spec: &'a str,
    pub released_spec: &'a str,
    pub changelog: &'a str,
}

/// The archive of `target`: cargo-dist's names, without the version, so
/// that `releases/latest/download/<archive>` is a stable address.
pub fn archive_name(target: &str) -> String {
    let extension = if target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    format!("{CLI_PACKAGE}-{target}.{extension}")
}

/// The plan of releasing `inputs` as `tag` (the client's version's tag when
/// `None`), with every reason it cannot be released.
pub fn plan(inputs: &Inputs<'_>, tag: Option<&str>) -> Plan {
    let mut problems = Vec::new();
    let client = inputs.packages.iter().find(|p| p.name == inputs.client);
    let version = client.map_or_else(
        || {
            problems.push(format!("no publishable package `{}`", inputs.client));
            Version::new(0, 0, 0)
        },
        |p| core(&p.version),
    );
    let expected_tag = format!("v{version}");
    let tag = tag.map_or_else(|| expected_tag.clone(), str::to_string);
    if tag != expected_tag {
        problems.push(format!(
            "tag `{tag}` does not name the crates' version {version}: the tag is `{expected_tag}`"
        ));
    }
    for package in inputs.packages {
        if core(&package.version) != version {
            problems.push(format!(
                "{} has version {}, {} has {version}: the crates are released together, \
                 with one version",
                package.name, package.version, inputs.client
            ));
        }
    }
    problems.extend(release_recorded(inputs, &version, client));
    if notes(inputs.changelog, &version).is_none() {
        problems.push(format!(
            "the changelog has no `## {version}` entry (`cargo xtask release` writes it \
             from the Unreleased one): the release's notes"
        ));
    }
    let rust_version = client.and_then(|p| p.rust_version.clone());
    Plan {
        tag,
        prerelease: !version.pre.is_empty(),
        recorded: inputs.released.as_ref() == Some(&version),
        version: version.to_string(),
        publish: inputs.order.clone(),
        rust_version,
        targets: TARGETS
            .iter()
            .map(|(target, runner)| Target {
                target: (*target).to_string(),
                runner: (*runner).to_string(),
                archive: archive_name(target),
            })
            .collect(),
        problems,
    }
}

/// What `cargo xtask release` must have recorded for `version`.
fn release_recorded(
    inputs: &Inputs<'_>,
    version: &Version,
    client: Option<&Package>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if inputs.released.as_ref() != Some(version) {
        problems.push(format!(
            "{version} is not recorded as released ([package.metadata.release] version is {}): \
             run `cargo xtask release` and commit",
            inputs
                .released
                .as_ref()
                .map_or_else(|| "absent".to_string(), Version::to_string)
        ));
        return problems;
    }
    if inputs.spec != inputs.released_spec {
        problems.push(format!(
            "the API changed since {version} was recorded as released (openapi.json is not \
             released.json): those changes are unreleased; bump the version and run \
             `cargo xtask release` again"
        ));
    }
    let rust_version = client.and_then(|p| p.rust_version.as_deref());
    if rust_version != inputs.released_rust_version.as_deref() {
        problems.push(format!(
            "rust-version is {}, but {version} was recorded as released with {}: the \
             changelog would not say which Rust it needs",
            rust_version.unwrap_or("absent"),
            inputs.released_rust_version.as_deref().unwrap_or("none")
        ));
    }
    problems
}

/// The changelog's `## <version>` entry, without its heading: the release's
/// notes. `None` when there is none, or it is empty.
pub fn notes(changelog: &str, version: &Version) -> Option<String> {
    let heading = format!("\n## {version}\n");
    let start = changelog.find(&heading)? + heading.len();
    let rest = &changelog[start..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    let body = rest[..end].trim();
    (!body.is_empty()).then(|| format!("{body}\n"))
}

fn core(version: &Version) -> Version {
    Version {
        build: semver::BuildMetadata::EMPTY,
        ..version.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n<!-- unreleased:start -->\n## Unreleased\n\nNo API change since 0.2.0.\n<!-- unreleased:end -->\n\n## 0.2.0\n\nBreaking: enums.\n\n- one\n\n## 0.1.0\n\nFirst.\n";

    fn package(name: &str, version: &str) -> Package {
        Package {
            name: name.into(),
            version: Version::parse(version).unwrap_or_else(|_| Version::new(9, 9, 9)),
            rust_version: Some("1.88".into()),
            repository: None,
            needs: vec![],
        }
    }

    fn inputs(packages: &[Package]) -> Inputs<'_> {
        Inputs {
            packages,
            order: packages.iter().map(|p| p.name.clone()).collect(),
            client: "kizen-api",
            released: Some(Version::new(0, 2, 0)),
            released_rust_version: Some("1.88".into()),
            spec: "{}",
            released_spec: "{}",
            changelog: CHANGELOG,
        }
    }

    #[test]
    fn a_recorded_release_plans_five_archives_and_the_entry_as_notes() {
        let packages = [
            package("kizen-api", "0.2.0+1.0.0"),
            package("kizen-cli", "0.2.0+1.0.0"),
        ];
        let plan = plan(&inputs(&packages), Some("v0.2.0"));
        assert_eq!(plan.problems, Vec::<String>::new());
        assert_eq!(plan.version, "0.2.0");
        assert_eq!(plan.publish, ["kizen-api", "kizen-cli"]);
        let archives: Vec<&str> = plan.targets.iter().map(|t| t.archive.as_str()).collect();
        assert_eq!(
            archives,
            [
                "kizen-cli-aarch64-apple-darwin.tar.gz",
                "kizen-cli-aarch64-unknown-linux-gnu.tar.gz",
                "kizen-cli-x86_64-apple-darwin.tar.gz",
                "kizen-cli-x86_64-pc-windows-msvc.zip",
                "kizen-cli-x86_64-unknown-linux-gnu.tar.gz",
            ]
        );
        assert_eq!(
            notes(CHANGELOG, &Version::new(0, 2, 0)).as_deref(),
            Some("Breaking: enums.\n\n- one\n")
        );
        assert_eq!(
            notes(CHANGELOG, &Version::new(0, 1, 0)).as_deref(),
            Some("First.\n")
        );
    }

    #[test]
    fn each_disagreement_is_named() {
        let packages = [
            package("kizen-api", "0.2.1+1.0.0"),
            package("kizen-cli", "0.2.0+1.0.0"),
        ];
        let mut inputs = inputs(&packages);
        inputs.changelog = "# Changelog\n";
        let plan = plan(&inputs, Some("v0.2.0"));
        assert_eq!(
            plan.problems,
            [
                "tag `v0.2.0` does not name the crates' version 0.2.1: the tag is `v0.2.1`",
                "kizen-cli has version 0.2.0+1.0.0, kizen-api has 0.2.1: the crates are \
                 released together, with one version",
                "0.2.1 is not recorded as released ([package.metadata.release] version is \
                 0.2.0): run `cargo xtask release` and commit",
                "the changelog has no `## 0.2.1` entry (`cargo xtask release` writes it from \
                 the Unreleased one): the release's notes",
            ]
        );
    }

    #[test]
    fn an_api_or_rust_change_after_the_recorded_release_is_refused() {
        let mut packages = [package("kizen-api", "0.2.0+1.0.0")];
        packages[0].rust_version = Some("1.90".into());
        let mut inputs = inputs(&packages);
        inputs.spec = "{\"paths\": {}}";
        let plan = plan(&inputs, None);
        assert_eq!(plan.tag, "v0.2.0");
        assert_eq!(
            plan.problems,
            [
                "the API changed since 0.2.0 was recorded as released (openapi.json is not \
                 released.json): those changes are unreleased; bump the version and run \
                 `cargo xtask release` again",
                "rust-version is 1.90, but 0.2.0 was recorded as released with 1.88: the \
                 changelog would not say which Rust it needs",
            ]
        );
    }

    #[test]
    fn a_pre_release_is_marked() {
        let packages = [package("kizen-api", "1.0.0-rc.1+1.0.0")];
        let mut inputs = inputs(&packages);
        inputs.released =
            Some(Version::parse("1.0.0-rc.1").unwrap_or_else(|_| Version::new(0, 0, 0)));
        inputs.changelog = "# Changelog\n\n## 1.0.0-rc.1\n\nCandidate.\n";
        let plan = plan(&inputs, Some("v1.0.0-rc.1"));
        assert_eq!(plan.problems, Vec::<String>::new());
        assert!(plan.prerelease);
    }

    /// The release workflow reads the plan's fields by name (the matrix's
    /// `matrix.<field>`, `fromJSON(..plan).<field>`, `jq .<field>`): each
    /// must be one the plan writes, or a release would fail on its tag.
    #[test]
    fn the_release_workflow_reads_only_what_the_plan_writes() {
        let workflow = include_str!("../../../../.github/workflows/release.yml");
        let packages = [package("kizen-api", "0.2.0+1.0.0")];
        let plan = serde_json::to_value(plan(&inputs(&packages), None)).unwrap_or_default();
        let target = &plan["targets"][0];
        let fields = |prefix: &str| -> Vec<String> {
            workflow
                .match_indices(prefix)
                .map(|(at, _)| {
                    workflow[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect()
                })
                .collect()
        };
        let read_from_target = fields("matrix.");
        let read_from_plan: Vec<String> =
            ["fromJSON(needs.plan.outputs.plan).", "jq -r .", "jq -r '."]
                .iter()
                .flat_map(|prefix| fields(prefix))
                .collect();
        assert!(read_from_target.len() >= 3 && read_from_plan.len() >= 4);
        for field in read_from_target {
            assert!(
                target.get(&field).is_some(),
                "matrix.{field} is not in the plan's targets"
            );
        }
        for field in read_from_plan {
            assert!(plan.get(&field).is_some(), "the plan has no `{field}`");
        }
    }
}
