//! Mail analytics for the mail stats routes: the pulse of received mail (live, from the
//! hourly counts the store keeps), top senders (stored for the default window, recomputed by
//! the mail consumer when messages arrive; live for a given `since`), a thread's summary
//! (stored with the thread's version, served without reading the messages while it holds,
//! recomputed when they change) and the digest since a time (live).

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::{
    DEFAULT_BUCKET, DEFAULT_WINDOW, PulsePoint, TimeWindow, pulse_of_counts, recent_buckets,
};
use switchboard_domain::chat_stats::{MAX_SINCE, window_since};
use switchboard_domain::mail::{MailAccountId, MailFolderId, MessageQuery, StoredMessage};
use switchboard_domain::mail_stats::{MailDigest, SummarizedThread, TopSender, thread_fingerprint};
use switchboard_ports::{
    Clock, MailAccountStats, MailStatsStore, MailStore, Ports, StoreError, StoredThreadSummary,
    ThreadVersion, UnitOfWork,
};

use super::{StatsError, StatsService};

/// The buckets of a mail pulse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MailPulseBucket {
    /// 168 hours, the last the current one.
    #[default]
    Hour,
    /// 30 days (UTC), the last the current one.
    Day,
}

impl MailPulseBucket {
    /// The bucket's length and the window's.
    fn lengths(self) -> (TimeDelta, TimeDelta) {
        match self {
            Self::Hour => (DEFAULT_BUCKET, DEFAULT_WINDOW),
            Self::Day => (TimeDelta::days(1), MAX_SINCE),
        }
    }
}

/// What a kept mail pulse counts: the account's mail (or a folder's), by hour or by day.
pub(super) type MailPulseKey = (MailAccountId, Option<MailFolderId>, MailPulseBucket);

/// The window top senders count when no `since` is given: the past 30 days.
pub const TOP_SENDERS_WINDOW: TimeDelta = MAX_SINCE;

/// Most messages a thread summary reads.
const THREAD_LIMIT: u32 = 500;

/// A thread's summary and the account the thread is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadSummaryOf {
    /// The account.
    pub account_id: MailAccountId,
    /// The summary.
    pub summary: SummarizedThread,
}

/// What a thread summary's request read.
enum ThreadRead {
    /// The summary kept in memory at the thread's current version: nothing more was read.
    Served(SummarizedThread),
    /// The stored summary, computed at the thread's current version: the messages were not
    /// read.
    Kept(SummarizedThread),
    /// The thread's messages, and the summary stored at an older version, if any.
    Messages(Vec<StoredMessage>, Option<SummarizedThread>),
}

/// `owner`'s account, or [`StatsError::AccountNotFound`].
async fn owned<T: MailStore>(
    tx: &mut T,
    owner: UserId,
    account: MailAccountId,
) -> Result<(), StatsError> {
    tx.mail_account(owner, account).await?.ok_or(StatsError::AccountNotFound)?;
    Ok(())
}

/// `since` if it is not after `now`. Checked once the account is known to be the caller's: an
/// unknown account is a 404 whatever the time.
fn past(field: &'static str, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StatsError> {
    if since > now { Err(StatsError::InFuture { field }) } else { Ok(()) }
}

