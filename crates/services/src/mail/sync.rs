//! Syncing a mailbox: its folders (all upserted, those gone removed), then each folder's
//! changes, at most two folders at a time (Graph allows four requests in flight per mailbox;
//! two folders leave room for the user's own reads).
//!
//! A folder never synced reads the window (`window_days`, newest first, so the inbox is
//! usable before the backfill ends); after that it reads what changed since its cursor, which
//! is stored only once its round is complete (with the round's last page), so a round cut
//! short starts again from where the folder last finished. A cursor the provider forgot
//! (`CursorExpired`) is dropped and the folder read from its window again. A round that read
//! the window again (after a forgotten cursor, or for an account synced before) removes, with
//! its other removals, the stored messages of the window it did not list: deleted while no
//! cursor followed the folder, no provider reports them. Pages are written
//! as they come (see `sync_page`), so a re-run changes and records nothing.
//!
//! Removals wait for every folder's round: with one cursor per folder, a message moved from A
//! to B is "removed" from A and "new" in B, in whichever order the two rounds run. Applied at
//! the end, a removal deletes only a message still stored in the folder that removed it, so
//! a moved message keeps its id and only its folder changes. The cursor of a round with
//! removals is stored with them, in the same transaction, so a sync cut short before it reads
//! them again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt, future, stream};
use switchboard_domain::mail::{
    FolderRole, MailAccount, MailAccountId, MailAccountStatus, MailFolder, MailFolderId,
    SyncProgress,
};
use switchboard_ports::mail::{ChangePage, MailError, MailSource};
use switchboard_ports::mail::{PageToken, SyncCursor, SyncFrom, SyncScope, SyncStep};
use switchboard_ports::{Clock, MailStore, Ports, Transaction, UnitOfWork};

use super::accounts::set_status;
use super::sync_page::{Counts, Page};
use super::tokens::{Mailbox, SourceOf};
use super::{MailService, MailServiceError, MailSyncJob};
use crate::identity::Principal;
use crate::jobs::new_job;

/// Folders synced at once.
const FOLDERS_AT_ONCE: usize = 2;

/// Accounts the schedule enqueues per run, those synced longest ago first: the rest wait for
/// the next run rather than one transaction enqueueing without bound.
const SYNCS_PER_ROUND: u32 = 10_000;

/// What a sync changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// Messages stored for the first time.
    pub created: u64,
    /// Messages whose listed attributes changed (read state, folder, subject, …).
    pub changed: u64,
    /// Messages removed.
    pub deleted: u64,
    /// Folders synced.
    pub folders: u64,
}

/// Where a round reads next (an owned [`SyncFrom`]).
#[derive(Debug, Clone)]
enum Next {
    Window(DateTime<Utc>),
    Cursor(SyncCursor),
    Page(PageToken),
}

impl Next {
    fn from(&self) -> SyncFrom<'_> {
        match self {
            Self::Window(since) => SyncFrom::Window { since: *since },
            Self::Cursor(cursor) => SyncFrom::Cursor(cursor),
            Self::Page(page) => SyncFrom::Page(page),
        }
    }
}

/// One folder's round: the folder, and what the provider calls its scope.
struct Round {
    folder: MailFolder,
    scope: Option<String>,
}

/// What a complete round leaves for the end of the sync: its removals and its cursor.
#[derive(Default)]
struct Deferred {
    removed: Vec<(Option<MailFolderId>, String)>,
    cursors: Vec<(MailFolderId, String)>,
}

