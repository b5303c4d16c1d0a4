//! Kizen API-key credentials: the three headers every request carries.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// `X-BUSINESS-ID`: the business (tenant) the request acts in.
pub const BUSINESS_ID_HEADER: HeaderName = HeaderName::from_static("x-business-id");
/// `X-USER-ID`: the user the API key belongs to.
pub const USER_ID_HEADER: HeaderName = HeaderName::from_static("x-user-id");
/// `X-API-KEY`: the secret.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The business id, for [`Credentials::from_env`].
pub const BUSINESS_ID_VAR: &str = "KIZEN_BUSINESS_ID";
/// The user id, for [`Credentials::from_env`].
pub const USER_ID_VAR: &str = "KIZEN_USER_ID";
/// The API key (a secret), for [`Credentials::from_env`].
pub const API_KEY_VAR: &str = "KIZEN_API_KEY";

/// The credentials a [`Client`](crate::Client) sends with every request.
///
/// The values are checked once, here, so sending can never fail on them;
/// they are stored as header values marked sensitive (HTTP/2 never indexes
/// them, and reqwest's own `Debug` hides them), and this type's `Debug`
/// prints none of them.
#[derive(Clone)]
pub struct Credentials {
    business_id: HeaderValue,
    user_id: HeaderValue,
    api_key: HeaderValue,
}

/// Why credentials were refused. Messages name the field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The named credential is empty (or only whitespace).
    #[error("Kizen credential `{0}` is empty")]
    Empty(&'static str),
    /// The named credential cannot be sent as a header (never shown: it
    /// may be the secret).
    #[error("Kizen credential `{0}` is not a valid HTTP header value (visible ASCII only)")]
    InvalidHeaderValue(&'static str),
    /// The named environment variable is not set.
    #[error("environment variable {0} is not set")]
    MissingVariable(&'static str),
    /// The named environment variable is not valid Unicode.
    #[error("environment variable {0} is not valid Unicode")]
    NotUnicode(&'static str),
}

impl Credentials {
    /// Credentials from explicit values (Kizen's UI shows all three under
    /// the API key settings).
    pub fn new(
        business_id: impl AsRef<str>,
        user_id: impl AsRef<str>,
        api_key: impl AsRef<str>,
    ) -> Result<Self, CredentialsError> {
        Ok(Self {
            business_id: header_value("business_id", business_id.as_ref())?,
            user_id: header_value("user_id", user_id.as_ref())?,
            api_key: header_value("api_key", api_key.as_ref())?,
        })
    }

    /// Credentials from `KIZEN_BUSINESS_ID`, `KIZEN_USER_ID` and
    /// `KIZEN_API_KEY`.
    pub fn from_env() -> Result<Self, CredentialsError> {
        let var = |name: &'static str| match std::env::var(name) {
            Ok(value) => Ok(value),
            Err(std::env::VarError::NotPresent) => Err(CredentialsError::MissingVariable(name)),
            Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::NotUnicode(name)),
        };
        Self::new(var(BUSINESS_ID_VAR)?, var(USER_ID_VAR)?, var(API_KEY_VAR)?)
    }

    /// The business id, as sent in `X-BUSINESS-ID`.
    pub fn business_id(&self) -> &str {
        // Built from a &str in `header_value`, so always visible ASCII.
        self.business_id.to_str().unwrap_or_default()
    }

    /// The user id, as sent in `X-USER-ID`.
    pub fn user_id(&self) -> &str {
        self.user_id.to_str().unwrap_or_default()
    }

    /// Sets the three headers on `headers`, replacing any present.
    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(BUSINESS_ID_HEADER, self.business_id.clone());
        headers.insert(USER_ID_HEADER, self.user_id.clone());
        headers.insert(API_KEY_HEADER, self.api_key.clone());
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("business_id", &"<redacted>")
            .field("user_id", &"<redacted>")
            .field("api_key", &"<redacted>")
            .finish()
    }
}

fn header_value(field: &'static str, value: &str) -> Result<HeaderValue, CredentialsError> {
    if value.trim().is_empty() {
        return Err(CredentialsError::Empty(field));
    }
    let mut header = HeaderValue::from_str(value.trim())
        .map_err(|_| CredentialsError::InvalidHeaderValue(field))?;
    if header.to_str().is_err() {
        return Err(CredentialsError::InvalidHeaderValue(field));
    }
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_credential() {
        let credentials = Credentials::new("biz-123", "user-456", "sk-very-secret").unwrap();
        let debug = format!("{credentials:?}");
        for secret in ["biz-123", "user-456", "sk-very-secret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        let client = crate::Client::new(crate::BASE_URL, credentials);
        let debug = format!("{client:?}");
        assert!(!debug.contains("sk-very-secret"), "{debug}");
    }

    #[test]
    fn headers_are_set_and_sensitive() {
        let credentials = Credentials::new(" biz ", "user", "key").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(API_KEY_HEADER, HeaderValue::from_static("stale"));
        credentials.apply(&mut headers);
        assert_eq!(headers.len(), 3);
        assert_eq!(headers[&BUSINESS_ID_HEADER], "biz");
        assert_eq!(headers[&API_KEY_HEADER], "key");
        assert!(headers.values().all(HeaderValue::is_sensitive));
        assert_eq!(credentials.business_id(), "biz");
        assert_eq!(credentials.user_id(), "user");
    }

    #[test]
    fn bad_values_are_refused_without_echoing_them() {
        assert_eq!(
            Credentials::new("", "u", "k").unwrap_err(),
            CredentialsError::Empty("business_id")
        );
        let err = Credentials::new("b", "u", "line\nbreak").unwrap_err();
        assert_eq!(err, CredentialsError::InvalidHeaderValue("api_key"));
        assert!(!err.to_string().contains("line"));
        let err = Credentials::new("b", "ünï", "k").unwrap_err();
        assert_eq!(err, CredentialsError::InvalidHeaderValue("user_id"));
    }
}
