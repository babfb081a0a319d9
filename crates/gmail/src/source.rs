//! [`GmailSource`]: one mailbox through the Gmail API v1 and an access token
//! (<https://developers.google.com/workspace/gmail/api/reference/rest>), `userId=me`.

use google_gmail1::api::{ListHistoryResponse, Message, MessagePartBody, ModifyMessageRequest};
use switchboard_domain::mail::{
    FolderKind, FolderRole, MailIdentity, MailProvider, OutgoingMessage, ProviderMessage,
    RemoteFolder,
};
use switchboard_ports::MailboxLimit;
use switchboard_ports::mail::{
    AttachmentContent, ChangePage, MailError, MailSource, SyncFrom, SyncScope,
};

use crate::api::Api;
use crate::chunks::AttachmentChunks;
use crate::headers::Envelope;
use crate::mime_walk::{self, header};
use crate::outgoing::{self, ReplyContext};
use crate::sync::{self, Round};
use crate::wire;

/// The authenticated user, as Gmail names it in paths.
const ME: &str = "me";

/// Every kind of change a history reading asks for.
const HISTORY_TYPES: [&str; 4] = ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"];

/// One Gmail mailbox, reached with one access token. Clones share the token, the mailbox's
/// request budget and its throttling pause.
#[derive(Debug, Clone)]
pub struct GmailSource {
    api: Api,
    page_size: u32,
}

impl GmailSource {
    pub(crate) fn new(api: Api, page_size: u32) -> Self {
        Self { api, page_size: page_size.clamp(1, 500) }
    }

    /// The mailbox's request budget (shared by every source of the same mailbox).
    pub fn limit(&self) -> &MailboxLimit {
        &self.api.limit
    }

    pub(crate) fn concurrency(&self) -> usize {
        self.api.limit.capacity()
    }

    async fn profile_history_id(&self) -> Result<(String, u64), MailError> {
        let profile = self
            .api
            .call("profile", |hub, seen| {
                Box::pin(hub.users().get_profile(ME).delegate(seen).doit())
            })
            .await?;
        let address = profile.email_address.unwrap_or_default();
        let history_id = profile
            .history_id
            .ok_or_else(|| MailError::InvalidResponse("a profile without historyId".into()))?;
        Ok((address, history_id))
    }

    /// One page of message ids received after `after` (epoch seconds), and the next page's
    /// token.
    pub(crate) async fn list_ids(
        &self,
        after: i64,
        page: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), MailError> {
        let q = format!("after:{after}");
        let answer = self
            .api
            .call("messages", |hub, seen| {
                let mut call =
                    hub.users().messages_list(ME).q(&q).max_results(self.page_size).delegate(seen);
                if let Some(page) = page {
                    call = call.page_token(page);
                }
                Box::pin(call.doit())
            })
            .await?;
        let ids = answer.messages.into_iter().flatten().filter_map(|m| m.id).collect();
        Ok((ids, answer.next_page_token.filter(|p| !p.is_empty())))
    }

    pub(crate) async fn history(
        &self,
        start: u64,
        page: Option<&str>,
    ) -> Result<ListHistoryResponse, MailError> {
        self.api
            .call("history", |hub, seen| {
                let mut call = hub
                    .users()
                    .history_list(ME)
                    .start_history_id(start)
                    .max_results(self.page_size)
                    .delegate(seen);
                for kind in HISTORY_TYPES {
                    call = call.add_history_types(kind);
                }
                if let Some(page) = page {
                    call = call.page_token(page);
                }
                Box::pin(call.doit())
            })
            .await
    }

    async fn get(&self, id: &str, format: &str) -> Result<Message, MailError> {
        let what = format!("message {id}");
        self.api
            .call_or_reread(
                &what,
                |hub, seen| {
                    Box::pin(hub.users().messages_get(ME, id).format(format).delegate(seen).doit())
                },
                wire::reread,
            )
            .await
    }

    /// A message read in full; `full` keeps the HTML body and the attachments.
    pub(crate) async fn fetch(&self, id: &str, full: bool) -> Result<ProviderMessage, MailError> {
        let message = self.get(id, "full").await?;
        if !mime_walk::html_alone(&message) {
            return Ok(mime_walk::provider_message(&message, full));
        }
        // The HTML's text is read on the blocking pool, not on the threads serving requests.
        tokio::task::spawn_blocking(move || mime_walk::provider_message(&message, full))
            .await
            .map_err(|e| MailError::InvalidResponse(format!("message {id} could not be read: {e}")))
    }

    async fn reply_context(&self, id: &str) -> Result<(ReplyContext, Option<String>), MailError> {
        let original = self.get(id, "metadata").await?;
        let part = original.payload.unwrap_or_default();
        let envelope = Envelope::of(&part);
        let context = ReplyContext {
            message_id: header(&part, "Message-ID").map(str::to_owned),
            references: header(&part, "References").map(str::to_owned),
            subject: envelope.subject,
            from: envelope.reply_to.or(envelope.from),
        };
        Ok((context, original.thread_id))
    }
}

impl MailSource for GmailSource {
    type Chunks = AttachmentChunks;

    fn provider(&self) -> MailProvider {
        MailProvider::Google
    }