impl<P: Ports> MailService<P> {
    /// Syncs one account (what the sync job runs). A deleted account, or one waiting to be
    /// linked again, is skipped.
    ///
    /// # Errors
    /// [`MailServiceError::ReauthRequired`] when its grant died (the account is marked);
    /// [`MailServiceError::RateLimited`] or [`MailServiceError::Unreachable`] (transient: the
    /// account is left as it is); any other failure, recorded on the account as `error`.
    pub async fn sync(&self, id: MailAccountId) -> Result<SyncOutcome, MailServiceError> {
        let account = self
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, MailServiceError>(tx.mail_account_by_id(id).await?) })
            })
            .await?;
        let Some(mut account) = account.filter(|a| a.status.can_sync()) else {
            return Ok(SyncOutcome::default());
        };
        if account.last_sync_at.is_none() && account.status != MailAccountStatus::Syncing {
            account = self.mark_syncing(account).await?;
        }
        let result = self.sync_account(account).await;
        self.record_sync(id, &result).await?;
        result
    }

    /// Shows a first sync as running (again, after a failed attempt).
    async fn mark_syncing(&self, account: MailAccount) -> Result<MailAccount, MailServiceError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    // Read again: the account may have changed since.
                    let mut current = tx.mail_account_by_id(account.id).await?.unwrap_or(account);
                    if current.status.can_sync() {
                        set_status(tx, &mut current, MailAccountStatus::Syncing, None).await?;
                    }
                    Ok::<_, MailServiceError>(current)
                })
            })
            .await
    }

    /// Records how a sync ended on its account.
    async fn record_sync(
        &self,
        id: MailAccountId,
        result: &Result<SyncOutcome, MailServiceError>,
    ) -> Result<(), MailServiceError> {
        let (status, error) = match result {
            Ok(_) => (MailAccountStatus::Active, None),
            Err(
                MailServiceError::ReauthRequired(_)
                | MailServiceError::AccountNotFound
                | MailServiceError::RateLimited { .. }
                | MailServiceError::Unreachable(_),
            ) => return Ok(()),
            Err(MailServiceError::Store(_) | MailServiceError::Crypto(_)) => {
                // Shown to the user: the detail stays in the job's error, for operators.
                (MailAccountStatus::Error, Some("internal error while syncing".to_owned()))
            }
            Err(other) => (MailAccountStatus::Error, Some(other.to_string())),
        };
        let now = self.clock.now();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    // Deleted, or found dead, meanwhile: nothing to record.
                    let Some(mut account) = tx.mail_account_by_id(id).await? else {
                        return Ok(());
                    };
                    if !account.status.can_sync() {
                        return Ok(());
                    }
                    if status == MailAccountStatus::Active {
                        account.last_sync_at = Some(now);
                        // Folders' pages commit concurrently, each counting what it saw: the
                        // count after all of them is the one to show. The window is all
                        // there: the folders' counts (all their mail) are no total any more.
                        let stored = tx.count_mail_messages(id).await?;
                        account.progress = SyncProgress { stored, total: Some(stored) };
                    }
                    set_status(tx, &mut account, status, error).await?;
                    Ok::<_, MailServiceError>(())
                })
            })
            .await
    }

    async fn sync_account(&self, account: MailAccount) -> Result<SyncOutcome, MailServiceError> {
        let mailbox = self.mailbox(account).await?;
        let remote = self.call(&mailbox, |source| async move { source.folders().await }).await?;
        let folders = self.save_folders(&mailbox.account, &remote).await?;
        let by_provider: HashMap<String, MailFolderId> =
            folders.iter().map(|f| (f.provider_id.clone(), f.id)).collect();
        let total = folders.iter().map(|f| f.total).sum::<Option<u64>>();
        let rounds: Vec<Round> = match mailbox.scope() {
            SyncScope::PerFolder => folders
                .into_iter()
                .map(|folder| Round { scope: Some(folder.provider_id.clone()), folder })
                .collect(),
            // One cursor for the whole mailbox, kept on its inbox (every mailbox has one).
            SyncScope::Mailbox => folders
                .iter()
                .find(|f| f.role == Some(FolderRole::Inbox))
                .or(folders.first())
                .map(|inbox| Round { folder: inbox.clone(), scope: None })
                .into_iter()
                .collect(),
        };
        let days = chrono::Duration::days(i64::from(self.policy.window_days));
        let since = self.clock.now().checked_sub_signed(days).unwrap_or(DateTime::<Utc>::MIN_UTC);
        let (mailbox, by_provider) = (&mailbox, &by_provider);
        let (sum, mut deferred, folders) = stream::iter(rounds)
            .map(|round| self.sync_folder(mailbox, by_provider, round, since, total))
            .buffer_unordered(FOLDERS_AT_ONCE)
            .try_fold(
                (Counts::default(), Deferred::default(), 0u64),
                |(sum, mut deferred, n), (c, d)| async move {
                    deferred.removed.extend(d.removed);
                    deferred.cursors.extend(d.cursors);
                    Ok((sum.plus(c), deferred, n + 1))
                },
            )
            .await?;
        let sum = if deferred.cursors.is_empty() {
            sum
        } else {
            let last = self
                .write_page(Page {
                    account: &mailbox.account,
                    folders: by_provider,
                    upserted: Vec::new(),
                    removed: std::mem::take(&mut deferred.removed),
                    total,
                    cursors: deferred.cursors,
                })
                .await?;
            sum.plus(last)
        };
        Ok(SyncOutcome {
            created: sum.created,
            changed: sum.changed,
            deleted: sum.deleted,
            folders,
        })
    }

    /// One folder's round, page by page.
    async fn sync_folder(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        folders: &HashMap<String, MailFolderId>,
        round: Round,
        since: DateTime<Utc>,
        total: Option<u64>,
    ) -> Result<(Counts, Deferred), MailServiceError> {
        let folder = round.folder.id;
        let scope: Arc<Option<String>> = Arc::new(round.scope);
        let mut next = match round.folder.sync_cursor {
            Some(cursor) => Next::Cursor(SyncCursor(cursor)),
            None => Next::Window(since),
        };
        let mut restarted = false;
        let mut counts = Counts::default();
        let mut removed = Vec::new();
        let by_folder = scope.is_some().then_some(folder);
        // A round reading the window notes what it listed, to find what it no longer lists.
        // The first sync of an account has nothing stored from before to compare with (bar a
        // first attempt cut short): it is not reconciled.
        let synced_before = mailbox.account.last_sync_at.is_some();
        let mut listed: Option<HashSet<String>> =
            (synced_before && matches!(next, Next::Window(_))).then(HashSet::new);
        let mut fetched = self.changes(mailbox, &scope, &next).await;
        loop {
            let page = match fetched {
                Err(MailServiceError::Provider(MailError::CursorExpired))
                    if !restarted && !matches!(next, Next::Window(_)) =>
                {
                    restarted = true;
                    self.forget_cursor(folder).await?;
                    next = Next::Window(since);
                    listed = Some(HashSet::new());
                    fetched = self.changes(mailbox, &scope, &next).await;
                    continue;
                }
                page => page?,
            };
            if let Some(listed) = &mut listed {
                listed.extend(page.upserted.iter().map(|m| m.id.clone()));
            }
            removed.extend(page.removed.into_iter().map(|id| (by_folder, id)));
            let (done, following) = match page.next {
                SyncStep::More(token) => (None, Some(Next::Page(token))),
                SyncStep::Done(cursor) => (Some((folder, cursor.0)), None),
            };
            if done.is_some()
                && let Some(listed) = listed.take()
            {
                let gone = self.unlisted(mailbox, by_folder, since, &listed).await?;
                removed.extend(gone.into_iter().map(|id| (by_folder, id)));
            }
            // A round without removals is complete with its last page; one with removals
            // completes at the end of the sync (see the module).
            let (cursors, deferred) = match done {
                Some(cursor) if removed.is_empty() => (vec![cursor], None),
                Some(cursor) => (Vec::new(), Some(cursor)),
                None => (Vec::new(), None),
            };
            let write = self.write_page(Page {
                account: &mailbox.account,
                folders,
                upserted: page.upserted,
                removed: Vec::new(),
                total,
                cursors,
            });
            match following {
                // The next page is fetched while this one is written: the provider's answer
                // and the database's commit overlap instead of taking turns. Page tokens come
                // from the provider, so the fetch needs nothing this write stores.
                Some(following) => {
                    let (written, prefetched) =
                        future::join(write, self.changes(mailbox, &scope, &following)).await;
                    counts = counts.plus(written?);
                    next = following;
                    fetched = prefetched;
                }
                None => {
                    counts = counts.plus(write.await?);
                    let cursors = deferred.into_iter().collect();
                    return Ok((counts, Deferred { removed, cursors }));
                }
            }
        }
    }

    /// One page of a round's changes, from `next`.
    async fn changes(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        scope: &Arc<Option<String>>,
        next: &Next,
    ) -> Result<ChangePage, MailServiceError> {
        let (asked, scope) = (next.clone(), scope.clone());
        self.call(mailbox, move |source| {
            let (asked, scope) = (asked.clone(), scope.clone());
            async move { source.changes(scope.as_deref(), asked.from()).await }
        })
        .await
    }

    /// The stored messages of a window the provider has just listed in full that it did not
    /// list: deleted while the folder was not followed (its change cursor forgotten by the
    /// provider, or a round cut short). Only those received a day or more into the window
    /// count, so a message on the window's edge is never removed for the provider's and our
    /// clocks placing it on different sides.
    async fn unlisted(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        folder: Option<MailFolderId>,
        since: DateTime<Utc>,
        listed: &HashSet<String>,
    ) -> Result<Vec<String>, MailServiceError> {
        let account = mailbox.account.id;
        let inside = since.checked_add_signed(chrono::Duration::days(1)).unwrap_or(since);
        let stored = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, MailServiceError>(
                        tx.mail_provider_ids_since(account, folder, inside).await?,
                    )
                })
            })
            .await?;
        Ok(stored.into_iter().filter(|id| !listed.contains(id)).collect())
    }

    async fn forget_cursor(&self, folder: MailFolderId) -> Result<(), MailServiceError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.set_mail_folder_cursor(folder, None).await?;
                    Ok::<_, MailServiceError>(())
                })
            })
            .await
    }

    /// Asks for a sync of one of the caller's accounts now; `false` when one is already
    /// waiting.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when it is not theirs;
    /// [`MailServiceError::ReauthRequired`] when it must be linked again first.
    pub async fn request_sync(
        &self,
        caller: &Principal,
        id: MailAccountId,
    ) -> Result<bool, MailServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let account = tx.mail_account(owner, id).await?;
                    let account = account.ok_or(MailServiceError::AccountNotFound)?;
                    if !account.status.can_sync() {
                        let reason = account.last_error.unwrap_or_default();
                        return Err(MailServiceError::ReauthRequired(reason));
                    }
                    Ok(tx.enqueue(new_job(&MailSyncJob::<P>::new(id))?).await?.is_some())
                })
            })
            .await
    }

    /// Enqueues a sync of every account that can sync (the recurring schedule); returns how
    /// many were enqueued (one already waiting is not enqueued again).
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn enqueue_syncs(&self) -> Result<u64, MailServiceError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut enqueued = 0;
                    for id in tx.mail_accounts_to_sync(SYNCS_PER_ROUND).await? {
                        if tx.enqueue(new_job(&MailSyncJob::<P>::new(id))?).await?.is_some() {
                            enqueued += 1;
                        }
                    }
                    Ok(enqueued)
                })
            })
            .await
    }
}
