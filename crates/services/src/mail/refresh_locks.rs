//! One token refresh at a time per account within this process: a lock per account, made on
//! first use and dropped with its last holder, so the map holds only accounts being refreshed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use switchboard_domain::mail::MailAccountId;

/// The per-account locks. Across processes the refresh's transaction locks the account's row
/// as well; this lock keeps concurrent callers of one process from queueing on that row and
/// from each calling the provider.
#[derive(Debug, Default)]
pub(super) struct RefreshLocks {
    locks: Mutex<HashMap<MailAccountId, Weak<tokio::sync::Mutex<()>>>>,
}

impl RefreshLocks {
    /// The lock of `account`, shared with every caller holding it now.
    pub(super) fn of(&self, account: MailAccountId) -> Arc<tokio::sync::Mutex<()>> {
        // A poisoned map only means another thread panicked between two map operations; the
        // map itself is still consistent.
        let mut locks = self.locks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(lock) = locks.get(&account).and_then(Weak::upgrade) {
            return lock;
        }
        locks.retain(|_, lock| lock.strong_count() > 0);
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        locks.insert(account, Arc::downgrade(&lock));
        lock
    }

    /// How many accounts have a lock in the map.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.locks.lock().map_or(0, |locks| locks.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lock_per_account_while_held_then_pruned() {
        let locks = RefreshLocks::default();
        let (a, b) = (MailAccountId::new(), MailAccountId::new());
        let first = locks.of(a);
        assert!(Arc::ptr_eq(&first, &locks.of(a)), "the same account shares its lock");
        assert!(!Arc::ptr_eq(&first, &locks.of(b)), "another account has its own");
        drop(first);
        let _c = locks.of(MailAccountId::new());
        assert_eq!(locks.len(), 1, "locks nobody holds are pruned");
    }
}
