//! The store of mail analytics: received counts per hour or day, senders by count, and the
//! stored results (an account's top senders, threads' summaries), implemented by each
//! adapter's transaction type. Callers check that the account is the user's first
//! ([`MailStore::mail_account`](crate::MailStore::mail_account)), except for the received
//! counts, which check it themselves.

use std::future::Future;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailAccountId, MailFolderId};
use switchboard_domain::mail_stats::{SummarizedThread, TopSender};

use crate::{HourlyCount, StoreError};

/// An account's stored top senders over the window ending at `window_end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccountStats {
    /// The account.
    pub account_id: MailAccountId,
    /// The end of the window counted (exclusive).
    pub window_end: DateTime<Utc>,
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// Senders by message count, busiest first.
    pub top_senders: Vec<TopSender>,
}

/// What a thread's messages are as a summary reads them: a value the store changes whenever
/// they change in that (a message added, removed or moved to another thread; a receipt time,
/// sender or text changed), and keeps when only their read state changes; it may also change
/// for changes a summary does not read. A summary computed at a thread's current version is
/// still its summary, so it is served without reading the messages. Opaque: only compared for
/// equality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThreadVersion(pub u64);

/// A thread's stored summary and the [`ThreadVersion`] of the messages it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredThreadSummary {
    /// The summary.
    pub summary: SummarizedThread,
    /// The thread's version when the messages were read.
    pub version: ThreadVersion,
}

/// Mail analytics' reads and writes.
pub trait MailStatsStore: Send {
    /// Messages of `owner`'s `account` received per bucket of `bucket` (a whole number of
    /// hours, buckets aligned to the Unix epoch as
    /// [`recent_buckets`](switchboard_domain::analytics::recent_buckets) aligns them), as the
    /// bucket's start and its count, for the hours starting in `window`, only those in
    /// `folder` when given (buckets without messages may be left out); `None` when the
    /// account is not `owner`'s or the folder not the account's. Read on every pulse request:
    /// an adapter keeps the counts rather than counting the messages each time, and sums
    /// them per bucket where they are kept (a daily pulse is 30 rows, not 720).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_received_counts(
        &mut self,
        owner: UserId,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        window: TimeWindow,
        bucket: TimeDelta,
    ) -> impl Future<Output = Result<Option<Vec<HourlyCount>>, StoreError>> + Send;

    /// The `limit` senders of the most messages of `account` received in `window`, as
    /// [`top_senders`](switchboard_domain::mail_stats::top_senders) counts them.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_top_senders(
        &mut self,
        account: MailAccountId,
        window: TimeWindow,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<TopSender>, StoreError>> + Send;

    /// The stored top senders of `owner`'s `account`: `None` when `owner` has no such account,
    /// `Some(None)` when none were computed yet. One read on every top senders request, the
    /// ownership check included.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_account_stats(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> impl Future<Output = Result<Option<Option<MailAccountStats>>, StoreError>> + Send;

    /// Stores top senders, replacing those of the same account unless theirs end later;
    /// those of an account that no longer exists are dropped.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn save_mail_account_stats(
        &mut self,
        stats: &MailAccountStats,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The account of `owner`'s thread `thread_key` (in `account` when given, else in the
    /// account of its latest message) and the thread's current [`ThreadVersion`]; `None` when
    /// none of `owner`'s accounts holds a message of it. Read before a summary's messages, so a
    /// change landing in between makes the stored summary look older, never newer.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_thread_version(
        &mut self,
        owner: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
    ) -> impl Future<Output = Result<Option<(MailAccountId, ThreadVersion)>, StoreError>> + Send;

    /// The stored summary of `account`'s thread `thread_key`, if any.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
    ) -> impl Future<Output = Result<Option<StoredThreadSummary>, StoreError>> + Send;

    /// Stores the summary of `account`'s thread `thread_key` with the version it was computed
    /// at, replacing the one stored; one of an account that no longer exists is dropped.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn save_mail_thread_summary(
        &mut self,
        account: MailAccountId,
        thread_key: &str,
        summary: &StoredThreadSummary,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
