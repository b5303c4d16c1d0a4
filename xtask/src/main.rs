//! `cargo xtask`: the Kizen SDK pipeline's command line. Parsing and
//! dispatch only: each command is a file of `xtask::cmd`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use xtask::cmd::{self, Folders};
use xtask::reports::diff::Level;

/// The Kizen SDK pipeline: vendor pages -> openapi/ -> kizen-api.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    /// Folder of stored vendor documents, manifest and overlay.
    #[arg(long, global = true, value_name = "DIR", default_value_os_t = root().join("openapi"))]
    openapi: PathBuf,

    /// The generated client crate.
    #[arg(long = "crate", global = true, value_name = "DIR", default_value_os_t = root().join("kizen-api"))]
    krate: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Store each OpenAPI document of a vendor reference page (markdown with
    /// one ```json block per endpoint) under --openapi, one file per endpoint,
    /// and record its page and sha256 in the manifest. Prints what was added,
    /// changed or removed; re-importing an unchanged page changes nothing.
    Import {
        /// The vendor page, e.g. a saved copy of the S3 reference page.
        page: PathBuf,
        /// Then regenerate the client, in the same pass (see `generate`);
        /// on any error nothing at all is written.
        #[arg(long)]
        generate: bool,
    },
    /// Download the vendor pages listed in <openapi>/sources.toml and store
    /// their documents as `import` does. Every page must arrive and parse
    /// before anything is written.
    Fetch {
        /// Write nothing; exit 1 with what changed upstream (files, then the
        /// API changes, classified as `diff` does), 0 if nothing did, 2 on
        /// an error. A listed page never imported is reported apart: not drift.
        #[arg(long, conflicts_with = "generate")]
        check: bool,
        /// Then regenerate the client, in the same pass (see `generate`);
        /// on any error nothing at all is written.
        #[arg(long)]
        generate: bool,
        /// Replace each page URL's scheme and host, e.g. http://127.0.0.1:8080.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Per-request timeout in seconds (default 30).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<u64>,
    },
    /// Every change between two specs, classified breaking / warning /
    /// compatible. OLD and NEW are each a spec file, a vendor page (.md), a
    /// folder of stored documents, or a git revision of openapi/ (HEAD~1).
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 when a change of this level (or worse) is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Print (or write) the merged spec: the stored documents repaired,
    /// merged, overlaid and validated, without generating code.
    Merge {
        /// Write the spec to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Run the whole pipeline and write <crate>/openapi.json and
    /// <crate>/src/generated.rs (atomically; nothing is written on error).
    Generate {
        /// Write nothing; exit 1 naming each stale file with a diff, or when a
        /// stored document no longer matches its manifest hash.
        #[arg(long)]
        check: bool,
    },
    /// Time the whole pipeline on large APIs split into one document per
    /// operation (import included) against bare progenitor generation on
    /// the single spec, side by side: nexus (193 operations, one page) and
    /// authentik (1192, a page per area); on authentik, `generate` as a
    /// process from the dev and release builds, with peak memory. Build
    /// with optimizations for real figures: `cargo xtask-release bench`.
    Bench {
        /// Which APIs.
        #[arg(long, value_enum, default_value_t = BenchApi::All)]
        api: BenchApi,
        /// Rounds; medians are reported.
        #[arg(long, default_value_t = 9)]
        rounds: usize,
        /// Skip the dev/release `generate` processes on authentik.
        #[arg(long)]
        no_profiles: bool,
    },
    /// Record the crate's current version as released: the committed spec
    /// becomes <crate>/released.json, the manifest's
    /// [package.metadata.release] version the current one, and the
    /// changelog's Unreleased entry that version's. Refused when the
    /// generated files are stale or the version breaks a promise.
    Release,
    /// The release's plan and its `kizen` archives (what cargo-dist does
    /// for oxide.rs), run by `.github/workflows/release.yml`.
    Dist {
        #[command(subcommand)]
        command: Dist,
    },
    /// Check that the crate's version carries the bump its public Rust API
    /// needs since the last release: the released and the committed spec
    /// generated into a scratch crate (target/rust-api), documented as
    /// rustdoc JSON and compared item by item. Names the item that decides.
    SemverCheck,
    /// What depending on kizen-api costs: cold debug builds of a downstream
    /// crate (with and without the `upload` feature) against a floor crate
    /// holding only what a progenitor client needs, side by side; prints
    /// times, crates compiled and ratios. Needs crates.io (or a warm cache).
    BuildTime {
        /// Rounds; medians are reported.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
    },
    /// What the area features save on a whole API: authentik's spec split
    /// into a page per area and generated, then a debug build and a `cargo
    /// check` of the crate alone with every area, with one mid-sized area,
    /// and of authentik's own openapi-generator client, side by side, with
    /// the compiler's peak memory. Needs crates.io (or a warm cache).
    BuildTimeAreas {
        /// Rounds; medians are reported.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// A checkout of https://github.com/goauthentik/client-rust, the
        /// peer to compare with; without it, only our crate is measured.
        #[arg(long, value_name = "DIR")]
        peer: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum Dist {
    /// Print the release as JSON: the tag, the crates in publishing order,
    /// one archive per target (the build matrix), and every reason the tree
    /// cannot be released (versions, tag, the recorded release, the
    /// changelog entry). With --tag, exit 1 when there is one.
    Plan {
        /// The tag being released (`v0.2.0`).
        #[arg(long)]
        tag: Option<String>,
        /// Write the release's notes (the changelog's entry) to FILE.
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
    },
    /// Pack `kizen` for one target: `kizen-cli-<target>.tar.gz` (`.zip` on
    /// Windows) and its `.sha256`, with the README and license texts.
    Build {
        /// The Rust target triple.
        #[arg(long)]
        target: String,
        /// A `kizen` already built for the target; without it, `cargo build
        /// --release --locked -p kizen-cli --target <TARGET>` builds one.
        #[arg(long, value_name = "FILE")]
        binary: Option<PathBuf>,
        /// Where the archive and its checksum go.
        #[arg(long, value_name = "DIR", default_value_os_t = root().join("target/dist"))]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BenchApi {
    All,
    Nexus,
    Authentik,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
}

/// The workspace root, so that `cargo xtask` works from any folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let folders = Folders {
        openapi: cli.openapi,
        krate: cli.krate,
    };
    let result = match cli.command {
        Command::Import { page, generate } => cmd::import::run(&folders, &page, generate),
        Command::Fetch {
            check,
            generate,
            base_url,
            timeout,
        } => {
            let options = cmd::fetch::Options {
                check,
                generate,
                base_url,
                timeout: timeout.map(std::time::Duration::from_secs),
            };
            cmd::fetch::run(&folders, &options)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => {
            let format = match format {
                Format::Text => cmd::diff::Format::Text,
                Format::Json => cmd::diff::Format::Json,
                Format::Markdown => cmd::diff::Format::Markdown,
            };
            let fail_on = fail_on.map(|level| match level {
                FailOn::Breaking => Level::Breaking,
                FailOn::Warning => Level::Warning,
            });
            cmd::diff::run(&folders, &old, &new, format, fail_on)
        }
        Command::Merge { output } => cmd::merge::run(&folders, output.as_deref()),
        Command::Generate { check } => cmd::generate::run(&folders, check),
        Command::Bench {
            api,
            rounds,
            no_profiles,
        } => cmd::bench::main(
            &root(),
            matches!(api, BenchApi::All | BenchApi::Nexus),
            matches!(api, BenchApi::All | BenchApi::Authentik),
            rounds,
            !no_profiles,
        ),
        Command::Release => cmd::release::run(&folders),
        Command::Dist { command } => match command {
            Dist::Plan { tag, notes } => {
                cmd::dist::plan(&folders, &root(), &cmd::dist::PlanOptions { tag, notes })
            }
            Dist::Build {
                target,
                binary,
                out,
            } => cmd::dist::build(
                &root(),
                &cmd::dist::BuildOptions {
                    target,
                    binary,
                    out,
                },
            ),
        },
        Command::SemverCheck => cmd::semver::run(&folders, &root()),
        Command::BuildTimeAreas { rounds, peer } => {
            let options = cmd::area_build_time::Options { rounds, peer };
            cmd::area_build_time::run(&root(), &options).map(|report| {
                print!("{report}");
                ExitCode::SUCCESS
            })
        }
        Command::BuildTime { rounds } => cmd::build_time::run(&root(), rounds).map(|report| {
            print!("{report}");
            ExitCode::SUCCESS
        }),
    };
    // 2, not 1: `fetch --check`, `diff --fail-on` and `generate --check`
    // exit 1 for "it differs", and a job must tell that from "it failed".
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}
