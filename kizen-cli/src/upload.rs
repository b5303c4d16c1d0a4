//! `kizen upload FILE --source SOURCE`: the whole upload (presigned POST,
//! S3, confirmation) as `Client::upload_file` does it, with a progress bar
//! on a terminal, printing the stored object as JSON.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use kizen_api::{Client, Source, UploadError, UploadOptions};

use crate::call::{Call, CallError};

/// The `upload` command.
pub fn command() -> clap::Command {
    clap::Command::new("upload")
        .about("Upload a file: presigned POST, S3, confirmation; prints the stored object")
        .arg(
            clap::Arg::new("file")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The file to upload"),
        )
        .arg(
            clap::Arg::new("source")
                .long("source")
                .required(true)
                .value_parser(|value: &str| value.parse::<Source>().map_err(|e| e.to_string()))
                .help("What the file is for, e.g. field_value, record_import, public_image"),
        )
        .arg(
            clap::Arg::new("content-type")
                .long("content-type")
                .help("Its MIME type (guessed from the file name if omitted)"),
        )
        .arg(
            clap::Arg::new("name")
                .long("name")
                .help("The name shown in Kizen (the file name if omitted)"),
        )
        .arg(
            clap::Arg::new("public")
                .long("public")
                .action(clap::ArgAction::SetTrue)
                .help("Make the stored object public"),
        )
}

/// Runs the upload of `matches` on `client`.
pub async fn run(
    client: &Client,
    matches: &clap::ArgMatches,
    call: &Call,
) -> Result<(), CallError> {
    let (Some(file), Some(source)) = (
        matches.get_one::<PathBuf>("file"),
        matches.get_one::<Source>("source"),
    ) else {
        return Err(CallError::Usage("upload needs FILE and --source".into()));
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} [{bar:40}] {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let mut options = UploadOptions::new(source.clone()).public(matches.get_flag("public"));
    if let Some(bar) = &bar {
        let bar = bar.clone();
        options = options.on_progress(move |sent, total| {
            bar.set_length(total);
            bar.set_position(sent);
        });
    }
    if let Some(content_type) = matches.get_one::<String>("content-type") {
        options = options.content_type(content_type.clone());
    }
    if let Some(name) = matches.get_one::<String>("name") {
        options = options.name(name.clone());
    }
    let result = client.upload_file(file, options).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let object = result.map_err(|e| failed(&e))?;
    let value = serde_json::to_value(&object)
        .map_err(|e| CallError::Transport(format!("cannot print the stored object: {e}")))?;
    call.print(&value)
}

/// The exit an upload error calls for: 4 or 5 for an answer's status, 2 for
/// a file that cannot be uploaded, 1 otherwise.
fn failed(error: &UploadError) -> CallError {
    let message = crate::call::chain(error);
    match error {
        UploadError::Exhausted { last, .. } => failed(last),
        UploadError::Api { status, .. } | UploadError::S3 { status, .. } => {
            eprintln!("error: {message}");
            CallError::Status { status: *status }
        }
        UploadError::Rejected { .. } => {
            eprintln!("error: {message}");
            CallError::Status { status: 400 }
        }
        UploadError::Read { .. } | UploadError::NotAFile(_) | UploadError::TooLarge { .. } => {
            CallError::Usage(message)
        }
        _ => CallError::Transport(message),
    }
}
