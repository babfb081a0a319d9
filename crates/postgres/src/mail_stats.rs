//! The mail analytics' store: [`crate::PgTx`] as [`MailStatsStore`]. Received counts are
//! summed from the hourly rollups `mail_account_hours` and `mail_folder_hours` (kept by
//! triggers), senders aggregated over `mail_messages` through its `(account_id, received_at)`
//! index; the stored results are one row per account in `mail_account_stats` and one per
//! thread in `mail_thread_summaries`.

mod counts;
mod stored;

use chrono::TimeDelta;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailAccountId, MailFolderId};
use switchboard_domain::mail_stats::TopSender;
use switchboard_ports::{
    HourlyCount, MailAccountStats, MailStatsStore, StoreError, StoredThreadSummary, ThreadVersion,
};

use crate::PgTx;

impl MailStatsStore for PgTx {
    async fn mail_received_counts(
        &mut self,
        owner: UserId,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        window: TimeWindow,
        bucket: TimeDelta,
    ) -> Result<Option<Vec<HourlyCount>>, StoreError> {
        counts::received(self, owner, account, folder, window, bucket).await
    }

    async fn mail_top_senders(
        &mut self,
        account: MailAccountId,
        window: TimeWindow,
        limit: usize,
    ) -> Result<Vec<TopSender>, StoreError> {
        counts::top_senders(self, account, window, limit).await
    }

    async fn mail_account_stats(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> Result<Option<Option<MailAccountStats>>, StoreError> {
        stored::account_stats(self, owner, account).await
    }

    async fn save_mail_account_stats(
        &mut self,
        stats: &MailAccountStats,
    ) -> Result<(), StoreError> {
        stored::save_account_stats(self, stats).await
    }

    async fn mail_thread_version(
        &mut self,
        owner: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
    ) -> Result<Option<(MailAccountId, ThreadVersion)>, StoreError> {
        stored::thread_version(self, owner, account, thread_key).await
    }

    async fn mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
    ) -> Result<Option<StoredThreadSummary>, StoreError> {
        stored::thread_summary(self, account, thread_key).await
    }

    async fn save_mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
        summary: &StoredThreadSummary,
    ) -> Result<(), StoreError> {
        stored::save_thread_summary(self, account, thread_key, summary).await
    }
}
