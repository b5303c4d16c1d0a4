//! The one retry loop of the upload: full-jitter backoff (the runtime's,
//! the crate's one backoff) on transient failures, a bounded number of
//! attempts.

use std::future::Future;
use std::time::Duration;

use super::error::UploadError;
use super::options::Retry;

/// The longest pause between two attempts, as the API's default policy.
const CAP: Duration = Duration::from_secs(20);

/// Runs `attempt` until it succeeds, fails for good, or `retry.attempts`
/// are spent. A failure is retried only if it is transient and `may_retry`
/// says the work can be redone (a consumed reader cannot). After more than
/// one attempt, the last error comes wrapped in [`UploadError::Exhausted`].
pub(super) async fn retrying<T, F, Fut>(
    retry: Retry,
    may_retry: bool,
    mut attempt: F,
) -> Result<T, UploadError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, UploadError>>,
{
    let mut made = 1;
    loop {
        match attempt().await {
            Ok(done) => return Ok(done),
            Err(e) if may_retry && e.is_transient() && made < retry.attempts => {
                let pause = crate::runtime::backoff::full_jitter(retry.backoff, CAP, made - 1);
                tokio::time::sleep(pause).await;
                made += 1;
            }
            Err(e) if made > 1 => {
                return Err(UploadError::Exhausted {
                    attempts: made,
                    last: Box::new(e),
                });
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(attempts: u32) -> Retry {
        Retry {
            attempts,
            backoff: Duration::from_millis(1),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn transient_failures_are_retried_then_exhausted() {
        let mut calls = 0;
        let result: Result<(), _> = runtime().block_on(retrying(retry(3), true, || {
            calls += 1;
            async { Err(UploadError::S3Transport("reset".into())) }
        }));
        assert_eq!(calls, 3);
        assert!(matches!(
            result,
            Err(UploadError::Exhausted { attempts: 3, .. })
        ));
    }

    #[test]
    fn a_lasting_failure_or_a_consumed_reader_is_not_retried() {
        let mut calls = 0;
        let result: Result<(), _> = runtime().block_on(retrying(retry(3), true, || {
            calls += 1;
            async { Err(UploadError::NoKey) }
        }));
        assert_eq!(calls, 1);
        assert!(matches!(result, Err(UploadError::NoKey)));
        let mut calls = 0;
        let _ = runtime().block_on(retrying::<(), _, _>(retry(3), false, || {
            calls += 1;
            async { Err(UploadError::S3Transport("reset".into())) }
        }));
        assert_eq!(calls, 1);
    }

    #[test]
    fn success_after_a_transient_failure() {
        let mut calls = 0;
        let result = runtime().block_on(retrying(retry(3), true, || {
            calls += 1;
            let n = calls;
            async move {
                if n == 1 {
                    Err(UploadError::S3Transport("reset".into()))
                } else {
                    Ok(n)
                }
            }
        }));
        assert_eq!(result.ok(), Some(2));
    }
}