/// Top senders of `account` over the default window ending at `now`.
pub(super) async fn account_stats<T: MailStatsStore>(
    tx: &mut T,
    account: MailAccountId,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<MailAccountStats, StoreError> {
    let window = TimeWindow::ending_at(now, TOP_SENDERS_WINDOW);
    let top_senders = tx.mail_top_senders(account, window, limit).await?;
    Ok(MailAccountStats { account_id: account, window_end: now, computed_at: now, top_senders })
}

impl<P: Ports> StatsService<P> {
    /// How much mail `owner`'s account received (only into `folder` when given), bucket by
    /// bucket: hourly over seven days or daily over 30, as rates of the busiest bucket. A pulse
    /// computed since the account's counts last changed, over the same window, is served
    /// again.
    ///
    /// # Errors
    /// [`StatsError::AccountNotFound`], [`StatsError::FolderNotFound`] when they are not
    /// theirs.
    pub async fn mail_pulse(
        &self,
        owner: UserId,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        bucket: MailPulseBucket,
    ) -> Result<Vec<PulsePoint>, StatsError> {
        let (step, length) = bucket.lengths();
        let window = recent_buckets(self.clock.now(), length, step);
        let Some(pulses) = &self.mail_pulses else {
            return self.read_mail_pulse(owner, account, folder, window, step).await;
        };
        let version = self
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, StatsError>(tx.mail_version(owner, account).await?) })
            })
            .await?
            .ok_or(StatsError::AccountNotFound)?;
        let key = (account, folder, bucket);
        if let Some(points) = pulses.get(&key, version, window) {
            return Ok(points);
        }
        let points = self.read_mail_pulse(owner, account, folder, window, step).await?;
        pulses.put(key, version, window, &points);
        Ok(points)
    }

    /// The pulse of `owner`'s account (or its `folder`) over `window`, from its counts per
    /// bucket of `step`.
    async fn read_mail_pulse(
        &self,
        owner: UserId,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        window: TimeWindow,
        step: TimeDelta,
    ) -> Result<Vec<PulsePoint>, StatsError> {
        let counts = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    match tx.mail_received_counts(owner, account, folder, window, step).await? {
                        Some(counts) => Ok(counts),
                        // Which of the two is not theirs.
                        None => {
                            owned(tx, owner, account).await?;
                            Err(StatsError::FolderNotFound)
                        }
                    }
                })
            })
            .await?;
        Ok(pulse_of_counts(counts.into_iter().map(|c| (c.hour, c.posts)), window, step)?)
    }

    /// Who sent `owner`'s account the most mail since `since` (at most 30 days ago), or, without
    /// it, over the past 30 days: then the stored answer, recomputed when messages arrived
    /// (the mail consumer) or when older than `max_age` (once for requests that miss
    /// together). With the start of the window counted (it ends now, or when the stored answer
    /// was computed).
    ///
    /// # Errors
    /// [`StatsError::AccountNotFound`] when it is not theirs; [`StatsError::InFuture`] for a
    /// `since` in the future.
    pub async fn mail_top_senders(
        &self,
        owner: UserId,
        account: MailAccountId,
        since: Option<DateTime<Utc>>,
    ) -> Result<(DateTime<Utc>, Vec<TopSender>), StatsError> {
        let now = self.clock.now();
        let limit = self.policy.settings.most_active;
        if let Some(since) = since {
            let window = window_since(since, now, MAX_SINCE);
            let top = self
                .uow
                .read(move |tx| {
                    Box::pin(async move {
                        owned(tx, owner, account).await?;
                        past("since", since, now)?;
                        Ok::<_, StatsError>(tx.mail_top_senders(account, window, limit).await?)
                    })
                })
                .await?;
            return Ok((window.start, top));
        }
        if let Some(stats) = self.fresh_senders(owner, account, now).await? {
            return Ok((stats.window_end - TOP_SENDERS_WINDOW, stats.top_senders));
        }
        // Requests that miss together compute once; the others then read what it stored.
        let _flight = self.mail_flights.enter(account).await;
        if let Some(stats) = self.fresh_senders(owner, account, now).await? {
            return Ok((stats.window_end - TOP_SENDERS_WINDOW, stats.top_senders));
        }
        let stats = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let stats = account_stats(tx, account, now, limit).await?;
                    tx.save_mail_account_stats(&stats).await?;
                    Ok::<_, StatsError>(stats)
                })
            })
            .await?;
        Ok((stats.window_end - TOP_SENDERS_WINDOW, stats.top_senders))
    }

    /// The stored top senders of `owner`'s account if younger than `max_age` at `now`.
    async fn fresh_senders(
        &self,
        owner: UserId,
        account: MailAccountId,
        now: DateTime<Utc>,
    ) -> Result<Option<MailAccountStats>, StatsError> {
        let max_age = TimeDelta::from_std(self.policy.max_age).unwrap_or(TimeDelta::MAX);
        let stored = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let found = tx.mail_account_stats(owner, account).await?;
                    found.ok_or(StatsError::AccountNotFound)
                })
            })
            .await?;
        Ok(stored.filter(|s| now - s.window_end <= max_age))
    }

    /// The summary of `owner`'s thread `thread_key` (in `account` when given, else in the
    /// account of its latest message): kept in memory or read from the store, without reading
    /// the messages, while the thread's [`ThreadVersion`] is the one it was computed at; else
    /// computed on the blocking pool (unless its messages still have the stored one's
    /// fingerprint) and stored at that version.
    ///
    /// # Errors
    /// [`StatsError::ThreadNotFound`] when none of its messages are theirs.
    pub async fn mail_thread_summary(
        &self,
        owner: UserId,
        thread_key: &str,
        account: Option<MailAccountId>,
    ) -> Result<ThreadSummaryOf, StatsError> {
        let key = thread_key.to_owned();
        let kept = self.summaries.clone();
        let (account, version, read) = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let found = tx.mail_thread_version(owner, account, &key).await?;
                    let (account, version) = found.ok_or(StatsError::ThreadNotFound)?;
                    let served = kept.as_ref().and_then(|k| k.get(account, &key, version));
                    if let Some(summary) = served {
                        return Ok((account, version, ThreadRead::Served(summary)));
                    }
                    let stored = tx.mail_thread_summary(account, &key).await?;
                    let read = match stored {
                        Some(kept) if kept.version == version => ThreadRead::Kept(kept.summary),
                        stored => ThreadRead::Messages(
                            tx.mail_thread(owner, Some(account), &key, THREAD_LIMIT).await?,
                            stored.map(|s| s.summary),
                        ),
                    };
                    Ok::<_, StatsError>((account, version, read))
                })
            })
            .await?;
        let (messages, stored) = match read {
            ThreadRead::Served(summary) => {
                return Ok(ThreadSummaryOf { account_id: account, summary });
            }
            ThreadRead::Kept(summary) => {
                self.keep_summary(account, thread_key, version, &summary);
                return Ok(ThreadSummaryOf { account_id: account, summary });
            }
            ThreadRead::Messages(messages, stored) => (messages, stored),
        };
        if messages.is_empty() {
            // Its last message went after the version was read.
            return Err(StatsError::ThreadNotFound);
        }
        let options = self.policy.settings.lexrank;
        let summary = super::compute::offload(&self.cpu, move |parallelism| {
            // A summary stored at an older version whose messages still read the same (a
            // change that summaries do not read) is kept, and stored again at this version.
            let fingerprint = thread_fingerprint(&messages);
            match stored {
                Some(kept) if kept.fingerprint == fingerprint => kept,
                _ => SummarizedThread::compute(&messages, &options, parallelism),
            }
        })
        .await?;
        let saved = StoredThreadSummary { summary: summary.clone(), version };
        let key = thread_key.to_owned();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    Ok::<_, StatsError>(tx.save_mail_thread_summary(account, &key, &saved).await?)
                })
            })
            .await?;
        self.keep_summary(account, thread_key, version, &summary);
        Ok(ThreadSummaryOf { account_id: account, summary })
    }

    /// Keeps `summary` in memory, the thread's at `version`, when summaries are kept.
    fn keep_summary(
        &self,
        account: MailAccountId,
        thread_key: &str,
        version: ThreadVersion,
        summary: &SummarizedThread,
    ) {
        if let Some(kept) = &self.summaries {
            kept.put(account, thread_key, version, summary);
        }
    }

    /// What arrived in `owner`'s account since `since` (at most 30 days ago; the latest
    /// `max_window_posts` messages): hot topics against the week before, top senders and
    /// representative messages, computed on the blocking pool. With the start of the window
    /// analysed (it ends now).
    ///
    /// # Errors
    /// [`StatsError::AccountNotFound`] when it is not theirs; [`StatsError::InFuture`] for a
    /// `since` in the future.
    pub async fn mail_digest(
        &self,
        owner: UserId,
        account: MailAccountId,
        since: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, MailDigest), StatsError> {
        let now = self.clock.now();
        let window = window_since(since, now, MAX_SINCE);
        let history = TimeWindow::ending_at(window.start, self.policy.settings.history);
        let limits = (self.policy.max_window_posts, self.policy.max_history_posts);
        let messages = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    owned(tx, owner, account).await?;
                    past("time", since, now)?;
                    let mut messages = Vec::new();
                    for (range, limit) in [(window, limits.0), (history, limits.1)] {
                        let query = MessageQuery {
                            since: Some(range.start),
                            until: Some(range.end),
                            ..MessageQuery::of(account, u32::try_from(limit).unwrap_or(u32::MAX))
                        };
                        let page = tx.mail_messages(owner, &query).await?.messages;
                        let ids: Vec<_> = page.iter().map(|m| m.id).collect();
                        let mut full = tx.mail_messages_by_ids(account, &ids).await?;
                        // Newest first, as the page listed them.
                        full.sort_by_key(|m| std::cmp::Reverse((m.received_at, m.id)));
                        messages.extend(full);
                    }
                    Ok::<Vec<StoredMessage>, StatsError>(messages)
                })
            })
            .await?;
        if window.is_empty() || messages.is_empty() {
            return Ok((window.start, MailDigest::default()));
        }
        let settings = self.policy.settings;
        let digest = super::compute::offload(&self.cpu, move |parallelism| {
            MailDigest::compute(&messages, window, &settings, parallelism)
        })
        .await?;
        Ok((window.start, digest))
    }
}
