//! One channel's sync: a backfill (resumed where the last attempt stopped, if one was cut
//! short), or a change scan and a re-read of the latest history; then deletions reconciled
//! and the channel's mark moved.

use chrono::{DateTime, Utc};
use switchboard_domain::chat::{HistoryScope, PageCursor};
use switchboard_domain::chat_sources::{BackfillCheckpoint, Channel};
use switchboard_ports::{
    ChangeTracking, ChatError, ChatSource, ChatSourceFactory, ChatStore, Clock, Ports, StoreError,
    UnitOfWork,
};

use super::ChatService;
use super::pages::{Checkpointing, Names, Pass};
use super::sync::Stop;

impl<P: Ports> ChatService<P> {
    /// One channel: a backfill the first time (or when the provider truncated its change
    /// list, or to finish one cut short), else a change scan and a full read of the latest
    /// `reconcile_window`; returns the rows written.
    pub(super) async fn sync_channel(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        mut channel: Channel,
        names: &Names,
    ) -> Result<u64, Stop> {
        let days = chrono::Duration::days(i64::from(self.policy.backfill_days));
        // What this sync lists may retire only posts written before it began: a post pushed
        // by the provider's events meanwhile is not in the listing. (Should the provider's
        // clock run behind this one, such a post retired by mistake is listed, so restored, by
        // the next sync.)
        let began = self.clock.now();
        let window = began - days;
        let margin = chrono::Duration::from_std(self.policy.change_margin).unwrap_or_default();
        let recent = chrono::Duration::from_std(self.policy.reconcile_window).unwrap_or_default();
        let id = channel.id;
        let resume = self
            .uow
            .transact(move |tx| Box::pin(async move { tx.chat_backfill_checkpoint(id).await }))
            .await?;
        let (pass, from) = match (resume, channel.synced_until) {
            (Some(resume), _) => {
                let from = resume.oldest;
                (self.backfill(client, &channel, from, Some(resume), names).await?, from)
            }
            (None, None) => (self.backfill(client, &channel, window, None, names).await?, window),
            // No change list: the whole window is listed again, which finds what a change
            // scan would and the deletions too.
            (None, Some(mark)) if client.change_tracking() == ChangeTracking::Listing => {
                let fresh_after = mark - margin;
                let listing =
                    self.scan_listing(client, &channel, window, began, fresh_after, names);
                (listing.await?, window)
            }
            (None, Some(mark)) => {
                let since = HistoryScope::Changes { since: mark - margin };
                let changes = self.read(client, &channel, since, None, names).await?;
                if changes.truncated {
                    (self.backfill(client, &channel, window, None, names).await?, window)
                } else if recent > chrono::Duration::zero() {
                    let latest = changes.mark.map_or(mark, |m| m.max(mark));
                    let from = latest - recent;
                    let scope = HistoryScope::Backfill { oldest: Some(from) };
                    let mut pass = self.read(client, &channel, scope, None, names).await?;
                    pass.written += changes.written;
                    pass.mark = pass.mark.max(changes.mark);
                    (pass, from)
                } else {
                    let from = mark;
                    (Pass { seen: None, ..changes }, from)
                }
            }
        };
        // An empty channel's mark is the window's start, so it is scanned for changes next.
        let mark = pass.mark.max(channel.synced_until).or(Some(window));
        channel.synced_until = mark;
        let (seen, before, owner) = (pass.seen, pass.before, channel.owner_id);
        let retired = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let retired = match seen {
                        Some(seen) => {
                            let before = before.map_or(began, |b| b.min(began));
                            tx.retire_chat_posts(id, Some(from), Some(before), &seen).await?
                        }
                        None => 0,
                    };
                    super::listing::posts_changed(tx, id, owner, retired).await?;
                    // Deleted or unfollowed meanwhile: keep the stored flag, move the mark.
                    if let Some(mut stored) = tx.chat_channel(id).await? {
                        stored.synced_until = mark;
                        tx.update_chat_channel(&stored).await?;
                        tx.set_chat_backfill_checkpoint(id, None).await?;
                    }
                    Ok::<_, StoreError>(retired)
                })
            })
            .await?;
        Ok(pass.written + retired)
    }

    /// A backfill down to `oldest` that saves where it would resume with each page: from the
    /// start, or from `resume`, where an attempt cut short stopped. A resumed backfill lists
    /// only what is older than what was listed before, so it reconciles deletions below that
    /// only. A cursor the provider no longer accepts, or after which it lists nothing, starts
    /// the backfill again.
    async fn backfill(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        channel: &Channel,
        oldest: DateTime<Utc>,
        resume: Option<BackfillCheckpoint>,
        names: &Names,
    ) -> Result<Pass, Stop> {
        let scope = HistoryScope::Backfill { oldest: Some(oldest) };
        let fresh = Checkpointing { oldest, listed_down_to: None };
        let Some(resume) = resume else {
            return self.read(client, channel, scope, Some(fresh), names).await;
        };
        let cursor = PageCursor::new(resume.cursor);
        let first = match client.history(&channel.external_id, scope, Some(&cursor)).await {
            // Nothing at all after the cursor: rather an anchor the provider lost (Mattermost
            // answers `before` an unknown post with an empty page) than a window that ended
            // exactly there. Reconciling on it would mark every older post deleted.
            Ok(page) if page.posts.is_empty() && page.next.is_none() => {
                tracing::warn!(channel = %channel.id, "nothing after a backfill's cursor: starting it again");
                return self.read(client, channel, scope, Some(fresh), names).await;
            }
            Ok(page) => page,
            Err(e) if unusable_cursor(&e) => {
                tracing::warn!(channel = %channel.id, error = %e, "cannot resume a backfill: starting it again");
                return self.read(client, channel, scope, Some(fresh), names).await;
            }
            Err(e) => return Err(e.into()),
        };
        tracing::debug!(channel = %channel.id, "resuming a backfill");
        let listed = Some(resume.listed_down_to);
        let checkpointing = Checkpointing { oldest, listed_down_to: listed };
        let mut pass =
            self.read_from(client, channel, scope, first, Some(checkpointing), names).await?;
        pass.before = listed;
        Ok(pass)
    }
}

/// Whether a provider refused a saved cursor for good (rather than for now, or for the
/// channel itself): the provider's own error, or an answer not understood.
fn unusable_cursor(error: &ChatError) -> bool {
    matches!(error, ChatError::Provider { .. } | ChatError::InvalidResponse(_))
}
