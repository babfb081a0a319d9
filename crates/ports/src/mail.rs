//! Mail providers: one user's mailbox at Microsoft Graph or the Gmail API, reached with an
//! access token.
//!
//! Adapters: `switchboard-graph` (graph-rs-sdk) and `switchboard-gmail` (google-gmail1). Both
//! retry throttling answers themselves within a [`RetryPolicy`] (the loop the chat adapters
//! use, [`crate::rate_limit::retrying`]) and then give up with [`MailError::RateLimited`]; both keep at most the provider's own limit of requests in flight
//! per mailbox. Tokens are the caller's business: an adapter answers
//! [`MailError::Unauthorized`] for an expired token, and the caller refreshes it (one refresh at
//! a time per account) and builds a new source.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_core::Stream;
use switchboard_domain::mail::{
    MailIdentity, MailProvider, OutgoingMessage, ProviderMessage, RemoteFolder,
};

pub use crate::chat::RetryPolicy;

/// Why a mail provider call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The access token is expired or invalid (HTTP 401, Graph
    /// `InvalidAuthenticationToken`): refresh it and try again.
    #[error("the provider refused the access token: {reason}")]
    Unauthorized {
        /// The provider's code or message.
        reason: String,
    },
    /// The token lacks a permission the call needs (Graph `ErrorAccessDenied`, Gmail
    /// `insufficientPermissions`): the account must consent to more scopes.
    #[error("the provider refused the call for lack of permission: {reason}")]
    Forbidden {
        /// The provider's code or message.
        reason: String,
    },
    /// Still throttled after the retries the policy allows.
    #[error("rate limited by the provider; retry after {retry_after:?}")]
    RateLimited {
        /// How long the provider asked to wait.
        retry_after: Duration,
    },
    /// The message, attachment or folder does not exist (any more).
    #[error("not found: {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The change cursor is too old or unknown to the provider (Graph 410
    /// `syncStateNotFound`, Gmail's 404 for a `historyId`): sync that scope from its window
    /// again.
    #[error("the provider no longer knows this sync cursor")]
    CursorExpired,
    /// The provider answered with an error of its own.
    #[error("provider error {code}: {message}")]
    Provider {
        /// The provider's error code (Graph `error.code`, Gmail `error.status`) or HTTP status.
        code: String,
        /// A human-readable message.
        message: String,
    },
    /// The answer could not be understood (not the documented JSON).
    #[error("unexpected answer from the provider: {0}")]
    InvalidResponse(String),
    /// The provider could not be reached (connection, TLS, timeout).
    #[error("cannot reach the provider: {0}")]
    Transport(String),
}

impl MailError {
    /// Whether the same call may succeed later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Transport(_))
    }
}

/// Looks up a mail domain's MX hosts, so a domain that is not a known consumer domain can be
/// placed at a provider by where its mail goes. The app resolves through DNS; tests and
/// embedders use a fixed table (`switchboard_memory::FixedMx`).
pub trait MxResolver: Send + Sync + 'static {
    /// The domain's MX hosts, most preferred first; empty when it has none.
    ///
    /// # Errors
    /// [`MxError`] when the lookup itself failed (no answer, not "no records").
    fn mx_hosts(&self, domain: &str) -> impl Future<Output = Result<Vec<String>, MxError>> + Send;
}

/// An MX lookup that could not be answered (the resolver timed out or failed); a domain
/// without MX records is an empty answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot look up the MX records of {domain}: {reason}")]
pub struct MxError {
    /// The domain looked up.
    pub domain: String,
    /// What went wrong.
    pub reason: String,
}

/// An opaque continuation of a paged answer, handed back as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken(pub String);

/// An opaque change cursor kept between syncs (Graph's `@odata.deltaLink`, Gmail's
/// `historyId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor(pub String);

/// Where a sync round reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncFrom<'a> {
    /// The first sync: every message received since this time, newest first.
    Window {
        /// The window's start.
        since: DateTime<Utc>,
    },
    /// What changed since a cursor an earlier round ended with.
    Cursor(&'a SyncCursor),
    /// The next page of a round.
    Page(&'a PageToken),
}

/// What comes after a page of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStep {
    /// More pages: ask again with [`SyncFrom::Page`].
    More(PageToken),
    /// The round is complete: keep this cursor for the next one.
    Done(SyncCursor),
}

