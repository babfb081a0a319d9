//! [`MemoryTx`] as the mail analytics' store: counts computed from the stored messages.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::{TimeWindow, bucket_start};
use switchboard_domain::mail::{MailAccountId, MailFolderId, StoredMessage};
use switchboard_domain::mail_stats::{TopSender, thread_fingerprint, top_senders};
use switchboard_ports::{
    HourlyCount, MailAccountStats, MailStatsStore, StoreError, StoredThreadSummary, ThreadVersion,
};

use crate::MemoryTx;

impl MailStatsStore for MemoryTx {
    async fn mail_received_counts(
        &mut self,
        owner: UserId,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        window: TimeWindow,
        bucket: TimeDelta,
    ) -> Result<Option<Vec<HourlyCount>>, StoreError> {
        let mail = &self.state.mail;
        let folder_found = folder
            .is_none_or(|f| mail.folders.get(&f).is_some_and(|found| found.account_id == account));
        if !mail.owns(owner, account) || !folder_found {
            return Ok(None);
        }
        let mut buckets: BTreeMap<DateTime<Utc>, u64> = BTreeMap::new();
        let messages = self.state.mail.messages.values().filter(|m| m.account_id == account);
        for m in messages.filter(|m| folder.is_none_or(|f| m.folder_ids.contains(&f))) {
            if window.contains(bucket_start(m.received_at, TimeDelta::hours(1))) {
                *buckets.entry(bucket_start(m.received_at, bucket)).or_default() += 1;
            }
        }
        Ok(Some(buckets.into_iter().map(|(hour, posts)| HourlyCount { hour, posts }).collect()))
    }

    async fn mail_top_senders(
        &mut self,
        account: MailAccountId,
        window: TimeWindow,
        limit: usize,
    ) -> Result<Vec<TopSender>, StoreError> {
        let senders = self
            .state
            .mail
            .messages
            .values()
            .filter(|m| m.account_id == account && window.contains(m.received_at))
            .filter_map(|m| Some((m.from.as_ref()?, m.received_at)));
        Ok(top_senders(senders, limit))
    }

    async fn mail_account_stats(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> Result<Option<Option<MailAccountStats>>, StoreError> {
        let mail = &self.state.mail;
        Ok(mail.owns(owner, account).then(|| mail.stats.get(&account).cloned()))
    }

    async fn save_mail_account_stats(
        &mut self,
        stats: &MailAccountStats,
    ) -> Result<(), StoreError> {
        let mail = &mut self.state.mail;
        if !mail.accounts.contains_key(&stats.account_id) {
            return Ok(());
        }
        let later =
            mail.stats.get(&stats.account_id).is_some_and(|s| s.window_end > stats.window_end);
        if !later {
            mail.stats.insert(stats.account_id, stats.clone());
        }
        Ok(())
    }

    async fn mail_thread_version(
        &mut self,
        owner: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
    ) -> Result<Option<(MailAccountId, ThreadVersion)>, StoreError> {
        let mail = &self.state.mail;
        let of_thread = |m: &&StoredMessage| {
            m.thread_key == thread_key
                && mail.owns(owner, m.account_id)
                && account.is_none_or(|a| a == m.account_id)
        };
        let messages = mail.messages.values().filter(of_thread);
        let Some((_, account)) = messages.map(|m| (m.received_at, m.account_id)).max() else {
            return Ok(None);
        };
        let mut thread: Vec<StoredMessage> = mail
            .messages
            .values()
            .filter(|m| m.account_id == account && m.thread_key == thread_key)
            .cloned()
            .collect();
        thread.sort_by_key(|m| (m.received_at, m.id));
        // The fingerprint of what a summary reads: equal exactly when the summary would be.
        Ok(Some((account, ThreadVersion(thread_fingerprint(&thread)))))
    }

    async fn mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
    ) -> Result<Option<StoredThreadSummary>, StoreError> {
        Ok(self.state.mail.summaries.get(&(account, thread_key.to_owned())).cloned())
    }

    async fn save_mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
        summary: &StoredThreadSummary,
    ) -> Result<(), StoreError> {
        let mail = &mut self.state.mail;
        if mail.accounts.contains_key(&account) {
            mail.summaries.insert((account, thread_key.to_owned()), summary.clone());
        }
        Ok(())
    }
}
