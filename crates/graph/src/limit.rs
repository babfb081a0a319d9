//! At most N requests in flight per mailbox (Graph allows 4 concurrent requests per app and
//! mailbox and answers 429 beyond that), as a semaphore whose permits travel with the request
//! — into an attachment's stream until its last chunk — so the bound cannot be forgotten.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The request budget of one mailbox. Clones share it: give every source built for the same
/// mailbox (a new one after each token refresh) the same limit.
#[derive(Debug, Clone)]
pub struct MailboxLimit {
    semaphore: Arc<Semaphore>,
    max: usize,
    waiting: Arc<AtomicUsize>,
}

impl MailboxLimit {
    /// A budget of `max` requests at once (at least 1).
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self { semaphore: Arc::new(Semaphore::new(max)), max, waiting: Arc::default() }
    }

    /// Requests in flight now (an attachment counts until its stream is dropped).
    pub fn in_flight(&self) -> usize {
        self.max - self.semaphore.available_permits()
    }

    /// Calls waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Waits for a slot.
    pub(crate) async fn acquire(&self) -> Permit {
        let _waiting = Waiting::enter(&self.waiting);
        Permit(Arc::clone(&self.semaphore).acquire_owned().await.ok())
    }
}

/// Counts a caller as waiting until it has its slot or gives up (its future dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One slot of a [`MailboxLimit`], given back when dropped.
#[derive(Debug)]
pub(crate) struct Permit(
    // `None` only if the semaphore were closed, which this crate never does.
    #[expect(dead_code, reason = "held for its drop")] Option<OwnedSemaphorePermit>,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_are_counted_and_given_back() {
        let limit = MailboxLimit::new(2);
        let a = limit.acquire().await;
        let _b = limit.clone().acquire().await;
        assert_eq!((limit.in_flight(), limit.waiting()), (2, 0));
        drop(a);
        assert_eq!(limit.in_flight(), 1);
        assert_eq!(MailboxLimit::new(0).max, 1);
    }
}
