//! The MD5 of the bytes sent, computed beside the upload: S3's ETag is
//! checked against it before the upload is confirmed.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, ready};
use tokio_util::sync::PollSender;

use super::options::Progress;

/// Chunks the hasher may lag behind the upload before the upload waits.
const HASH_QUEUE: usize = 16;

/// What the stream has sent.
#[derive(Default)]
pub(super) struct Tap {
    pub(super) sent: u64,
    /// The source reached its end.
    pub(super) finished: bool,
}

/// Passes chunks through to the request body, counting them, reporting
/// progress, and handing each to a hasher thread: MD5 runs beside the
/// upload instead of between its writes. The queue is bounded, so memory
/// stays bounded if hashing is the slower of the two.
pub(super) struct Tapped<S> {
    pub(super) inner: S,
    pub(super) tap: Arc<Mutex<Tap>>,
    pub(super) hasher: Option<PollSender<Bytes>>,
    pub(super) total: u64,
    pub(super) progress: Option<Progress>,
}

/// Starts the hasher thread: the MD5 of every chunk it is sent, in order.
pub(super) fn md5_thread() -> (PollSender<Bytes>, tokio::task::JoinHandle<String>) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(HASH_QUEUE);
    let handle = tokio::task::spawn_blocking(move || {
        let mut md5 = md5::Context::new();
        while let Some(chunk) = rx.blocking_recv() {
            md5.consume(&chunk);
        }
        format!("{:x}", md5.finalize())
    });
    (PollSender::new(tx), handle)
}

impl<S> Stream for Tapped<S>
where
    S: Stream<Item = std::io::Result<Bytes>> + Unpin,
{
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Room in the hasher's queue first, so no chunk is read unhashed.
        if let Some(hasher) = &mut self.hasher
            && ready!(hasher.poll_reserve(cx)).is_err()
        {
            let gone = std::io::Error::other("the MD5 hasher stopped");
            return Poll::Ready(Some(Err(gone)));
        }
        let poll = Pin::new(&mut self.inner).poll_next(cx);
        match &poll {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(hasher) = &mut self.hasher {
                    // Reserved above; a send only fails if the hasher is gone,
                    // and then the digest is missing and the upload fails.
                    let _ = hasher.send_item(chunk.clone());
                }
                let sent = match self.tap.lock() {
                    Ok(mut tap) => {
                        tap.sent += chunk.len() as u64;
                        tap.sent
                    }
                    Err(_) => 0,
                };
                if let Some(progress) = &self.progress {
                    progress(sent, self.total);
                }
                if sent >= self.total {
                    // All declared bytes are out: the HTTP client need not
                    // poll for the end, so finish the digest now.
                    self.hasher = None;
                }
            }
            Poll::Ready(None) => {
                if let Ok(mut tap) = self.tap.lock() {
                    tap.finished = true;
                }
                // Closing the queue lets the hasher finish its digest.
                self.hasher = None;
            }
            _ => {
                if let Some(hasher) = &mut self.hasher {
                    hasher.abort_send();
                }
            }
        }
        poll
    }
}
