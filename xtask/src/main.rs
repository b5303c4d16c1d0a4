//! `cargo xtask`: the Kizen SDK pipeline's command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::manifest::Manifest;
use xtask::{Warning, diff, import, json, pipeline, write};

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
    },
    /// Download the vendor pages listed in <openapi>/sources.toml and store
    /// their documents as `import` does. Every page must arrive and parse
    /// before anything is written.
    Fetch {
        /// Write nothing; exit 1 with what changed upstream, 0 if nothing did.
        #[arg(long)]
        check: bool,
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
    /// Time the whole pipeline on a large API split into one document per
    /// operation (import included) against bare progenitor generation on
    /// the original spec, side by side. Build with optimizations for real
    /// figures: `cargo xtask-release bench`.
    Bench {
        /// A vendor-style page of the split spec.
        #[arg(long, default_value_os_t = root().join("xtask/bench/nexus.md"))]
        page: PathBuf,
        /// The original single spec.
        #[arg(long, default_value_os_t = root().join("xtask/bench/nexus.json"))]
        spec: PathBuf,
        /// Rounds; medians are reported.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
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
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> xtask::Result<ExitCode> {
    match cli.command {
        Command::Import { page } => {
            let report = import::page(&page, &cli.openapi)?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch {
            check,
            base_url,
            timeout,
        } => {
            let timeout = timeout.map(std::time::Duration::from_secs);
            let fetched = xtask::fetch::plan(&cli.openapi, base_url.as_deref(), timeout)?;
            let moved = fetched.iter().any(|f| f.plan.changes());
            for page in fetched {
                println!("{}:", page.url);
                if check {
                    println!("{}", page.plan.report);
                } else {
                    println!("{}", page.plan.apply()?);
                }
            }
            if check && moved {
                eprintln!("upstream changed: run `cargo xtask fetch`, then `cargo xtask generate`");
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => {
            let changes = diff::compare(
                &diff::side(&old, &cli.openapi)?,
                &diff::side(&new, &cli.openapi)?,
            );
            match format {
                Format::Text => print!("{}", diff::text(&changes)),
                Format::Markdown => print!("{}", diff::markdown(&changes)),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&changes).unwrap_or_default()
                ),
            }
            let worst = match fail_on {
                Some(FailOn::Breaking) => Some(diff::Level::Breaking),
                Some(FailOn::Warning) => Some(diff::Level::Warning),
                None => None,
            };
            let fail = worst.is_some_and(|w| changes.iter().any(|c| c.level <= w));
            Ok(if fail {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Merge { output } => {
            let spec = pipeline::spec(&cli.openapi)?;
            print_warnings(&spec.warnings);
            let text = json::pretty(&spec.value);
            match output {
                Some(path) => {
                    write::files(&[write::Output {
                        path: path.clone(),
                        contents: text,
                    }])?;
                    eprintln!("wrote {}", path.display());
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { page, spec, rounds } => {
            print!("{}", xtask::bench::run(&page, &spec, rounds)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { check } => {
            let (outputs, warnings) = pipeline::outputs(&cli.openapi, &cli.krate)?;
            print_warnings(&warnings);
            let problems = Manifest::load(&cli.openapi)?.verify(&cli.openapi)?;
            if check {
                let stale = write::stale(&outputs);
                for problem in &problems {
                    eprintln!("error: {problem}");
                }
                for file in &stale {
                    eprintln!("stale: {}", file.path.display());
                    println!("{}", file.diff);
                }
                if problems.is_empty() && stale.is_empty() {
                    eprintln!("up to date: {} files", outputs.len());
                    return Ok(ExitCode::SUCCESS);
                }
                if !stale.is_empty() {
                    eprintln!("run `cargo xtask generate` and review the diff");
                }
                return Ok(ExitCode::FAILURE);
            }
            for problem in &problems {
                eprintln!("warning: {problem}");
            }
            // What this generation changes in the API, against the committed spec.
            if let Some(committed) = std::fs::read_to_string(&outputs[0].path)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
            {
                let fresh: serde_json::Value =
                    serde_json::from_str(&outputs[0].contents).unwrap_or_default();
                let changes = diff::compare(&committed, &fresh);
                if !changes.is_empty() {
                    eprint!("API changes:\n{}", diff::text(&changes));
                }
            }
            let written = write::files(&outputs)?;
            for output in &outputs {
                let verb = if written.contains(&output.path) {
                    "wrote"
                } else {
                    "unchanged"
                };
                eprintln!("{verb:>9} {}", output.path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_warnings(warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}
