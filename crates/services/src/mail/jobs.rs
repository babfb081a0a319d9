//! The mail jobs: one account's sync, and the recurring job that enqueues them all.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use switchboard_domain::mail::MailAccountId;
use switchboard_ports::Ports;

use super::{MailService, MailServiceError};
use crate::jobs::{BackgroundJob, JobError};

/// Syncs one account (its folders, then each folder's changes). At most one waits per
/// account. A dead grant marks the account `reauth_required` and the job succeeds (nothing
/// retries a dead grant); an unreachable or throttling provider fails the attempt, retried
/// with backoff (after the provider's `Retry-After` when it gave one); other failures mark the
/// account `error` and are retried too. What an attempt stored is kept: folders whose round
/// completed keep their cursors, and pages already written are upserted again harmlessly.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct MailSyncJob<P> {
    /// The account.
    pub account_id: MailAccountId,
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for MailSyncJob<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSyncJob").field("account_id", &self.account_id).finish()
    }
}

impl<P> MailSyncJob<P> {
    /// The sync of `account_id`.
    pub fn new(account_id: MailAccountId) -> Self {
        Self { account_id, ports: PhantomData }
    }
}

impl<P: Ports> BackgroundJob for MailSyncJob<P> {
    const JOB_TYPE: &'static str = "mail.sync";
    const MAX_ATTEMPTS: u32 = 8;
    type Context = MailService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some(self.account_id.to_string())
    }

    async fn run(&self, mail: &MailService<P>) -> Result<(), JobError> {
        match mail.sync(self.account_id).await {
            Ok(_) | Err(MailServiceError::ReauthRequired(_)) => Ok(()),
            Err(e) => {
                let error = JobError::new(e.to_string());
                Err(match e.retry_after() {
                    Some(wait) => error.retry_after(wait),
                    None => error,
                })
            }
        }
    }
}

/// Enqueues a sync of every account that can sync (run on a schedule).
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct MailSyncAllJob<P> {
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for MailSyncAllJob<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailSyncAllJob")
    }
}

impl<P> Default for MailSyncAllJob<P> {
    fn default() -> Self {
        Self { ports: PhantomData }
    }
}

impl<P: Ports> BackgroundJob for MailSyncAllJob<P> {
    const JOB_TYPE: &'static str = "mail.sync_all";
    type Context = MailService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, mail: &MailService<P>) -> Result<(), JobError> {
        mail.enqueue_syncs().await.map(drop).map_err(|e| JobError::new(e.to_string()))
    }
}
