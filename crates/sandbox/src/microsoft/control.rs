//! The sandbox's Rust API for its Microsoft side: what was generated, changes to mailboxes
//! (stamped with the sandbox clock), tokens minted directly, and the identity platform's and
//! Graph's fault switches.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::identity::{Client, RefreshState, TokenFault, mint_access};
use crate::control::{micros, seconds};
use crate::data::mail::{Address, Attachment, Mailbox, Message, Tenant};
use crate::faults::{Api, Target};
use crate::{MICROSOFT_CLIENT_ID, MICROSOFT_MOBILE_CLIENT_ID, Sandbox, SandboxError};

/// A generated mailbox, with the topics planted in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxInfo {
    /// The address (`mail` and `userPrincipalName`).
    pub address: String,
    /// The owner's display name.
    pub display_name: String,
    /// The owner's object id (`oid`, Graph's user `id`).
    pub user_id: String,
    /// Live messages, in every folder.
    pub messages: usize,
    /// Phrases the mailbox's threads revolve around over the whole history.
    pub topics: Vec<String>,
    /// Phrases that appear only in the last two days before `now`.
    pub hot_topics: Vec<String>,
}

/// A mail folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailFolderInfo {
    /// Graph's folder id.
    pub id: String,
    /// `displayName`.
    pub display_name: String,
    /// Graph's well-known name (`inbox`, `sentitems`, …), when it has one.
    pub well_known: Option<String>,
    /// The parent folder's id; `None` at the top level.
    pub parent_id: Option<String>,
    /// Live messages in the folder.
    pub total: usize,
    /// Unread ones among them.
    pub unread: usize,
}

/// A message, as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessageInfo {
    /// Graph's (immutable) message id.
    pub id: String,
    /// The folder's id.
    pub folder_id: String,
    /// `subject`.
    pub subject: String,
    /// The sender's address.
    pub from: String,
    /// `receivedDateTime`.
    pub received_at: DateTime<Utc>,
    /// `isRead`.
    pub is_read: bool,
    /// `conversationId`.
    pub conversation_id: String,
    /// Attachments: `(id, name, size in bytes)`.
    pub attachments: Vec<(String, String, u64)>,
}

/// A message to deliver after start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewMail {
    /// The mailbox's address or object id; the demo mailbox when empty.
    pub mailbox: String,
    /// Folder id or well-known name; `inbox` when empty.
    pub folder: String,
    /// `subject`.
    pub subject: String,
    /// The sender's display name and address; a generated colleague when empty.
    pub from_name: String,
    /// See `from_name`.
    pub from_address: String,
    /// The body; HTML when `html` is set.
    pub body: String,
    /// Whether `body` is HTML.
    pub html: bool,
    /// Attach a generated PDF of this many bytes.
    pub attachment_bytes: Option<u64>,
    /// The id of a message this one answers: same conversation, `In-Reply-To` its id.
    pub reply_to: Option<String>,
}

fn mailbox_index(tenant: &Tenant, key: &str) -> Result<usize, SandboxError> {
    if key.is_empty() {
        return Ok(0);
    }
    tenant.mailbox_index(key).ok_or_else(|| SandboxError::UnknownMailbox(key.to_owned()))
}

fn message_index(mailbox: &Mailbox, id: &str) -> Result<usize, SandboxError> {
    mailbox.message_index(id).ok_or_else(|| SandboxError::UnknownMessage(id.to_owned()))
}

fn folder_index(mailbox: &Mailbox, key: &str) -> Result<usize, SandboxError> {
    mailbox.folder_index(key).ok_or_else(|| SandboxError::UnknownFolder(key.to_owned()))
}

fn message_info(mailbox: &Mailbox, m: &Message) -> MailMessageInfo {
    MailMessageInfo {
        id: m.id.clone(),
        folder_id: m.folder.map(|f| mailbox.folders[f].id.clone()).unwrap_or_default(),
        subject: m.subject.clone(),
        from: m.from.address.clone(),
        received_at: micros(m.received_us),
        is_read: m.is_read,
        conversation_id: m.conversation_id.clone(),
        attachments: m.attachments.iter().map(|a| (a.id.clone(), a.name.clone(), a.size)).collect(),
    }
}

impl Sandbox {
    /// The Microsoft tenant's id (`tid`).
    pub fn microsoft_tenant_id(&self) -> String {
        self.store.read().microsoft.id.clone()
    }

    /// Every Microsoft mailbox; the demo user's first.
    pub fn mailboxes(&self) -> Vec<MailboxInfo> {
        let state = self.store.read();
        state
            .microsoft
            .mailboxes
            .iter()
            .map(|m| MailboxInfo {
                address: m.address.clone(),
                display_name: m.display_name.clone(),
                user_id: m.user_id.clone(),
                messages: m.messages.iter().filter(|x| x.folder.is_some()).count(),
                topics: m.topics.clone(),
                hot_topics: m.hot_topics.clone(),
            })
            .collect()
    }

