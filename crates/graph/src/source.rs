//! [`MailSource`] over Microsoft Graph: `/me`, `mailFolders` (child folders included, roles
//! from the well-known names), message delta per folder, one message with both bodies and
//! its attachments' descriptions, attachment content streamed, `PATCH isRead`, `sendMail`
//! and `reply`.

use chrono::SecondsFormat;
use futures_util::future::{join_all, try_join3};
use graph_rs_sdk::ODataQuery;
use serde_json::{Value, json};
use switchboard_domain::mail::{
    FolderKind, FolderRole, MailAddress, MailIdentity, MailProvider, MessageBody, OutgoingMessage,
    ProviderMessage, RemoteFolder,
};
use switchboard_ports::mail::{
    AttachmentContent, ChangePage, MailError, MailSource, PageToken, SyncCursor, SyncFrom,
    SyncScope, SyncStep,
};

use crate::chunks::AttachmentChunks;
use crate::request::{Answer, Graph};
use crate::wire::{self, ATTACHMENT_FIELDS, LISTED};
use switchboard_ports::MailboxLimit;

/// Graph's well-known folder names we give a role (`FolderRole::from_graph_well_known`).
const WELL_KNOWN: [&str; 6] =
    ["inbox", "sentitems", "drafts", "deleteditems", "junkemail", "archive"];

/// Folders per page (Graph's default is 10).
const FOLDER_PAGE: &str = "100";

/// One mailbox at Microsoft Graph, through one access token. Clones share the token, the
/// throttling pause and the request budget.
#[derive(Debug, Clone)]
pub struct GraphSource {
    graph: Graph,
    page_size: u32,
}

impl GraphSource {
    pub(crate) fn new(graph: Graph, page_size: u32) -> Self {
        Self { graph, page_size: page_size.clamp(1, 1000) }
    }

    /// The mailbox's request budget (requests in flight, calls waiting).
    pub fn limit(&self) -> &MailboxLimit {
        &self.graph.limit
    }

    fn max_page(&self) -> String {
        format!("odata.maxpagesize={}", self.page_size)
    }

    /// Every page of a folder collection, from its first request on.
    async fn folder_pages(&self, parent: Option<&str>) -> Result<Vec<wire::Folder>, MailError> {
        let what =
            parent.map_or_else(|| "mail folders".to_owned(), |p| format!("child folders of {p}"));
        let page: wire::Page<wire::Folder> = self
            .graph
            .json(&what, &[], |client| match parent {
                None => client.me().mail_folders().list_mail_folders().top(FOLDER_PAGE),
                Some(id) => client
                    .me()
                    .mail_folder(id)
                    .child_folders()
                    .list_child_folders()
                    .top(FOLDER_PAGE),
            })
            .await?;
        self.graph.all_pages(&what, page).await
    }

