//! At most N requests in flight per mailbox (Graph allows 4 concurrent requests per app and
//! mailbox and answers 429 beyond that; Gmail counts concurrent requests against a per-user
//! quota too), as a semaphore whose permits travel with the request
//! — into an attachment's stream until its last chunk — so the bound cannot be forgotten.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use tokio::sync::Semaphore;

/// The request budget of one mailbox. Clones share it: give every source built for the same
/// mailbox (a new one after each token refresh) the same limit — [`MailboxLimits`](crate::mail_limits::MailboxLimits)
/// keeps one per mailbox for an adapter's factory.
#[derive(Debug, Clone)]
pub struct MailboxLimit {
    shared: Arc<Shared>,
}

/// What every clone and every slot taken holds, so a budget lives as long as anything of it
/// is in use (an attachment still streaming after its source was dropped included).
#[derive(Debug)]
pub struct Shared {
    semaphore: Semaphore,
    max: usize,
    waiting: AtomicUsize,
}

impl MailboxLimit {
    /// A budget of `max` requests at once (at least 1).
    #[must_use]
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        let shared = Shared { semaphore: Semaphore::new(max), max, waiting: AtomicUsize::new(0) };
        Self { shared: Arc::new(shared) }
    }

    /// Requests allowed at once.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.shared.max
    }

    /// Requests in flight now (an attachment counts until its stream is dropped).
    pub fn in_flight(&self) -> usize {
        self.shared.max - self.shared.semaphore.available_permits()
    }

    /// Calls waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.shared.waiting.load(Ordering::SeqCst)
    }

    /// Whether `self` and `other` are the same budget.
    pub fn shares_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// A handle that does not keep the budget alive.
    pub fn downgrade(&self) -> Weak<Shared> {
        Arc::downgrade(&self.shared)
    }

    /// The budget behind `weak`, if anything of it is still in use.
    pub fn upgrade(weak: &Weak<Shared>) -> Option<Self> {
        weak.upgrade().map(|shared| Self { shared })
    }

    /// Waits for a slot.
    pub async fn acquire(&self) -> Permit {
        let _waiting = Waiting::enter(&self.shared.waiting);
        match self.shared.semaphore.acquire().await {
            Ok(permit) => {
                // Given back by `Permit`'s drop, which owns a handle on the budget instead of a
                // borrow, so the slot can travel into a stream.
                permit.forget();
                Permit(Some(Arc::clone(&self.shared)))
            }
            // Only if the semaphore were closed, which nothing here ever does.
            Err(_) => Permit(None),
        }
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
pub struct Permit(Option<Arc<Shared>>);

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(shared) = self.0.take() {
            shared.semaphore.add_permits(1);
        }
    }
}

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
        assert_eq!(MailboxLimit::new(0).shared.max, 1);
    }

    #[tokio::test]
    async fn a_slot_keeps_its_budget_alive() {
        let limit = MailboxLimit::new(1);
        let weak = limit.downgrade();
        let permit = limit.acquire().await;
        drop(limit);
        let again = MailboxLimit::upgrade(&weak);
        assert_eq!(again.as_ref().map(MailboxLimit::in_flight), Some(1));
        drop((again, permit));
        assert!(MailboxLimit::upgrade(&weak).is_none());
    }
}
