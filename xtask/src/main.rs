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
        /// API changes, classified as `diff` does), 0 if nothing did.
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
        #[arg(long, default_value_t = 9)]
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
        Command::Import { page, generate } => {
            let plan = import::plan_page(&page, &cli.openapi)?;
            if generate {
                let report = regenerate(&cli.openapi, &cli.krate, vec![plan])?;
                println!("{}", report[0]);
            } else {
                println!("{}", plan.apply()?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch {
            check,
            generate,
            base_url,
            timeout,
        } => {
            let timeout = timeout.map(std::time::Duration::from_secs);
            let fetched = xtask::fetch::plan(&cli.openapi, base_url.as_deref(), timeout)?;
            let moved = fetched.iter().any(|f| f.plan.changes());
            let (urls, mut plans): (Vec<_>, Vec<_>) =
                fetched.into_iter().map(|f| (f.url, f.plan)).unzip();
            if check {
                for (url, plan) in urls.iter().zip(&plans) {
                    println!("{url}:\n{}", plan.report);
                }
                if !moved {
                    return Ok(ExitCode::SUCCESS);
                }
                // What the move means for the API, as `cargo xtask diff` says it.
                let stored = pipeline::spec(&cli.openapi)?;
                let upstream = pipeline::spec_with(
                    &cli.openapi,
                    &mut plans,
                    &mut pipeline::Timings::default(),
                )?;
                let changes = diff::compare(&stored.value, &upstream.value);
                if changes.is_empty() {
                    println!("no change to the API itself");
                } else {
                    print!("API changes:\n{}", diff::text(&changes));
                }
                eprintln!(
                    "upstream changed: run `cargo xtask fetch --generate` and review the diff"
                );
                return Ok(ExitCode::FAILURE);
            }
            let reports = if generate {
                regenerate(&cli.openapi, &cli.krate, plans)?
            } else {
                plans
                    .into_iter()
                    .map(|p| p.apply())
                    .collect::<Result<_, _>>()?
            };
            for (url, report) in urls.iter().zip(reports) {
                println!("{url}:\n{report}");
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
            print_api_changes(&outputs);
            let written = write::files(&outputs)?;
            let generated: Vec<PathBuf> = outputs.iter().map(|o| o.path.clone()).collect();
            print_written(&generated, &written);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Applies import `plans` and regenerates the client in one pass; returns
/// the plans' reports.
fn regenerate(
    openapi: &Path,
    krate: &Path,
    plans: Vec<import::Plan>,
) -> xtask::Result<Vec<import::Report>> {
    let done =
        pipeline::import_and_generate(openapi, krate, plans, &mut pipeline::Timings::default())?;
    print_warnings(&done.warnings);
    print_api_changes(&done.outputs);
    let generated: Vec<PathBuf> = done.outputs.iter().map(|o| o.path.clone()).collect();
    let (reports, written) = done.commit()?;
    print_written(&generated, &written);
    Ok(reports)
}

/// What generating `outputs` changes in the API, against the committed spec.
fn print_api_changes(outputs: &[write::Output]) {
    let Some(spec) = outputs
        .iter()
        .find(|o| o.path.ends_with(pipeline::SPEC_FILE))
    else {
        return;
    };
    let Some(committed) = std::fs::read_to_string(&spec.path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
    else {
        return;
    };
    let fresh: serde_json::Value = serde_json::from_str(&spec.contents).unwrap_or_default();
    let changes = diff::compare(&committed, &fresh);
    if !changes.is_empty() {
        eprint!("API changes:\n{}", diff::text(&changes));
    }
}

/// Each generated file, and whether it was written or already up to date.
fn print_written(generated: &[PathBuf], written: &[PathBuf]) {
    for path in generated {
        let verb = if written.contains(path) {
            "wrote"
        } else {
            "unchanged"
        };
        eprintln!("{verb:>9} {}", path.display());
    }
}

fn print_warnings(warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}