    /// The folders of a mailbox (address or object id), top-level ones first.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn mail_folders(&self, mailbox: &str) -> Result<Vec<MailFolderInfo>, SandboxError> {
        let state = self.store.read();
        let m = &state.microsoft.mailboxes[mailbox_index(&state.microsoft, mailbox)?];
        Ok(m.folders
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (total, unread) = m
                    .in_folder(i)
                    .fold((0, 0), |(t, u), (_, x)| (t + 1, u + usize::from(!x.is_read)));
                MailFolderInfo {
                    id: f.id.clone(),
                    display_name: f.display_name.clone(),
                    well_known: f.well_known.map(str::to_owned),
                    parent_id: f.parent.map(|p| m.folders[p].id.clone()),
                    total,
                    unread,
                }
            })
            .collect())
    }

    /// The live messages of a mailbox, or of one of its folders (id or well-known name),
    /// newest first.
    ///
    /// # Errors
    /// Unknown mailbox or folder.
    pub fn mail_messages(
        &self,
        mailbox: &str,
        folder: Option<&str>,
    ) -> Result<Vec<MailMessageInfo>, SandboxError> {
        let state = self.store.read();
        let m = &state.microsoft.mailboxes[mailbox_index(&state.microsoft, mailbox)?];
        let folder = folder.map(|f| folder_index(m, f)).transpose()?;
        let mut found: Vec<&Message> = m
            .messages
            .iter()
            .filter(|x| x.folder.is_some() && (folder.is_none() || x.folder == folder))
            .collect();
        found.sort_by(|a, b| (b.received_us, &b.id).cmp(&(a.received_us, &a.id)));
        Ok(found.into_iter().map(|x| message_info(m, x)).collect())
    }

    /// Delivers a message now.
    ///
    /// # Errors
    /// Unknown mailbox, folder or replied-to message.
    pub fn add_mail(&self, mail: NewMail) -> Result<MailMessageInfo, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let tenant = &mut state.microsoft;
        let index = mailbox_index(tenant, &mail.mailbox)?;
        let (id, conversation, internet_id, attachment) = (
            tenant.ids.message(),
            tenant.ids.conversation(),
            tenant.ids.internet_message_id(&tenant.domain),
            (tenant.ids.attachment(), tenant.ids.seed()),
        );
        let m = &mut tenant.mailboxes[index];
        let folder = folder_index(m, if mail.folder.is_empty() { "inbox" } else { &mail.folder })?;
        let (conversation, in_reply_to, subject) = match &mail.reply_to {
            Some(parent) => {
                let p = &m.messages[message_index(m, parent)?];
                (
                    p.conversation_id.clone(),
                    Some(p.internet_message_id.clone()),
                    if mail.subject.is_empty() {
                        format!("RE: {}", p.subject)
                    } else {
                        mail.subject.clone()
                    },
                )
            }
            None => (conversation, None, mail.subject.clone()),
        };
        let from = if mail.from_address.is_empty() {
            Address {
                name: "Søren Kjær".to_owned(), address: "soren.kjaer@dtu.example".to_owned()
            }
        } else {
            Address {
                name: if mail.from_name.is_empty() {
                    mail.from_address.clone()
                } else {
                    mail.from_name.clone()
                },
                address: mail.from_address.clone(),
            }
        };
        let to = vec![Address { name: m.display_name.clone(), address: m.address.clone() }];
        let attachments = mail
            .attachment_bytes
            .map(|size| Attachment {
                id: attachment.0,
                name: "document.pdf".to_owned(),
                content_type: "application/pdf",
                size,
                seed: attachment.1,
                inline: false,
            })
            .into_iter()
            .collect();
        let message = Message {
            id,
            folder: Some(folder),
            conversation_id: conversation,
            internet_message_id: internet_id,
            in_reply_to,
            subject,
            from,
            to,
            cc: Vec::new(),
            sent_us: at,
            received_us: at,
            created_us: at,
            modified_us: at,
            changed_seq: 0,
            is_read: false,
            is_draft: false,
            importance: "normal",
            body: mail.body,
            html: mail.html,
            attachments,
        };
        let added = m.add(message);
        Ok(message_info(m, &m.messages[added]))
    }

    /// Moves a message to another folder now (to `deleteditems` for a soft delete).
    ///
    /// # Errors
    /// Unknown mailbox, message or folder.
    pub fn move_mail(
        &self,
        mailbox: &str,
        message_id: &str,
        folder: &str,
    ) -> Result<MailMessageInfo, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        let folder = folder_index(m, folder)?;
        m.move_to(message, folder, at);
        Ok(message_info(m, &m.messages[message]))
    }

    /// Deletes a message for good, now.
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn delete_mail(&self, mailbox: &str, message_id: &str) -> Result<(), SandboxError> {
        let mut state = self.store.write();
        state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        m.delete(message);
        Ok(())
    }

    /// Marks a message read or unread, now.
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn mark_mail(
        &self,
        mailbox: &str,
        message_id: &str,
        read: bool,
    ) -> Result<MailMessageInfo, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        m.set_read(message, read, at);
        Ok(message_info(m, &m.messages[message]))
    }

    /// A Graph access token for a mailbox with these (space-separated) scopes, as the token
    /// endpoint would issue it to [`MICROSOFT_CLIENT_ID`].
    ///
    /// # Errors
    /// Unknown mailbox, or the signing key failed.
    pub fn microsoft_access_token(
        &self,
        mailbox: &str,
        scopes: &str,
    ) -> Result<String, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        mint_access(
            &self.store,
            index,
            super::identity::GRAPH_AUDIENCE,
            MICROSOFT_CLIENT_ID,
            scopes,
            None,
        )
        .map(|(token, _)| token)
        .map_err(|e| SandboxError::Signing(e.to_string()))
    }

    /// What Microsoft would give a mobile app ([`MICROSOFT_MOBILE_CLIENT_ID`]) that signed the
    /// user in for an API: an access token whose audience is `audience` (default
    /// [`MICROSOFT_CLIENT_ID`], the API's app), scope `access_as_user`, valid for
    /// `expires_in` seconds (negative: already expired). The assertion of On-Behalf-Of.
    ///
    /// # Errors
    /// Unknown mailbox, or the signing key failed.
    pub fn microsoft_assertion(
        &self,
        mailbox: &str,
        audience: Option<&str>,
        expires_in: i64,
    ) -> Result<String, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        let audience = audience.unwrap_or(MICROSOFT_CLIENT_ID);
        mint_access(
            &self.store,
            index,
            audience,
            MICROSOFT_MOBILE_CLIENT_ID,
            "access_as_user",
            Some(expires_in),
        )
        .map(|(token, _)| token)
        .map_err(|e| SandboxError::Signing(e.to_string()))
    }

    /// Registers a Microsoft app with its secret and redirect URIs (loopback ones are always
    /// accepted, on any port).
    pub fn add_microsoft_client(
        &self,
        client_id: &str,
        client_secret: &str,
        redirect_uris: &[&str],
    ) {
        self.store.identity().clients.insert(
            client_id.to_owned(),
            Client {
                secret: client_secret.to_owned(),
                name: client_id.to_owned(),
                redirect_uris: redirect_uris.iter().map(|u| (*u).to_owned()).collect(),
            },
        );
    }

    /// Revokes every grant of a mailbox: its refresh tokens answer `invalid_grant`
    /// (AADSTS50173) from now on; access tokens already issued live until they expire.
    /// Returns how many refresh tokens were live.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn revoke_microsoft_grants(&self, mailbox: &str) -> Result<usize, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        Ok(self.store.identity().revoke(index))
    }

    /// The next `requests` refresh-token and On-Behalf-Of grants answer `fault`. Zero lifts it.
    pub fn force_microsoft_error(&self, fault: TokenFault, requests: u32) {
        self.store.identity().forced = (requests > 0).then_some((fault, requests));
    }

    /// The next `requests` authorizations are declined by the user (`access_denied`).
    pub fn deny_microsoft_authorizations(&self, requests: u32) {
        self.store.identity().deny = requests;
    }

    /// Every access token issued so far expires now: Graph answers 401
    /// `InvalidAuthenticationToken`. Returns how many there were.
    pub fn expire_microsoft_access_tokens(&self) -> usize {
        let mut identity = self.store.identity();
        identity.access.values_mut().for_each(|issued| issued.expired = true);
        identity.access.len()
    }

    /// Every live refresh token expires (AADSTS700082, inactivity). Returns how many.
    pub fn expire_microsoft_refresh_tokens(&self) -> usize {
        let mut identity = self.store.identity();
        let mut count = 0;
        for refresh in identity.refresh.values_mut().filter(|r| r.state == RefreshState::Live) {
            refresh.state = RefreshState::Expired;
            count += 1;
        }
        count
    }

    /// The lifetime of access tokens issued from now on (`expires_in`; default one hour).
    pub fn set_microsoft_token_lifetime(&self, lifetime: Duration) {
        self.store.identity().token_lifetime = lifetime;
    }

    /// How long authorization codes handed out from now on stay valid (default ten minutes).
    pub fn set_microsoft_code_ttl(&self, ttl: Duration) {
        self.store.identity().code_ttl = ttl;
    }

    /// The next `requests` Graph requests, whatever their token, answer 429 `TooManyRequests`
    /// with `Retry-After` (whole seconds, rounded up). Zero lifts it. A single token is
    /// throttled with [`Sandbox::throttle_token`].
    pub fn throttle_graph(&self, requests: u32, retry_after: Duration) {
        self.store.faults().throttle(Target::Api(Api::Graph), 0, requests, seconds(retry_after));
    }

    /// Forgets every delta round and token: their next use answers 410 `syncStateNotFound`.
    /// Returns how many there were.
    pub fn expire_delta_tokens(&self) -> usize {
        self.store.graph().forget()
    }

    /// Graph requests served so far (429s included).
    pub fn graph_requests(&self) -> u64 {
        self.store.faults().requests(Api::Graph)
    }
}