    fn sync_scope(&self) -> SyncScope {
        SyncScope::Mailbox
    }

    async fn identity(&self) -> Result<MailIdentity, MailError> {
        let (address, _) = self.profile_history_id().await?;
        if address.is_empty() {
            return Err(MailError::InvalidResponse("a profile without emailAddress".into()));
        }
        Ok(MailIdentity {
            provider: MailProvider::Google,
            account_id: address.clone(),
            address,
            display_name: None,
        })
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MailError> {
        let answer = self
            .api
            .call("labels", |hub, seen| Box::pin(hub.users().labels_list(ME).delegate(seen).doit()))
            .await?;
        let count = |n: Option<i32>| n.and_then(|n| u64::try_from(n).ok());
        Ok(answer
            .labels
            .into_iter()
            .flatten()
            .filter_map(|label| {
                let id = label.id?;
                let system = label.type_.as_deref() == Some("system");
                Some(RemoteFolder {
                    role: FolderRole::from_gmail_label(&id),
                    name: label.name.unwrap_or_else(|| id.clone()),
                    id,
                    parent_id: None,
                    kind: if system { FolderKind::System } else { FolderKind::Label },
                    total: count(label.messages_total),
                    unread: count(label.messages_unread),
                })
            })
            .collect())
    }

    async fn changes(
        &self,
        _folder: Option<&str>,
        from: SyncFrom<'_>,
    ) -> Result<ChangePage, MailError> {
        let round = match from {
            SyncFrom::Window { since } => {
                // Before listing: what arrives while we list is in the next round's history.
                let (_, cursor) = self.profile_history_id().await?;
                Round::Window { cursor, after: since.timestamp(), page: None }
            }
            SyncFrom::Cursor(cursor) => {
                Round::History { start: sync::history_id(cursor)?, page: None }
            }
            SyncFrom::Page(token) => Round::parse(token)?,
        };
        self.round(round).await
    }

    async fn message(&self, id: &str) -> Result<ProviderMessage, MailError> {
        self.fetch(id, true).await
    }

    async fn attachment(
        &self,
        message_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentContent<AttachmentChunks>, MailError> {
        let what = format!("attachment {attachment_id} of message {message_id}");
        // The message says the part's type, and which `attachmentId` fetches its bytes now:
        // Gmail hands out a new one on each reading. A small part's bytes are in the message
        // itself (`data`, no `attachmentId`). An id this reading does not name (an
        // `attachmentId` an older version stored) is asked for as it is.
        let message = self.get(message_id, "full").await?;
        let part = message.payload.as_ref().and_then(|root| mime_walk::part(root, attachment_id));
        let content_type = part
            .and_then(|p| p.mime_type.clone())
            .filter(|t| !t.is_empty())
            .map_or_else(|| "application/octet-stream".to_owned(), |t| t.to_ascii_lowercase());
        let body = part.and_then(|p| p.body.as_ref());
        let fetch_id = match body {
            Some(body) => body.attachment_id.as_deref(),
            None => Some(attachment_id),
        };
        let bytes = match fetch_id {
            Some(fetch_id) => {
                let body: MessagePartBody = self
                    .api
                    .call_or_reread(
                        &what,
                        |hub, seen| {
                            Box::pin(
                                hub.users()
                                    .messages_attachments_get(ME, message_id, fetch_id)
                                    .delegate(seen)
                                    .doit(),
                            )
                        },
                        wire::reread,
                    )
                    .await?;
                body.data.unwrap_or_default()
            }
            None => body.and_then(|b| b.data.clone()).unwrap_or_default(),
        };
        Ok(AttachmentContent {
            content_type,
            length: Some(bytes.len() as u64),
            chunks: AttachmentChunks::new(bytes),
        })
    }

    async fn set_unread(&self, id: &str, unread: bool) -> Result<(), MailError> {
        let unread_label = Some(vec!["UNREAD".to_owned()]);
        let request = if unread {
            ModifyMessageRequest { add_label_ids: unread_label, remove_label_ids: None }
        } else {
            ModifyMessageRequest { add_label_ids: None, remove_label_ids: unread_label }
        };
        let what = format!("message {id}");
        self.api
            .call(&what, |hub, seen| {
                Box::pin(hub.users().messages_modify(request.clone(), ME, id).delegate(seen).doit())
            })
            .await?;
        Ok(())
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<(), MailError> {
        let (address, _) = self.profile_history_id().await?;
        let (reply, thread_id) = match message.reply_to.as_deref() {
            Some(id) => {
                let (context, thread) = self.reply_context(id).await?;
                (Some(context), thread)
            }
            None => (None, None),
        };
        let raw = outgoing::rfc5322(&address, message, reply.as_ref())?;
        let metadata = Message { thread_id, ..Message::default() };
        let rfc822: mime::Mime = "message/rfc822"
            .parse()
            .map_err(|_| MailError::InvalidResponse("message/rfc822".into()))?;
        self.api
            .call("send", |hub, seen| {
                Box::pin(
                    hub.users()
                        .messages_send(metadata.clone(), ME)
                        .delegate(seen)
                        .upload(std::io::Cursor::new(raw.clone()), rfc822.clone()),
                )
            })
            .await?;
        Ok(())
    }
}
