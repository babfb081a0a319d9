//! The event consumer that recomputes the stored top senders of accounts whose messages
//! changed in a way that moves them: new messages, a changed sender or receipt time, removals.

use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::sync::Arc;

use switchboard_domain::mail::{MailAccountId, MailMessageId, StoredMessage};
use switchboard_domain::{Change, Event};
use switchboard_ports::{BoxFuture, Clock, MailStatsStore, MailStore, Ports, StoreError};

use super::StatsPolicy;
use super::mail_reads::account_stats;
use crate::events::EventConsumer;

/// Reads the mail message events (appended by every sync page that wrote messages) and
/// recomputes the top senders of the accounts concerned, in the transaction that moves its
/// checkpoint. Read state, folders and the like never move top senders and are skipped.
pub struct MailStatsConsumer<P: Ports> {
    clock: P::Clock,
    policy: Arc<StatsPolicy>,
    ports: PhantomData<fn() -> P>,
}

impl<P: Ports> std::fmt::Debug for MailStatsConsumer<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::NAME)
    }
}

impl<P: Ports> MailStatsConsumer<P> {
    /// The consumer's name (its checkpoint's key).
    pub const NAME: &'static str = "mail.account_stats";

    pub(super) fn new(clock: P::Clock, policy: Arc<StatsPolicy>) -> Self {
        Self { clock, policy, ports: PhantomData }
    }
}

/// The attributes of a message whose change moves top senders.
const COUNTED: [&str; 2] = ["from", "received_at"];

/// The accounts whose top senders `events` may have moved.
async fn accounts_touched<T: MailStore>(
    tx: &mut T,
    events: &[Event],
) -> Result<BTreeSet<MailAccountId>, StoreError> {
    let mut accounts = BTreeSet::new();
    for e in events.iter().filter(|e| e.model_name == StoredMessage::EVENT_MODEL) {
        match &e.change {
            Change::Added { snapshot } => {
                let account = snapshot.get("account_id").and_then(|a| a.as_str());
                if let Some(id) = account.and_then(|a| a.parse().ok()) {
                    accounts.insert(id);
                }
            }
            Change::Changed { attribute_name, .. }
                if COUNTED.contains(&attribute_name.as_str()) =>
            {
                let (Some(owner), Ok(id)) = (e.owner_id, e.object_id.parse::<MailMessageId>())
                else {
                    continue;
                };
                if let Some(m) = tx.mail_message(owner, id).await? {
                    accounts.insert(m.account_id);
                }
            }
            Change::Changed { .. } => {}
            Change::Deleted => {
                // The message is gone and its event names no account: its owner's accounts.
                if let Some(owner) = e.owner_id {
                    accounts.extend(tx.mail_accounts_of(owner).await?.into_iter().map(|a| a.id));
                }
            }
        }
    }
    Ok(accounts)
}

impl<P, Tx> EventConsumer<Tx> for MailStatsConsumer<P>
where
    P: Ports,
    Tx: MailStore + MailStatsStore,
{
    fn name(&self) -> &str {
        Self::NAME
    }

    fn handle<'t>(
        &'t self,
        tx: &'t mut Tx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let now = self.clock.now();
            let accounts = accounts_touched(tx, events).await?;
            for &account in &accounts {
                let stats =
                    account_stats(tx, account, now, self.policy.settings.most_active).await?;
                tx.save_mail_account_stats(&stats).await?;
            }
            if !accounts.is_empty() {
                tracing::debug!(accounts = accounts.len(), "mail top senders recomputed");
            }
            Ok(())
        })
    }
}
