//! Mail use cases: linking mailboxes at Microsoft and Google (the authorization code grant
//! with PKCE, Microsoft's On-Behalf-Of), keeping their tokens fresh (one refresh at a time per
//! account), syncing them in background jobs, and reading and writing them on their owners'
//! behalf.
//!
//! Modules: `detection` places an address at its provider; `link` runs the authorizations;
//! `tokens` opens, refreshes and seals an account's tokens; `sync` and `jobs` bring the
//! mailbox in; `reads` and `writes` serve the API.

mod accounts;
mod detection;
mod error;
mod folders;
mod jobs;
mod kept;
mod link;
mod pkce;
mod reads;
mod refresh_locks;
mod sign_in;
mod sync;
mod sync_page;
mod tokens;
mod writes;

use std::sync::Arc;
use std::time::Duration;

pub use detection::{DetectError, detect_provider};
pub use error::MailServiceError;
pub use jobs::{MailSyncAllJob, MailSyncJob};
pub use link::{LinkCallback, LinkFinished, LinkStart, LinkStarted, Linked};
pub use reads::{AttachmentChunks, AttachmentDownload};
pub use sign_in::MicrosoftSignIn;
use switchboard_ports::Ports;
pub use sync::SyncOutcome;
pub use writes::SendMail;

use refresh_locks::RefreshLocks;

/// Mail settings, from configuration.
#[derive(Debug, Clone)]
pub struct MailPolicy {
    /// How far back the first sync reads.
    pub window_days: u32,
    /// Messages written per batch while syncing.
    pub batch_size: usize,
    /// How long a started authorization may take.
    pub state_ttl: Duration,
    /// How long a one-time link code waits for the client to complete the link.
    pub link_code_ttl: Duration,
    /// This server's OAuth callback, as registered with the providers.
    pub callback_uri: String,
    /// Client redirect URIs a link may return to (exact matches).
    pub allowed_redirect_uris: Vec<String>,
    /// Whether read state is written back to the provider (asks `Mail.ReadWrite` /
    /// `gmail.modify`).
    pub write_back: bool,
    /// Whether sending is enabled (asks `Mail.Send` / `gmail.send`).
    pub send: bool,
    /// Refresh an access token this long before it expires.
    pub refresh_margin: Duration,
    /// Memory, in bytes, for the pages of messages and threads kept and served again while
    /// their account's mail is unchanged (0: none kept).
    pub page_cache_bytes: u64,
}

impl Default for MailPolicy {
    fn default() -> Self {
        Self {
            window_days: 90,
            batch_size: 500,
            state_ttl: Duration::from_secs(600),
            link_code_ttl: Duration::from_secs(300),
            callback_uri: "http://127.0.0.1:8080/api/mail/link/callback".to_owned(),
            allowed_redirect_uris: Vec::new(),
            write_back: false,
            send: false,
            refresh_margin: Duration::from_secs(300),
            page_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Links, syncs, reads and writes mailboxes.
pub struct MailService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    secrets: P::Secrets,
    mail: P::Mail,
    policy: MailPolicy,
    /// One token refresh at a time per account in this process, shared by every clone.
    refreshing: Arc<RefreshLocks>,
    /// The pages of messages and threads served lately, shared by every clone.
    pages: Option<Arc<kept::Pages>>,
}

impl<P: Ports> std::fmt::Debug for MailService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailService").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for MailService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            secrets: self.secrets.clone(),
            mail: self.mail.clone(),
            policy: self.policy.clone(),
            refreshing: self.refreshing.clone(),
            pages: self.pages.clone(),
        }
    }
}

impl<P: Ports> MailService<P> {
    /// The service over its adapters and policy.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        secrets: P::Secrets,
        mail: P::Mail,
        policy: MailPolicy,
    ) -> Self {
        let pages = kept::Pages::new(policy.page_cache_bytes).map(Arc::new);
        Self { uow, clock, secrets, mail, policy, refreshing: Arc::default(), pages }
    }

    /// The same service (its kept pages and its one refresh at a time per account) reaching
    /// the store through `uow`: each server worker reads through its own connections while
    /// what the service keeps stays one for the process.
    #[must_use]
    pub fn with_uow(&self, uow: P::Uow) -> Self {
        Self { uow, ..self.clone() }
    }

    /// The policy it runs with.
    pub fn policy(&self) -> &MailPolicy {
        &self.policy
    }
}