/// One page of a sync round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePage {
    /// Messages new or changed (read state, folder, labels), as listed (no bodies).
    pub upserted: Vec<ProviderMessage>,
    /// Provider ids of messages deleted, or moved out of the scope synced.
    pub removed: Vec<String>,
    /// What comes next.
    pub next: SyncStep,
}

/// How a provider scopes its change cursors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncScope {
    /// One cursor per folder (Graph's `mailFolders/{id}/messages/delta`).
    PerFolder,
    /// One cursor for the whole mailbox (Gmail's history).
    Mailbox,
}

/// An attachment's content as it arrives: never held whole in memory.
#[derive(Debug)]
pub struct AttachmentContent<S> {
    /// Its MIME type.
    pub content_type: String,
    /// Its length in bytes, when the provider says.
    pub length: Option<u64>,
    /// The bytes, chunk by chunk.
    pub chunks: S,
}

/// One user's mailbox, through their access token.
///
/// Identifiers are the provider's. Every method may fail with [`MailError::Unauthorized`]
/// (refresh the token), [`MailError::RateLimited`], [`MailError::Provider`],
/// [`MailError::InvalidResponse`] or [`MailError::Transport`].
pub trait MailSource: Send + Sync + 'static {
    /// The chunks of an attachment's content.
    type Chunks: Stream<Item = Result<Vec<u8>, MailError>> + Send + Unpin + 'static;

    /// The provider this source talks to.
    fn provider(&self) -> MailProvider;

    /// How its change cursors are scoped.
    fn sync_scope(&self) -> SyncScope;

    /// Whose mailbox this is.
    ///
    /// # Errors
    /// As the trait says.
    fn identity(&self) -> impl Future<Output = Result<MailIdentity, MailError>> + Send;

    /// Every folder (Outlook, child folders included) or label (Gmail) of the mailbox.
    ///
    /// # Errors
    /// As the trait says.
    fn folders(&self) -> impl Future<Output = Result<Vec<RemoteFolder>, MailError>> + Send;

    /// One page of a sync round over `folder` (a provider folder id with
    /// [`SyncScope::PerFolder`], `None` with [`SyncScope::Mailbox`]). Start with
    /// [`SyncFrom::Window`] or [`SyncFrom::Cursor`], then follow [`ChangePage::next`] with
    /// [`SyncFrom::Page`] until it is [`SyncStep::Done`].
    ///
    /// # Errors
    /// [`MailError::CursorExpired`] for a cursor the provider forgot (start again from the
    /// window); otherwise as the trait says.
    fn changes(
        &self,
        folder: Option<&str>,
        from: SyncFrom<'_>,
    ) -> impl Future<Output = Result<ChangePage, MailError>> + Send;

    /// One message in full: bodies and attachments' descriptions.
    ///
    /// # Errors
    /// [`MailError::NotFound`] when it is gone; otherwise as the trait says.
    fn message(&self, id: &str) -> impl Future<Output = Result<ProviderMessage, MailError>> + Send;

    /// An attachment's content, streamed.
    ///
    /// # Errors
    /// [`MailError::NotFound`] when it is gone; otherwise as the trait says.
    fn attachment(
        &self,
        message_id: &str,
        attachment_id: &str,
    ) -> impl Future<Output = Result<AttachmentContent<Self::Chunks>, MailError>> + Send;

    /// Marks a message read or unread at the provider.
    ///
    /// # Errors
    /// [`MailError::Forbidden`] without the write scope; otherwise as the trait says.
    fn set_unread(
        &self,
        id: &str,
        unread: bool,
    ) -> impl Future<Output = Result<(), MailError>> + Send;

    /// Sends a message, or a reply when [`OutgoingMessage::reply_to`] is set.
    ///
    /// # Errors
    /// [`MailError::Forbidden`] without the send scope; otherwise as the trait says.
    fn send(&self, message: &OutgoingMessage)
    -> impl Future<Output = Result<(), MailError>> + Send;
}
