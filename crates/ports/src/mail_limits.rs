//! The budgets of the mailboxes in use, by mailbox key, so every source built for one mailbox
//! (by several jobs, or again after a token refresh) shares one [`MailboxLimit`]. Entries hold
//! no budget alive: a budget lives while a source or a request of it does, and the map is
//! pruned of dead entries as it grows, so it stays as large as the mailboxes in use.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, Weak};

use crate::mail_limit::{MailboxLimit, Shared};

/// Pruning starts past this many entries, then whenever the map doubles.
const PRUNE_FROM: usize = 64;

/// The live budgets, by mailbox.
#[derive(Debug)]
pub struct MailboxLimits {
    max_in_flight: usize,
    map: Mutex<Budgets>,
}

#[derive(Debug)]
struct Budgets {
    by_mailbox: HashMap<String, Weak<Shared>>,
    prune_at: usize,
}

impl MailboxLimits {
    /// Budgets of `max_in_flight` requests each.
    #[must_use]
    pub fn new(max_in_flight: usize) -> Self {
        let budgets = Budgets { by_mailbox: HashMap::new(), prune_at: PRUNE_FROM };
        Self { max_in_flight, map: Mutex::new(budgets) }
    }

    /// The budget of `mailbox`: the one in use, or a new one.
    pub fn for_mailbox(&self, mailbox: &str) -> MailboxLimit {
        // Nothing panics while the lock is held, and the map stays valid even if it did.
        let mut budgets = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(limit) = budgets.by_mailbox.get(mailbox).and_then(MailboxLimit::upgrade) {
            return limit;
        }
        let limit = MailboxLimit::new(self.max_in_flight);
        budgets.by_mailbox.insert(mailbox.to_owned(), limit.downgrade());
        if budgets.by_mailbox.len() >= budgets.prune_at {
            budgets.by_mailbox.retain(|_, weak| weak.strong_count() > 0);
            budgets.prune_at = (budgets.by_mailbox.len() * 2).max(PRUNE_FROM);
        }
        limit
    }

    /// Mailboxes with an entry (live or not yet pruned).
    #[cfg(test)]
    fn entries(&self) -> usize {
        self.map.lock().unwrap_or_else(PoisonError::into_inner).by_mailbox.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_budget_per_mailbox_while_in_use_and_dead_ones_are_pruned() {
        let limits = MailboxLimits::new(4);
        let a = limits.for_mailbox("a");
        assert!(limits.for_mailbox("a").shares_with(&a));
        assert!(!limits.for_mailbox("b").shares_with(&a));
        drop(a);
        let fresh = limits.for_mailbox("a");
        assert_eq!(fresh.in_flight(), 0);

        let kept: Vec<MailboxLimit> =
            (0..PRUNE_FROM).map(|i| limits.for_mailbox(&format!("live-{i}"))).collect();
        for i in 0..PRUNE_FROM * 3 {
            drop(limits.for_mailbox(&format!("gone-{i}")));
        }
        // Without pruning there would be 3 + 4 × PRUNE_FROM entries; with it, about twice the
        // live ones at most.
        assert!(limits.entries() <= (PRUNE_FROM + 2) * 2 + 1, "{} entries", limits.entries());
        assert!(
            kept.iter()
                .enumerate()
                .all(|(i, k)| { limits.for_mailbox(&format!("live-{i}")).shares_with(k) })
        );
    }
}
