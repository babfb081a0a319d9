//! Chat sources, channels and posts of the caller. Another user's source, channel or post is a
//! 404.

pub mod connect;
pub mod delete_source;
pub mod get_post;
pub mod get_source;
pub mod list_channels;
pub mod list_posts;
pub mod list_sources;
pub mod oauth_slack_callback;
pub mod oauth_slack_start;
pub mod post_ref;
pub mod slack_events;
pub mod sync_source;
pub mod update_channel;
pub mod update_source;

use switchboard_domain::chat_posts::{PostSummary, PostThread, StoredPost};
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
        unreadable_since: c.unreadable_since.map(time).unwrap_or_default(),
    }
}

/// An author's name as shown: the provider's, else (a person it no longer knows, or never
/// named) the author id, so no post is shown without an author.
fn shown_author(name: Option<&str>, id: &str) -> String {
    name.filter(|n| !n.trim().is_empty()).unwrap_or(id).to_owned()
}

/// A post as pages show it.
pub fn post_summary(p: &PostSummary) -> v1::ChatPostSummary {
    v1::ChatPostSummary {
        id: post_ref::post_id(p.channel, &p.external_id),
        channel_id: p.channel.to_string(),
        external_id: p.external_id.clone(),
        author_id: p.author_id.clone(),
        author_name: shown_author(p.author_name.as_deref(), &p.author_id),
        text: p.text.clone(),
        truncated: p.truncated,
        posted_at: time(p.posted_at),
        edited_at: p.edited_at.map(time).unwrap_or_default(),
        thread_root: p.thread_root.clone().unwrap_or_default(),
        thread: p.thread.as_ref().map(|t| v1::ChatThreadActivity {
            replies: t.replies,
            latest_reply_at: time(t.latest_reply_at),
            latest: t
                .latest
                .iter()
                .map(|r| v1::ChatReplySummary {
                    id: post_ref::post_id(r.channel, &r.external_id),
                    external_id: r.external_id.clone(),
                    author_id: r.author_id.clone(),
                    author_name: shown_author(r.author_name.as_deref(), &r.author_id),
                    text: r.text.clone(),
                    truncated: r.truncated,
                    posted_at: time(r.posted_at),
                    edited_at: r.edited_at.map(time).unwrap_or_default(),
                })
                .collect(),
        }),
    }
}

/// A post in full.
pub fn post(p: &StoredPost) -> v1::ChatPost {
    v1::ChatPost {
        id: post_ref::post_id(p.channel, &p.external_id),
        channel_id: p.channel.to_string(),
        external_id: p.external_id.clone(),
        author_id: p.author_id.clone(),
        author_name: shown_author(p.author_name.as_deref(), &p.author_id),
        text: p.text.clone(),
        posted_at: time(p.posted_at),
        edited_at: p.edited_at.map(time).unwrap_or_default(),
        thread_root: p.thread_root.clone().unwrap_or_default(),
    }
}

/// A post with its thread.
pub fn post_thread(t: &PostThread) -> v1::ChatPostThread {
    v1::ChatPostThread {
        post: Some(post(&t.post)),
        root: t.root.as_ref().map(post),
        reply_count: t.reply_count,
        replies: t.replies.posts.iter().map(post_summary).collect(),
        next_cursor: t.replies.next.as_ref().map(post_ref::cursor).unwrap_or_default(),
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
