//! How long to wait before a retry: the server's `Retry-After`, or full
//! jitter. The crate's one backoff: the API calls and the upload's S3
//! retries both use it.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The pause before retry `retry` (0 for the first): a random duration
/// between zero and `min(cap, base * 2^retry)` ("full jitter", which
/// spreads the retries of many clients failing at once).
pub fn full_jitter(base: Duration, cap: Duration, retry: u32) -> Duration {
    let ceiling = base
        .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
        .unwrap_or(cap)
        .min(cap);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// The wait a response's `Retry-After` asks for, in either form:
/// delta-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`,
/// and the two obsolete forms RFC 9110 says to accept). A date in the past
/// is no wait; a value that is neither form is ignored.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP-date (RFC 9110, 5.6.7): IMF-fixdate, RFC 850, or asctime.
fn http_date(value: &str) -> Option<SystemTime> {
    use chrono::NaiveDateTime;
    let parsed = chrono::DateTime::parse_from_rfc2822(value)
        .map(|d| d.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(value, "%A, %d-%b-%y %H:%M:%S GMT").ok())
        .or_else(|| NaiveDateTime::parse_from_str(value, "%a %b %e %H:%M:%S %Y").ok())?;
    let seconds = u64::try_from(parsed.and_utc().timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn full_jitter_stays_under_its_ceiling() {
        let (base, cap) = (Duration::from_millis(100), Duration::from_secs(1));
        for retry in 0..40 {
            let ceiling = (base * 2u32.saturating_pow(retry.min(20))).min(cap);
            for _ in 0..50 {
                assert!(full_jitter(base, cap, retry) <= ceiling);
            }
        }
        // Random, not a constant: 200 draws are not all equal.
        let draws: std::collections::BTreeSet<Duration> =
            (0..200).map(|_| full_jitter(base, cap, 3)).collect();
        assert!(draws.len() > 100, "{}", draws.len());
    }

    #[test]
    fn retry_after_in_seconds_and_as_each_http_date() {
        // 1994-11-06 08:49:37 UTC, RFC 9110's example.
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let before = at - Duration::from_secs(30);
        assert_eq!(
            retry_after(&headers("120"), before),
            Some(Duration::from_secs(120))
        );
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            let mut map = HeaderMap::new();
            map.insert(
                RETRY_AFTER,
                HeaderValue::from_str(date).unwrap_or_else(|e| panic!("{e}")),
            );
            assert_eq!(
                retry_after(&map, before),
                Some(Duration::from_secs(30)),
                "{date}"
            );
            // A date already past: no wait.
            assert_eq!(
                retry_after(&map, at + Duration::from_secs(5)),
                Some(Duration::ZERO)
            );
        }
        assert_eq!(retry_after(&headers("soon"), before), None);
        assert_eq!(retry_after(&headers("-1"), before), None);
        assert_eq!(retry_after(&HeaderMap::new(), before), None);
    }
}
