//! The mail thread summaries served lately, each kept with the thread's version.
//!
//! A summary stays the thread's while its version holds (the store changes the version with
//! what a summary reads). A request reads the version anyway (one indexed read, which also
//! checks the owner and finds the account); with the summary kept here at that version, it is
//! served without reading the stored one again: one statement a request instead of two.
//!
//! A summary is kept under the version read before its messages (or stored with it), so a kept
//! summary is never newer than its version, and never served once the version moved.

use std::sync::Arc;

use quick_cache::sync::Cache;
use switchboard_domain::mail::MailAccountId;
use switchboard_domain::mail_stats::SummarizedThread;
use switchboard_ports::ThreadVersion;

/// Summaries by account and thread key, at most `capacity` of them (least used first out).
#[derive(Debug)]
pub(super) struct Summaries {
    kept: Cache<(MailAccountId, String), Arc<(ThreadVersion, SummarizedThread)>>,
}

impl Summaries {
    /// `None` when `capacity` is 0: no summary is kept.
    pub(super) fn new(capacity: usize) -> Option<Self> {
        (capacity > 0).then(|| Self { kept: Cache::new(capacity) })
    }

    /// The summary kept for `account`'s thread `thread_key` at `version`, if any.
    pub(super) fn get(
        &self,
        account: MailAccountId,
        thread_key: &str,
        version: ThreadVersion,
    ) -> Option<SummarizedThread> {
        let kept = self.kept.get(&(account, thread_key.to_owned()))?;
        (kept.0 == version).then(|| kept.1.clone())
    }

    /// Keeps `summary`, the thread's at `version`.
    pub(super) fn put(
        &self,
        account: MailAccountId,
        thread_key: &str,
        version: ThreadVersion,
        summary: &SummarizedThread,
    ) {
        self.kept.insert((account, thread_key.to_owned()), Arc::new((version, summary.clone())));
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::expect_used, reason = "tests")]

    use super::*;

    fn summary(messages: u32) -> SummarizedThread {
        SummarizedThread { fingerprint: 1, messages, sentences: Vec::new() }
    }

    #[test]
    fn a_summary_is_served_again_only_at_the_same_version() {
        let kept = Summaries::new(8).expect("a cache");
        let account = MailAccountId::new();
        assert_eq!(kept.get(account, "t1", ThreadVersion(3)), None);

        kept.put(account, "t1", ThreadVersion(3), &summary(2));
        assert_eq!(kept.get(account, "t1", ThreadVersion(3)), Some(summary(2)));
        assert_eq!(kept.get(account, "t1", ThreadVersion(4)), None, "the thread changed since");
        assert_eq!(kept.get(account, "t2", ThreadVersion(3)), None, "another thread");
        assert_eq!(kept.get(MailAccountId::new(), "t1", ThreadVersion(3)), None, "another account");
        kept.put(account, "t1", ThreadVersion(4), &summary(3));
        assert_eq!(kept.get(account, "t1", ThreadVersion(4)), Some(summary(3)), "replaced");
    }

    #[test]
    fn no_capacity_keeps_nothing() {
        assert!(Summaries::new(0).is_none());
    }
}
