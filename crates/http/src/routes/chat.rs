//! Chat sources and channels of the caller. Another user's source or channel is a 404.

pub mod connect;
pub mod delete_source;
pub mod get_source;
pub mod list_channels;
pub mod list_sources;
pub mod oauth_slack_callback;
pub mod oauth_slack_start;
pub mod sync_source;
pub mod update_channel;
pub mod update_source;

use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId};

use crate::error::ApiError;
use crate::proto::v1;
use crate::routes::convert::time;

/// A source as the contract shows it (never its token).
pub fn source(s: &Source) -> v1::ChatSourceInfo {
    v1::ChatSourceInfo {
        id: s.id.to_string(),
        kind: s.provider.to_string(),
        base_url: s.base_url.clone(),
        status: s.status.as_str().to_owned(),
        external_user_name: s.external_user_name.clone(),
        team_name: s.team_name.clone(),
        last_sync_at: s.last_sync_at.map(time).unwrap_or_default(),
        last_error: s.last_error.clone().unwrap_or_default(),
        backfill_done: s.backfill_done,
        backfill_total: s.backfill_total,
        created_at: time(s.created_at),
        include_direct: s.include_direct,
    }
}

/// A channel as the contract shows it.
pub fn channel(c: &Channel) -> v1::ChatChannelInfo {
    v1::ChatChannelInfo {
        id: c.id.to_string(),
        source_id: c.source_id.to_string(),
        external_id: c.external_id.clone(),
        name: c.name.clone(),
        kind: c.kind.clone(),
        followed: c.followed,
        synced_until: c.synced_until.map(time).unwrap_or_default(),
        include_bots: c.include_bots,
    }
}

/// A source id from the path; one that does not parse is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn source_id(raw: &str) -> Result<SourceId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound("no such chat source".to_owned()))
}

/// A channel id from the path; one that does not parse is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn channel_id(raw: &str) -> Result<ChannelId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound("no such channel".to_owned()))
}
