//! Uploads a file to Kizen in one call, with a progress bar.
//!
//! ```sh
//! export KIZEN_BUSINESS_ID=... KIZEN_USER_ID=... KIZEN_API_KEY=...   # KIZEN_BASE_URL optional
//! cargo run -p kizen-api --example upload -- FILE --source field_value [--content-type T] [--name N] [--public]
//! ```
//!
//! Prints the stored `S3Object` as JSON on stdout; on failure, one line on
//! stderr and a non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kizen_api::{Client, Source, UploadOptions};

#[derive(Debug, Parser)]
#[command(about = "Upload a file to Kizen (presigned POST -> S3 -> confirmation)")]
struct Args {
    /// The file to upload.
    file: PathBuf,
    /// What the file is for, e.g. field_value, record_import, public_image.
    #[arg(long, value_parser = parse_source)]
    source: Source,
    /// MIME type (guessed from the file name if omitted).
    #[arg(long)]
    content_type: Option<String>,
    /// Name shown in Kizen (the file name if omitted).
    #[arg(long)]
    name: Option<String>,
    /// Make the stored object public.
    #[arg(long)]
    public: bool,
}

fn parse_source(value: &str) -> Result<Source, String> {
    value.parse::<Source>().map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<String, Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let bar = ProgressBar::new(0).with_style(ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} [{bar:40}] {bytes_per_sec} eta {eta}",
    )?);
    let progress = bar.clone();
    let mut options = UploadOptions::new(args.source)
        .public(args.public)
        .on_progress(move |sent, total| {
            progress.set_length(total);
            progress.set_position(sent);
        });
    if let Some(content_type) = args.content_type {
        options = options.content_type(content_type);
    }
    if let Some(name) = args.name {
        options = options.name(name);
    }
    let result = client.upload_file(&args.file, options).await;
    bar.finish_and_clear();
    Ok(serde_json::to_string_pretty(&result?)?)
}
