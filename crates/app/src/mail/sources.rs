//! The mail source of an account's provider: Graph for Outlook, the Gmail API for Gmail. The
//! services are generic over one source type; the provider is a runtime choice, so the choice
//! is an enum here (one match per call) rather than a boxed trait object.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use switchboard_domain::mail::{
    MailIdentity, MailProvider, OutgoingMessage, ProviderMessage, RemoteFolder,
};
use switchboard_gmail::{GmailSource, GmailSources};
use switchboard_graph::{GraphSource, GraphSources};
use switchboard_ports::MailSourceFactory;
use switchboard_ports::mail::{
    AttachmentContent, ChangePage, MailError, MailSource, SyncFrom, SyncScope,
};

/// The source factories of both providers.
#[derive(Debug, Clone)]
pub struct ProviderSources {
    /// Outlook.
    pub graph: GraphSources,
    /// Gmail.
    pub gmail: GmailSources,
}

impl MailSourceFactory for ProviderSources {
    type Source = ProviderSource;

    fn source(
        &self,
        provider: MailProvider,
        mailbox: &str,
        access_token: &str,
    ) -> Result<ProviderSource, MailError> {
        match provider {
            MailProvider::Google => {
                self.gmail.source(provider, mailbox, access_token).map(ProviderSource::Gmail)
            }
            _ => self.graph.source(provider, mailbox, access_token).map(ProviderSource::Graph),
        }
    }
}

/// One mailbox at its provider.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one source per job or request, built once and borrowed: boxing saves nothing"
)]
pub enum ProviderSource {
    /// An Outlook mailbox.
    Graph(GraphSource),
    /// A Gmail mailbox.
    Gmail(GmailSource),
}

/// An attachment's bytes from either provider.
#[derive(Debug)]
pub enum ProviderChunks {
    /// Streamed from Graph.
    Graph(<GraphSource as MailSource>::Chunks),
    /// Decoded from Gmail's answer.
    Gmail(<GmailSource as MailSource>::Chunks),
}

impl Stream for ProviderChunks {
    type Item = Result<Vec<u8>, MailError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut() {
            Self::Graph(chunks) => Pin::new(chunks).poll_next(cx),
            Self::Gmail(chunks) => Pin::new(chunks).poll_next(cx),
        }
    }
}

/// Runs `$call` on whichever source `$self` holds.
macro_rules! either {
    ($self:expr, $source:ident => $call:expr) => {
        match $self {
            ProviderSource::Graph($source) => $call,
            ProviderSource::Gmail($source) => $call,
        }
    };
}

impl MailSource for ProviderSource {
    type Chunks = ProviderChunks;

    fn provider(&self) -> MailProvider {
        either!(self, s => s.provider())
    }

    fn sync_scope(&self) -> SyncScope {
        either!(self, s => s.sync_scope())
    }

    async fn identity(&self) -> Result<MailIdentity, MailError> {
        either!(self, s => s.identity().await)
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MailError> {
        either!(self, s => s.folders().await)
    }

    async fn changes(
        &self,
        folder: Option<&str>,
        from: SyncFrom<'_>,
    ) -> Result<ChangePage, MailError> {
        either!(self, s => s.changes(folder, from).await)
    }

    async fn message(&self, id: &str) -> Result<ProviderMessage, MailError> {
        either!(self, s => s.message(id).await)
    }

    async fn attachment(
        &self,
        message_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentContent<ProviderChunks>, MailError> {
        match self {
            Self::Graph(s) => {
                let content = s.attachment(message_id, attachment_id).await?;
                Ok(AttachmentContent {
                    content_type: content.content_type,
                    length: content.length,
                    chunks: ProviderChunks::Graph(content.chunks),
                })
            }
            Self::Gmail(s) => {
                let content = s.attachment(message_id, attachment_id).await?;
                Ok(AttachmentContent {
                    content_type: content.content_type,
                    length: content.length,
                    chunks: ProviderChunks::Gmail(content.chunks),
                })
            }
        }
    }

    async fn set_unread(&self, id: &str, unread: bool) -> Result<(), MailError> {
        either!(self, s => s.set_unread(id, unread).await)
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<(), MailError> {
        either!(self, s => s.send(message).await)
    }
}
