//! Row structs of the chat tables and their conversion to domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId};
use switchboard_ports::StoreError;

use crate::schema::{chat_channels, chat_sources};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_sources)]
pub(super) struct SourceRow {
    pub(super) id: uuid::Uuid,
    pub(super) owner_id: uuid::Uuid,
    pub(super) provider: String,
    pub(super) base_url: String,
    pub(super) token_secret_id: uuid::Uuid,
    pub(super) external_user_id: String,
    pub(super) external_user_name: String,
    pub(super) team_name: String,
    pub(super) status: String,
    pub(super) last_sync_at: Option<DateTime<Utc>>,
    pub(super) last_error: Option<String>,
    pub(super) backfill_done: i32,
    pub(super) backfill_total: i32,
    pub(super) include_direct: bool,
    pub(super) created_at: DateTime<Utc>,
    pub(super) team_id: String,
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<&Source> for SourceRow {
    fn from(s: &Source) -> Self {
        Self {
            id: s.id.as_uuid(),
            owner_id: s.owner_id.as_uuid(),
            provider: s.provider.to_string(),
            base_url: s.base_url.clone(),
            token_secret_id: s.token_secret_id,
            external_user_id: s.external_user_id.clone(),
            external_user_name: s.external_user_name.clone(),
            team_name: s.team_name.clone(),
            status: s.status.as_str().to_owned(),
            last_sync_at: s.last_sync_at,
            last_error: s.last_error.clone(),
            backfill_done: count(s.backfill_done),
            backfill_total: count(s.backfill_total),
            include_direct: s.include_direct,
            created_at: s.created_at,
            team_id: s.team_id.clone(),
        }
    }
}

impl TryFrom<SourceRow> for Source {
    type Error = StoreError;

    fn try_from(r: SourceRow) -> Result<Self, StoreError> {
        let provider = match r.provider.as_str() {
            "slack" => ChatProvider::Slack,
            "mattermost" => ChatProvider::Mattermost,
            other => {
                return Err(StoreError::Other(format!("chat source {}: provider {other}", r.id)));
            }
        };
        Ok(Source {
            id: SourceId::from_uuid(r.id),
            owner_id: UserId::from_uuid(r.owner_id),
            provider,
            base_url: r.base_url,
            token_secret_id: r.token_secret_id,
            external_user_id: r.external_user_id,
            external_user_name: r.external_user_name,
            team_name: r.team_name,
            team_id: r.team_id,
            status: r.status.parse().map_err(StoreError::Other)?,
            last_sync_at: r.last_sync_at,
            last_error: r.last_error,
            backfill_done: u32::try_from(r.backfill_done).unwrap_or_default(),
            backfill_total: u32::try_from(r.backfill_total).unwrap_or_default(),
            include_direct: r.include_direct,
            created_at: r.created_at,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_channels)]
pub(super) struct ChannelRow {
    pub(super) id: uuid::Uuid,
    pub(super) source_id: uuid::Uuid,
    pub(super) owner_id: uuid::Uuid,
    pub(super) external_id: String,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) followed: bool,
    pub(super) include_bots: bool,
    pub(super) synced_until: Option<DateTime<Utc>>,
    pub(super) unreadable_since: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
}

impl From<&Channel> for ChannelRow {
    fn from(c: &Channel) -> Self {
        Self {
            id: c.id.as_uuid(),
            source_id: c.source_id.as_uuid(),
            owner_id: c.owner_id.as_uuid(),
            external_id: c.external_id.clone(),
            name: c.name.clone(),
            kind: c.kind.clone(),
            followed: c.followed,
            include_bots: c.include_bots,
            synced_until: c.synced_until,
            unreadable_since: c.unreadable_since,
            created_at: c.created_at,
        }
    }
}

impl From<ChannelRow> for Channel {
    fn from(r: ChannelRow) -> Self {
        Channel {
            id: ChannelId::from_uuid(r.id),
            source_id: SourceId::from_uuid(r.source_id),
            owner_id: UserId::from_uuid(r.owner_id),
            external_id: r.external_id,
            name: r.name,
            kind: r.kind,
            followed: r.followed,
            include_bots: r.include_bots,
            synced_until: r.synced_until,
            unreadable_since: r.unreadable_since,
            created_at: r.created_at,
        }
    }
}
