//! Row structs of the mail tables and their conversion to domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    FolderKind, FolderRole, MailAccount, MailAccountId, MailAddress, MailFolder, MailFolderId,
    MailMessageId, MessageBody, MessageSummary, StoredMessage, SyncProgress,
};
use switchboard_ports::StoreError;

use crate::schema::{mail_accounts, mail_folders, mail_messages};

/// A count as stored: PostgreSQL has no unsigned integers.
fn stored(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn counted(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_accounts)]
pub(super) struct AccountRow {
    pub(super) id: uuid::Uuid,
    pub(super) user_id: uuid::Uuid,
    pub(super) provider: String,
    pub(super) provider_account_id: String,
    pub(super) address: String,
    pub(super) display_name: String,
    pub(super) status: String,
    pub(super) stored: i64,
    pub(super) total: Option<i64>,
    pub(super) last_sync_at: Option<DateTime<Utc>>,
    pub(super) last_error: Option<String>,
    pub(super) created_at: DateTime<Utc>,
}

impl From<&MailAccount> for AccountRow {
    fn from(a: &MailAccount) -> Self {
        Self {
            id: a.id.as_uuid(),
            user_id: a.user_id.as_uuid(),
            provider: a.provider.as_str().to_owned(),
            provider_account_id: a.provider_account_id.clone(),
            address: a.address.clone(),
            display_name: a.display_name.clone(),
            status: a.status.as_str().to_owned(),
            stored: stored(a.progress.stored),
            total: a.progress.total.map(stored),
            last_sync_at: a.last_sync_at,
            last_error: a.last_error.clone(),
            created_at: a.created_at,
        }
    }
}

impl TryFrom<AccountRow> for MailAccount {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        let broken = |what: String| StoreError::Other(format!("mail account {}: {what}", r.id));
        Ok(MailAccount {
            id: MailAccountId::from_uuid(r.id),
            user_id: UserId::from_uuid(r.user_id),
            provider: r.provider.parse().map_err(|e| broken(format!("{e:?}")))?,
            provider_account_id: r.provider_account_id,
            address: r.address,
            display_name: r.display_name,
            status: r.status.parse().map_err(|e| broken(format!("{e:?}")))?,
            progress: SyncProgress { stored: counted(r.stored), total: r.total.map(counted) },
            last_sync_at: r.last_sync_at,
            last_error: r.last_error,
            created_at: r.created_at,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_folders)]
pub(super) struct FolderRow {
    pub(super) id: uuid::Uuid,
    pub(super) account_id: uuid::Uuid,
    pub(super) provider_id: String,
    pub(super) parent_id: Option<uuid::Uuid>,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) role: Option<String>,
    pub(super) total: Option<i64>,
    pub(super) unread: Option<i64>,
    pub(super) sync_cursor: Option<String>,
}

impl From<&MailFolder> for FolderRow {
    fn from(f: &MailFolder) -> Self {
        Self {
            id: f.id.as_uuid(),
            account_id: f.account_id.as_uuid(),
            provider_id: f.provider_id.clone(),
            parent_id: f.parent_id.map(|p| p.as_uuid()),
            name: f.name.clone(),
            kind: f.kind.as_str().to_owned(),
            role: f.role.map(|r| r.as_str().to_owned()),
            total: f.total.map(stored),
            unread: f.unread.map(stored),
            sync_cursor: f.sync_cursor.clone(),
        }
    }
}

impl TryFrom<FolderRow> for MailFolder {
    type Error = StoreError;

