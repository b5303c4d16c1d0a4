//! `kizen`: the Kizen API from a terminal. One command per operation,
//! generated from the same spec as the client (`kizen <area> <operation>`,
//! `src/generated.rs`), calling the client itself: credentials, retries and
//! timeouts are the client's.
//!
//! Exit codes: 0 success, 1 network or credential error, 2 usage error
//! (nothing sent), 4 a 4xx answer, 5 a 5xx answer.

mod call;
#[rustfmt::skip] // prettyplease formats it; rustfmt would only churn the diff
mod generated;
mod profile;
mod upload;
mod wire;

use std::process::ExitCode;

use kizen_api::credentials::{API_KEY_VAR, BUSINESS_ID_VAR, USER_ID_VAR};
use kizen_api::http::BASE_URL_VAR;
use kizen_api::{BASE_URL, Client, Credentials};

use call::{Call, Outcome};
use wire::Wire;

/// The command tree: the global flags, the generated areas, and the
/// hand-written commands.
fn cli() -> clap::Command {
    clap::Command::new("kizen")
        .version(version())
        .about("The Kizen CRM API from a terminal: one command per operation.")
        .after_help(
            "Credentials: KIZEN_BUSINESS_ID, KIZEN_USER_ID and KIZEN_API_KEY \
             (KIZEN_BASE_URL: another server).\n\
             Exit codes: 0 success, 1 network or credential error, 2 usage error, \
             4 a 4xx answer, 5 a 5xx answer.",
        )
        .subcommand_required(true)
        .arg(
            clap::Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(clap::ArgAction::SetTrue)
                .help("Print the request as a curl command (the API key as $KIZEN_API_KEY); send nothing"),
        )
        .arg(
            clap::Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(clap::ArgAction::SetTrue)
                .help("Show each request's and answer's status line and headers on stderr (the API key redacted), retries included"),
        )
        .arg(
            clap::Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("Credentials from the profile NAME (see `kizen profile save`) instead of the KIZEN_* variables"),
        )
        .subcommands(generated::commands())
        .subcommand(upload::command())
        .subcommand(
            clap::Command::new("profile")
                .about("Named credentials, in a file only its owner can read")
                .subcommand_required(true)
                .subcommand(
                    clap::Command::new("save")
                        .about("Save the KIZEN_* variables as the profile NAME (the file is written with mode 0600)")
                        .arg(clap::Arg::new("name").required(true)),
                ),
        )
        .subcommand(
            clap::Command::new("completions")
                .about("Print the completions of a shell")
                .arg(
                    clap::Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
}

/// The crate's version and the vendor's API version (its build metadata).
fn version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    match version.split_once('+') {
        Some((_, api)) => format!("{version} (kizen-cli; Kizen API {api})"),
        None => format!("{version} (kizen-cli)"),
    }
}

fn main() -> ExitCode {
    let matches = match cli().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let Some((area, area_matches)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    if area == "completions" {
        if let Some(shell) = area_matches.get_one::<clap_complete::Shell>("shell") {
            clap_complete::generate(*shell, &mut cli(), "kizen", &mut std::io::stdout());
        }
        return ExitCode::SUCCESS;
    }
    if area == "profile" {
        return save_profile(area_matches);
    }
    let wire = Wire {
        dry_run: matches.get_flag("dry-run"),
        verbose: matches.get_flag("verbose"),
    };
    let client = match client(matches.get_one::<String>("profile"), wire) {
        Ok(client) => client,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let call = Call::for_stdout(kizen_api::runtime::tap::NOT_SENT);
    let result = if area == "upload" {
        runtime
            .block_on(upload::run(&client, area_matches, &call))
            .map(|()| Outcome::Printed)
    } else {
        let Some((operation, operation_matches)) = area_matches.subcommand() else {
            return ExitCode::from(2);
        };
        runtime.block_on(generated::run(
            &client,
            area,
            operation,
            operation_matches,
            &call,
        ))
    };
    match result {
        Ok(Outcome::Printed | Outcome::NoContent | Outcome::NotSent) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}

/// The client, from the profile `profile` or the environment; every
/// missing variable is named, and nothing is sent without them.
fn client(profile: Option<&String>, wire: Wire) -> Result<Client, String> {
    let (credentials, base_url) = match profile {
        Some(name) => {
            let profile = profile::read(name)?;
            let credentials =
                Credentials::new(&profile.business_id, &profile.user_id, &profile.api_key)
                    .map_err(|e| format!("profile `{name}`: {e}"))?;
            (credentials, profile.base_url)
        }
        None => (from_env()?, std::env::var(BASE_URL_VAR).ok()),
    };
    let base_url = base_url.unwrap_or_else(|| BASE_URL.to_string());
    let mut builder = Client::builder(&base_url, credentials);
    if wire.dry_run || wire.verbose {
        builder = builder.tap(wire);
    }
    builder.build().map_err(|e| call::chain(&e))
}

/// The credentials of the `KIZEN_*` variables, naming every one missing.
fn from_env() -> Result<Credentials, String> {
    let missing: Vec<&str> = [BUSINESS_ID_VAR, USER_ID_VAR, API_KEY_VAR]
        .into_iter()
        .filter(|var| std::env::var(var).map_or(true, |v| v.trim().is_empty()))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing credentials: set {} or use --profile (nothing was sent)",
            missing.join(", ")
        ));
    }
    Credentials::from_env().map_err(|e| e.to_string())
}

/// `kizen profile save NAME`.
fn save_profile(matches: &clap::ArgMatches) -> ExitCode {
    let Some(("save", save)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    let Some(name) = save.get_one::<String>("name") else {
        return ExitCode::from(2);
    };
    let saved = from_env().and_then(|credentials| {
        let key = std::env::var(API_KEY_VAR).unwrap_or_default();
        profile::save(
            name,
            profile::Profile {
                business_id: credentials.business_id().to_string(),
                user_id: credentials.user_id().to_string(),
                api_key: key.trim().to_string(),
                base_url: std::env::var(BASE_URL_VAR).ok(),
            },
        )
    });
    match saved {
        Ok(path) => {
            eprintln!("saved profile `{name}` in {} (mode 0600)", path.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}