    /// The ids of the well-known folders this mailbox has, with their roles.
    async fn roles(&self) -> Result<Vec<(String, FolderRole)>, MailError> {
        let lookups = WELL_KNOWN.map(|name| async move {
            let found: Result<wire::FolderId, MailError> = self
                .graph
                .json(name, &[], |client| {
                    client.me().mail_folder(name).get_mail_folders().select(&["id"])
                })
                .await;
            match found {
                Ok(folder) => Ok(FolderRole::from_graph_well_known(name).map(|r| (folder.id, r))),
                // A mailbox without an archive folder, say.
                Err(MailError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        });
        join_all(lookups).await.into_iter().filter_map(Result::transpose).collect()
    }

    /// A delta page as the port's change page.
    fn change_page(page: wire::Page<wire::Message>) -> Result<ChangePage, MailError> {
        let mut upserted = Vec::new();
        let mut removed = Vec::new();
        for entry in page.value {
            if entry.removed.is_some() {
                removed.push(entry.id);
            } else {
                upserted.push(entry.into_domain()?);
            }
        }
        let next = match (page.next_link, page.delta_link) {
            (Some(next), _) => SyncStep::More(PageToken(next)),
            (None, Some(delta)) => SyncStep::Done(SyncCursor(delta)),
            (None, None) => {
                return Err(MailError::InvalidResponse(
                    "a delta page with neither @odata.nextLink nor @odata.deltaLink".into(),
                ));
            }
        };
        Ok(ChangePage { upserted, removed, next })
    }
}

fn recipients(list: &[MailAddress]) -> Value {
    list.iter().map(|a| json!({"emailAddress": {"address": a.address, "name": a.name}})).collect()
}

impl MailSource for GraphSource {
    type Chunks = AttachmentChunks;

    fn provider(&self) -> MailProvider {
        MailProvider::Microsoft
    }

    fn sync_scope(&self) -> SyncScope {
        SyncScope::PerFolder
    }

    async fn identity(&self) -> Result<MailIdentity, MailError> {
        let user: wire::User =
            self.graph.json("the signed-in user", &[], |client| client.me().get_user()).await?;
        let address = user.mail.or(user.user_principal_name).ok_or_else(|| {
            MailError::InvalidResponse("/me has neither mail nor userPrincipalName".into())
        })?;
        Ok(MailIdentity {
            provider: MailProvider::Microsoft,
            account_id: user.id,
            address,
            display_name: user.display_name.filter(|n| !n.is_empty()),
        })
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MailError> {
        let (roles, mut pending) = futures_util::try_join!(self.roles(), self.folder_pages(None))?;
        let mut folders = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while !pending.is_empty() {
            let parents: Vec<String> = pending
                .iter()
                .filter(|f| f.child_folder_count.unwrap_or(0) > 0 && seen.insert(f.id.clone()))
                .map(|f| f.id.clone())
                .collect();
            folders.append(&mut pending);
            for children in join_all(parents.iter().map(|p| self.folder_pages(Some(p)))).await {
                pending.extend(children?);
            }
        }
        let ids: std::collections::HashSet<String> = folders.iter().map(|f| f.id.clone()).collect();
        Ok(folders
            .into_iter()
            .map(|f| {
                let role = roles.iter().find(|(id, _)| *id == f.id).map(|(_, r)| *r);
                RemoteFolder {
                    // The top folders' parent is the hidden root, which is no folder of ours.
                    parent_id: f.parent_folder_id.filter(|p| ids.contains(p)),
                    name: f.display_name.unwrap_or_default(),
                    kind: if role.is_some() { FolderKind::System } else { FolderKind::Folder },
                    role,
                    total: f.total_item_count,
                    unread: f.unread_item_count,
                    id: f.id,
                }
            })
            .collect())
    }

    async fn changes(
        &self,
        folder: Option<&str>,
        from: SyncFrom<'_>,
    ) -> Result<ChangePage, MailError> {
        let max_page = self.max_page();
        let prefer = [max_page.as_str(), wire::TEXT_BODY];
        let page: wire::Page<wire::Message> = match from {
            SyncFrom::Window { since } => {
                let folder = folder.ok_or_else(|| MailError::NotFound {
                    what: "a folder id: Graph syncs one folder at a time".into(),
                })?;
                let filter = format!(
                    "receivedDateTime ge {}",
                    since.to_rfc3339_opts(SecondsFormat::Secs, true)
                );
                let what = format!("folder {folder}");
                self.graph
                    .json(&what, &prefer, |client| {
                        client
                            .me()
                            .mail_folder(folder)
                            .messages()
                            .delta()
                            .select(&[LISTED])
                            .filter(&[filter.as_str()])
                            // The only order delta allows, and the one a first sync wants.
                            .order_by(&["receivedDateTime desc"])
                    })
                    .await?
            }
            SyncFrom::Cursor(SyncCursor(link)) | SyncFrom::Page(PageToken(link)) => {
                let link = self.graph.link(link)?;
                self.graph.follow("a delta link", &prefer, &link).await?
            }
        };
        // Bodies answered in HTML (a server ignoring the text preference) are turned into text
        // on the blocking pool, not on the threads serving requests.
        if !page.value.iter().any(|m| m.body.as_ref().is_some_and(wire::ItemBody::is_html)) {
            return Self::change_page(page);
        }
        tokio::task::spawn_blocking(move || Self::change_page(page)).await.map_err(|e| {
            MailError::InvalidResponse(format!("a delta page could not be read: {e}"))
        })?
    }

    async fn message(&self, id: &str) -> Result<ProviderMessage, MailError> {
        let what = format!("message {id}");
        let html = self
            .graph
            .json::<wire::Message>(&what, &[], |client| client.me().message(id).get_messages());
        let text = self.graph.json::<wire::Message>(&what, &[wire::TEXT_BODY], |client| {
            client.me().message(id).get_messages().select(&["body"])
        });
        let attachments = async {
            let page: wire::Page<wire::Attachment> = self
                .graph
                .json(&what, &[], |client| {
                    client
                        .me()
                        .message(id)
                        .attachments()
                        .list_attachments()
                        .select(&[ATTACHMENT_FIELDS])
                })
                .await?;
            self.graph.all_pages(&what, page).await
        };
        let (mut html, mut text, attachments) = try_join3(html, text, attachments).await?;
        let bodies = [html.body.take(), text.body.take()];
        let mut body = MessageBody::default();
        for b in bodies.into_iter().flatten() {
            let slot = if b.is_html() { &mut body.html } else { &mut body.text };
            if slot.is_none() {
                *slot = b.content;
            }
        }
        let mut message = html.into_domain()?;
        message.body = Some(if body.text.is_some() {
            body
        } else {
            // HTML alone: its text is read on the blocking pool.
            tokio::task::spawn_blocking(move || MessageBody::new(body.text, body.html))
                .await
                .map_err(|e| MailError::InvalidResponse(format!("{what} could not be read: {e}")))?
        });
        message.attachments = attachments.into_iter().map(Into::into).collect();
        Ok(message)
    }

    async fn attachment(
        &self,
        message_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentContent<AttachmentChunks>, MailError> {
        let what = format!("attachment {attachment_id} of message {message_id}");
        let Answer { response, permit } = self
            .graph
            .send(&what, &[], |client| {
                client.me().message(message_id).attachment(attachment_id).get_attachments_content()
            })
            .await?;
        let content_type = response
            .headers()
            .get(graph_rs_sdk::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        Ok(AttachmentContent {
            content_type,
            length: response.content_length(),
            chunks: AttachmentChunks::new(response, permit),
        })
    }

    async fn set_unread(&self, id: &str, unread: bool) -> Result<(), MailError> {
        let what = format!("message {id}");
        let change = json!({"isRead": !unread});
        self.graph.done(&what, |client| client.me().message(id).update_messages(&change)).await
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<(), MailError> {
        match &message.reply_to {
            Some(id) => {
                let mut reply = json!({"comment": message.body});
                if !message.to.is_empty() || !message.cc.is_empty() {
                    reply["message"] = json!({
                        "toRecipients": recipients(&message.to),
                        "ccRecipients": recipients(&message.cc),
                    });
                }
                let what = format!("message {id}");
                self.graph.done(&what, |client| client.me().message(id).reply(&reply)).await
            }
            None => {
                let mail = json!({
                    "message": {
                        "subject": message.subject,
                        "body": {"contentType": "Text", "content": message.body},
                        "toRecipients": recipients(&message.to),
                        "ccRecipients": recipients(&message.cc),
                    },
                    "saveToSentItems": true,
                });
                self.graph.done("sendMail", |client| client.me().send_mail(&mail)).await
            }
        }
    }
}