    fn try_from(r: FolderRow) -> Result<Self, StoreError> {
        let broken = |what: &str| StoreError::Other(format!("mail folder {}: {what}", r.id));
        let kind = FolderKind::parse(&r.kind).ok_or_else(|| broken(&r.kind))?;
        let role = match r.role.as_deref() {
            Some(role) => Some(FolderRole::parse(role).ok_or_else(|| broken(role))?),
            None => None,
        };
        Ok(MailFolder {
            id: MailFolderId::from_uuid(r.id),
            account_id: MailAccountId::from_uuid(r.account_id),
            provider_id: r.provider_id,
            parent_id: r.parent_id.map(MailFolderId::from_uuid),
            name: r.name,
            kind,
            role,
            total: r.total.map(counted),
            unread: r.unread.map(counted),
            sync_cursor: r.sync_cursor,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_messages)]
pub(super) struct MessageRow {
    pub(super) id: uuid::Uuid,
    pub(super) account_id: uuid::Uuid,
    pub(super) provider_id: String,
    pub(super) thread_key: String,
    pub(super) subject: String,
    pub(super) from_name: Option<String>,
    pub(super) from_address: Option<String>,
    pub(super) to_addresses: serde_json::Value,
    pub(super) cc_addresses: serde_json::Value,
    pub(super) received_at: DateTime<Utc>,
    pub(super) sent_at: Option<DateTime<Utc>>,
    pub(super) unread: bool,
    pub(super) has_attachments: bool,
    pub(super) snippet: String,
    pub(super) internet_message_id: Option<String>,
    pub(super) body_text: Option<String>,
    pub(super) body_html: Option<String>,
    pub(super) attachments: serde_json::Value,
}

fn addresses(list: &[MailAddress]) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(list).map_err(|e| StoreError::Other(format!("mail addresses: {e}")))
}

impl MessageRow {
    pub(super) fn new(m: &StoredMessage) -> Result<Self, StoreError> {
        let body = m.body.as_ref();
        Ok(Self {
            id: m.id.as_uuid(),
            account_id: m.account_id.as_uuid(),
            provider_id: m.provider_id.clone(),
            thread_key: m.thread_key.clone(),
            subject: m.subject.clone(),
            from_name: m.from.as_ref().and_then(|f| f.name.clone()),
            from_address: m.from.as_ref().map(|f| f.address.clone()),
            to_addresses: addresses(&m.to)?,
            cc_addresses: addresses(&m.cc)?,
            received_at: m.received_at,
            sent_at: m.sent_at,
            unread: m.unread,
            has_attachments: m.has_attachments,
            snippet: m.snippet.clone(),
            internet_message_id: m.internet_message_id.clone(),
            body_text: body.and_then(|b| b.text.clone()),
            body_html: body.and_then(|b| b.html.clone()),
            attachments: serde_json::to_value(&m.attachments)
                .map_err(|e| StoreError::Other(format!("mail attachments: {e}")))?,
        })
    }

    /// The message, in the folders given.
    pub(super) fn message(
        self,
        folder_ids: Vec<MailFolderId>,
    ) -> Result<StoredMessage, StoreError> {
        let id = self.id;
        let broken = |e: serde_json::Error| StoreError::Other(format!("mail message {id}: {e}"));
        let to = serde_json::from_value(self.to_addresses).map_err(broken)?;
        let cc = serde_json::from_value(self.cc_addresses).map_err(broken)?;
        let attachments = serde_json::from_value(self.attachments).map_err(broken)?;
        let from = self.from_address.map(|address| MailAddress { name: self.from_name, address });
        let body = (self.body_text.is_some() || self.body_html.is_some())
            .then_some(MessageBody { text: self.body_text, html: self.body_html });
        Ok(StoredMessage {
            id: MailMessageId::from_uuid(self.id),
            account_id: MailAccountId::from_uuid(self.account_id),
            provider_id: self.provider_id,
            thread_key: self.thread_key,
            folder_ids,
            subject: self.subject,
            from,
            to,
            cc,
            received_at: self.received_at,
            sent_at: self.sent_at,
            unread: self.unread,
            has_attachments: self.has_attachments,
            snippet: self.snippet,
            internet_message_id: self.internet_message_id,
            body,
            attachments,
        })
    }
}

/// What a page of messages reads of each: no recipients, bodies or attachments.
#[derive(Queryable, Selectable)]
#[diesel(table_name = mail_messages)]
pub(super) struct SummaryRow {
    pub(super) id: uuid::Uuid,
    pub(super) account_id: uuid::Uuid,
    pub(super) thread_key: String,
    pub(super) subject: String,
    pub(super) from_name: Option<String>,
    pub(super) from_address: Option<String>,
    pub(super) received_at: DateTime<Utc>,
    pub(super) unread: bool,
    pub(super) has_attachments: bool,
    pub(super) snippet: String,
}

impl SummaryRow {
    pub(super) fn summary(self, folder_ids: Vec<MailFolderId>) -> MessageSummary {
        MessageSummary {
            id: MailMessageId::from_uuid(self.id),
            account_id: MailAccountId::from_uuid(self.account_id),
            thread_key: self.thread_key,
            folder_ids,
            subject: self.subject,
            from: self.from_address.map(|address| MailAddress { name: self.from_name, address }),
            received_at: self.received_at,
            unread: self.unread,
            has_attachments: self.has_attachments,
            snippet: self.snippet,
        }
    }
}
