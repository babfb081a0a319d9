//! [`Ports`]: one type naming an adapter for every port, so services and handlers take a
//! single type parameter instead of one per port.

use crate::identity::{Clock, IdentityStores, PasswordHasher, SecretBox, TokenIssuer};
use crate::{ChatSourceFactory, ChatStatsStore, ChatStore, OAuthStateStore};
use crate::{EventReader, JobAdmin, ReadinessProbe, UnitOfWork};
use crate::{
    MailAdapters, MailLinkStore, MailStatsStore, MailStore, NotificationStore, StreamTicketStore,
    WebhookStore,
};

/// A complete set of adapters. The app defines one over PostgreSQL; the memory crate one for
/// tests and embedders.
pub trait Ports: Send + Sync + 'static {
    /// Readiness of the store.
    type Readiness: ReadinessProbe + Clone;
    /// Transactions over every aggregate.
    type Uow: UnitOfWork<
            Tx: IdentityStores
                    + ChatStore
                    + ChatStatsStore
                    + OAuthStateStore
                    + MailStore
                    + MailLinkStore
                    + MailStatsStore
                    + WebhookStore
                    + NotificationStore
                    + StreamTicketStore,
        > + Clone;
    /// Reads of the event log.
    type Events: EventReader + Clone;
    /// The job queue, for operators.
    type Jobs: JobAdmin + Clone;
    /// The time.
    type Clock: Clock + Clone;
    /// Password hashing.
    type Hasher: PasswordHasher + Clone;
    /// Access tokens.
    type Tokens: TokenIssuer + Clone;
    /// Secrets at rest.
    type Secrets: SecretBox + Clone;
    /// Chat sources (Slack, Mattermost) built from a token.
    type ChatSources: ChatSourceFactory + Clone;
    /// The mail providers' clients and the MX lookup.
    type Mail: MailAdapters + Clone;
}
