//! Building clients: a retry policy and timeouts ([`ClientBuilder`]), a
//! user agent, credentials from the environment, and a separate HTTP client
//! for S3 that carries no Kizen credentials.

use std::sync::Arc;
#[cfg(feature = "upload")]
use std::time::Duration;

use crate::{BASE_URL, Client, Context, Credentials, CredentialsError, RetryPolicy, Tap, Timeouts};

/// Sent with every request, to Kizen and to S3.
pub const USER_AGENT: &str = concat!("kizen-api/", env!("CARGO_PKG_VERSION"));
/// Overrides the API base in [`Client::from_env`].
pub const BASE_URL_VAR: &str = "KIZEN_BASE_URL";

/// The S3 client's connect limit, as the API's default.
#[cfg(feature = "upload")]
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// S3 uploads may take long; what must not stall is each read.
#[cfg(feature = "upload")]
const S3_READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The credentials are missing or invalid.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The base URL is not an `http://` or `https://` URL.
    #[error("invalid Kizen base URL `{0}`: expected http:// or https://")]
    BaseUrl(String),
    /// The OS trust store could not be read for TLS.
    #[cfg(feature = "rustls")]
    #[error("cannot set up TLS with the platform's certificate verifier: {0}")]
    Tls(#[from] rustls::Error),
    /// reqwest refused the configuration.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A `reqwest` builder with the crate's TLS set-up: with the `rustls`
/// feature (the default), rustls on the `ring` provider and the platform's
/// certificate verifier, given to this builder alone (no process-wide
/// provider is installed, so a user's own rustls set-up is not affected);
/// otherwise reqwest's own (`native-tls`).
pub fn client_builder() -> Result<reqwest::ClientBuilder, ClientError> {
    let builder = reqwest::Client::builder().user_agent(USER_AGENT);
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_preconfigured(tls::config()?);
    Ok(builder)
}

/// What progenitor's generated `Client::new` builds with (the pipeline
/// points it here): [`client_builder`], or, if the platform verifier cannot
/// be set up, a builder whose `build()` fails. `Client::new` panics on that,
/// as it does on any build failure; [`Client::with_credentials`] returns it.
#[doc(hidden)]
pub fn generated_client_builder() -> reqwest::ClientBuilder {
    match client_builder() {
        Ok(builder) => builder,
        // An unknown preconfigured backend makes `build()` return an error
        // instead of falling back to a TLS set-up nobody chose.
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        Err(_) => reqwest::Client::builder().tls_backend_preconfigured(()),
        // Without TLS the builder cannot fail: plain HTTP only.
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        Err(_) => reqwest::Client::builder(),
    }
}

#[cfg(feature = "rustls")]
mod tls {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    /// TLS 1.2 and 1.3 on `ring`, verified against the OS trust store,
    /// offering HTTP/1.1 (and h2 with the `http2` feature) by ALPN.
    pub(super) fn config() -> Result<rustls::ClientConfig, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_platform_verifier()?
            .with_no_client_auth();
        config.alpn_protocols = if cfg!(feature = "http2") {
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        } else {
            vec![b"http/1.1".to_vec()]
        };
        Ok(config)
    }
}

impl Client {
    /// A client for `base_url` (e.g. [`BASE_URL`]) with the default retry
    /// policy and timeouts (see [`RetryPolicy`] and [`Timeouts`]) and a
    /// `kizen-api/<version>` user agent.
    pub fn with_credentials(base_url: &str, credentials: Credentials) -> Result<Self, ClientError> {
        Client::builder(base_url, credentials).build()
    }

    /// A client for `base_url` whose retry policy and timeouts can be set:
    ///
    /// ```
    /// use std::time::Duration;
    /// use kizen_api::{BASE_URL, Client, Credentials, RetryPolicy, Timeouts};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::builder(BASE_URL, Credentials::new("business", "user", "key")?)
    ///     .retry(RetryPolicy::default().attempts(5))
    ///     .timeouts(Timeouts::default().call(Duration::from_secs(120)))
    ///     .build()?;
    /// assert_eq!(client.context().retry_policy().max_attempts(), 5);
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder(base_url: &str, credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_string(),
            credentials,
            policy: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            tap: None,
        }
    }

    /// What the client sends with and how: its credentials, retry policy,
    /// timeouts and retry budget.
    pub fn context(&self) -> &Context {
        &self.inner
    }

    /// A client from `KIZEN_BUSINESS_ID`, `KIZEN_USER_ID`, `KIZEN_API_KEY`
    /// and `KIZEN_BASE_URL` (default [`BASE_URL`]).
    pub fn from_env() -> Result<Self, ClientError> {
        let credentials = Credentials::from_env()?;
        let base_url = std::env::var(BASE_URL_VAR).unwrap_or_else(|_| BASE_URL.to_string());
        Self::with_credentials(&base_url, credentials)
    }
}

/// Builds a [`Client`]: [`Client::builder`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    policy: RetryPolicy,
    timeouts: Timeouts,
    tap: Option<Arc<dyn Tap>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("policy", &self.policy)
            .field("timeouts", &self.timeouts)
            .field("tapped", &self.tap.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// How failed calls are retried ([`RetryPolicy::none`] for never).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The connect, attempt and call limits.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// A [`Tap`] that sees each attempt's request and answer (and may hold
    /// the request: a dry run).
    pub fn tap(mut self, tap: impl Tap) -> Self {
        self.tap = Some(Arc::new(tap));
        self
    }

    /// The client, with its own connection pool and a full retry budget.
    pub fn build(self) -> Result<Client, ClientError> {
        let base_url = self.base_url.trim().trim_end_matches('/');
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ClientError::BaseUrl(base_url.to_string()));
        }
        // The attempt's limit is the client's own, so that the runtime sets
        // one on a request only when the call's deadline is nearer (and a
        // request sent around the runtime is limited too); the connect
        // limit can only be the client's.
        let http = client_builder()?
            .connect_timeout(self.timeouts.connect_limit())
            .timeout(self.timeouts.attempt_limit())
            .build()?;
        let context =
            Context::for_client(self.credentials, self.policy, self.timeouts, true, self.tap);
        Ok(Client::new_with_client(base_url, http, context))
    }
}

/// The HTTP client for S3: no default headers (so no Kizen credentials),
/// and no whole-request timeout, which would cap the size of an upload.
#[cfg(feature = "upload")]
pub(crate) fn s3_client() -> Result<reqwest::Client, ClientError> {
    Ok(client_builder()?
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(S3_READ_TIMEOUT)
        .build()?)
}
