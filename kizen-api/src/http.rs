//! Building clients: sensible timeouts, a user agent, credentials from the
//! environment, and a separate HTTP client for S3 that carries no Kizen
//! credentials.

use std::time::Duration;

use crate::{BASE_URL, Client, Credentials, CredentialsError};

/// Sent with every request, to Kizen and to S3.
pub const USER_AGENT: &str = concat!("kizen-api/", env!("CARGO_PKG_VERSION"));
/// Overrides the API base in [`Client::from_env`].
pub const BASE_URL_VAR: &str = "KIZEN_BASE_URL";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-request limit for Kizen API calls (small JSON requests).
const API_TIMEOUT: Duration = Duration::from_secs(60);
/// S3 uploads may take long; what must not stall is each read.
const S3_READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error("invalid Kizen base URL `{0}`: expected http:// or https://")]
    BaseUrl(String),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl Client {
    /// A client for `base_url` (e.g. [`BASE_URL`]) with connect and request
    /// timeouts and a `kizen-api/<version>` user agent.
    pub fn with_credentials(base_url: &str, credentials: Credentials) -> Result<Self, ClientError> {
        let base_url = base_url.trim().trim_end_matches('/');
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ClientError::BaseUrl(base_url.to_string()));
        }
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(API_TIMEOUT)
            .build()?;
        Ok(Client::new_with_client(base_url, http, credentials))
    }

    /// A client from `KIZEN_BUSINESS_ID`, `KIZEN_USER_ID`, `KIZEN_API_KEY`
    /// and `KIZEN_BASE_URL` (default [`BASE_URL`]).
    pub fn from_env() -> Result<Self, ClientError> {
        let credentials = Credentials::from_env()?;
        let base_url = std::env::var(BASE_URL_VAR).unwrap_or_else(|_| BASE_URL.to_string());
        Self::with_credentials(&base_url, credentials)
    }
}

/// The HTTP client for S3: no default headers (so no Kizen credentials),
/// and no whole-request timeout, which would cap the size of an upload.
pub(crate) fn s3_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(S3_READ_TIMEOUT)
        .build()
}
